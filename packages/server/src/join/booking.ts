/** How joining reads and moves appointments, and sends fresh links, through the booking service. */
import type { HumanNameJson } from '../booking/repository.js';
import type { BookingService } from '../booking/service.js';
import { field, formatLocalDateTime } from '../plugins/mail.js';
import type { GuestKind } from '@consultkit/core/contract';
import { mailWords } from '../i18n/mail-words.js';
import { matchLocale, withLanguage } from '../i18n/locales.js';
import type { AppointmentPort } from './service.js';

const SYSTEM = { kind: 'staff' } as const;

/** A FHIR HumanName as one line: its text, else prefix, given names and family name. */
export function displayName(name: HumanNameJson | undefined): string | undefined {
  if (!name) return undefined;
  const line = name.text?.trim() || [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].join(' ').trim();
  return line ? line.slice(0, 100) : undefined;
}

export function appointmentPort(booking: BookingService): AppointmentPort {
  return {
    async get(id) {
      const row = await booking.repo.appointment(id);
      return row && { id: row.id, status: row.status, start: row.start_at, end: row.end_at, channel: row.channel };
    },
    async people(id) {
      const row = await booking.repo.appointment(id);
      if (!row) return undefined;
      return {
        patient: displayName(row.patient_details.name[0]),
        practitionerId: String(row.practitioner_id),
        practitioner: displayName(row.practitioner_name),
      };
    },
    async practitionerName(id) {
      if (!/^\d{1,9}$/.test(id)) return null;
      const row = await booking.repo.practitioner(Number(id));
      return row ? (displayName(row.name) ?? 'Clinician') : null;
    },
    async markArrived(id) {
      const row = await booking.repo.appointment(id);
      if (row?.status === 'booked') await booking.update(id, SYSTEM, { status: 'arrived' });
    },
    async markFulfilled(id) {
      const row = await booking.repo.appointment(id);
      if (row?.status === 'booked' || row?.status === 'arrived')
        await booking.update(id, SYSTEM, { status: 'fulfilled' });
    },
  };
}

/** Queues a fresh join link for the patient of `appointmentId` in the outbox. */
export async function sendJoinLink(booking: BookingService, appointmentId: number, url: string, opensAt: Date) {
  const row = await booking.repo.appointment(appointmentId);
  if (!row) return;
  const locale = matchLocale(row.patient_details.language);
  const w = mailWords(locale);
  const when = formatLocalDateTime(row.start_at, row.time_zone, locale);
  const opens = formatLocalDateTime(opensAt, row.time_zone, locale);
  const email = row.patient_details.email;
  if (!email) return;
  await booking.repo.queueMail({
    appointmentId,
    to: email,
    subject: w.subjectLink(when.date, when.time),
    body: [
      w.newLink,
      '',
      field(w.labels.when, `${when.date}, ${when.time} (${when.zone})`, 7),
      field(w.labels.join, withLanguage(url, locale), 7),
      '',
      w.linkOpens(opens.time, opens.date),
      '',
    ].join('\n'),
    now: new Date(booking.now()),
  });
}

const KIND_TEXT: Record<GuestKind, string> = {
  interpreter: 'an interpreter',
  carer: 'a carer',
  specialist: 'a specialist',
  nurse: 'a nurse',
  'social-worker': 'a social worker',
};

/** Queues a guest's invitation to a video consultation in the outbox. */
export async function sendGuestLink(
  booking: BookingService,
  appointmentId: number,
  guest: { name: string; kind: GuestKind; email: string },
  url: string,
  opensAt: Date,
) {
  const row = await booking.repo.appointment(appointmentId);
  if (!row) return;
  const when = formatLocalDateTime(row.start_at, row.time_zone);
  const opens = formatLocalDateTime(opensAt, row.time_zone);
  await booking.repo.queueMail({
    appointmentId,
    to: guest.email,
    subject: `You are invited to a video consultation: ${when.date} at ${when.time}`,
    body: [
      `Dear ${guest.name},`,
      '',
      `You are invited to join a video consultation as ${KIND_TEXT[guest.kind]}.`,
      '',
      `  When:   ${when.date}, ${when.time} (${when.zone})`,
      `  Join:   ${url}`,
      '',
      `The link opens at ${opens.time} on ${opens.date} and works once. When you open it you wait`,
      'until the clinician lets you in. No app or account is needed: open it in your web browser on a',
      'phone, tablet or computer with a camera.',
      '',
      'If you did not expect this invitation, you can ignore it.',
      '',
    ].join('\n'),
    now: new Date(booking.now()),
  });
}
