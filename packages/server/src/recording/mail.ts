/** The retrieval link's e-mail, in the patient's language, through the notify outbox. */
import type { AppointmentRow } from '../booking/repository.js';
import type { BookingService } from '../booking/service.js';
import { mailWords } from '../i18n/mail-words.js';
import { matchLocale, withLanguage } from '../i18n/locales.js';
import { displayName } from '../join/booking.js';
import { formatLocalDateTime } from '../plugins/mail.js';

/** Queues the e-mail; answers the address it goes to (undefined: the patient gave none). */
export async function sendRetrievalLink(
  booking: BookingService,
  appointment: AppointmentRow,
  url: string,
  expires: Date,
): Promise<string | undefined> {
  const email = appointment.patient_details.email;
  if (!email) return undefined;
  const locale = matchLocale(appointment.patient_details.language);
  const w = mailWords(locale);
  const when = formatLocalDateTime(appointment.start_at, appointment.time_zone, locale);
  const until = formatLocalDateTime(expires, appointment.time_zone, locale);
  await booking.repo.queueMail({
    appointmentId: appointment.id,
    to: email,
    subject: w.subjectRecord(when.date),
    body: [
      w.dear(displayName(appointment.patient_details.name[0]) ?? ''),
      '',
      w.recordIntro,
      '',
      `  ${withLanguage(url, locale)}`,
      '',
      w.recordUntil(until.time, until.date),
      '',
    ].join('\n'),
    now: new Date(booking.now()),
  });
  return email;
}
