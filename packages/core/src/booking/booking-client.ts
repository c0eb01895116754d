/**
 * `BookingClient`: `SlotClient` (`client.ts`) plus reading, cancelling and changing a booking. A
 * module of its own so that a page with the slot picker alone, which needs `SlotClient` only, does
 * not load it (decision 32, the CDN's sizes).
 */
import type { Appointment } from 'fhir/r4.js';
import { SlotClient, ref, type RequestHeaders } from './client.js';
import { toBooking } from './to-booking.js';
import type { Booking } from './types.js';

/** Talks FHIR R4 to a ConsultKit server (or another FHIR server) for booking: `SlotClient`, and reading, cancelling and changing appointments. */
export class BookingClient extends SlotClient {
  /** Reads a booking: as the patient with its booking `reference`, or as staff without one. */
  async getBooking(id: string, reference?: string): Promise<Booking> {
    return toBooking(
      (await this.request<Appointment>('GET', ref('Appointment', id), { headers: bearer(reference) })).resource,
    );
  }

  /** Cancels a booking as the patient, with its booking `reference`. */
  cancel(id: string, reference: string): Promise<Booking> {
    return this.update(id, (a) => ({ ...a, status: 'cancelled' }), reference);
  }

  /**
   * Changes a booking: reads it, applies `change`, and `PUT`s it with `If-Match` (412 if it
   * changed meanwhile), as the patient with its booking `reference` or as staff without one. The
   * server checks every change against the lifecycle.
   */
  async update(id: string, change: (appointment: Appointment) => Appointment, reference?: string): Promise<Booking> {
    const path = ref('Appointment', id);
    const headers = bearer(reference);
    const { resource, etag } = await this.request<Appointment>('GET', path, { headers });
    const updated = await this.request<Appointment>('PUT', path, {
      body: change(resource),
      headers: { ...headers, 'if-match': etag ?? `W/"${resource.meta?.versionId}"` },
    });
    return toBooking(updated.resource);
  }
}

/** The booking reference as Bearer credentials. */
function bearer(reference: string | undefined): RequestHeaders {
  return reference ? { authorization: `Bearer ${reference}` } : {};
}
