/**
 * `toBooking`: a FHIR Appointment flattened. A module apart from `client.ts` so that a page with
 * the slot picker alone, which reads no appointment before one is booked, loads it with the
 * booking (`slot-booking.ts`), not with its first paint (decision 46).
 */
import type { Appointment } from 'fhir/r4.js';
import { channelsOf } from './client.js';
import { BOOKING_REFERENCE_SYSTEM, CANCELATION_REASON_SYSTEM, type Booking } from './types.js';

/** A FHIR Appointment flattened. */
export function toBooking(appointment: Appointment): Booking {
  const actor = (test: (reference: string) => boolean) =>
    appointment.participant.find((p) => test(p.actor?.reference ?? ''))?.actor;
  const practitioner = actor((r) => r.startsWith('Practitioner/'));
  const patient = actor((r) => r.startsWith('Patient/') || r.startsWith('#'));
  const reason = appointment.cancelationReason;
  return {
    id: appointment.id ?? '',
    reference: appointment.identifier?.find((i) => i.system === BOOKING_REFERENCE_SYSTEM)?.value,
    status: appointment.status,
    versionId: appointment.meta?.versionId,
    start: appointment.start,
    end: appointment.end,
    slot: appointment.slot?.[0]?.reference,
    practitioner: practitioner?.reference
      ? { reference: practitioner.reference, display: practitioner.display ?? practitioner.reference }
      : undefined,
    patient: patient?.reference ? { reference: patient.reference, display: patient.display ?? '' } : undefined,
    deliveryChannel: channelsOf(appointment.extension)[0],
    serviceType: appointment.serviceType?.[0]?.coding?.[0]?.code,
    cancelationReason: reason?.coding?.find((c) => c.system === CANCELATION_REASON_SYSTEM)?.code,
    cancelationText: reason?.text,
    appointment,
  };
}
