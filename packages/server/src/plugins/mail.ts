/**
 * Mail: the outbox. Messages the server sends are queued in `mail_outbox` in the same transaction
 * as the change that causes them (a confirmed booking), and staff can read them at
 * `GET /api/outbox`, which the examples show.
 *
 * Each message is delivered by a job (src/notify, docs/notifications.md): `GET /api/outbox` and
 * `GET /api/outbox/{id}` show its state (queued, sending, sent, failed and why, held).
 */
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import type { BookingRepository } from '../booking/repository.js';
import type { ConfirmationDetails } from '../booking/service.js';
import { HttpError } from '../errors.js';
import { stripBidi } from '@consultkit/core/contract';
import { OUTBOX_COLUMNS, type OutboxMessage } from '../notify/delivery.js';
import { mailWords } from '../i18n/mail-words.js';
import { matchLocale, withLanguage, type ServerLocale } from '../i18n/locales.js';

/**
 * `Tuesday 24 November 2026`, `09:10` and `GMT` in the practice's time zone; in another language
 * its own full date, a 24-hour time, and the zone by name ("UK time"), never an IANA id.
 */
export function formatLocalDateTime(
  date: Date,
  timeZone: string,
  locale: ServerLocale = 'en-GB',
): { date: string; time: string; zone: string } {
  if (locale !== 'en-GB') {
    const time = { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    const zone =
      timeZone === 'Europe/London'
        ? mailWords(locale).ukTime
        : (new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' })
            .formatToParts(date)
            .find((part) => part.type === 'timeZoneName')?.value ?? timeZone);
    return {
      date: new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full' }).format(date),
      time: new Intl.DateTimeFormat(locale, time).format(date),
      zone,
    };
  }
  const parts: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date)) {
    parts[part.type] = part.value;
  }
  return {
    date: `${parts['weekday']} ${parts['day']} ${parts['month']} ${parts['year']}`,
    time: `${parts['hour']}:${parts['minute']}`,
    zone: parts['timeZoneName'] ?? timeZone,
  };
}

/** A line of the `  Label:      value` table an e-mail's HTML lays out as a table. */
export function field(label: string, value: string, width = 12): string {
  return `  ${`${label}:`.padEnd(width)} ${value}`;
}

/**
 * The people's text of `details` as an e-mail may show it: without bidirectional controls or marks,
 * which plain text cannot isolate (names stored before they were refused, practitioners' names).
 */
function shown(details: ConfirmationDetails): ConfirmationDetails {
  return {
    ...details,
    patientName: stripBidi(details.patientName),
    practitionerName: stripBidi(details.practitionerName),
    serviceDisplay: stripBidi(details.serviceDisplay),
  };
}

const CHANNEL_WORDS: Record<ConfirmationDetails['channel'], string> = {
  Video: 'Video consultation',
  Telephone: 'Telephone call (the practice will call you)',
  'In-person': 'In person at the practice',
};

/**
 * The confirmation e-mail for a confirmed booking, in the patient's language. A later step gives it
 * `joinUrl` (the video join link); until then a video appointment's message says where the link
 * will be.
 */
export function composeConfirmation(stored: ConfirmationDetails): { subject: string; text: string } {
  const details = shown(stored);
  const locale = matchLocale(details.language);
  const w = mailWords(locale);
  const when = formatLocalDateTime(details.start, details.timeZone, locale);
  const end = formatLocalDateTime(details.end, details.timeZone, locale);
  const lines = [
    w.dear(details.patientName),
    '',
    w.confirmed,
    '',
    field(w.labels.with, `${details.practitionerName} (${details.serviceDisplay})`),
    field(w.labels.when, w.range(when.date, when.time, end.time, when.zone)),
    field(w.labels.how, w.channels[details.channel]),
    field(w.labels.reference, details.bookingReference),
  ];
  if (details.channel === 'Video') {
    lines.push(field(w.labels.join, details.joinUrl ? withLanguage(details.joinUrl, locale) : w.joinLater));
  }
  lines.push('');
  if (details.manageUrl) lines.push(w.manageIntro, details.manageUrl, '');
  lines.push(w.referenceHelp(details.bookingReference));
  return { subject: w.subjectConfirmed(when.date, when.time), text: `${lines.join('\n')}\n` };
}

/** The patient is told when the practice declines a request or cancels an appointment. */
export function composeCancellation(
  stored: ConfirmationDetails,
  { declined, message: storedMessage }: { declined: boolean; message: string | undefined },
): { subject: string; text: string } {
  const details = shown(stored);
  const locale = matchLocale(details.language);
  const w = mailWords(locale);
  const message = storedMessage === undefined ? undefined : stripBidi(storedMessage);
  const when = formatLocalDateTime(details.start, details.timeZone, locale);
  const lines = [
    w.dear(details.patientName),
    '',
    declined ? w.declined : w.cancelled,
    '',
    field(w.labels.with, `${details.practitionerName} (${details.serviceDisplay})`),
    field(w.labels.when, `${when.date}, ${when.time} (${when.zone})`),
    field(w.labels.reference, details.bookingReference),
  ];
  if (message) lines.push('', w.theirMessage, '', `  ${message.replace(/\s+/g, ' ')}`);
  lines.push('', `${details.channel === 'Video' ? `${w.videoLinkGone} ` : ''}${w.bookAgain}`);
  return {
    subject: declined ? w.subjectDeclined(when.date, when.time) : w.subjectCancelled(when.date, when.time),
    text: `${lines.join('\n')}\n`,
  };
}

/**
 * The practice is told when a patient moves or cancels their booking online (sent to
 * `CONSULTKIT_PRACTICE_EMAIL`): no link, nothing the patient's e-mail holds but the facts.
 */
export function composePracticeNotice(
  stored: ConfirmationDetails,
  { cancelled, previousStart }: { cancelled: boolean; previousStart: Date },
): { subject: string; text: string } {
  const details = shown(stored);
  const when = formatLocalDateTime(details.start, details.timeZone);
  const was = formatLocalDateTime(previousStart, details.timeZone);
  const who = details.patientName || 'A patient';
  const lines = cancelled
    ? [`${who} cancelled their appointment online.`, '', `  Was:         ${was.date}, ${was.time} (${was.zone})`]
    : [
        `${who} moved their appointment online.`,
        '',
        `  New time:    ${when.date}, ${when.time} (${when.zone})`,
        `  Was:         ${was.date}, ${was.time}`,
      ];
  lines.push(
    `  With:        ${details.practitionerName} (${details.serviceDisplay})`,
    `  How:         ${CHANNEL_WORDS[details.channel]}`,
    `  Reference:   ${details.bookingReference}`,
    `  Appointment: ${details.appointmentId}`,
  );
  return {
    subject: cancelled
      ? `Cancelled online: ${was.date} at ${was.time}, ${details.bookingReference}`
      : `Moved online: now ${when.date} at ${when.time}, ${details.bookingReference}`,
    text: `${lines.join('\n')}\n`,
  };
}

/**
 * The patient is told when their appointment moves (by the practice, or by them online), with the
 * new video link, in their language.
 */
export function composeReschedule(
  details: ConfirmationDetails,
  { previousStart, byPatient = false }: { previousStart: Date; byPatient?: boolean },
): { subject: string; text: string } {
  const locale = matchLocale(details.language);
  const w = mailWords(locale);
  const when = formatLocalDateTime(details.start, details.timeZone, locale);
  const end = formatLocalDateTime(details.end, details.timeZone, locale);
  const was = formatLocalDateTime(previousStart, details.timeZone, locale);
  const lines = [
    w.dear(details.patientName),
    '',
    byPatient ? w.movedByPatient : w.movedByPractice,
    '',
    field(w.labels.with, `${details.practitionerName} (${details.serviceDisplay})`),
    field(w.labels.newTime, w.range(when.date, when.time, end.time, when.zone)),
    field(w.labels.was, `${was.date}, ${was.time}`),
    field(w.labels.how, w.channels[details.channel]),
    field(w.labels.reference, details.bookingReference),
  ];
  if (details.channel === 'Video') {
    lines.push(
      field(w.labels.join, details.joinUrl ? withLanguage(details.joinUrl, locale) : w.joinLaterNew),
      '',
      w.oldLinkGone,
    );
  }
  lines.push('');
  if (details.manageUrl) lines.push(w.notSuitManage, details.manageUrl);
  else lines.push(w.notSuitCall);
  return { subject: w.subjectMoved(when.date, when.time), text: `${lines.join('\n')}\n` };
}

export interface MailPluginOptions {
  auth: Auth;
  repo: BookingRepository;
}

export async function mailPlugin(app: FastifyInstance, { auth, repo }: MailPluginOptions): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/api/outbox', async (request) => {
    auth.requireStaff(await auth.caller(request));
    const raw = request.query['limit'];
    let limit = 100;
    if (raw !== undefined) {
      if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
        throw new HttpError(400, 'value', 'limit: a whole number from 1 to 1000');
      }
      limit = Number(raw);
    }
    const rows = await repo.db.query<OutboxMessage>(
      `SELECT ${OUTBOX_COLUMNS} FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return { messages: rows.map(outboxEntry) };
  });

  // One message and its delivery: staff only (the staff key or session), like the list.
  app.get<{ Params: { id: string } }>('/api/outbox/:id', async (request) => {
    auth.requireStaff(await auth.caller(request));
    const id = request.params.id;
    if (!/^\d{1,9}$/.test(id)) throw new HttpError(400, 'value', 'id: a message id (a whole number)');
    const row = (
      await repo.db.query<OutboxMessage>(`SELECT ${OUTBOX_COLUMNS} FROM mail_outbox WHERE id = $1`, [Number(id)])
    )[0];
    if (!row) throw new HttpError(404, 'not-found', `There is no message ${id} in the outbox`);
    return outboxEntry(row);
  });
}

/** A message as staff see it: what was said to whom, and how its delivery went. */
function outboxEntry(row: OutboxMessage) {
  return {
    id: String(row.id),
    channel: row.channel,
    to: row.to_address,
    subject: row.subject,
    text: row.body,
    createdAt: row.created_at.toISOString(),
    appointmentId: row.appointment_id === null ? null : String(row.appointment_id),
    // queued, sending, sent, failed (why in `error`), held (no transport: the outbox only)
    status: row.status,
    attempts: row.attempts,
    error: row.last_error,
    transport: row.transport,
    providerId: row.provider_id,
    sentAt: row.sent_at ? row.sent_at.toISOString() : null,
  };
}
