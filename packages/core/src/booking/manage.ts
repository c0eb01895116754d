/**
 * Patients manage their booking (ConsultKit servers): find it by booking reference and date of
 * birth, or open it with the manage token of the e-mail's link; view, cancel, or move it to
 * another free time of the same diary, with `ManageClient`. Apart from `BookingClient` so that a
 * page that only books (the slot picker's CDN bundle) does not carry it. See
 * docs/decisions/0021-manage-booking.md.
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

export interface ManageClientOptions {
  /**
   * The ConsultKit API, e.g. `https://consult.example.nhs.uk/api` (default `/api` on the page's
   * origin). Relative to the page in a browser.
   */
  apiBaseUrl?: string | URL | undefined;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch | undefined;
}

/**
 * Patients manage their booking on a ConsultKit server (these are not FHIR interactions):
 *
 * ```js
 * const manage = new ManageClient({ apiBaseUrl: 'https://consult.example.nhs.uk/api' });
 * const { booking, token } = await manage.lookupBooking('CK-7K4Q-M9XP-2HDT', '1985-12-10');
 * await manage.cancelManagedBooking(token);
 * ```
 *
 * Every refusal is a `ManageError` whose `problem` says what to tell the patient. No cookies are
 * sent: the manage token travels as `Authorization: Bearer`.
 */
export class ManageClient {
  /** The API base URL, absolute, without a trailing slash. */
  readonly apiBaseUrl: string;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: ManageClientOptions = {}) {
    this.apiBaseUrl = new URL(String(options.apiBaseUrl ?? '/api'), globalThis.document?.baseURI).href.replace(
      /\/+$/,
      '',
    );
    this.#fetch = options.fetch;
  }

  /**
   * Finds a booking by its reference and the patient's date of birth (`YYYY-MM-DD`), with the
   * token that manages it. Rejects with a `ManageError`: `not-found` when either is wrong (which
   * one is not said), `throttled` after too many failures.
   */
  lookupBooking(reference: string, birthDate: string): Promise<ManagedBookingWithToken> {
    return this.#call('POST', 'bookings/lookup', undefined, { reference, birthDate });
  }

  /** The booking a manage token opens (the link's token, or `lookupBooking`'s). */
  getManagedBooking(token: string): Promise<ManagedBooking> {
    return this.#call('GET', 'manage/booking', token);
  }

  /** The free times the booking may move to: the same diary, the next two weeks. */
  manageSlots(token: string): Promise<ManageSlots> {
    return this.#call('GET', 'manage/slots', token);
  }

  /** Cancels the booking as its patient. `not-allowed` once it has started or is over. */
  async cancelManagedBooking(token: string): Promise<ManagedBooking> {
    return (await this.#call<{ booking: ManagedBooking }>('POST', 'manage/cancel', token)).booking;
  }

  /**
   * Moves the booking to `slotId` (one of `manageSlots`): `taken` when someone was quicker,
   * `not-allowed` when the rules refuse it. Resolves to the moved booking and a fresh token.
   */
  rescheduleManagedBooking(token: string, slotId: string): Promise<ManagedBookingWithToken> {
    return this.#call('POST', 'manage/reschedule', token, { slotId: slotId.replace(/^Slot\//, '') });
  }

  async #call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await (this.#fetch ?? fetch)(`${this.apiBaseUrl}/${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'omit',
      });
    } catch (cause) {
      throw new ManageError(0, undefined, `Could not reach ${new URL(this.apiBaseUrl).origin}`, 'network', undefined, {
        cause,
      });
    }
    const answer = (await response.json().catch(() => undefined)) as T | OperationOutcome | undefined;
    if (!response.ok || answer === undefined) {
      const outcome =
        (answer as OperationOutcome | undefined)?.resourceType === 'OperationOutcome'
          ? (answer as OperationOutcome)
          : undefined;
      const words = outcome?.issue.map((i) => i.diagnostics ?? i.code).join(' ');
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new ManageError(
        response.status,
        outcome,
        words || `${response.status} ${response.statusText}`.trim(),
        manageProblem(response.status, outcome, path === 'bookings/lookup'),
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    return answer as T;
  }
}
