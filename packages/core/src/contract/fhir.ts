/** FHIR R4 names ConsultKit uses on the wire: extension URLs, identifier and code systems. */

// The delivery channel's names in a module apart: a patient's slot search needs its URL alone
// (decision 46). Re-exported here, so `contract/fhir.js` keeps every name it had.
export { DELIVERY_CHANNEL_URL, DELIVERY_CHANNELS, type DeliveryChannel } from './delivery-channel.js';

/** The patient's contact preference on a booking (valueCode email, sms or both): docs/notifications.md. */
export const CONTACT_PREFERENCE_URL = 'https://consultkit.dev/fhir/StructureDefinition/contact-preference';
/** How the patient wants to hear from the practice: the `valueCode`s of `CONTACT_PREFERENCE_URL`. */
export const CONTACT_PREFERENCES = ['email', 'sms', 'both'] as const;
export type ContactPreference = (typeof CONTACT_PREFERENCES)[number];
/** Identifier system of the booking reference, the patient's key to their booking. */
export const BOOKING_REFERENCE_SYSTEM = 'urn:consultkit:booking-reference';
/** Identifier system of the idempotency key of a booking request. */
export const IDEMPOTENCY_SYSTEM = 'urn:consultkit:idempotency';
/** Code system of `Appointment.cancelationReason`: `declined`, `patient`, `practice`. */
export const CANCELATION_REASON_SYSTEM = 'urn:consultkit:cancelation-reason';
/** Code system of the service type of a Schedule and its Slots. */
export const SERVICE_TYPE_SYSTEM = 'urn:consultkit:service-type';
/** The standard FHIR extension naming a resource's IANA time zone. */
export const TIMEZONE_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';

/** Why an appointment was cancelled: declined by the practice when pending, or by whom. */
export const CANCELATION_REASONS = ['declined', 'patient', 'practice'] as const;
export type CancelationReason = (typeof CANCELATION_REASONS)[number];

/** Idempotency keys: 1 to 128 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** An appointment's status, as ConsultKit uses FHIR's. */
export const APPOINTMENT_STATUSES = ['pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/**
 * What staff may change an appointment's status to: the server enforces it, and a desk offers
 * only these actions (nothing for a seen or cancelled appointment).
 */
export const STAFF_TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  pending: ['booked', 'cancelled'],
  booked: ['arrived', 'fulfilled', 'noshow', 'cancelled'],
  arrived: ['fulfilled', 'cancelled'],
  fulfilled: [],
  cancelled: [],
  // A no-show marked by the server (docs/notifications.md) can be corrected: the patient did attend.
  noshow: ['fulfilled'],
};

/** Whether staff may move an appointment from `from` (any FHIR status) to `to`. */
export function staffMayChange(from: string, to: AppointmentStatus): boolean {
  return (STAFF_TRANSITIONS as Partial<Record<string, readonly AppointmentStatus[]>>)[from]?.includes(to) ?? false;
}

/**
 * A short hold on a slot while a patient fills the form (docs/decisions/0029-picker-speed-and-holds.md):
 * on a held Slot (whose status reads `busy-tentative`), when the hold lapses (`valueInstant`).
 */
export const SLOT_HELD_UNTIL_URL = 'https://consultkit.dev/fhir/StructureDefinition/slot-held-until';
/** On a booking's Appointment: the token of the hold it takes over (`valueString`). */
export const SLOT_HOLD_TOKEN_URL = 'https://consultkit.dev/fhir/StructureDefinition/slot-hold-token';
/** A hold's token: 22 to 64 base64url characters. */
export const HOLD_TOKEN = /^[A-Za-z0-9_-]{22,64}$/;
