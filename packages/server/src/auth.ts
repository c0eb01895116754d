/**
 * Who is calling. Staff: a signed-in member of staff (the `ck_staff` session cookie, after an
 * OpenID Connect sign-in: docs/staff.md), or `Authorization: Bearer <CONSULTKIT_STAFF_KEY>`
 * (vendor backends), which names the acting person with `ConsultKit-Acting-Practitioner: <id>`
 * or else acts as the system. A patient: `Authorization: Bearer <booking reference>`, which opens
 * that one booking. Anyone else is anonymous.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { StaffRole } from '@consultkit/core/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BookingRepository } from './booking/repository.js';
import { normaliseBookingReference } from './booking/reference.js';
import type { Caller } from './booking/service.js';
import { readCookie } from './cookies.js';
import { HttpError } from './errors.js';
import { addressKey, type Throttle } from './rate-limit.js';
import type { StaffAccounts } from './staff/accounts.js';
import type { AuditVia } from './staff/audit.js';

export type { Caller } from './booking/service.js';

export const STAFF_COOKIE = 'ck_staff';
/** How long a staff session lasts unless configured (`CONSULTKIT_STAFF_SESSION_SECONDS`): 8 hours. */
export const STAFF_SESSION_SECONDS = 8 * 60 * 60;
/** The header with which the staff key names the person acting (their Practitioner id). */
export const ACTING_HEADER = 'consultkit-acting-practitioner';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="consultkit"' };

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export interface AuthOptions {
  staffKey: string;
  repo: BookingRepository;
  /** Named staff: sessions, and the people the staff key may name. */
  accounts: StaffAccounts;
  /** Mark cookies `Secure` (the public URL is https). */
  secureCookies?: boolean;
  /** Limits failed bearer checks per client address (`auth`); none: unlimited. */
  throttle?: Throttle | undefined;
}

interface Decided {
  caller: Caller;
  /** For the audit: how a staff caller proved who they are. */
  via?: AuditVia;
}

export class Auth {
  private readonly staffKeyDigest: Buffer;
  /** One decision per request: routes and the audit hook ask again and get the same answer. */
  private readonly decided = new WeakMap<FastifyRequest, Promise<Decided>>();

  constructor(private readonly options: AuthOptions) {
    this.staffKeyDigest = sha256(options.staffKey);
  }

  /** Decides the caller; 401 for credentials that are given but wrong or malformed. */
  async caller(request: FastifyRequest): Promise<Caller> {
    let decision = this.decided.get(request);
    if (!decision) {
      decision = this.decide(request);
      this.decided.set(request, decision);
    }
    return (await decision).caller;
  }

  /** What {@link caller} decided for this request, if it was asked (the audit hook). */
  async decidedFor(request: FastifyRequest): Promise<Decided | undefined> {
    return this.decided.get(request)?.catch(() => undefined);
  }

  private async decide(request: FastifyRequest): Promise<Decided> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      // Failed bearer checks count against the address. Once over the limit, every bearer attempt
      // from there is refused (429) until the window ends, the right staff key too: the answer
      // never tells a right guess from a wrong one. The right staff key counts nothing (a vendor's
      // backend may send many requests at once); any other attempt counts, and a booking
      // reference that is found is given back.
      const address = addressKey(request.ip);
      const what = 'failed bearer checks from this address';
      const token = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(header)?.[1];
      // Compare digests in constant time: neither the key's length nor its content leaks.
      if (token !== undefined && timingSafeEqual(sha256(token), this.staffKeyDigest)) {
        await this.options.throttle?.check('auth', address, what);
        return this.actingPerson(request);
      }
      const refund = (await this.options.throttle?.take('auth', address, what)) ?? (async () => undefined);
      if (token === undefined) {
        throw new HttpError(
          401,
          'login',
          'Authorization: expected "Bearer <staff key or booking reference>"',
          CHALLENGE,
        );
      }
      const reference = normaliseBookingReference(token);
      const booking = reference ? await this.options.repo.appointmentByReference(reference) : undefined;
      if (booking) {
        await refund();
        return { caller: { kind: 'patient', appointmentId: booking.id, patientId: booking.patient_id } };
      }
      throw new HttpError(
        401,
        'login',
        'The bearer token is neither the staff key nor a known booking reference',
        CHALLENGE,
      );
    }
    const session = readCookie(request.headers.cookie, STAFF_COOKIE);
    const person = session ? await this.options.accounts.session(session) : undefined;
    if (person) return { caller: { kind: 'staff', person }, via: 'session' };
    return { caller: { kind: 'anonymous' } };
  }

  /**
   * The staff key: the person `ConsultKit-Acting-Practitioner` names (a member of staff with stored
   * roles), else the system. A header naming nobody known is refused, never ignored.
   */
  private async actingPerson(request: FastifyRequest): Promise<Decided> {
    const header = request.headers[ACTING_HEADER];
    if (header === undefined) return { caller: { kind: 'staff' }, via: 'system' };
    const value = Array.isArray(header) ? header.join(', ') : header;
    const match = /^\s*(?:Practitioner\/)?(\d{1,9})\s*$/.exec(value);
    if (!match) {
      throw new HttpError(
        400,
        'value',
        'ConsultKit-Acting-Practitioner: expected one Practitioner id ("12" or "Practitioner/12")',
      );
    }
    const person = await this.options.accounts.person(Number(match[1]));
    if (!person) {
      throw new HttpError(
        403,
        'forbidden',
        `ConsultKit-Acting-Practitioner: Practitioner/${match[1]} is not a member of staff here (sign them in once, or give them roles)`,
      );
    }
    return { caller: { kind: 'staff', person }, via: 'key' };
  }

  /** 401 for anonymous callers, 403 for patients. */
  requireStaff(caller: Caller): void {
    if (caller.kind === 'staff') return;
    if (caller.kind === 'patient') {
      throw new HttpError(
        403,
        'forbidden',
        'This needs staff credentials; a booking reference opens only its own booking',
      );
    }
    throw new HttpError(
      401,
      'login',
      'Staff credentials are required: Authorization: Bearer <staff key>, or a staff session',
      CHALLENGE,
    );
  }

  /**
   * Staff with one of `roles`. A named person without them gets 403; the staff key acting alone
   * (the system: a vendor backend that names nobody) passes, and the audit says so.
   */
  requireRole(caller: Caller, ...roles: StaffRole[]): void {
    this.requireStaff(caller);
    if (caller.kind !== 'staff' || !caller.person) return;
    if (caller.person.roles.some((role) => roles.includes(role))) return;
    throw new HttpError(
      403,
      'forbidden',
      `This needs the role of ${roles.join(' or ')}; ${caller.person.name} has ${caller.person.roles.join(', ') || 'no role'} here`,
    );
  }

  /** Starts a staff session in the browser: the HttpOnly, SameSite=Strict `ck_staff` cookie. */
  setSessionCookie(reply: FastifyReply, token: string, seconds: number): void {
    reply.header('set-cookie', cookie(STAFF_COOKIE, token, seconds, 'Strict', this.options.secureCookies));
  }

  /** Ends it in the browser: clears the cookie. */
  clearSessionCookie(reply: FastifyReply): void {
    reply.header('set-cookie', cookie(STAFF_COOKIE, '', 0, 'Strict', this.options.secureCookies));
  }
}

/**
 * A credential cookie, HttpOnly. The staff session is SameSite=Strict; the sign-in's browser
 * binding is Lax, since the provider's redirect back is a cross-site navigation.
 */
export function cookie(
  name: string,
  value: string,
  seconds: number,
  sameSite: 'Strict' | 'Lax',
  secure?: boolean,
  path = '/',
): string {
  const attributes = [`Path=${path}`, 'HttpOnly', `SameSite=${sameSite}`, `Max-Age=${seconds}`];
  if (secure) attributes.push('Secure');
  return `${name}=${value}; ${attributes.join('; ')}`;
}
