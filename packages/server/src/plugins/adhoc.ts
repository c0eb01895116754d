/**
 * `POST /api/consultations/ad-hoc`: a video consultation starting now, without a published slot
 * (docs/notifications.md). Staff only (the staff key or a staff session; bearer guessing is
 * rate-limited in `Auth.caller`). Body:
 * `{ "schedule": "Schedule/1", "minutes": 15, "patient": { FHIR Patient: name, birthDate, telecom, contact preference } }`.
 * Answers 201 with the appointment's id, times, and where the link went; the clinician joins with
 * `POST /api/consultations/{id}/clinician-token`.
 */
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import { dateIn } from '../booking/zone.js';
import { HttpError } from '../errors.js';
import { patientDetails } from '../fhir/appointment-input.js';
import { startAdHoc, type AdHocOptions } from '../notify/adhoc.js';

export async function adHocPlugin(
  app: FastifyInstance,
  options: AdHocOptions & { auth: Auth; timeZone: string },
): Promise<void> {
  app.post<{ Body: unknown }>('/api/consultations/ad-hoc', async (request, reply) => {
    options.auth.requireStaff(await options.auth.caller(request));
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'structure', 'expected a JSON object with schedule, minutes and patient');
    }
    const { schedule, minutes = 15, patient } = body as Record<string, unknown>;
    const scheduleId = typeof schedule === 'string' ? /^Schedule\/(\d{1,9})$/.exec(schedule)?.[1] : undefined;
    if (!scheduleId) throw new HttpError(400, 'value', 'schedule: expected "Schedule/<id>", the clinician\'s diary');
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 5 || minutes > 120) {
      throw new HttpError(400, 'value', 'minutes: a whole number from 5 to 120');
    }
    if (typeof patient !== 'object' || patient === null || Array.isArray(patient)) {
      throw new HttpError(400, 'required', 'patient: a FHIR Patient (name, birthDate, telecom) is required');
    }
    const details = patientDetails(patient as Record<string, unknown>, dateIn(options.now(), options.timeZone));
    const { appointment, sentTo } = await startAdHoc(options, {
      scheduleId: Number(scheduleId),
      minutes,
      patient: details,
    });
    return reply.code(201).send({
      id: String(appointment.id),
      appointment: `Appointment/${appointment.id}`,
      status: appointment.status,
      start: appointment.start_at.toISOString(),
      end: appointment.end_at.toISOString(),
      linkSentTo: sentTo,
    });
  });
}
