/**
 * Reminders (docs/notifications.md): jobs planned when an appointment is confirmed, cancelled with
 * it, re-planned when it moves, each in the changing transaction. A reminder job checks again when
 * it runs (still booked, still at the planned time, not yet started) and queues its messages by
 * the patient's contact preference, in the transaction that completes it.
 *
 * Every reminder but the last carries the link to the device check (`/check`); the last one (1 h
 * before, by default) carries a fresh join link for a video appointment. Issuing it revokes
 * nothing: the link from the confirmation still works.
 */
import { BookingRepository, type AppointmentRow, type ContactPreference } from '../booking/repository.js';
import { displayName } from '../booking/service.js';
import { field, formatLocalDateTime } from '../plugins/mail.js';
import { mailWords } from '../i18n/mail-words.js';
import { matchLocale, withLanguage, type ServerLocale } from '../i18n/locales.js';
import type { SqlExecutor, Storage } from '../storage/index.js';
import { stripBidi } from '@consultkit/core/contract';
import { cancelJobs, enqueue, JobQueue, type JobRow } from './queue.js';

export const REMINDER = 'reminder';
/** The job that marks a booked appointment nobody attended as a no-show (notify/attendance.ts). */
export const ATTENDANCE = 'attendance';

export interface RemindersOptions {
  storage: Storage;
  /** Minutes before the start, largest first (`CONSULTKIT_REMINDERS`). */
  minutes: readonly number[];
  now: () => number;
  /** The server's public base URL (the device-check page is `{base}/check`). */
  baseUrl: () => string;
  /** A fresh patient join link for a video appointment, issued in `tx`. */
  joinLink: (appointment: AppointmentRow, tx: SqlExecutor) => Promise<string | undefined>;
  /** Minutes after the end when a booked appointment nobody attended becomes a no-show; undefined: never. */
  noShowAfterMinutes?: number | undefined;
  /** The patient's signed "manage your booking" link (in the e-mail; an SMS stays short). */
  manageLink?: ((appointment: AppointmentRow) => string) | undefined;
}

interface ReminderPayload {
  minutes: number;
  /** The start the reminder was planned for (ISO): a moved appointment's old reminders do nothing. */
  start: string;
  /** The last reminder: it carries the join link. */
  last: boolean;
}

export interface ReminderContent {
  email: { subject: string; text: string };
  sms: string;
}

/** The reminder's e-mail and SMS, in the patient's language. `checkUrl` for the early ones, `joinUrl` for the last video one. */
export function composeReminder(
  appointment: AppointmentRow,
  links: {
    checkUrl?: string | undefined;
    joinUrl?: string | undefined;
    joinLater: boolean;
    manageUrl?: string | undefined;
  },
): ReminderContent {
  const locale = matchLocale(appointment.patient_details.language);
  const w = mailWords(locale);
  const patient = stripBidi(displayName(appointment.patient_details.name[0]));
  const practitioner = stripBidi(displayName(appointment.practitioner_name));
  const service = stripBidi(appointment.service_display);
  const when = formatLocalDateTime(appointment.start_at, appointment.time_zone, locale);
  const end = formatLocalDateTime(appointment.end_at, appointment.time_zone, locale);
  const how = w.kinds[appointment.channel];
  const joinUrl = links.joinUrl && withLanguage(links.joinUrl, locale);
  const lines = [
    w.dear(patient),
    '',
    w.reminderOf(how),
    '',
    field(w.labels.with, `${practitioner} (${service})`),
    field(w.labels.when, w.range(when.date, when.time, end.time, when.zone)),
    field(w.labels.reference, appointment.booking_reference),
  ];
  if (joinUrl) lines.push(field(w.labels.join, joinUrl), '', w.reminderJoinHelp);
  if (links.checkUrl) {
    lines.push('', w.testNow, links.checkUrl);
    if (links.joinLater) lines.push('', w.linkLater);
  }
  if (appointment.channel === 'Telephone') lines.push('', w.willCall);
  if (links.manageUrl) lines.push('', w.cancelHere, links.manageUrl);
  lines.push('', w.reminderReference(appointment.booking_reference, !!links.manageUrl));
  // An SMS is short: who, when, and the one link that matters now.
  let sms = w.smsReminder(how, practitioner, formatShort(appointment.start_at, appointment.time_zone, locale));
  if (joinUrl) sms += w.smsJoin(joinUrl);
  else if (links.checkUrl) sms += w.smsTest(links.checkUrl);
  else if (appointment.channel === 'Telephone') sms += w.smsWillCall;
  sms += w.smsReference(appointment.booking_reference);
  return {
    email: { subject: w.subjectReminder(how, when.date, when.time), text: `${lines.join('\n')}\n` },
    sms,
  };
}

/** `Tue 3 Mar at 09:00` in the practice's zone (the locale's own short date elsewhere). */
function formatShort(date: Date, timeZone: string, locale: ServerLocale): string {
  const parts: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date)) {
    parts[part.type] = part.value;
  }
  const time = `${parts['hour']}:${parts['minute']}`;
  const day =
    locale === 'en-GB'
      ? `${parts['weekday']} ${parts['day']} ${parts['month']}`
      : new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(date);
  return mailWords(locale).shortAt(day, time);
}

export class Reminders {
  constructor(private readonly options: RemindersOptions) {}

  /**
   * The booking service's hook, inside the change's transaction: reminders planned for the old
   * state are cancelled; a booked appointment (just confirmed, or moved) gets its reminders for
   * the new time. Reminders whose time has passed are not planned.
   */
  readonly plan = async (appointment: AppointmentRow, previous: AppointmentRow, tx: SqlExecutor): Promise<void> => {
    const moved = appointment.start_at.getTime() !== previous.start_at.getTime();
    if (!moved && appointment.status === previous.status) return;
    const now = new Date(this.options.now());
    await cancelJobs(tx, appointment.id, REMINDER, now);
    await cancelJobs(tx, appointment.id, ATTENDANCE, now);
    if (appointment.status !== 'booked') return;
    if (this.options.noShowAfterMinutes !== undefined) {
      const runAt = new Date(appointment.end_at.getTime() + this.options.noShowAfterMinutes * 60_000);
      const payload = { end: appointment.end_at.toISOString() };
      await enqueue(tx, { kind: ATTENDANCE, runAt, appointmentId: appointment.id, payload }, now);
    }
    const last = Math.min(...this.options.minutes);
    for (const minutes of this.options.minutes) {
      const runAt = new Date(appointment.start_at.getTime() - minutes * 60_000);
      if (runAt.getTime() <= now.getTime()) continue;
      const payload: ReminderPayload = { minutes, start: appointment.start_at.toISOString(), last: minutes === last };
      await enqueue(tx, { kind: REMINDER, runAt, appointmentId: appointment.id, payload: { ...payload } }, now);
    }
  };

  /** The `reminder` job: queues the messages, or nothing when the appointment has moved on. */
  readonly handle = async (job: JobRow): Promise<void> => {
    await this.options.storage.transaction(async (tx) => {
      const now = new Date(this.options.now());
      const repo = new BookingRepository(tx);
      const payload = job.payload as unknown as ReminderPayload;
      const appointment =
        job.appointment_id === null ? undefined : await repo.appointment(job.appointment_id, { lock: true });
      const current =
        appointment?.status === 'booked' &&
        appointment.start_at.toISOString() === payload.start &&
        appointment.start_at.getTime() > now.getTime();
      if (appointment && current) await this.queueMessages(repo, appointment, payload, now);
      if (!(await JobQueue.complete(tx, job, now))) {
        throw new Error('the reminder was cancelled or taken over while it ran');
      }
    });
  };

  private async queueMessages(
    repo: BookingRepository,
    appointment: AppointmentRow,
    payload: ReminderPayload,
    now: Date,
  ): Promise<void> {
    const video = appointment.channel === 'Video';
    const joinUrl = video && payload.last ? await this.options.joinLink(appointment, repo.db) : undefined;
    const checkUrl = video && !payload.last ? `${this.options.baseUrl()}/check` : undefined;
    const content = composeReminder(appointment, {
      joinUrl,
      checkUrl,
      joinLater: this.options.minutes.length > 1,
      manageUrl: this.options.manageLink?.(appointment),
    });
    const preference: ContactPreference = appointment.patient_details.contactPreference ?? 'email';
    const phone = appointment.patient_details.phone;
    if (preference !== 'sms' || !phone) {
      await repo.queueMail({
        appointmentId: appointment.id,
        to: appointment.patient_details.email,
        subject: content.email.subject,
        body: content.email.text,
        now,
      });
    }
    if (preference !== 'email' && phone) {
      await repo.queueMail({
        appointmentId: appointment.id,
        channel: 'sms',
        to: phone,
        subject: content.email.subject,
        body: content.sms,
        now,
      });
    }
  }
}
