/**
 * Calls between clinicians with no patient (docs/staff.md, "Calling a colleague";
 * docs/decisions/0045-staff-calls.md).
 *
 * A staff call is a consultation that belongs to no booking: an `appointment` row without a slot,
 * a diary or a patient (so FHIR never shows it: Appointment reads join the diary), marked by a
 * `staff_call` row. Everything a room needs keys on that id as for any consultation: join sessions,
 * the roster, mesh or Janus, chat. Each colleague asked in gets a single-use clinician link bound
 * to them (`join_invitation.practitioner_id`): the patient's redeem route refuses it without
 * consuming it, and only that person's own staff credentials redeem it. Nobody waits to be let in:
 * everyone is a clinician. The call ends when nobody has been in it for a moment.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import {
  PRESENCE_EVENT,
  type CallInNotice,
  type StaffCallAnswer,
  type StaffCallDeclined,
  type StaffPerson,
} from '@consultkit/core/contract';
import { HttpError } from '../errors.js';
import { consultationOf, JoinError, type AppointmentPort, type JoinService, type StaffActor } from '../join/service.js';
import type { Storage } from '../storage/index.js';
import type { PresenceService } from './presence.js';

export interface StaffCallOptions {
  storage: Storage;
  join: () => JoinService;
  presence: PresenceService;
  now: () => number;
  /** Whether a consultation has someone in the call now (the rooms' replica). */
  isLive: (cid: string) => boolean;
  /** Whether anyone has been in the room of `cid` (the room registry's `entered`). */
  entered: (cid: string) => boolean;
  /** Ends a consultation as a clinician's "End" does: sessions revoked, fulfilled, Janus room gone. */
  end: (appointmentId: number) => Promise<void>;
  log: { error(object: object, message: string): void };
  /** How long a colleague's link works unanswered (default 2 minutes). */
  ringSeconds?: number | undefined;
  /** The longest a call may last (default 4 hours): its sessions expire then. */
  maxMinutes?: number | undefined;
  /** How long a call may stay empty (a page reloading) before it ends (default 5 s). */
  emptyMs?: number | undefined;
}

interface CallRow {
  id: number;
  status: string;
  start_at: Date;
  end_at: Date;
  practitioner_id: number;
  ended_at: Date | null;
}

export class StaffCalls {
  /** Calls someone was in, on this instance's replica, with when they were last seen empty. */
  readonly #watched = new Map<number, number | undefined>();
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(private readonly options: StaffCallOptions) {}

  /** The call `id` as the join service sees an appointment, or undefined (no such call). */
  async row(id: number): Promise<CallRow | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const [row] = await this.options.storage.query<CallRow>(
      `SELECT a.id, a.status, a.start_at, a.end_at, a.practitioner_id, c.ended_at
         FROM staff_call c JOIN appointment a ON a.id = c.appointment_id WHERE c.appointment_id = $1`,
      [id],
    );
    return row;
  }

  /**
   * The join service's appointment port, for staff calls too: `base` knows booked appointments
   * (it does not see a staff call: no diary); a staff call is found here.
   */
  port(base: AppointmentPort): AppointmentPort {
    return {
      get: async (id) => {
        const found = await base.get(id);
        if (found) return found;
        const call = await this.row(id);
        return call && { id: call.id, status: call.status, start: call.start_at, end: call.end_at, channel: 'Video' };
      },
      people: async (id) => {
        const found = await base.people?.(id);
        if (found) return found;
        const call = await this.row(id);
        if (!call) return undefined;
        const practitionerId = String(call.practitioner_id);
        const practitioner = (await base.practitionerName?.(practitionerId)) ?? undefined;
        return { practitionerId, ...(practitioner ? { practitioner } : {}) };
      },
      ...(base.practitionerName ? { practitionerName: base.practitionerName.bind(base) } : {}),
      markArrived: async (id) => {
        if (!(await this.row(id))) await base.markArrived(id);
      },
      markFulfilled: async (id) => {
        if (!(await this.row(id))) return base.markFulfilled(id);
        await this.options.storage.query(
          `UPDATE appointment SET status = 'fulfilled', updated_at = $2 WHERE id = $1 AND status = 'booked'`,
          [id, new Date(this.options.now())],
        );
        await this.options.storage.query(
          'UPDATE staff_call SET ended_at = $2 WHERE appointment_id = $1 AND ended_at IS NULL',
          [id, new Date(this.options.now())],
        );
      },
    };
  }

  /** A new call from `caller` (the appointment row and the call), with the caller's ticket to it. */
  async start(caller: StaffActor, colleague: StaffPerson): Promise<StaffCallAnswer> {
    const now = new Date(Math.floor(this.options.now() / 1000) * 1000);
    const end = new Date(now.getTime() + (this.options.maxMinutes ?? 240) * 60_000);
    const id = await this.options.storage.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO appointment (status, practitioner_id, start_at, end_at, channel, booking_reference,
           request_digest, patient_details, created_at, updated_at)
         VALUES ('booked', $1, $2, $3, 'Video', $4, 'staff-call', '{}', $5, $5) RETURNING id`,
        [Number(caller.practitioner), now, end, `call-${randomBytes(9).toString('base64url')}`, now],
      );
      await tx.query('INSERT INTO staff_call (appointment_id, started_by, created_at) VALUES ($1, $2, $3)', [
        row!.id,
        Number(caller.practitioner),
        now,
      ]);
      return row!.id;
    });
    const ticket = await this.options.join().clinicianSession(id, {}, caller);
    const asked = await this.invite(id, caller, colleague);
    return { ...asked, ticket };
  }

  /**
   * Asks `colleague` into the running call `id` from `from`, who must be in it (started it, or
   * joined it): a link bound to the colleague, and a notice on their staff stream.
   */
  async invite(id: number, from: StaffActor, colleague: StaffPerson): Promise<StaffCallAnswer> {
    const call = await this.row(id);
    if (!call) throw new HttpError(404, 'not-found', `There is no staff call ${id}`);
    if (call.ended_at || call.status !== 'booked') throw new HttpError(409, 'conflict', 'This call has ended');
    const [member] = await this.options.storage.query<{ yes: number }>(
      `SELECT 1 AS yes FROM staff_call WHERE appointment_id = $1 AND started_by = $2
       UNION ALL
       SELECT 1 FROM join_session WHERE appointment_id = $1 AND staff_practitioner_id = $2 AND revoked_at IS NULL`,
      [id, Number(from.practitioner)],
    );
    if (!member) throw new HttpError(403, 'forbidden', 'Only someone in this call may ask a colleague into it');
    const [already] = await this.options.storage.query<{ yes: number }>(
      `SELECT 1 AS yes FROM join_session WHERE appointment_id = $1 AND staff_practitioner_id = $2
          AND revoked_at IS NULL AND expires_at > $3`,
      [id, Number(colleague.id), new Date(this.options.now())],
    );
    if (already) throw new HttpError(409, 'conflict', `${colleague.name} is already in this call`);
    const now = new Date(this.options.now());
    const expires = new Date(now.getTime() + (this.options.ringSeconds ?? 120) * 1000);
    const join = this.options.join();
    const invitation = await this.options.storage.transaction(async (tx) => {
      const made = await join.inviteWithin(
        tx,
        { id, start: call.start_at, end: call.end_at, channel: 'Video' },
        'clinician',
        undefined,
        { practitioner: colleague.id, expires },
      );
      await tx.query(
        `INSERT INTO staff_call_invitation (jti, appointment_id, practitioner_id, from_practitioner_id, created_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [made.jti, id, Number(colleague.id), Number(from.practitioner), now],
      );
      return made;
    });
    const notice: CallInNotice = {
      id: `call-${id}-${colleague.id}-${invitation.jti.slice(0, 8)}`,
      consultation: String(id),
      from: { practitioner: from.practitioner, name: from.name },
      url: invitation.url,
      opensAt: invitation.opensAt.toISOString(),
    };
    const notified = await this.options.presence.connected(Number(colleague.id));
    await this.options.presence.notify(Number(colleague.id), PRESENCE_EVENT.callIn, notice);
    return { call: String(id), practitioner: colleague.id, notified, expiresAt: expires.toISOString() };
  }

  /**
   * `person` joins the call `id` with the link they were sent (its token, or the whole URL). The
   * link must be theirs, unused, unexpired, and the call running.
   */
  async join(id: number, token: string, person: StaffActor) {
    const raw = token.includes('/') ? (token.split('?')[0]!.split('/').pop() ?? '') : token;
    const call = await this.row(id);
    if (!call) throw new HttpError(404, 'not-found', `There is no staff call ${id}`);
    if (call.ended_at || call.status !== 'booked') throw new HttpError(410, 'business-rule', 'This call has ended');
    let sub: string | undefined;
    try {
      sub = decodeJwt(raw).sub;
    } catch {
      throw new JoinError('invalid', 'This link is not valid: it may have been copied incompletely or changed.');
    }
    if (sub !== String(id)) throw new HttpError(400, 'value', 'token: this link is for another call');
    return this.options.join().redeemFor(raw, person);
  }

  /**
   * `person` declines every call to them in `id` still unanswered: their links stop working and
   * whoever called is told live. Answers whether there was anything to decline.
   */
  async decline(id: number, person: StaffPerson): Promise<boolean> {
    const now = new Date(this.options.now());
    const declined = await this.options.storage.transaction(async (tx) => {
      const rows = await tx.query<{ jti: string; from_practitioner_id: number }>(
        `UPDATE staff_call_invitation SET declined_at = $3
          WHERE appointment_id = $1 AND practitioner_id = $2 AND declined_at IS NULL
            AND jti IN (SELECT jti FROM join_invitation WHERE redeemed_at IS NULL AND revoked_at IS NULL)
          RETURNING jti, from_practitioner_id`,
        [id, Number(person.id), now],
      );
      if (rows.length > 0) {
        await tx.query(
          `UPDATE join_invitation SET revoked_at = $2, revoked_reason = 'declined' WHERE jti = ANY($1::text[])`,
          [rows.map((row) => row.jti), now],
        );
      }
      return rows;
    });
    const told: StaffCallDeclined = { call: String(id), practitioner: person.id, name: person.name };
    for (const caller of new Set(declined.map((row) => row.from_practitioner_id))) {
      await this.options.presence.notify(caller, PRESENCE_EVENT.staffCallDeclined, told);
    }
    return declined.length > 0;
  }

  /** The rooms changed: a staff call nobody is in any more ends (after `emptyMs`, in case of a reload). */
  roomsChanged(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#check().catch((error: unknown) =>
        this.options.log.error({ err: error }, 'ending empty staff calls failed'),
      );
    }, 100);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    if (this.#checking) return this.roomsChanged();
    this.#checking = true;
    try {
      const open = await this.options.storage.query<{ id: number }>(
        'SELECT appointment_id AS id FROM staff_call WHERE ended_at IS NULL',
      );
      // Wall-clock time: how long a room has been empty, whatever clock the server's dates follow.
      const now = Date.now();
      const emptyMs = this.options.emptyMs ?? 5000;
      let again = false;
      for (const { id } of open) {
        if (this.options.isLive(consultationOf(id))) {
          this.#watched.set(id, undefined);
          continue;
        }
        // Nobody has been in it here yet (a call so short that it began and emptied between two
        // looks counts as entered: the room remembers who was in it).
        if (!this.#watched.has(id) && !this.options.entered(consultationOf(id))) continue;
        const since = this.#watched.get(id) ?? now;
        this.#watched.set(id, since);
        if (now - since < emptyMs) {
          again = true;
          continue;
        }
        this.#watched.delete(id);
        await this.options.end(id);
      }
      for (const id of this.#watched.keys()) if (!open.some((row) => row.id === id)) this.#watched.delete(id);
      if (again) {
        const retry = setTimeout(() => this.roomsChanged(), Math.min(emptyMs, 1000));
        retry.unref();
      }
    } finally {
      this.#checking = false;
    }
  }
}
