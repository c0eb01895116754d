/**
 * Signalling tokens: who may open a signalling socket, as which peer, in which consultation.
 *
 * A token is `base64url(JSON claims) "." base64url(HMAC-SHA256(secret, claims))`: URL-safe, so it
 * travels in the PeerJS socket's query string as it is. The peer id is derived from the
 * consultation and role with the same secret: stable, so each side knows whom to call, and
 * unguessable without the secret. (The full join-link model, with single-use signed invitations
 * and sessions, replaces how tokens are handed out, not how the socket checks them.)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { GuestKind, Role } from '@consultkit/core/contract';

export { ROLES, type Role } from '@consultkit/core/contract';

export interface SignallingClaims {
  /** Consultation id. */
  cid: string;
  role: Role;
  /** The only peer id this token may connect as. */
  pid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** The join session this token belongs to (absent for development tickets). */
  sid?: string;
  /** The name the others see this participant by (the roster's `name`); else their role. */
  name?: string;
  /** For a guest: what they are there as. */
  kind?: GuestKind;
}

export type TokenProblem = 'malformed' | 'bad-signature' | 'expired';

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`signalling token ${problem}`);
    this.name = 'TokenError';
  }
}

/**
 * The prefix of demo consultations' ids (`demo-{name}`), apart from appointments' (`appt-{id}`):
 * only they are joined with a ticket that has no session.
 */
export const DEMO_NAMESPACE = 'demo-';

/** Consultation ids: letters, digits, `-` and `_`, 1 to 64 characters. */
export const CONSULTATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class SignallingTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The peer id of `role` in consultation `cid`: the patient's and the default clinician's from the
   * role alone, each guest's and each further clinician's from `who` too (a guest id, a
   * practitioner id), so every participant has their own (docs/decisions/0023-guests-and-peer-ids.md).
   */
  peerId(cid: string, role: Role, who?: string): string {
    const subject = who === undefined ? `peer:${cid}:${role}` : `peer:${cid}:${role}:${who}`;
    return `ck-${this.mac(subject).subarray(0, 16).toString('hex')}`;
  }

  /** A token for `role` in `cid`; `exp` (seconds since the epoch) defaults to now plus the lifetime. */
  issue(
    cid: string,
    role: Role,
    options: { exp?: number; sid?: string; who?: string; name?: string; kind?: GuestKind } = {},
  ): { token: string; claims: SignallingClaims } {
    const claims: SignallingClaims = {
      cid,
      role,
      pid: this.peerId(cid, role, options.who),
      exp: options.exp ?? Math.floor(this.now() / 1000) + this.ttlSeconds,
      ...(options.sid ? { sid: options.sid } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.kind ? { kind: options.kind } : {}),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.mac(body).toString('base64url')}`, claims };
  }

  /** The claims of a valid token; throws `TokenError` saying what is wrong otherwise. */
  verify(token: string): SignallingClaims {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) throw new TokenError('malformed');
    const expected = this.mac(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('bad-signature');
    let claims: SignallingClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignallingClaims;
    } catch {
      throw new TokenError('malformed');
    }
    if (typeof claims.exp !== 'number' || typeof claims.pid !== 'string') throw new TokenError('malformed');
    if (claims.exp * 1000 <= this.now()) throw new TokenError('expired');
    return claims;
  }

  private mac(data: string): Buffer {
    return createHmac('sha256', this.secret).update(data).digest();
  }
}
