/**
 * `StaffClient`: the practice's side of booking. Needs staff credentials: a `headers` hook giving
 * `Authorization: Bearer <staff key>` (vendor backends) or `credentials: 'include'` with a staff
 * session cookie.
 */
import type { Appointment, Bundle, OperationOutcome, Patient, Schedule, Slot } from 'fhir/r4.js';
import { BookingClient } from './booking-client.js';
import { channelsOf, nextLink, toBookableSlot } from './client.js';
import { toBooking } from './to-booking.js';
import { FhirError } from './fhir-error.js';
import { validateVideoNow, type DetailsProblem, type VideoNowField } from './patient.js';
import type { GuestKind } from '../contract/room.js';
import {
  CANCELATION_REASON_SYSTEM,
  CONTACT_PREFERENCE_URL,
  type AppointmentQuery,
  type BookableSlot,
  type Booking,
  type LinkSentTo,
  type PractitionerRef,
  type VideoNowRequest,
  type VideoNowResult,
} from './types.js';

/** Where each field of a video-now request lands on the wire: the `expression` of its issue. */
const VIDEO_NOW_EXPRESSIONS: Record<VideoNowField, string> = {
  schedule: 'schedule',
  minutes: 'minutes',
  given: 'Patient.name.given',
  family: 'Patient.name.family',
  birthDate: 'Patient.birthDate',
  email: 'Patient.telecom',
  phone: 'Patient.telecom',
  contactPreference: 'Patient.extension',
};

/**
 * A request refused before it was sent: a `FhirError` of status 400 whose `OperationOutcome` has
 * an issue for each field (`expression`), as the server would answer; `problems` by field for a form.
 */
export class DetailsError extends FhirError {
  constructor(readonly problems: Partial<Record<VideoNowField, DetailsProblem>>) {
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: Object.entries(problems).map(([field, problem]) => ({
        severity: 'error',
        code: problem === 'required' ? 'required' : 'value',
        diagnostics: `${field}: ${problem}`,
        expression: [VIDEO_NOW_EXPRESSIONS[field as VideoNowField]],
      })),
    };
    super(400, outcome, `Check the details: ${Object.keys(problems).join(', ')}`);
    this.name = 'DetailsError';
  }
}

/** A guest of a video consultation (an interpreter, a carer, …), as `guests()` lists them. */
export interface ConsultationGuest {
  id: string;
  name: string;
  kind: GuestKind;
  email?: string;
  phone?: string;
  /** When their link opens (ISO instant). */
  opensAt: string;
  /** Has opened their link (holds a session). */
  joined: boolean;
}

/** What `inviteGuest` gives: the guest, and their single-use link (e-mailed when an address was given). */
export interface GuestInvitation {
  id: string;
  name: string;
  kind: GuestKind;
  url: string;
  opensAt: string;
  emailed: boolean;
}

/** A clinician's diary (a Schedule), as a list to choose from shows it. */
export interface Diary {
  /** `Schedule/{id}`. */
  reference: string;
  /** The clinician (or the diary's name). */
  display: string;
  practitioner: PractitionerRef | undefined;
}

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

  /**
   * Invites a guest to a video consultation (ConsultKit servers): an interpreter, a carer, a
   * specialist, a nurse or a social worker, by name. They get a single-use link of their own
   * (e-mailed when `email` is given), wait when they open it, and are let in by the clinician.
   * The server's refusals (a name too long, an unknown kind, not a video appointment) reject with a
   * `FhirError` carrying its `OperationOutcome`.
   */
  async inviteGuest(
    appointmentId: string,
    guest: { name: string; kind: GuestKind; email?: string; phone?: string },
  ): Promise<GuestInvitation> {
    const body = {
      name: guest.name.trim(),
      kind: guest.kind,
      ...(guest.email?.trim() ? { email: guest.email.trim() } : {}),
      ...(guest.phone?.trim() ? { phone: guest.phone.trim() } : {}),
    };
    const { resource } = await this.request<GuestInvitation>('POST', this.#guestsPath(appointmentId), {
      body,
      headers: { 'content-type': 'application/json' },
    });
    return resource;
  }

  /** The guests of a video consultation still invited, oldest first. */
  async guests(appointmentId: string): Promise<ConsultationGuest[]> {
    const { resource } = await this.request<{ guests: ConsultationGuest[] }>('GET', this.#guestsPath(appointmentId));
    return resource.guests;
  }

  /**
   * Removes a guest: their link stops working, and if they are in the call their page is closed
   * (told `removed`). Rejects with a `FhirError` (404) for a guest not of this consultation.
   */
  async removeGuest(appointmentId: string, guestId: string): Promise<void> {
    const path = `${this.#guestsPath(appointmentId)}/${encodeURIComponent(guestId)}`;
    const response = await this.send(path, { method: 'DELETE', headers: { accept: 'application/json' } });
    if (response.ok) return;
    const outcome = (await response.json().catch(() => undefined)) as OperationOutcome | undefined;
    const words = outcome?.issue?.map((i) => i.diagnostics ?? i.code).join(' ');
    throw new FhirError(
      response.status,
      outcome?.resourceType === 'OperationOutcome' ? outcome : undefined,
      words || `${response.status} ${response.statusText}`.trim(),
    );
  }

  #guestsPath(appointmentId: string): string {
    return new URL(`../api/consultations/${encodeURIComponent(appointmentId)}/guests`, `${this.baseUrl}/`).href;
  }

  /**
   * Starts a video consultation now, without a published slot (ConsultKit servers,
   * `POST /api/consultations/ad-hoc`): an appointment `booked` from now in the clinician's diary,
   * and the join link sent to the patient at once, by e-mail and/or text message as
   * `contactPreference` says. The details are checked first with the booking form's rules
   * (`validateVideoNow`); what fails rejects with a `DetailsError` and nothing is sent. The server's
   * refusals reject with a `FhirError` carrying its `OperationOutcome`.
   */
  async startVideoNow({ schedule, minutes, patient }: VideoNowRequest): Promise<VideoNowResult> {
    const problems = validateVideoNow({ schedule, minutes, ...patient });
    if (Object.keys(problems).length) throw new DetailsError(problems);
    const phone = patient.phone?.trim();
    const body = {
      schedule: ref('Schedule', schedule.trim()),
      minutes,
      patient: {
        resourceType: 'Patient',
        name: [{ given: [patient.given.trim()], family: patient.family.trim() }],
        birthDate: patient.birthDate.trim(),
        telecom: [
          { system: 'email', value: patient.email.trim() },
          ...(phone ? [{ system: 'sms', value: phone }] : []),
        ],
        extension: [{ url: CONTACT_PREFERENCE_URL, valueCode: patient.contactPreference }],
      },
    };
    const path = new URL('../api/consultations/ad-hoc', `${this.baseUrl}/`);
    // Plain JSON: the body is not a FHIR resource.
    const { resource } = await this.request<{ id: string; linkSentTo: LinkSentTo }>('POST', path.href, {
      body,
      headers: { 'content-type': 'application/json' },
    });
    const booking = await this.getBooking(resource.id);
    return { booking, linkSentTo: resource.linkSentTo };
  }

  /** The clinicians' diaries (Schedules) that offer video, by name: where `startVideoNow` can book. */
  async videoDiaries(): Promise<Diary[]> {
    const diaries: Diary[] = [];
    let next: string | undefined = 'Schedule?_count=100';
    for (let page = 0; next && page < 20; page++) {
      const bundle: Bundle = (await this.request<Bundle>('GET', next)).resource;
      for (const { resource } of bundle.entry ?? []) {
        if (resource?.resourceType !== 'Schedule') continue;
        const reference = `Schedule/${resource.id}`;
        this.schedules.set(reference, resource);
        if (!channelsOf(resource.extension).includes('Video')) continue;
        const actor = resource.actor.find((a) => a.reference?.startsWith('Practitioner/')) ?? resource.actor[0];
        diaries.push({
          reference,
          display: actor?.display || resource.comment || reference,
          practitioner: actor?.reference ? { reference: actor.reference, display: actor.display ?? '' } : undefined,
        });
      }
      next = nextLink(bundle, this.baseUrl);
    }
    return diaries.sort((a, b) => a.display.localeCompare(b.display));
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
