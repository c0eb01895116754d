/**
 * Join links and sessions (docs/security.md).
 *
 * An invitation is a JWT signed with the server's Ed25519 key: `sub` the appointment, `role`,
 * a unique `jti`, `nbf` shortly before the start, `exp` after the end. Redeeming it is a deliberate
 * POST (mail scanners prefetch GET links) that consumes the `jti` in one conditional UPDATE, so a
 * link works once whatever the concurrency, and starts a session: a signalling ticket bound to one
 * peer id of this consultation, valid until the invitation would have expired.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import {
  GUEST_KINDS,
  joinProblemStatus,
  type GuestKind,
  type IceServer,
  type JoinProblem,
  type JoinTicket as ContractTicket,
  type RevocationReason,
} from '@consultkit/core/contract';
import type { SqlExecutor, Storage } from '../storage/index.js';
import { ROLES, type Role, type SignallingTokens } from '../tokens.js';
import type { JoinKey } from './keys.js';

const ISSUER = 'consultkit';
const AUDIENCE = 'consultkit:join';

export type { JoinProblem, RevocationReason } from '@consultkit/core/contract';

/**
 * Why a session was revoked, as stored: a revocation of the booking's (`RevocationReason`), or a
 * clinician's doing in the room: the consultation `ended`, or this participant `removed`.
 */
export type SessionRevocation = RevocationReason | 'ended' | 'removed';

/** A guest of a consultation, as staff see them. */
export interface Guest {
  id: string;
  name: string;
  kind: GuestKind;
  email?: string;
  phone?: string;
  /** When their link opens. */
  opensAt: string;
  /** Has redeemed their link (holds a session). */
  joined: boolean;
}

/** Who a clinician session is for: another practitioner than the appointment's, by name. */
export interface ClinicianIdentity {
  practitioner?: string;
  name?: string;
}

/**
 * The member of staff acting in a clinician session (the signed-in person, or the one the staff
 * key names), and how they proved it: what the audit of admitting names. None: the staff key alone.
 */
export interface StaffActor {
  practitioner: string;
  name: string;
  via: 'session' | 'key';
}

/** A live session, as `JoinService.session` finds it. */
export interface SessionInfo {
  appointmentId: number;
  role: Role;
  sessionId: string;
  /** The link the session was started from (null for a clinician session of a vendor backend). */
  invitationJti: string | null;
  expiresAt: Date;
  /** The session's own peer id. */
  peerId: string;
  /** The name the others see, as stored with the session. */
  name?: string;
  kind?: GuestKind;
}

export class JoinError extends Error {
  constructor(
    readonly problem: JoinProblem,
    message: string,
    /** When the link starts working, for `early`. */
    readonly opensAt?: Date,
  ) {
    super(message);
    this.name = 'JoinError';
  }

  get status(): number {
    return joinProblemStatus(this.problem);
  }
}

/** What the join service needs to know of an appointment, and may do to it. */
export interface AppointmentPort {
  get(id: number): Promise<{ id: number; status: string; start: Date; end: Date; channel: string } | undefined>;
  /** `booked` → `arrived`: the patient is in the waiting room. No change otherwise. */
  markArrived(id: number): Promise<void>;
  /** `booked` or `arrived` → `fulfilled`: the clinician ended the consultation. */
  markFulfilled(id: number): Promise<void>;
  /** The names the roster shows: the patient's and the practitioner's (with their id). */
  people?(
    id: number,
  ): Promise<{ patient?: string | undefined; practitioner?: string | undefined; practitionerId: string } | undefined>;
  /** A practitioner's name by id; null when there is no such practitioner. */
  practitionerName?(id: string): Promise<string | null>;
}

export interface JoinOptions {
  /** Links open this long before the start. */
  earlyMinutes: number;
  /** …and keep working this long after the end. */
  graceMinutes: number;
  /** Public base URL of the server, for links: `{base}/join/{token}`. */
  baseUrl: () => string;
  iceServers: () => RTCIceServerLike[];
  now?: () => Date;
}

export type RTCIceServerLike = IceServer;

/**
 * What a redeemed link or a vendor backend's request gives: everything `Consultation` needs (the
 * contract's ticket, with the appointment and expiry always set).
 */
export type JoinTicket = ContractTicket & Required<Pick<ContractTicket, 'appointmentId' | 'expiresAt'>>;

export interface Invitation {
  url: string;
  token: string;
  jti: string;
  /** When the link starts working. */
  opensAt: Date;
}

/** The consultation id of an appointment, as signalling knows it. */
export const consultationOf = (appointmentId: number) => `appt-${appointmentId}`;

const OTHER: Record<Role, Role> = { patient: 'clinician', clinician: 'patient', guest: 'clinician' };

/** The refusal of a link bound to another member of staff (it is not consumed). */
const boundElsewhere = () =>
  new JoinError(
    'wrong-role',
    'This link is for one named member of staff: open it from the console, signed in as them.',
  );

/** Appointment statuses that end every session of the appointment. */
const ENDED = new Set(['cancelled', 'noshow', 'entered-in-error']);

/** The refusal of a link revoked for `reason`. */
function revokedLink(reason: string | null): JoinError {
  if (reason === 'rescheduled') {
    return new JoinError(
      'rescheduled',
      'Your appointment has moved to a new time, so this link no longer works. We have e-mailed you a new link: please use that one.',
    );
  }
  if (reason === 'cancelled') return new JoinError('cancelled', 'This appointment has been cancelled.');
  if (reason === 'ended') return new JoinError('cancelled', 'This consultation has ended.');
  if (reason === 'removed') return new JoinError('revoked', 'This invitation has been withdrawn by the practice.');
  if (reason === 'declined') return new JoinError('revoked', 'This call was declined.');
  return new JoinError('revoked', 'This link has been replaced by a newer one.');
}

/** The refusal of a session revoked for `reason`. */
function revokedSession(reason: string | null): JoinError {
  if (reason === 'rescheduled' || reason === 'cancelled') return revokedLink(reason);
  if (reason === 'ended') return new JoinError('cancelled', 'This consultation has ended.');
  if (reason === 'removed') {
    return new JoinError(
      'revoked',
      'A clinician has ended your part in this consultation. If you should be there, please contact the practice.',
    );
  }
  return new JoinError(
    'revoked',
    'This session has ended: the practice sent a new link. Please use the link in their most recent e-mail.',
  );
}

export class JoinService {
  readonly #now: () => Date;

  constructor(
    private readonly storage: Storage,
    private readonly key: JoinKey,
    private readonly tokens: SignallingTokens,
    private readonly appointments: AppointmentPort,
    private readonly options: JoinOptions,
    private readonly signalling: { path: string; key: string },
  ) {
    this.#now = options.now ?? (() => new Date());
  }

  /** The service's clock (the configured one in tests): what session lifetimes are measured by. */
  now(): Date {
    return this.#now();
  }

  /** Issues an invitation for `role` to a video appointment; returns its link. */
  async invite(appointmentId: number, role: Role): Promise<Invitation> {
    return this.inviteWithin(this.storage, await this.#videoAppointment(appointmentId), role);
  }

  /**
   * Invites a guest (an interpreter, a carer, …) to a video appointment: the guest is recorded and
   * given a role-bound single-use link of their own, like the patient's.
   */
  async inviteGuest(
    appointmentId: number,
    guest: { name: string; kind: GuestKind; email?: string | undefined; phone?: string | undefined },
  ): Promise<{ guest: Guest; invitation: Invitation }> {
    const appointment = await this.#videoAppointment(appointmentId);
    if (['cancelled', 'noshow', 'fulfilled', 'entered-in-error'].includes(appointment.status)) {
      throw new JoinError('cancelled', 'This appointment has been cancelled or has already taken place.');
    }
    return this.storage.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO consultation_guest (appointment_id, name, kind, email, phone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [appointmentId, guest.name, guest.kind, guest.email ?? null, guest.phone ?? null, this.#now()],
      );
      const id = String(row!.id);
      const invitation = await this.inviteWithin(tx, appointment, 'guest', id);
      return {
        guest: {
          id,
          name: guest.name,
          kind: guest.kind,
          ...(guest.email ? { email: guest.email } : {}),
          ...(guest.phone ? { phone: guest.phone } : {}),
          opensAt: invitation.opensAt.toISOString(),
          joined: false,
        },
        invitation,
      };
    });
  }

  /** The guests of an appointment not removed, oldest first. */
  async guests(appointmentId: number): Promise<Guest[]> {
    await this.#videoAppointment(appointmentId);
    const rows = await this.storage.query<{
      id: number;
      name: string;
      kind: GuestKind;
      email: string | null;
      phone: string | null;
      opens_at: Date | null;
      joined: boolean;
    }>(
      `SELECT g.id, g.name, g.kind, g.email, g.phone,
              (SELECT min(i.not_before) FROM join_invitation i WHERE i.guest_id = g.id) AS opens_at,
              EXISTS (SELECT 1 FROM join_session s WHERE s.guest_id = g.id) AS joined
         FROM consultation_guest g
        WHERE g.appointment_id = $1 AND g.removed_at IS NULL
        ORDER BY g.id`,
      [appointmentId],
    );
    return rows.map((row) => ({
      id: String(row.id),
      name: row.name,
      kind: row.kind,
      ...(row.email ? { email: row.email } : {}),
      ...(row.phone ? { phone: row.phone } : {}),
      opensAt: row.opens_at ? new Date(row.opens_at).toISOString() : '',
      joined: row.joined,
    }));
  }

  /**
   * Removes a guest: their unused links and live sessions are revoked (`removed`). Returns the
   * revoked sessions' ids (close their sockets) and the guest's peer id; `not-found` for no such
   * guest of this appointment.
   */
  async removeGuest(appointmentId: number, guestId: string): Promise<{ sessions: string[]; peerId: string }> {
    if (!/^\d{1,9}$/.test(guestId)) throw new JoinError('not-found', 'There is no such guest.');
    return this.storage.transaction(async (tx) => {
      const now = this.#now();
      const removed = await tx.query<{ id: number }>(
        `UPDATE consultation_guest SET removed_at = $3
          WHERE id = $1 AND appointment_id = $2 AND removed_at IS NULL RETURNING id`,
        [Number(guestId), appointmentId, now],
      );
      if (removed.length === 0) throw new JoinError('not-found', 'There is no such guest of this appointment.');
      await tx.query(
        `UPDATE join_invitation SET revoked_at = $2, revoked_reason = 'removed'
          WHERE guest_id = $1 AND redeemed_at IS NULL AND revoked_at IS NULL`,
        [Number(guestId), now],
      );
      const sessions = await tx.query<{ id: string }>(
        `UPDATE join_session SET revoked_at = $2, revoked_reason = 'removed'
          WHERE guest_id = $1 AND revoked_at IS NULL RETURNING id`,
        [Number(guestId), now],
      );
      return {
        sessions: sessions.map((row) => row.id),
        peerId: this.tokens.peerId(consultationOf(appointmentId), 'guest', guestId),
      };
    });
  }

  /** Revokes one session (a clinician removed its participant); a removed guest is no longer listed. */
  async revokeSession(sessionId: string, reason: SessionRevocation): Promise<void> {
    const now = this.#now();
    await this.storage.transaction(async (tx) => {
      const [row] = await tx.query<{ guest_id: number | null }>(
        `UPDATE join_session SET revoked_at = $2, revoked_reason = $3
          WHERE id = $1 AND revoked_at IS NULL RETURNING guest_id`,
        [sessionId, now, reason],
      );
      if (reason === 'removed' && row?.guest_id) {
        await tx.query('UPDATE consultation_guest SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL', [
          row.guest_id,
          now,
        ]);
      }
    });
  }

  /**
   * Issues an invitation inside a transaction that holds the appointment (`db`), e.g. the one
   * confirming it, which then e-mails the link.
   */
  async inviteWithin(
    db: SqlExecutor,
    appointment: { id: number; start: Date; end: Date; channel: string },
    role: Role,
    guestId?: string,
    bound?: { practitioner: string; expires: Date },
  ): Promise<Invitation> {
    if (appointment.channel !== 'Video')
      throw new JoinError('not-video', 'This appointment is not a video appointment.');
    const appointmentId = appointment.id;
    const now = this.#now();
    const notBefore = new Date(appointment.start.getTime() - this.options.earlyMinutes * 60_000);
    const expires = bound?.expires ?? new Date(appointment.end.getTime() + this.options.graceMinutes * 60_000);
    const jti = randomBytes(16).toString('base64url');
    const token = await new SignJWT(guestId ? { role, guest: guestId } : { role })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(String(appointmentId))
      .setJti(jti)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setNotBefore(Math.floor(notBefore.getTime() / 1000))
      .setExpirationTime(Math.floor(expires.getTime() / 1000))
      .sign(this.key.privateKey);
    await db.query(
      `INSERT INTO join_invitation (jti, appointment_id, role, not_before, expires_at, issued_at, guest_id, practitioner_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        jti,
        appointmentId,
        role,
        notBefore,
        expires,
        now,
        guestId ? Number(guestId) : null,
        bound ? Number(bound.practitioner) : null,
      ],
    );
    return { url: `${this.options.baseUrl()}/join/${token}`, token, jti, opensAt: notBefore };
  }

  /**
   * Revokes, inside `db` (the transaction making the change), the appointment's live sessions and
   * unused invitations: of one role, or of both. Returns the revoked sessions' ids, whose sockets
   * are to be closed once the change is committed.
   */
  async revokeWithin(
    db: SqlExecutor,
    appointmentId: number,
    reason: SessionRevocation,
    role?: Role,
  ): Promise<{ sessions: string[]; invitations: number }> {
    const now = this.#now();
    const byRole = role ? 'AND role = $4' : '';
    const args = role ? [appointmentId, now, reason, role] : [appointmentId, now, reason];
    const invitations = await db.query(
      `UPDATE join_invitation SET revoked_at = $2, revoked_reason = $3
        WHERE appointment_id = $1 ${byRole} AND redeemed_at IS NULL AND revoked_at IS NULL
        RETURNING jti`,
      args,
    );
    const sessions = await db.query<{ id: string }>(
      `UPDATE join_session SET revoked_at = $2, revoked_reason = $3
        WHERE appointment_id = $1 ${byRole} AND revoked_at IS NULL AND expires_at > $2
        RETURNING id`,
      args,
    );
    return { sessions: sessions.map((row) => row.id), invitations: invitations.length };
  }

  /**
   * A new link for `role`, in one transaction with revoking that role's earlier sessions and unused
   * links ("send a new link"). Close the returned sessions' sockets once this resolves.
   */
  async reissue(
    appointmentId: number,
    role: Role,
  ): Promise<{ invitation: Invitation; revokedInvitations: number; revokedSessions: string[] }> {
    const appointment = await this.#videoAppointment(appointmentId);
    return this.storage.transaction(async (tx) => {
      const revoked = await this.revokeWithin(tx, appointmentId, 'revoked', role);
      const invitation = await this.inviteWithin(tx, appointment, role);
      return { invitation, revokedInvitations: revoked.invitations, revokedSessions: revoked.sessions };
    });
  }

  /**
   * Redeems a link once: checks its signature, audience, time window and role, consumes its `jti`
   * atomically, and starts a session. Throws a `JoinError` saying which check failed.
   */
  async redeem(token: string, expectedRole?: Role): Promise<JoinTicket> {
    const claims = await this.#verifyOrRevoked(token);
    const role = claims.role;
    if (expectedRole && role !== expectedRole) {
      throw new JoinError('wrong-role', `This link is for the ${role}, not the ${expectedRole}.`);
    }
    const appointmentId = Number(claims.sub);
    const appointment = await this.#videoAppointment(appointmentId);
    if (appointment.status === 'cancelled' || appointment.status === 'noshow' || appointment.status === 'fulfilled') {
      throw new JoinError('cancelled', 'This appointment has been cancelled or has already taken place.');
    }
    const now = this.#now();
    const consumed = await this.storage.query<{ role: string; expires_at: Date; guest_id: number | null }>(
      `UPDATE join_invitation SET redeemed_at = $2
        WHERE jti = $1 AND redeemed_at IS NULL AND revoked_at IS NULL AND practitioner_id IS NULL
        RETURNING role, expires_at, guest_id`,
      [claims.jti, now],
    );
    const row = consumed[0];
    if (!row) {
      const known = await this.#invitation(claims.jti);
      if (!known) throw new JoinError('invalid', 'This link is not one we issued.');
      if (known.practitioner_id !== null) throw boundElsewhere();
      if (known.revoked_at) throw revokedLink(known.revoked_reason);
      throw new JoinError(
        'used',
        'This link has already been used. If you joined on another device, carry on there; otherwise ask the practice to send you a new link.',
      );
    }
    if (row.role !== role) throw new JoinError('wrong-role', 'This link does not match its invitation.');
    const expires = new Date(row.expires_at);
    if (role === 'guest') {
      const [guest] = await this.storage.query<{ id: number; name: string; kind: GuestKind }>(
        'SELECT id, name, kind FROM consultation_guest WHERE id = $1 AND removed_at IS NULL',
        [row.guest_id],
      );
      if (!guest) throw new JoinError('revoked', 'This invitation has been withdrawn by the practice.');
      return this.#startSession(appointmentId, role, expires, claims.jti, {
        who: String(guest.id),
        name: guest.name,
        kind: guest.kind,
      });
    }
    const people = await this.appointments.people?.(appointmentId);
    const name = role === 'patient' ? people?.patient : (people?.practitioner ?? 'Clinician');
    return this.#startSession(appointmentId, role, expires, claims.jti, name ? { name } : {});
  }

  /**
   * Redeems a link bound to one member of staff (a colleague asked into a staff call), through that
   * person's own staff credentials: anyone else, even staff, is refused without consuming it. The
   * session is a clinician's with a peer id of the person's own, until the call can last no longer.
   */
  async redeemFor(token: string, actor: StaffActor): Promise<JoinTicket> {
    const claims = await this.#verifyOrRevoked(token);
    const appointmentId = Number(claims.sub);
    const appointment = await this.#videoAppointment(appointmentId);
    if (ENDED.has(appointment.status) || appointment.status === 'fulfilled') {
      throw new JoinError('cancelled', 'This call has ended.');
    }
    const known = await this.#invitation(claims.jti);
    if (!known) throw new JoinError('invalid', 'This link is not one we issued.');
    if (known.practitioner_id === null || String(known.practitioner_id) !== actor.practitioner) throw boundElsewhere();
    const consumed = await this.storage.query<{ jti: string }>(
      `UPDATE join_invitation SET redeemed_at = $2
        WHERE jti = $1 AND redeemed_at IS NULL AND revoked_at IS NULL AND practitioner_id = $3 AND role = 'clinician'
        RETURNING jti`,
      [claims.jti, this.#now(), Number(actor.practitioner)],
    );
    if (consumed.length === 0) {
      const again = await this.#invitation(claims.jti);
      if (again?.revoked_at) throw revokedLink(again.revoked_reason);
      throw new JoinError('used', 'This link has already been used: ask your colleague to call you again.');
    }
    const expires = new Date(appointment.end.getTime() + this.options.graceMinutes * 60_000);
    const people = await this.appointments.people?.(appointmentId);
    const who = actor.practitioner === people?.practitionerId ? {} : { who: actor.practitioner };
    return this.#startSession(appointmentId, 'clinician', expires, claims.jti, { ...who, name: actor.name }, actor);
  }

  /** The member of staff acting in a clinician session, or undefined (the staff key alone, or no such session). */
  async actorOf(sessionId: string): Promise<StaffActor | undefined> {
    const [row] = await this.storage.query<{ staff_practitioner_id: number | null; staff_via: string | null }>(
      'SELECT staff_practitioner_id, staff_via FROM join_session WHERE id = $1',
      [sessionId],
    );
    if (!row || row.staff_practitioner_id === null) return undefined;
    const name = (await this.appointments.practitionerName?.(String(row.staff_practitioner_id))) ?? 'Clinician';
    return { practitioner: String(row.staff_practitioner_id), name, via: row.staff_via === 'key' ? 'key' : 'session' };
  }

  /**
   * A clinician session for a vendor backend (already authenticated with the staff key). With a
   * `practitioner` other than the appointment's, the session has a peer id of its own (a second
   * clinician: a nurse beside the GP); `name` is what the others see.
   */
  async clinicianSession(
    appointmentId: number,
    identity: ClinicianIdentity = {},
    actor?: StaffActor,
  ): Promise<JoinTicket> {
    const appointment = await this.#videoAppointment(appointmentId);
    if (appointment.status === 'cancelled' || appointment.status === 'noshow') {
      throw new JoinError('cancelled', 'This appointment has been cancelled.');
    }
    const expires = new Date(appointment.end.getTime() + this.options.graceMinutes * 60_000);
    if (expires <= this.#now()) throw new JoinError('expired', 'This appointment is over.');
    const people = await this.appointments.people?.(appointmentId);
    let name = people?.practitioner;
    let who: string | undefined;
    if (identity.practitioner !== undefined && identity.practitioner !== people?.practitionerId) {
      const theirs = await this.appointments.practitionerName?.(identity.practitioner);
      if (theirs === null || theirs === undefined) throw new JoinError('not-found', 'There is no such practitioner.');
      name = theirs;
      who = identity.practitioner;
    }
    name = identity.name ?? name ?? 'Clinician';
    return this.#startSession(appointmentId, 'clinician', expires, null, { name, ...(who ? { who } : {}) }, actor);
  }

  /** Our TURN servers with fresh time-limited credentials (none configured: host candidates only). */
  iceServers(): RTCIceServerLike[] {
    return this.options.iceServers();
  }

  /** The patient is in the waiting room: the appointment becomes `arrived`. */
  arrived(appointmentId: number): Promise<void> {
    return this.appointments.markArrived(appointmentId);
  }

  /** The clinician ended the consultation: the appointment becomes `fulfilled`. */
  fulfilled(appointmentId: number): Promise<void> {
    return this.appointments.markFulfilled(appointmentId);
  }

  /**
   * The live session behind a signalling token, or a `JoinError`: the token must be valid, its
   * session known, not revoked, not expired, and its appointment neither cancelled nor a no-show.
   */
  async session(token: string): Promise<SessionInfo> {
    let claims;
    try {
      claims = this.tokens.verify(token);
    } catch {
      throw new JoinError('invalid', 'The session is missing, expired or not valid.');
    }
    const match = /^appt-(\d+)$/.exec(claims.cid);
    if (!match || !claims.sid) throw new JoinError('invalid', 'This is not a consultation session.');
    const appointmentId = Number(match[1]);
    const [row] = await this.storage.query<{
      appointment_id: number;
      role: string;
      peer_id: string;
      invitation_jti: string | null;
      expires_at: Date;
      revoked_at: Date | null;
      revoked_reason: string | null;
      display_name: string | null;
      guest_kind: GuestKind | null;
    }>(
      `SELECT appointment_id, role, peer_id, invitation_jti, expires_at, revoked_at, revoked_reason, display_name, guest_kind
         FROM join_session WHERE id = $1`,
      [claims.sid],
    );
    if (!row || row.appointment_id !== appointmentId || row.role !== claims.role || row.peer_id !== claims.pid) {
      throw new JoinError('invalid', 'This session is not one we started.');
    }
    if (row.revoked_at) throw revokedSession(row.revoked_reason);
    const expiresAt = new Date(row.expires_at);
    if (expiresAt <= this.#now()) throw new JoinError('expired', 'This session has expired: the appointment is over.');
    const appointment = await this.appointments.get(appointmentId);
    if (!appointment || ENDED.has(appointment.status)) {
      throw new JoinError('cancelled', 'This appointment has been cancelled.');
    }
    return {
      appointmentId,
      role: claims.role,
      sessionId: claims.sid,
      invitationJti: row.invitation_jti,
      expiresAt,
      peerId: row.peer_id,
      ...(row.display_name ? { name: row.display_name } : {}),
      ...(row.guest_kind && (GUEST_KINDS as readonly string[]).includes(row.guest_kind)
        ? { kind: row.guest_kind }
        : {}),
    };
  }

  /**
   * Back into a live session on the device that holds it (`sessionToken`, from its cookie), after a
   * reload or a browser restart, without redeeming the link again. With `link`, the session must
   * have been started from that link (checked by signature, not consumed). Answers the same ticket
   * as the redeem did.
   */
  async resume(sessionToken: string | undefined, link?: string): Promise<JoinTicket> {
    if (!sessionToken) throw new JoinError('no-session', 'There is no session on this device to return to.');
    const session = await this.session(sessionToken);
    if (link !== undefined) {
      const { jti } = await this.#verify(link);
      if (session.invitationJti !== jti) {
        throw new JoinError('no-session', 'The session on this device was not started from this link.');
      }
    }
    return this.#ticket(session.appointmentId, session.role, sessionToken, session.expiresAt, session);
  }

  async #startSession(
    appointmentId: number,
    role: Role,
    expires: Date,
    jti: string | null,
    who: { who?: string; name?: string; kind?: GuestKind } = {},
    actor?: StaffActor,
  ): Promise<JoinTicket> {
    const cid = consultationOf(appointmentId);
    const sid = randomBytes(16).toString('base64url');
    const exp = Math.floor(expires.getTime() / 1000);
    const { token, claims } = this.tokens.issue(cid, role, { exp, sid, ...who });
    await this.storage.query(
      `INSERT INTO join_session (id, appointment_id, role, peer_id, invitation_jti, created_at, expires_at,
                                 display_name, guest_kind, guest_id, staff_practitioner_id, staff_via)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        sid,
        appointmentId,
        role,
        claims.pid,
        jti,
        this.#now(),
        expires,
        who.name ?? null,
        who.kind ?? null,
        role === 'guest' && who.who ? Number(who.who) : null,
        actor ? Number(actor.practitioner) : null,
        actor?.via ?? null,
      ],
    );
    return this.#ticket(appointmentId, role, token, expires, { peerId: claims.pid, ...who });
  }

  #ticket(
    appointmentId: number,
    role: Role,
    token: string,
    expires: Date,
    who: { peerId: string; name?: string; kind?: GuestKind },
  ): JoinTicket {
    const cid = consultationOf(appointmentId);
    return {
      consultationId: cid,
      appointmentId: String(appointmentId),
      role,
      peerId: who.peerId,
      remotePeerId: this.tokens.peerId(cid, OTHER[role]),
      ...(who.name ? { name: who.name } : {}),
      ...(who.kind ? { kind: who.kind } : {}),
      token,
      signalling: this.signalling,
      iceServers: this.options.iceServers(),
      expiresAt: expires.toISOString(),
    };
  }

  async #videoAppointment(id: number) {
    const appointment = Number.isSafeInteger(id) ? await this.appointments.get(id) : undefined;
    if (!appointment) throw new JoinError('not-found', 'There is no such appointment.');
    if (appointment.channel !== 'Video')
      throw new JoinError('not-video', 'This appointment is not a video appointment.');
    return appointment;
  }

  async #invitation(jti: string) {
    const [row] = await this.storage.query<{
      revoked_at: Date | null;
      revoked_reason: string | null;
      redeemed_at: Date | null;
      practitioner_id: number | null;
    }>('SELECT revoked_at, redeemed_at, revoked_reason, practitioner_id FROM join_invitation WHERE jti = $1', [jti]);
    return row;
  }

  /**
   * `#verify`, but a link revoked before its time window says why it was revoked rather than
   * "early" or "expired": a link to an appointment moved a week later is refused as rescheduled.
   */
  async #verifyOrRevoked(token: string): Promise<{ sub: string; jti: string; role: Role }> {
    try {
      return await this.#verify(token);
    } catch (error) {
      // Early or expired are only said of a link whose signature held.
      if (!(error instanceof JoinError) || (error.problem !== 'early' && error.problem !== 'expired')) throw error;
      const jti = decodeJwt(token).jti;
      const known = typeof jti === 'string' ? await this.#invitation(jti) : undefined;
      if (known?.revoked_at) throw revokedLink(known.revoked_reason);
      throw error;
    }
  }

  async #verify(token: string): Promise<{ sub: string; jti: string; role: Role }> {
    if (typeof token !== 'string' || token.length > 4096) throw new JoinError('invalid', 'This link is not valid.');
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        currentDate: this.#now(),
        requiredClaims: ['sub', 'jti', 'nbf', 'exp'],
      });
      const role = payload['role'];
      if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
        throw new JoinError('invalid', 'This link is not valid.');
      }
      return { sub: payload.sub!, jti: payload.jti!, role: role as Role };
    } catch (error) {
      if (error instanceof JoinError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new JoinError('expired', 'This link has expired: the appointment time has passed.');
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
        const nbf = decodeJwt(token).nbf;
        const opensAt = typeof nbf === 'number' ? new Date(nbf * 1000) : undefined;
        throw new JoinError('early', 'This link does not work yet: it opens shortly before the appointment.', opensAt);
      }
      throw new JoinError('invalid', 'This link is not valid: it may have been copied incompletely or changed.');
    }
  }
}
