/**
 * Video on the day (issue 13, part 3; server side): reception or a clinician starts a video
 * consultation now for a patient, without a published slot. One transaction makes a busy slot in
 * the clinician's diary from now for `minutes`, the appointment `booked`, the patient's join link,
 * the e-mail (and SMS, by the contact preference) carrying it, and the attendance job.
 */
import { BookingRepository, type AppointmentRow, type PatientDetails } from '../booking/repository.js';
import { displayName, uniqueViolation, type PlanRemindersHook } from '../booking/service.js';
import { newBookingReference } from '../booking/reference.js';
import type { BookingEvents } from '../booking/events.js';
import { HttpError } from '../errors.js';
import { composeConfirmation, formatLocalDateTime } from '../plugins/mail.js';
import type { SqlExecutor, Storage } from '../storage/index.js';
import { stripBidi } from '@consultkit/core/contract';

export interface AdHocOptions {
  storage: Storage;
  events: BookingEvents;
  now: () => number;
  joinLink: (appointment: AppointmentRow, tx: SqlExecutor) => Promise<string | undefined>;
  plan: PlanRemindersHook;
}

export interface AdHocRequest {
  scheduleId: number;
  minutes: number;
  patient: PatientDetails;
}

export async function startAdHoc(
  options: AdHocOptions,
  request: AdHocRequest,
): Promise<{ appointment: AppointmentRow; joinUrl: string; sentTo: { email: string; sms: string | null } }> {
  let result: { appointment: AppointmentRow; joinUrl: string; sentTo: { email: string; sms: string | null } };
  try {
    result = await options.storage.transaction(async (tx) => {
      const repo = new BookingRepository(tx);
      const now = new Date(options.now());
      const schedule = await repo.schedule(request.scheduleId);
      if (!schedule) throw new HttpError(422, 'business-rule', `Schedule/${request.scheduleId} does not exist`);
      if (!schedule.active) throw new HttpError(422, 'business-rule', `Schedule/${schedule.id} is not active`);
      if (!schedule.channels.includes('Video')) {
        throw new HttpError(422, 'business-rule', `Schedule/${schedule.id} does not offer video consultations`);
      }
      const start = new Date(Math.floor(now.getTime() / 1000) * 1000);
      const end = new Date(start.getTime() + request.minutes * 60_000);
      // A published slot starting this very second is taken (the walk-in is its patient); one
      // already booked means the clinician is busy now.
      const [published] = await tx.query<{ id: number; status: string }>(
        'SELECT id, status FROM slot WHERE schedule_id = $1 AND start_at = $2 FOR UPDATE',
        [schedule.id, start.toISOString()],
      );
      if (published && published.status !== 'free') {
        throw new HttpError(409, 'conflict', `An appointment in this diary starts now (Slot/${published.id})`);
      }
      const slot = published
        ? (await repo.takeSlot(published.id, 'busy', now), published)
        : (
            await tx.query<{ id: number }>(
              `INSERT INTO slot (schedule_id, start_at, end_at, status, updated_at) VALUES ($1, $2, $3, 'busy', $4) RETURNING id`,
              [schedule.id, start.toISOString(), end.toISOString(), now.toISOString()],
            )
          )[0];
      // The clinician is in this call until its end: published free times that overlap it, in any of
      // their diaries, are no longer offered (they stay busy should the call be cancelled: minutes).
      await tx.query(
        `UPDATE slot SET status = 'busy', updated_at = $4
          WHERE status = 'free' AND id <> $5 AND start_at < $3 AND end_at > $2
            AND schedule_id IN (SELECT id FROM schedule WHERE practitioner_id = $1)`,
        [schedule.practitioner_id, start.toISOString(), end.toISOString(), now.toISOString(), slot!.id],
      );
      const patientId = await repo.upsertPatient(request.patient, now);
      const id = await repo.insertAppointment({
        status: 'booked',
        slotId: slot!.id,
        scheduleId: schedule.id,
        practitionerId: schedule.practitioner_id,
        patientId,
        start,
        end,
        channel: 'Video',
        bookingReference: newBookingReference(),
        idempotencyKey: null,
        requestDigest: 'ad-hoc',
        patientDetails: request.patient,
        now,
      });
      await tx.query('UPDATE appointment SET confirmed_at = $2 WHERE id = $1', [id, now.toISOString()]);
      const appointment = (await repo.appointment(id))!;
      const joinUrl = (await options.joinLink(appointment, tx))!;
      const mail = composeConfirmation({
        appointmentId: String(id),
        patientName: displayName(appointment.patient_details.name[0]),
        practitionerName: displayName(appointment.practitioner_name),
        serviceDisplay: appointment.service_display,
        start,
        end,
        timeZone: appointment.time_zone,
        channel: 'Video',
        bookingReference: appointment.booking_reference,
        joinUrl,
      });
      const preference = request.patient.contactPreference ?? 'email';
      const phone = request.patient.phone ?? null;
      await repo.queueMail({
        appointmentId: id,
        to: request.patient.email,
        subject: mail.subject,
        body: mail.text,
        now,
      });
      let sms: string | null = null;
      if (preference !== 'email' && phone) {
        const when = formatLocalDateTime(start, appointment.time_zone);
        await repo.queueMail({
          appointmentId: id,
          channel: 'sms',
          to: phone,
          subject: mail.subject,
          body: `Your video consultation with ${stripBidi(displayName(appointment.practitioner_name))} is starting now (${when.time}). Join: ${joinUrl}`,
          now,
        });
        sms = phone;
      }
      await options.plan(appointment, { ...appointment, status: 'pending' }, tx);
      return { appointment, joinUrl, sentTo: { email: request.patient.email, sms } };
    });
  } catch (error) {
    if (uniqueViolation(error) === 'slot_schedule_start' || uniqueViolation(error) === '') {
      throw new HttpError(409, 'conflict', 'A slot starts at this very second in this diary: try again in a moment');
    }
    throw error;
  }
  try {
    options.events.emit({
      id: String(result.appointment.id),
      status: result.appointment.status,
      versionId: String(result.appointment.version),
    });
  } catch {
    // A listener's failure is its own; the consultation is made.
  }
  return result;
}
