/**
 * `StaffClient`: the practice's side of booking. Needs staff credentials: a `headers` hook giving
 * `Authorization: Bearer <staff key>` (vendor backends) or `credentials: 'include'` with a staff
 * session cookie.
 */
import type { Appointment, Bundle, Patient, Schedule, Slot } from 'fhir/r4.js';
import { BookingClient, nextLink, toBookableSlot, toBooking } from './client.js';
import { CANCELATION_REASON_SYSTEM, type AppointmentQuery, type BookableSlot, type Booking } from './types.js';

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
const ref = (type: string, value: string) => (value.includes('/') ? value : `${type}/${value}`);

/** A `BookingClient` with the staff commands: confirm, decline, cancel, reschedule, no-show, search. */
export class StaffClient extends BookingClient {
  /**
   * Sends the patient a fresh join link for a video appointment (ConsultKit servers): the unused
   * earlier links stop working. Resolves to the new link and when it opens.
   */
  async sendJoinLink(id: string): Promise<{ url: string; opensAt: string }> {
    const path = new URL(`../api/consultations/${encodeURIComponent(id)}/invitations`, `${this.baseUrl}/`);
    const { resource } = await this.request<{ url: string; opensAt: string }>('POST', path.href);
    return resource;
  }

  /** One slot, with its schedule resolved. */
  async getSlot(id: string): Promise<BookableSlot> {
    const { resource: slot } = await this.request<Slot>('GET', ref('Slot', id));
    const reference = slot.schedule.reference ?? '';
    let schedule = this.schedules.get(reference);
    if (!schedule && reference) {
      schedule = (await this.request<Schedule>('GET', reference)).resource;
      this.schedules.set(reference, schedule);
    }
    return toBookableSlot(slot, schedule);
  }

  /** Confirms a pending request (`booked`). */
  confirm(id: string): Promise<Booking> {
    return this.#setStatus(id, 'booked');
  }

  /** Declines a pending request (`cancelled`, reason `declined`), saying why if `reason` is given. */
  decline(id: string, reason?: string): Promise<Booking> {
    return this.#setStatus(id, 'cancelled', 'declined', reason);
  }

  /** The practice cancels a booking (`cancelled`, reason `practice`). */
  cancelByPractice(id: string, reason?: string): Promise<Booking> {
    return this.#setStatus(id, 'cancelled', 'practice', reason);
  }

  /** The patient did not come (`noshow`). */
  markNoShow(id: string): Promise<Booking> {
    return this.#setStatus(id, 'noshow');
  }

  /** Moves a booking to another free slot of the same schedule (`slot`, `start`, `end` together). */
  async reschedule(id: string, newSlotId: string): Promise<Booking> {
    const slot = await this.getSlot(newSlotId);
    return this.update(id, (a) => ({
      ...a,
      slot: [{ reference: `Slot/${slot.id}` }],
      start: slot.start,
      end: slot.end,
    }));
  }

  /** Appointments matching `query`, with their Patients (`_include`), following `next` links. */
  async listAppointments(query: AppointmentQuery = {}): Promise<Booking[]> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', [query.status].flat().join(','));
    if (query.from) params.append('date', `ge${iso(query.from)}`);
    if (query.to) params.append('date', `lt${iso(query.to)}`);
    if (query.practitioner) params.set('practitioner', ref('Practitioner', query.practitioner));
    if (query.patient) params.set('patient', ref('Patient', query.patient));
    params.set('_count', String(query.count ?? 100));
    params.set('_include', 'Appointment:patient');
    const appointments: Appointment[] = [];
    const patients = new Map<string, Patient>();
    let next: string | undefined = `Appointment?${params}`;
    for (let page = 0; next && page < 50; page++) {
      const bundle: Bundle = (await this.request<Bundle>('GET', next)).resource;
      for (const { resource } of bundle.entry ?? []) {
        if (resource?.resourceType === 'Appointment') appointments.push(resource);
        if (resource?.resourceType === 'Patient') patients.set(`Patient/${resource.id}`, resource);
      }
      next = nextLink(bundle, this.baseUrl);
    }
    return appointments.map((a) => {
      const booking = toBooking(a);
      return { ...booking, patientResource: patients.get(booking.patient?.reference ?? '') };
    });
  }

  #setStatus(id: string, status: Appointment['status'], reason?: string, text?: string): Promise<Booking> {
    const cancelationReason = reason
      ? { coding: [{ system: CANCELATION_REASON_SYSTEM, code: reason }], ...(text ? { text } : {}) }
      : undefined;
    return this.update(id, (a) => ({ ...a, status, ...(cancelationReason ? { cancelationReason } : {}) }));
  }
}
