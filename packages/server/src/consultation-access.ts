/**
 * What the consultation's own resources (documents, recordings) share about who is asking and how
 * a short-lived link opens one of them: the caller's join session (bearer or cookie) or staff, a
 * signed link (`?access=`) that `<img src>`, `<video src>` and a new tab can use, and the
 * `Content-Disposition` of what is served. One copy, so the rules cannot drift between them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StaffPerson, StaffRole } from '@consultkit/core/contract';
import type { FastifyRequest } from 'fastify';
import type { Auth } from './auth.js';
import { readCookie } from './cookies.js';
import { HttpError } from './errors.js';
import { JoinError, type JoinService, type SessionInfo } from './join/service.js';
import { SESSION_COOKIE } from './plugins/join.js';

/**
 * The staff roles that may see a patient's clinical content (a recording, a conversation about the
 * patient): a clinician, or the practice admin who answers for the records.
 */
export const PATIENT_CONTENT_ROLES: readonly StaffRole[] = ['clinician', 'practice-admin'];

/** Who is asking: a participant by their join session, or staff (named when the caller is). */
export type Reader =
  { kind: 'participant'; session: SessionInfo } | { kind: 'staff'; person?: StaffPerson | undefined };

/** The appointment id of a `/api/consultations/:id/…` or similar path (400 when it is none). */
export function appointmentIdParam(params: unknown, name = 'id'): number {
  const raw = String((params as Record<string, unknown>)[name] ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'value', `Not a consultation id: "${raw.slice(0, 40)}"`);
  return Number(raw);
}

/**
 * The caller: a join session (bearer or cookie; a cookie that is no session is 401), else staff
 * (the staff key or a staff session). A booking reference is 403 (`refusedReference`), nobody 401
 * (`stranger`). Which consultation the session may open is the caller's to check.
 */
export async function identify(
  request: FastifyRequest,
  options: {
    join: JoinService;
    auth: Auth;
    stranger: string;
    refusedReference: string;
    /** The roles a named member of staff needs (the staff key alone acts as the system). */
    staffRoles?: readonly StaffRole[];
  },
): Promise<Reader> {
  const bearer = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  let session: SessionInfo | undefined;
  const token = bearer ?? cookie;
  if (token) {
    try {
      session = await options.join.session(token);
    } catch (error) {
      if (!(error instanceof JoinError)) throw error;
      // A bearer that is not a session may be the staff key; a cookie that is no session is refused.
      if (!bearer) throw new HttpError(401, 'login', 'The consultation session is missing, expired or not valid.');
    }
  }
  if (session) return { kind: 'participant', session };
  const caller = await options.auth.caller(request);
  if (caller.kind === 'staff') {
    if (options.staffRoles) options.auth.requireRole(caller, ...options.staffRoles);
    return { kind: 'staff', person: caller.person };
  }
  if (caller.kind === 'patient') throw new HttpError(403, 'forbidden', options.refusedReference);
  throw new HttpError(401, 'login', options.stranger, { 'www-authenticate': 'Bearer realm="consultkit"' });
}

/**
 * Signed, expiring link values: `who.expires.mac`, where `mac` is an HMAC over the purpose, the
 * thing opened (`subject`), `who` and `expires`. `who` is the signer's to choose and to check
 * again when the link is used (a session id, `staff`, …): letters, digits, `_` and `-` only.
 */
export function linkSigner(options: { secret: string; purpose: string; now: () => number; ttlMs: number }) {
  const mac = (subject: string, who: string, expires: number) =>
    createHmac('sha256', options.secret).update(`${options.purpose}.${subject}.${who}.${expires}`).digest('base64url');
  return {
    ttlMs: options.ttlMs,
    sign(subject: string, who: string, ttlMs = options.ttlMs): { value: string; expires: number } {
      if (!/^[A-Za-z0-9_-]{1,200}$/.test(who)) throw new Error('a link names its holder in [A-Za-z0-9_-]');
      const expires = options.now() + ttlMs;
      return { value: `${who}.${expires}.${mac(subject, who, expires)}`, expires };
    },
    /** The `who` a value was signed for, when it is signed for `subject` and not expired. */
    verify(subject: string, value: string): { who: string; expires: number } | undefined {
      const match = /^([A-Za-z0-9_-]{1,200})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value);
      if (!match) return undefined;
      const [, who, expiresRaw, given] = match as unknown as [string, string, string, string];
      const expires = Number(expiresRaw);
      const expected = Buffer.from(mac(subject, who, expires));
      if (expected.length !== given.length || !timingSafeEqual(expected, Buffer.from(given))) return undefined;
      if (expires < options.now()) return undefined;
      return { who, expires };
    },
  };
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
export function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A query parameter asking for an attachment (`download=1`, also among repeated values). */
export const wantsDownload = (query: Record<string, unknown>) =>
  query['download'] === '1' || (Array.isArray(query['download']) && query['download'].includes('1'));

/**
 * The holder of links made for the patient's "my consultation" page (a retrieval link): such a
 * link lives as long as it is signed for, with no session behind it.
 */
export const RETRIEVAL_HOLDER = 'retrieval';
