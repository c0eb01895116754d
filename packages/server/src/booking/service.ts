/**
 * Booking: the rules of docs/booking.md over the repository. Booking a slot, the appointment
 * lifecycle (confirm, decline, cancel, reschedule, no-show, arrive, fulfil), who may do which,
 * optimistic versions, idempotent retries, the confirmation e-mail and the change events.
 *
 * A slot is never booked twice: taking it is one conditional `UPDATE … WHERE status = 'free'` in
 * the booking's transaction, and a partial unique index allows one live appointment per slot.
 */
import { createHash } from 'node:crypto';
import { STAFF_TRANSITIONS, type StaffPerson } from '@consultkit/core/contract';
import { HttpError } from '../errors.js';
import type { SqlExecutor, Storage } from '../storage/index.js';
import type { AppointmentEvent, BookingEvents } from './events.js';
import { holdDigest } from './holds.js';
import { newBookingReference } from './reference.js';
import {
  BookingRepository,
  LIVE_STATUSES,
  type AppointmentRow,
  type AppointmentStatus,
  type CancelationReason,
  type DeliveryChannel,
  type HumanNameJson,
  type PatientDetails,
  type SlotStatus,
} from './repository.js';
import { addDays, dateIn } from './zone.js';

/** Who is asking: staff (key or session), the patient of one booking (its reference), or nobody. */
export type Caller =
  | {
      kind: 'staff';
      /**
       * The person acting: set for a staff session (OpenID Connect) and for the staff key when the
       * vendor names them; absent for the staff key alone (a system acting).
       */
      person?: StaffPerson | undefined;
    }
  | {
      kind: 'patient';
      appointmentId: number;
      patientId: number;
      /**
       * Set only for the manage-booking path (a manage token): the patient may also move their
       * booking to a free slot of the same schedule starting at least this many minutes from now.
       */
      reschedule?: { minNoticeMinutes: number } | undefined;
    }
  | { kind: 'anonymous' };

export interface BookingRequest {
  slotId: number;
  /** The slot's start and end as the client gave them (epoch ms). */
  start: number;
  end: number;
  channel: DeliveryChannel;
  patient: PatientDetails;
  /** Retries with the same key get the first appointment back. */
  idempotencyKey?: string | undefined;
  /** Practitioners the client named as participants: each must be the slot's. */
  practitionerIds?: readonly number[] | undefined;
  /** The token of the booker's hold on the slot (docs/decisions/0029): the booking takes it over. */
  holdToken?: string | undefined;
}

export interface AppointmentUpdate {
  status: AppointmentStatus;
  /** Given with `status: cancelled` (else chosen: declined from pending, practice from booked). */
  cancelationReason?: CancelationReason | undefined;
  /** The practice's words to the patient with a cancellation (e-mailed, not stored elsewhere). */
  cancelationText?: string | undefined;
  /** Reschedule: the new slot, with its start and end as the client gave them. */
  slot?: { id: number; start?: number | undefined; end?: number | undefined } | undefined;
}

/** What a confirmation e-mail needs. */
export interface ConfirmationDetails {
  appointmentId: string;
  patientName: string;
  practitionerName: string;
  serviceDisplay: string;
  start: Date;
  end: Date;
  timeZone: string;
  channel: DeliveryChannel;
  bookingReference: string;
  /** The video join link, once join links exist (a later step). */
  joinUrl?: string | undefined;
  /** The patient's "manage your booking" link (view, cancel, reschedule). */
  manageUrl?: string | undefined;
  /** The patient's language (BCP 47, from `Patient.communication`): the e-mail is written in it. */
  language?: string | undefined;
}

export type ComposeConfirmation = (details: ConfirmationDetails) => { subject: string; text: string };

/** The e-mail telling a patient the practice declined or cancelled their appointment. */
export type ComposeCancellation = (
  details: ConfirmationDetails,
  cancellation: { declined: boolean; message: string | undefined },
) => { subject: string; text: string };

/** The e-mail telling a patient their appointment moved, with the new link for a video one. */
export type ComposeReschedule = (
  details: ConfirmationDetails,
  change: { previousStart: Date; byPatient?: boolean },
) => { subject: string; text: string };

/** The e-mail telling the practice a patient moved or cancelled their booking online. */
export type ComposePracticeNotice = (
  details: ConfirmationDetails,
  change: { cancelled: boolean; previousStart: Date },
) => { subject: string; text: string };

export interface BookingServiceOptions {
  storage: Storage;
  events: BookingEvents;
  composeConfirmation: ComposeConfirmation;
  /** Without it, cancellations by the practice send no e-mail. */
  composeCancellation?: ComposeCancellation | undefined;
  /** The clock (epoch ms); tests fix it. */
  now?: () => number;
  /**
   * The video join link for a confirmation e-mail, made in the confirming transaction (join links
   * are a later step: without this hook the e-mail carries a placeholder line).
   */
  joinLink?: JoinLinkHook | undefined;
  /** Without it, a moved appointment's patient is not e-mailed (nor sent a new video link). */
  composeReschedule?: ComposeReschedule | undefined;
  /**
   * Revokes the join sessions and unused links an appointment change made obsolete (cancelled,
   * declined, moved), in the change's transaction; returns work to run once it is committed
   * (closing the revoked sessions' live sockets).
   */
  revokeAccess?: RevokeAccessHook | undefined;
  /**
   * Plans, cancels or re-plans an appointment's reminders after a change (confirmed, moved,
   * cancelled…), in the change's transaction (docs/notifications.md). Without it, no reminders.
   */
  planReminders?: PlanRemindersHook | undefined;
  /** The practice's e-mail when a patient moves or cancels online (with `practiceEmail`). */
  composePracticeNotice?: ComposePracticeNotice | undefined;
  /** The patient's signed "manage your booking" link, for every e-mail about a booking. */
  manageLink?: ((appointment: AppointmentRow) => string) | undefined;
  /**
   * The practice is told when a patient moves or cancels a booking themselves: e-mailed here when
   * set (the outbox), else only the staff event stream and the log say so.
   */
  practiceEmail?: string | undefined;
}

export type PlanRemindersHook = (
  appointment: AppointmentRow,
  previous: AppointmentRow,
  tx: SqlExecutor,
) => Promise<void>;

export type JoinLinkHook = (appointment: AppointmentRow, tx: SqlExecutor) => Promise<string | undefined>;

export type RevokeAccessHook = (
  appointment: AppointmentRow,
  reason: 'cancelled' | 'rescheduled',
  tx: SqlExecutor,
) => Promise<(() => void) | undefined>;

/** Slots are generated this many days ahead (eight weeks). */
export const PLANNING_HORIZON_DAYS = 56;

/** Which slot status an appointment status holds its slot in. */
export function slotStatusFor(status: AppointmentStatus): SlotStatus {
  if (status === 'pending') return 'busy-tentative';
  if (status === 'cancelled') return 'free';
  return 'busy';
}

/** What staff may change a status to: the contract's rule, which desks follow too. */
export { STAFF_TRANSITIONS } from '@consultkit/core/contract';

/** `Dr Amina Khan` from a HumanName. */
export function displayName(name: HumanNameJson | undefined): string {
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].filter(Boolean).join(' ');
}

function businessRule(message: string): HttpError {
  return new HttpError(422, 'business-rule', message);
}

/** The constraint a unique violation hit (`''` when the driver does not say), or undefined. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (code !== '23505') return undefined;
  if (typeof constraint === 'string') return constraint;
  const named = typeof message === 'string' ? /constraint "([^"]+)"/.exec(message) : null;
  return named?.[1] ?? '';
}

function requestDigest(request: BookingRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        request.slotId,
        request.start,
        request.end,
        request.channel,
        request.patient.email.toLowerCase(),
        request.patient.birthDate,
      ]),
    )
    .digest('base64url');
}

export class BookingService {
  readonly repo: BookingRepository;
  readonly events: BookingEvents;
  private readonly storage: Storage;
  private readonly compose: ComposeConfirmation;
  private readonly composeCancellation: ComposeCancellation | undefined;
  private readonly joinLink: JoinLinkHook | undefined;
  private readonly composeReschedule: ComposeReschedule | undefined;
  private readonly revokeAccess: RevokeAccessHook | undefined;
  private readonly planReminders: PlanRemindersHook | undefined;
  private readonly manageLink: ((appointment: AppointmentRow) => string) | undefined;
  private readonly practiceEmail: string | undefined;
  private readonly composePracticeNotice: ComposePracticeNotice | undefined;
  readonly now: () => number;

  constructor(options: BookingServiceOptions) {
    this.storage = options.storage;
    this.repo = new BookingRepository(options.storage);
    this.events = options.events;
    this.compose = options.composeConfirmation;
    this.composeCancellation = options.composeCancellation;
    this.joinLink = options.joinLink;
    this.composeReschedule = options.composeReschedule;
    this.revokeAccess = options.revokeAccess;
    this.planReminders = options.planReminders;
    this.manageLink = options.manageLink;
    this.practiceEmail = options.practiceEmail;
    this.composePracticeNotice = options.composePracticeNotice;
    this.now = options.now ?? Date.now;
  }

  /**
   * Books a free slot: the appointment `pending`, the slot `busy-tentative`, in one transaction.
   * `created` is false when an earlier request with the same idempotency key made it.
   */
  async book(request: BookingRequest): Promise<{ appointment: AppointmentRow; created: boolean }> {
    const digest = requestDigest(request);
    const key = request.idempotencyKey;
    if (key !== undefined) {
      const earlier = await this.repo.appointmentByIdempotencyKey(key);
      if (earlier) return { appointment: this.replay(earlier, digest), created: false };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const appointment = await this.storage.transaction((tx) =>
          this.bookIn(new BookingRepository(tx), request, digest),
        );
        this.announce(appointment);
        return { appointment, created: true };
      } catch (error) {
        const constraint = uniqueViolation(error);
        const lostRace = (error instanceof HttpError && error.status === 409) || constraint !== undefined;
        if (key !== undefined && lostRace) {
          // A concurrent request with the same key may have won: answer with its appointment.
          const earlier = await this.repo.appointmentByIdempotencyKey(key);
          if (earlier) return { appointment: this.replay(earlier, digest), created: false };
        }
        if (constraint === 'appointment_booking_reference' && attempt < 3) continue; // 1 in 2^60: draw again
        if (constraint !== undefined) throw this.slotTaken(request.slotId);
        throw error;
      }
    }
  }

  private async bookIn(repo: BookingRepository, request: BookingRequest, digest: string): Promise<AppointmentRow> {
    const now = new Date(this.now());
    const slot = await repo.slot(request.slotId);
    if (!slot) throw businessRule(`Slot/${request.slotId} does not exist`);
    const schedule = (await repo.schedule(slot.schedule_id))!;
    if (slot.start_at.getTime() <= now.getTime()) {
      throw businessRule(`Slot/${slot.id} starts in the past (${slot.start_at.toISOString()}); choose a later slot`);
    }
    if (slot.start_at.getTime() !== request.start || slot.end_at.getTime() !== request.end) {
      throw businessRule(
        `start and end must be the slot's: Slot/${slot.id} is ${slot.start_at.toISOString()} to ${slot.end_at.toISOString()}`,
      );
    }
    for (const practitionerId of request.practitionerIds ?? []) {
      if (practitionerId !== schedule.practitioner_id) {
        throw businessRule(
          `Practitioner/${practitionerId} does not hold Slot/${slot.id}; leave the practitioner out or name Practitioner/${schedule.practitioner_id}`,
        );
      }
    }
    if (!schedule.active) throw businessRule(`Schedule/${schedule.id} is not taking bookings`);
    if (!schedule.channels.includes(request.channel)) {
      throw businessRule(
        `${request.channel} is not offered for this slot; choose one of: ${schedule.channels.join(', ')}`,
      );
    }
    const hold = request.holdToken === undefined ? undefined : holdDigest(request.holdToken);
    if (!(await repo.takeSlot(slot.id, 'busy-tentative', now, hold))) throw this.slotTaken(slot.id);
    const patientId = await repo.upsertPatient(request.patient, now);
    const id = await repo.insertAppointment({
      status: 'pending',
      slotId: slot.id,
      scheduleId: schedule.id,
      practitionerId: schedule.practitioner_id,
      patientId,
      start: slot.start_at,
      end: slot.end_at,
      channel: request.channel,
      bookingReference: newBookingReference(),
      idempotencyKey: request.idempotencyKey ?? null,
      requestDigest: digest,
      patientDetails: request.patient,
      now,
    });
    return (await repo.appointment(id))!;
  }

  private replay(earlier: AppointmentRow, digest: string): AppointmentRow {
    if (earlier.request_digest !== digest) {
      throw businessRule(
        'This idempotency key was already used for a different booking request; use a new key for a new booking',
      );
    }
    return earlier;
  }

  private slotTaken(slotId: number): HttpError {
    return new HttpError(409, 'conflict', `Slot/${slotId} is no longer free; choose another slot`);
  }

  /**
   * Applies a change to an appointment under the lifecycle and who may make it. `ifMatch` is the
   * version the caller last saw (412 when the appointment has moved on).
   */
  async update(id: number, caller: Caller, update: AppointmentUpdate, ifMatch?: number): Promise<AppointmentRow> {
    let changed = false;
    let appointment: AppointmentRow;
    let afterCommit: (() => void)[] = [];
    try {
      appointment = await this.storage.transaction(async (tx) => {
        afterCommit = [];
        const repo = new BookingRepository(tx);
        const current = await repo.appointment(id, { lock: true });
        if (!current) throw new HttpError(404, 'not-found', `Appointment/${id} does not exist`);
        if (ifMatch !== undefined && ifMatch !== current.version) {
          throw new HttpError(
            412,
            'conflict',
            `Appointment/${id} has changed: it is at version ${current.version}, not ${ifMatch}. Read it again and retry`,
          );
        }
        const now = new Date(this.now());
        const plan = this.plan(current, caller, update, now);
        if (!plan) return current;
        changed = true;

        let slotId = current.slot_id;
        let start = current.start_at;
        let end = current.end_at;
        const slotStatus = slotStatusFor(plan.status);
        if (plan.slot) {
          const slot = await repo.slot(plan.slot.id);
          if (!slot) throw businessRule(`Slot/${plan.slot.id} does not exist`);
          if (slot.schedule_id !== current.schedule_id) {
            throw businessRule(
              `A reschedule stays with the same schedule: Slot/${slot.id} is not in Schedule/${current.schedule_id}`,
            );
          }
          if (slot.start_at.getTime() <= now.getTime()) {
            throw businessRule(`Slot/${slot.id} starts in the past; choose a later slot`);
          }
          if (
            caller.kind === 'patient' &&
            slot.start_at.getTime() < now.getTime() + (caller.reschedule?.minNoticeMinutes ?? 0) * 60_000
          ) {
            throw businessRule(
              `Slot/${slot.id} starts too soon: choose a time at least ${caller.reschedule?.minNoticeMinutes ?? 0} minutes from now`,
            );
          }
          if (
            (plan.slot.start !== undefined && plan.slot.start !== slot.start_at.getTime()) ||
            (plan.slot.end !== undefined && plan.slot.end !== slot.end_at.getTime())
          ) {
            throw businessRule(
              `start and end must be the slot's: Slot/${slot.id} is ${slot.start_at.toISOString()} to ${slot.end_at.toISOString()}`,
            );
          }
          if (!(await repo.takeSlot(slot.id, slotStatus, now))) throw this.slotTaken(slot.id);
          await repo.setSlotStatus(current.slot_id, 'free', now);
          slotId = slot.id;
          start = slot.start_at;
          end = slot.end_at;
        } else if (slotStatus !== slotStatusFor(current.status)) {
          await repo.setSlotStatus(current.slot_id, slotStatus, now);
        }
        const confirming = current.status === 'pending' && plan.status === 'booked';
        await repo.updateAppointment(id, current.version, {
          status: plan.status,
          cancelationReason: plan.status === 'cancelled' ? plan.reason : null,
          slotId,
          start,
          end,
          confirmedAt: confirming ? now : current.confirmed_at,
          now,
        });
        const updated = (await repo.appointment(id))!;
        const cancelling = plan.status === 'cancelled' && current.status !== 'cancelled';
        // Sessions and links of the old state go first: a confirmation or move issues a fresh link.
        if ((cancelling || plan.slot) && this.revokeAccess) {
          const done = await this.revokeAccess(updated, cancelling ? 'cancelled' : 'rescheduled', repo.db);
          if (done) afterCommit.push(done);
        }
        if (confirming) await this.queueConfirmation(repo, updated, now);
        else if (plan.slot && updated.status === 'booked') {
          await this.queueReschedule(repo, updated, current, now, caller.kind === 'patient');
        }
        if (cancelling && caller.kind === 'staff') {
          await this.queueCancellation(repo, updated, update.cancelationText, now);
        }
        if (caller.kind === 'patient' && (cancelling || plan.slot)) {
          await this.tellPractice(repo, updated, current, now);
        }
        if (this.planReminders) await this.planReminders(updated, current, repo.db);
        return updated;
      });
    } catch (error) {
      if (uniqueViolation(error) !== undefined && update.slot) throw this.slotTaken(update.slot.id);
      throw error;
    }
    for (const done of afterCommit) {
      try {
        done();
      } catch {
        // Closing sockets is best effort: the revocation is committed and enforced on every check.
      }
    }
    if (changed) this.announce(appointment);
    return appointment;
  }

  /** The change to make, or undefined when the update changes nothing; 422 when it is not allowed. */
  private plan(
    current: AppointmentRow,
    caller: Caller,
    update: AppointmentUpdate,
    now: Date,
  ): { status: AppointmentStatus; reason: CancelationReason | null; slot?: AppointmentUpdate['slot'] } | undefined {
    const moving = update.slot !== undefined && update.slot.id !== current.slot_id;
    const target = update.status;
    if (!moving && update.slot && (update.slot.start !== undefined || update.slot.end !== undefined)) {
      if (update.slot.start !== current.start_at.getTime() || update.slot.end !== current.end_at.getTime()) {
        throw businessRule(
          `start and end must be the slot's (${current.start_at.toISOString()} to ${current.end_at.toISOString()}); to move the appointment, give another slot`,
        );
      }
    }
    if (target === current.status && !moving) {
      if (update.cancelationReason !== undefined && update.cancelationReason !== current.cancelation_reason) {
        throw businessRule('The cancelation reason cannot be changed');
      }
      return undefined;
    }
    if (update.cancelationReason !== undefined && target !== 'cancelled') {
      throw businessRule('cancelationReason goes with status "cancelled" only');
    }

    if (caller.kind === 'patient' && moving && caller.reschedule) {
      if (target !== current.status || (current.status !== 'pending' && current.status !== 'booked')) {
        throw businessRule(
          `This appointment is ${current.status} and can no longer be moved; please contact the practice`,
        );
      }
      if (current.start_at.getTime() <= now.getTime()) {
        throw businessRule('This appointment has already started; please contact the practice');
      }
      return { status: current.status, reason: null, slot: update.slot };
    }
    if (caller.kind === 'patient') {
      if (moving || target !== 'cancelled') {
        throw businessRule('A patient may only cancel their appointment; the practice confirms and moves appointments');
      }
      if (current.status !== 'pending' && current.status !== 'booked') {
        throw businessRule(`This appointment is ${current.status} and can no longer be cancelled`);
      }
      if (current.start_at.getTime() <= now.getTime()) {
        throw businessRule('This appointment has already started; please contact the practice');
      }
      if (update.cancelationReason !== undefined && update.cancelationReason !== 'patient') {
        throw businessRule('A patient cancels with the reason "patient"');
      }
      return { status: 'cancelled', reason: 'patient' };
    }

    if (target !== current.status && !STAFF_TRANSITIONS[current.status].includes(target)) {
      const allowed = STAFF_TRANSITIONS[current.status];
      throw businessRule(
        `An appointment that is ${current.status} cannot become ${target}` +
          (allowed.length ? `; it can become ${allowed.join(', ')}` : '; it is final'),
      );
    }
    if (moving && target !== 'pending' && target !== 'booked') {
      throw businessRule(`Only a pending or booked appointment can be moved to another slot, not a ${target} one`);
    }
    let reason: CancelationReason | null = null;
    if (target === 'cancelled') {
      reason = update.cancelationReason ?? (current.status === 'pending' ? 'declined' : 'practice');
      if (reason === 'declined' && current.status !== 'pending') {
        throw businessRule(
          'Only a pending request can be declined; cancel a booked appointment with reason "practice" or "patient"',
        );
      }
    }
    return { status: target, reason, ...(moving ? { slot: update.slot } : {}) };
  }

  private details(appointment: AppointmentRow, joinUrl?: string): ConfirmationDetails {
    return {
      joinUrl,
      manageUrl: this.manageLink?.(appointment),
      appointmentId: String(appointment.id),
      patientName: displayName(appointment.patient_details.name[0]),
      practitionerName: displayName(appointment.practitioner_name),
      serviceDisplay: appointment.service_display,
      start: appointment.start_at,
      end: appointment.end_at,
      timeZone: appointment.time_zone,
      channel: appointment.channel,
      bookingReference: appointment.booking_reference,
      language: appointment.patient_details.language,
    };
  }

  private async queueCancellation(
    repo: BookingRepository,
    appointment: AppointmentRow,
    message: string | undefined,
    now: Date,
  ): Promise<void> {
    if (!this.composeCancellation) return;
    const mail = this.composeCancellation(this.details(appointment), {
      declined: appointment.cancelation_reason === 'declined',
      message,
    });
    await repo.queueMail({
      appointmentId: appointment.id,
      to: appointment.patient_details.email,
      subject: mail.subject,
      body: mail.text,
      now,
    });
  }

  /** A moved appointment: the patient is e-mailed the new time, and a fresh link for a video one. */
  private async queueReschedule(
    repo: BookingRepository,
    appointment: AppointmentRow,
    previous: AppointmentRow,
    now: Date,
    byPatient: boolean,
  ): Promise<void> {
    if (!this.composeReschedule) return;
    const joinUrl =
      appointment.channel === 'Video' && this.joinLink ? await this.joinLink(appointment, repo.db) : undefined;
    const mail = this.composeReschedule(this.details(appointment, joinUrl), {
      previousStart: previous.start_at,
      byPatient,
    });
    await repo.queueMail({
      appointmentId: appointment.id,
      to: appointment.patient_details.email,
      subject: mail.subject,
      body: mail.text,
      now,
    });
  }

  private async queueConfirmation(repo: BookingRepository, appointment: AppointmentRow, now: Date): Promise<void> {
    const joinUrl =
      appointment.channel === 'Video' && this.joinLink ? await this.joinLink(appointment, repo.db) : undefined;
    const message = this.compose(this.details(appointment, joinUrl));
    await repo.queueMail({
      appointmentId: appointment.id,
      to: appointment.patient_details.email,
      subject: message.subject,
      body: message.text,
      now,
    });
  }

  /**
   * A patient moved or cancelled their own booking: the practice is e-mailed (the outbox) when it
   * has an address; the staff event stream tells the desk in every case (`announce`).
   */
  private async tellPractice(
    repo: BookingRepository,
    appointment: AppointmentRow,
    previous: AppointmentRow,
    now: Date,
  ): Promise<void> {
    const to = this.practiceEmail;
    if (!to) return;
    const mail = this.composePracticeNotice?.(this.details(appointment), {
      cancelled: appointment.status === 'cancelled',
      previousStart: previous.start_at,
    });
    if (!mail) return;
    // Not tied to the appointment: the practice's copy carries no calendar file for the patient's time.
    await repo.queueMail({
      appointmentId: null,
      to,
      subject: mail.subject,
      body: mail.text,
      now,
    });
  }

  private announce(appointment: AppointmentRow): void {
    const event: AppointmentEvent = {
      id: String(appointment.id),
      status: appointment.status,
      versionId: String(appointment.version),
    };
    try {
      this.events.emit(event);
    } catch {
      // A listener's failure is its own; the change is committed.
    }
  }

  /**
   * Makes the slots of every active schedule from today to the planning horizon (eight weeks),
   * each in its own time zone. Idempotent. Returns how many slots it made.
   */
  async generateHorizon(days = PLANNING_HORIZON_DAYS): Promise<number> {
    let made = 0;
    for (const schedule of await this.repo.activeSchedules()) {
      const today = dateIn(this.now(), schedule.time_zone);
      made += await this.repo.generateSlots(schedule, today, addDays(today, days + 1));
    }
    // Fresh planner statistics after a big batch (PGlite has no autovacuum).
    if (made >= 10_000) await this.storage.query('ANALYZE slot');
    return made;
  }

  /** Is `status` one that holds its slot? */
  static isLive(status: AppointmentStatus): boolean {
    return LIVE_STATUSES.includes(status);
  }
}
