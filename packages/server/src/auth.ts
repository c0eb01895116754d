/**
 * Who is calling. Staff: `Authorization: Bearer <CONSULTKIT_STAFF_KEY>` (vendor backends) or the
 * development staff session cookie `ck_staff`. A patient: `Authorization: Bearer <booking
 * reference>`, which opens that one booking. Anyone else is anonymous.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BookingRepository } from './booking/repository.js';
import { normaliseBookingReference } from './booking/reference.js';
import type { Caller } from './booking/service.js';
import { readCookie } from './cookies.js';
import { HttpError } from './errors.js';
import { addressKey, type Throttle } from './rate-limit.js';

export type { Caller } from './booking/service.js';

export const STAFF_COOKIE = 'ck_staff';
/** How long a development staff session lasts. */
export const STAFF_SESSION_SECONDS = 8 * 60 * 60;

const CHALLENGE = { 'www-authenticate': 'Bearer realm="consultkit"' };

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export interface AuthOptions {
  staffKey: string;
  /** Signs staff session cookies (HMAC-SHA256). */
  secret: string;
  repo: BookingRepository;
  now?: () => number;
  /** Mark cookies `Secure` (the public URL is https). */
  secureCookies?: boolean;
  /** Limits failed bearer checks per client address (`auth`); none: unlimited. */
  throttle?: Throttle | undefined;
}

export class Auth {
  private readonly staffKeyDigest: Buffer;
  private readonly now: () => number;

  constructor(private readonly options: AuthOptions) {
    this.staffKeyDigest = sha256(options.staffKey);
    this.now = options.now ?? Date.now;
  }

  /** Decides the caller; 401 for credentials that are given but wrong or malformed. */
  async caller(request: FastifyRequest): Promise<Caller> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      // Every bearer attempt counts against the address; one that succeeds is given back. Once
      // over the limit, every bearer attempt from there is refused (429) until the window ends.
      const refund =
        (await this.options.throttle?.take('auth', addressKey(request.ip), 'failed bearer checks from this address')) ??
        (async () => undefined);
      const match = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(header);
      if (!match) {
        throw new HttpError(
          401,
          'login',
          'Authorization: expected "Bearer <staff key or booking reference>"',
          CHALLENGE,
        );
      }
      const token = match[1]!;
      // Compare digests in constant time: neither the key's length nor its content leaks.
      if (timingSafeEqual(sha256(token), this.staffKeyDigest)) {
        await refund();
        return { kind: 'staff' };
      }
      const reference = normaliseBookingReference(token);
      const booking = reference ? await this.options.repo.appointmentByReference(reference) : undefined;
      if (booking) {
        await refund();
        return { kind: 'patient', appointmentId: booking.id, patientId: booking.patient_id };
      }
      throw new HttpError(
        401,
        'login',
        'The bearer token is neither the staff key nor a known booking reference',
        CHALLENGE,
      );
    }
    if (this.hasStaffSession(request)) return { kind: 'staff' };
    return { kind: 'anonymous' };
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

  /** The value of a staff session cookie that expires at `expires` (seconds since the epoch). */
  staffSessionValue(expires: number): string {
    return `${expires}.${this.sign(expires)}`;
  }

  /** Starts a staff session: sets the signed, expiring `ck_staff` cookie. Returns when it expires. */
  startStaffSession(reply: FastifyReply): Date {
    const expires = Math.floor(this.now() / 1000) + STAFF_SESSION_SECONDS;
    const value = this.staffSessionValue(expires);
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${STAFF_SESSION_SECONDS}`];
    if (this.options.secureCookies) attributes.push('Secure');
    reply.header('set-cookie', `${STAFF_COOKIE}=${value}; ${attributes.join('; ')}`);
    return new Date(expires * 1000);
  }

  /** Ends the staff session: clears the cookie. */
  endStaffSession(reply: FastifyReply): void {
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0'];
    if (this.options.secureCookies) attributes.push('Secure');
    reply.header('set-cookie', `${STAFF_COOKIE}=; ${attributes.join('; ')}`);
  }

  private hasStaffSession(request: FastifyRequest): boolean {
    const value = readCookie(request.headers.cookie, STAFF_COOKIE);
    const match = value ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!match) return false;
    const expires = Number(match[1]);
    const given = Buffer.from(match[2]!, 'base64url');
    const expected = Buffer.from(this.sign(expires), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) && expires * 1000 > this.now();
  }

  private sign(expires: number): string {
    return createHmac('sha256', this.options.secret).update(`${STAFF_COOKIE}:${expires}`).digest('base64url');
  }
}
