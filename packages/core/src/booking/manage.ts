/**
 * Patients manage their booking (ConsultKit servers): find it by booking reference and date of
 * birth, or open it with the manage token of the e-mail's link; view, cancel, or move it to
 * another free time of the same diary. Wire types and the typed error of these calls; the
 * commands are `BookingClient` methods. See docs/decisions/0021-manage-booking.md.
 */
import type { OperationOutcome } from 'fhir/r4.js';
import { FhirError } from './fhir-error.js';
import type { DeliveryChannel } from './types.js';

/** A booking as its patient manages it. */
export interface ManagedBooking {
  id: string;
  /** The booking reference (`CK-7K4Q-M9XP-2HDT`). */
  reference: string;
  status: 'pending' | 'booked' | 'arrived' | 'fulfilled' | 'cancelled' | 'noshow' | 'entered-in-error';
  /** Instants (ISO 8601). */
  start: string;
  end: string;
  /** The practice's IANA time zone: show times in it. */
  timeZone: string;
  /** The zone as people say it: "UK time". */
  timeZoneName: string;
  /** The clinician's name. */
  practitioner: string;
  /** The appointment type ("GP appointment"). */
  service: string;
  channel: DeliveryChannel;
  canCancel: boolean;
  canReschedule: boolean;
}

/** A free time the booking may move to. */
export interface ManageSlot {
  id: string;
  start: string;
  end: string;
}

/** Free times to move to (the same diary, the next two weeks, after the minimum notice). */
export interface ManageSlots {
  timeZone: string;
  timeZoneName: string;
  slots: ManageSlot[];
}

/** A booking with the token that manages it. */
export interface ManagedBookingWithToken {
  booking: ManagedBooking;
  /** The manage token: `Authorization: Bearer` for the other calls. Keep it like a password. */
  token: string;
}

/**
 * Why a manage call was refused:
 * - `not-found`: no booking with that reference and date of birth (which part was wrong is not said);
 * - `link-invalid`: the manage token is not valid (tampered, another server's, not this booking's);
 * - `link-expired`: the appointment is over;
 * - `throttled`: too many failed attempts (`retryAfterSeconds` says when to try again);
 * - `taken`: the chosen time was taken meanwhile: choose another;
 * - `not-allowed`: the booking rules refuse it (already cancelled, started, too soon, another diary);
 * - `network`: the server could not be reached;
 * - `failed`: anything else.
 */
export type ManageProblem =
  'not-found' | 'link-invalid' | 'link-expired' | 'throttled' | 'taken' | 'not-allowed' | 'network' | 'failed';

/** A refused manage call: a `FhirError` with the `problem`, for a page to act on. */
export class ManageError extends FhirError {
  constructor(
    status: number,
    outcome: OperationOutcome | undefined,
    message: string,
    readonly problem: ManageProblem,
    /** With `throttled`: seconds until another attempt is counted. */
    readonly retryAfterSeconds: number | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super(status, outcome, message, options);
    this.name = 'ManageError';
  }
}

/** The problem an answer means; `lookup` says whether it answered a reference + date of birth. */
export function manageProblem(status: number, outcome: OperationOutcome | undefined, lookup: boolean): ManageProblem {
  const code = outcome?.issue[0]?.code;
  if (status === 0) return 'network';
  if (status === 401) return code === 'expired' ? 'link-expired' : lookup ? 'not-found' : 'link-invalid';
  if (status === 429) return 'throttled';
  if (status === 409) return 'taken';
  if (status === 422) return 'not-allowed';
  return 'failed';
}
