/** How joining reads and moves appointments, and sends fresh links, through the booking service. */
import type { BookingService } from '../booking/service.js';
import { field, formatLocalDateTime } from '../plugins/mail.js';
import { mailWords } from '../i18n/mail-words.js';
import { matchLocale, withLanguage } from '../i18n/locales.js';
import type { AppointmentPort } from './service.js';

const SYSTEM = { kind: 'staff' } as const;

export function appointmentPort(booking: BookingService): AppointmentPort {
  return {
    async get(id) {
      const row = await booking.repo.appointment(id);
      return row && { id: row.id, status: row.status, start: row.start_at, end: row.end_at, channel: row.channel };
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
