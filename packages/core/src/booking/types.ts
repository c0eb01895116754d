/**
 * Booking types: the FHIR R4 resources as ConsultKit uses them (docs/booking.md), flattened into
 * what a view or a script needs.
 */
import type { Appointment, Patient, Slot } from 'fhir/r4.js';

export {
  BOOKING_REFERENCE_SYSTEM,
  CANCELATION_REASON_SYSTEM,
  CONTACT_PREFERENCE_URL,
  CONTACT_PREFERENCES,
  DELIVERY_CHANNEL_URL,
  DELIVERY_CHANNELS,
  IDEMPOTENCY_SYSTEM,
  SLOT_HOLD_TOKEN_URL,
  type ContactPreference,
  type DeliveryChannel,
} from '../contract/fhir.js';
import type { ContactPreference, DeliveryChannel } from '../contract/fhir.js';

/** A reference to a clinician with the name to show. */
export interface PractitionerRef {
  /** `Practitioner/{id}`. */
  reference: string;
  /** The name to show, e.g. "Dr Amina Khan" (the reference when the server gave no display). */
  display: string;
}

/** A slot with what its Schedule says resolved: who, which service, which channels. */
export interface BookableSlot {
  id: string;
  /** Instant with offset, as the server sent it. */
  start: string;
  end: string;
  status: Slot['status'];
  /** `Schedule/{id}`. */
  schedule: string;
  /** The clinician of the slot's schedule, when the schedule was included or known. */
  practitioner: PractitionerRef | undefined;
  /** Service-type code, e.g. `gp` or `nurse`. */
  serviceType: string | undefined;
  /** Channels the schedule offers; empty when the schedule was not included. */
  deliveryChannels: DeliveryChannel[];
  /** The FHIR resource as received. */
  resource: Slot;
}

/** What `BookingClient.searchSlots` looks for. Dates may be `Date`s or FHIR date/instant strings. */
export interface SlotQuery {
  /** Earliest start (inclusive). */
  start: Date | string;
  /** Latest start (exclusive). */
  end: Date | string;
  /** `Practitioner/{id}` or just the id. */
  practitioner?: string | undefined;
  /** Service-type code (`gp`, `nurse`) or `system|code`. */
  serviceType?: string | undefined;
  /** `Schedule/{id}` or just the id. */
  schedule?: string | undefined;
  /** Page size (`_count`). */
  count?: number | undefined;
  /** Slot status; `free` unless given. */
  status?: Slot['status'] | undefined;
}

/** Who is booking, as the patient enters it. */
export interface PatientDetails {
  given: string;
  family: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  email: string;
  phone: string;
}

/** Who a video consultation started now is for: as `PatientDetails`, the mobile optional. */
export interface VideoNowPatient extends Omit<PatientDetails, 'phone'> {
  /** A mobile number; needed when `contactPreference` is `sms` or `both`. */
  phone?: string | undefined;
  /** How the join link is sent: `email`, `sms` (text message) or `both`. */
  contactPreference: ContactPreference;
}

/** A video consultation starting now, without a published slot (`StaffClient.startVideoNow`). */
export interface VideoNowRequest {
  /** The clinician's diary: `Schedule/{id}` or the id. It must offer video. */
  schedule: string;
  /** Its length in minutes (5 to 120; the desk offers 10, 15 and 20). */
  minutes: number;
  patient: VideoNowPatient;
}

/** Where the join link of a video consultation went. */
export interface LinkSentTo {
  email: string;
  /** The mobile number texted, or `null` when no text message was sent. */
  sms: string | null;
}

/** A started video consultation: the appointment, booked now, and where its link went. */
export interface VideoNowResult {
  booking: Booking;
  linkSentTo: LinkSentTo;
}

/** A booking request from the patient path. */
export interface BookRequest {
  /** The slot: its `id`, `start` and `end` are sent (the server checks they are the slot's). */
  slot: Pick<BookableSlot, 'id' | 'start' | 'end'>;
  patient: PatientDetails;
  deliveryChannel: DeliveryChannel;
  /** Makes retries safe: the same key books once. Generated when absent. */
  idempotencyKey?: string | undefined;
  /**
   * The patient's language, BCP 47 (`pl`, `cy-GB`): sent as the Patient's preferred
   * `communication`; the practice's e-mails and the join page then speak it.
   */
  language?: string | undefined;
  /** The patient's hold on the slot (`BookingClient.hold`): the booking takes it over. */
  hold?: SlotHold | undefined;
}

/**
 * A short hold on a slot while the patient fills the form (ConsultKit servers,
 * docs/decisions/0029-picker-speed-and-holds.md): no one else is offered it or can book it until
 * `expires`.
 */
export interface SlotHold {
  /** `Slot/{id}`. */
  slot: string;
  /** Releases the hold; a booking made with it takes the slot over. Not to be shared. */
  token: string;
  /** When the hold lapses (an instant). */
  expires: string;
}

/** An Appointment flattened for views: the booking as patient or staff see it. */
export interface Booking {
  id: string;
  /** The booking reference (`CK-7K4Q-M9XP-2HDT`), the patient's key. */
  reference: string | undefined;
  status: Appointment['status'];
  /** `meta.versionId`: what `If-Match` needs. */
  versionId: string | undefined;
  start: string | undefined;
  end: string | undefined;
  /** `Slot/{id}` of the booked slot. */
  slot: string | undefined;
  practitioner: PractitionerRef | undefined;
  /** The patient participant: `Patient/{id}` (or `#patient` before it was stored) and name. */
  patient: { reference: string; display: string } | undefined;
  deliveryChannel: DeliveryChannel | undefined;
  serviceType: string | undefined;
  /** `declined`, `patient` or `practice` for a cancelled booking. */
  cancelationReason: string | undefined;
  /** The free text given with a cancellation or decline. */
  cancelationText: string | undefined;
  /** The Patient, in staff searches (`_include=Appointment:patient`). */
  patientResource?: Patient | undefined;
  /** The FHIR resource as received. */
  appointment: Appointment;
}

/** What `BookingClient.listAppointments` looks for (staff). */
export interface AppointmentQuery {
  /** One status or several. */
  status?: Appointment['status'] | Appointment['status'][] | undefined;
  /** Earliest start (inclusive). */
  from?: Date | string | undefined;
  /** Latest start (exclusive). */
  to?: Date | string | undefined;
  /** `Practitioner/{id}` or the id. */
  practitioner?: string | undefined;
  /** `Patient/{id}` or the id. */
  patient?: string | undefined;
  /** Page size (`_count`); every page is fetched. */
  count?: number | undefined;
}
