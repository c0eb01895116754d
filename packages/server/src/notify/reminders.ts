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
import { formatLocalDateTime } from '../plugins/mail.js';
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

const HOW = {
  Video: 'video appointment',
  Telephone: 'telephone appointment',
  'In-person': 'appointment at the practice',
} as const;

/** The reminder's e-mail and SMS. `checkUrl` for the early ones, `joinUrl` for the last video one. */
export function composeReminder(
  appointment: AppointmentRow,
  links: {
    checkUrl?: string | undefined;
    joinUrl?: string | undefined;
    joinLater: boolean;
    manageUrl?: string | undefined;
  },
): ReminderContent {
  const patient = stripBidi(displayName(appointment.patient_details.name[0])) || 'patient';
  const practitioner = stripBidi(displayName(appointment.practitioner_name));
  const service = stripBidi(appointment.service_display);
  const when = formatLocalDateTime(appointment.start_at, appointment.time_zone);
  const end = formatLocalDateTime(appointment.end_at, appointment.time_zone);
  const how = HOW[appointment.channel];
  const lines = [
    `Dear ${patient},`,
    '',
    `This is a reminder of your ${how}.`,
    '',
    `  With:        ${practitioner} (${service})`,
    `  When:        ${when.date}, ${when.time} to ${end.time} (${when.zone})`,
    `  Reference:   ${appointment.booking_reference}`,
  ];
  if (links.joinUrl) lines.push(`  Join:        ${links.joinUrl}`);
  if (links.joinUrl) {
    lines.push(
      '',
      'Open the link shortly before your appointment, on a phone, tablet or computer with a camera.',
      'It works once, on one device. No app or account is needed. Any link you were sent before still works.',
    );
  }
  if (links.checkUrl) {
    lines.push(
      '',
      'Test your camera and microphone now, on the device you will use, so that everything works on the day:',
      links.checkUrl,
    );
    if (links.joinLater) lines.push('', 'We will send you the link to join shortly before the appointment.');
  }
  if (appointment.channel === 'Telephone') lines.push('', 'The practice will call you at this time.');
  if (links.manageUrl) {
    lines.push('', 'If you can no longer come, please cancel or choose another time here:', links.manageUrl);
  }
  lines.push(
    '',
    `${links.manageUrl ? 'Or use' : 'If you can no longer come, please cancel with'} your booking reference ${appointment.booking_reference} on the`,
    'practice website, or call the practice, so that someone else can have the time.',
  );
  // An SMS is short: who, when, and the one link that matters now.
  const short = formatShort(appointment.start_at, appointment.time_zone);
  let sms = `Reminder: ${how} with ${practitioner} on ${short}.`;
  if (links.joinUrl) sms += ` Join: ${links.joinUrl}`;
  else if (links.checkUrl) sms += ` Test your camera and microphone now: ${links.checkUrl}`;
  else if (appointment.channel === 'Telephone') sms += ' The practice will call you.';
  sms += ` Ref ${appointment.booking_reference}`;
  return {
    email: { subject: `Reminder: your ${how} on ${when.date} at ${when.time}`, text: `${lines.join('\n')}\n` },
    sms,
  };
}

/** `Tue 3 Mar at 09:00` in the practice's zone. */
function formatShort(date: Date, timeZone: string): string {
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
  return `${parts['weekday']} ${parts['day']} ${parts['month']} at ${parts['hour']}:${parts['minute']}`;
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
