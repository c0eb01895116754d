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
import type { SqlExecutor, Storage } from '../storage/index.js';
import { ROLES, type Role, type SignallingTokens } from '../tokens.js';
import type { JoinKey } from './keys.js';

const ISSUER = 'consultkit';
const AUDIENCE = 'consultkit:join';

/** Why a link or session was refused; each has its own plain message and HTTP status. */
export type JoinProblem =
  'invalid' | 'early' | 'expired' | 'used' | 'revoked' | 'wrong-role' | 'cancelled' | 'not-video' | 'not-found';

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
    switch (this.problem) {
      case 'invalid':
        return 401;
      case 'not-found':
        return 404;
      case 'used':
      case 'revoked':
      case 'cancelled':
        return 410;
      case 'wrong-role':
        return 403;
      default:
        return 422;
    }
  }
}

/** What the join service needs to know of an appointment, and may do to it. */
export interface AppointmentPort {
  get(id: number): Promise<{ id: number; status: string; start: Date; end: Date; channel: string } | undefined>;
  /** `booked` → `arrived`: the patient is in the waiting room. No change otherwise. */
  markArrived(id: number): Promise<void>;
  /** `booked` or `arrived` → `fulfilled`: the clinician ended the consultation. */
  markFulfilled(id: number): Promise<void>;
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

export interface RTCIceServerLike {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** What a redeemed link or a vendor backend's request gives: everything `Consultation` needs. */
export interface JoinTicket {
  consultationId: string;
  appointmentId: string;
  role: Role;
  peerId: string;
  remotePeerId: string;
  token: string;
  signalling: { path: string; key: string };
  iceServers: RTCIceServerLike[];
  expiresAt: string;
}

export interface Invitation {
  url: string;
  token: string;
  jti: string;
  /** When the link starts working. */
  opensAt: Date;
}

/** The consultation id of an appointment, as signalling knows it. */
export const consultationOf = (appointmentId: number) => `appt-${appointmentId}`;

const OTHER: Record<Role, Role> = { patient: 'clinician', clinician: 'patient' };

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

  /** Issues an invitation for `role` to a video appointment; returns its link. */
  async invite(appointmentId: number, role: Role): Promise<Invitation> {
    return this.inviteWithin(this.storage, await this.#videoAppointment(appointmentId), role);
  }

  /**
   * Issues an invitation inside a transaction that holds the appointment (`db`), e.g. the one
   * confirming it, which then e-mails the link.
   */
  async inviteWithin(
    db: SqlExecutor,
    appointment: { id: number; start: Date; end: Date; channel: string },
    role: Role,
  ): Promise<Invitation> {
    if (appointment.channel !== 'Video')
      throw new JoinError('not-video', 'This appointment is not a video appointment.');
    const appointmentId = appointment.id;
    const now = this.#now();
    const notBefore = new Date(appointment.start.getTime() - this.options.earlyMinutes * 60_000);
    const expires = new Date(appointment.end.getTime() + this.options.graceMinutes * 60_000);
    const jti = randomBytes(16).toString('base64url');
    const token = await new SignJWT({ role })
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
      `INSERT INTO join_invitation (jti, appointment_id, role, not_before, expires_at, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [jti, appointmentId, role, notBefore, expires, now],
    );
    return { url: `${this.options.baseUrl()}/join/${token}`, token, jti, opensAt: notBefore };
  }

  /** Revokes every unused invitation for `role` to the appointment (before sending a fresh one). */
  async revoke(appointmentId: number, role: Role): Promise<number> {
    const rows = await this.storage.query(
      `UPDATE join_invitation SET revoked_at = $3
        WHERE appointment_id = $1 AND role = $2 AND redeemed_at IS NULL AND revoked_at IS NULL
        RETURNING jti`,
      [appointmentId, role, this.#now()],
    );
    return rows.length;
  }

  /**
   * Redeems a link once: checks its signature, audience, time window and role, consumes its `jti`
   * atomically, and starts a session. Throws a `JoinError` saying which check failed.
   */
  async redeem(token: string, expectedRole?: Role): Promise<JoinTicket> {
    const claims = await this.#verify(token);
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
    const consumed = await this.storage.query<{ role: string; expires_at: Date }>(
      `UPDATE join_invitation SET redeemed_at = $2
        WHERE jti = $1 AND redeemed_at IS NULL AND revoked_at IS NULL
        RETURNING role, expires_at`,
      [claims.jti, now],
    );
    const row = consumed[0];
    if (!row) {
      const [known] = await this.storage.query<{ revoked_at: Date | null; redeemed_at: Date | null }>(
        'SELECT revoked_at, redeemed_at FROM join_invitation WHERE jti = $1',
        [claims.jti],
      );
      if (!known) throw new JoinError('invalid', 'This link is not one we issued.');
      if (known.revoked_at) throw new JoinError('revoked', 'This link has been replaced by a newer one.');
      throw new JoinError('used', 'This link has already been used.');
    }
    if (row.role !== role) throw new JoinError('wrong-role', 'This link does not match its invitation.');
    return this.#startSession(appointmentId, role, new Date(row.expires_at), claims.jti);
  }

  /** A clinician session for a vendor backend (already authenticated with the staff key). */
  async clinicianSession(appointmentId: number): Promise<JoinTicket> {
    const appointment = await this.#videoAppointment(appointmentId);
    if (appointment.status === 'cancelled' || appointment.status === 'noshow') {
      throw new JoinError('cancelled', 'This appointment has been cancelled.');
    }
    const expires = new Date(appointment.end.getTime() + this.options.graceMinutes * 60_000);
    if (expires <= this.#now()) throw new JoinError('expired', 'This appointment is over.');
    return this.#startSession(appointmentId, 'clinician', expires, null);
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

  /** The session behind a signalling token, or a `JoinError`. */
  session(token: string): { appointmentId: number; role: Role; sessionId: string } {
    let claims;
    try {
      claims = this.tokens.verify(token);
    } catch {
      throw new JoinError('invalid', 'The session is missing, expired or not valid.');
    }
    const match = /^appt-(\d+)$/.exec(claims.cid);
    if (!match || !claims.sid) throw new JoinError('invalid', 'This is not a consultation session.');
    return { appointmentId: Number(match[1]), role: claims.role, sessionId: claims.sid };
  }

  async #startSession(appointmentId: number, role: Role, expires: Date, jti: string | null): Promise<JoinTicket> {
    const cid = consultationOf(appointmentId);
    const sid = randomBytes(16).toString('base64url');
    const exp = Math.floor(expires.getTime() / 1000);
    const { token, claims } = this.tokens.issue(cid, role, { exp, sid });
    await this.storage.query(
      `INSERT INTO join_session (id, appointment_id, role, peer_id, invitation_jti, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [sid, appointmentId, role, claims.pid, jti, this.#now(), expires],
    );
    return {
      consultationId: cid,
      appointmentId: String(appointmentId),
      role,
      peerId: claims.pid,
      remotePeerId: this.tokens.peerId(cid, OTHER[role]),
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
