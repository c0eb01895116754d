/**
 * Staff sign-in through OpenID Connect, sign-out, who is signed in, and the audit
 * (docs/staff.md; decision 0041).
 *
 * - `GET /api/staff/sign-in?return=/path` (anyone): starts a sign-in (PKCE S256, `state`,
 *   `nonce`) bound to this browser by the `ck_staff_login` cookie, and redirects to the provider.
 * - `GET /api/staff/callback` (the provider's redirect): checks `state` against this browser's
 *   sign-in (single use: a replayed answer finds nothing), exchanges the code, verifies the ID
 *   token, links the account to its Practitioner, starts a session (`ck_staff`) and goes back.
 * - `POST /api/staff/sign-out` (anyone; ends the session the cookie names, if any).
 * - `GET /api/staff/me` (staff): the person, or the system for the staff key alone.
 * - `GET /api/audit` (practice admin, or the staff key): the staff audit, newest first, filtered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookie, STAFF_COOKIE, type Auth } from '../auth.js';
import { readCookie } from '../cookies.js';
import { HttpError } from '../errors.js';
import { randomToken, type StaffAccounts } from '../staff/accounts.js';
import type { StaffAudit } from '../staff/audit.js';
import type { OidcClient } from '../staff/oidc.js';

export const LOGIN_COOKIE = 'ck_staff_login';
/** A sign-in must come back within ten minutes. */
export const LOGIN_SECONDS = 600;
const CALLBACK = '/api/staff/callback';

export interface StaffSignInOptions {
  auth: Auth;
  accounts: StaffAccounts;
  audit: StaffAudit;
  /** The relying party; undefined when no provider is configured (sign-in answers 404). */
  oidc: () => OidcClient | undefined;
  /** The public base URL (`CONSULTKIT_PUBLIC_URL`, else where the server listens). */
  publicBase: () => string;
  sessionSeconds: number;
  secureCookies: boolean;
}

/** One query parameter: absent, or given once with at most `max` characters. */
function single(request: FastifyRequest, name: string, max: number): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'value', `${name}: give it once`);
  if (value.length > max) throw new HttpError(400, 'too-long', `${name}: at most ${max} characters`);
  return value;
}

/** A path on this server to go back to: `/…`, never `//host` or `/\host` (an open redirect). */
function returnPath(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '/';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(raw)) {
    throw new HttpError(400, 'value', 'return: expected a path on this server, starting with one "/"');
  }
  return raw;
}

export async function staffSignInPlugin(app: FastifyInstance, options: StaffSignInOptions): Promise<void> {
  const { auth, accounts, audit } = options;
  const provider = () => {
    const oidc = options.oidc();
    if (!oidc) {
      throw new HttpError(
        404,
        'not-supported',
        'Staff sign-in is not configured on this server (CONSULTKIT_OIDC_ISSUER): use the staff key',
      );
    }
    return oidc;
  };

  app.get('/api/staff/sign-in', async (request, reply) => {
    const oidc = provider();
    const returnTo = returnPath(single(request, 'return', 500));
    // The sign-in starts on the public host, so that its cookie and the provider's redirect back
    // (always to the public URL) meet in one browser origin.
    const base = new URL(options.publicBase());
    if (request.host !== base.host) {
      const again = new URL('/api/staff/sign-in', base);
      again.searchParams.set('return', returnTo);
      return reply.redirect(again.href, 302);
    }
    const { url, login } = await oidc.start(returnTo);
    const browser = randomToken();
    await accounts.saveLogin(login, browser, LOGIN_SECONDS);
    reply.header('set-cookie', cookie(LOGIN_COOKIE, browser, LOGIN_SECONDS, 'Lax', options.secureCookies, CALLBACK));
    return reply.header('cache-control', 'no-store').redirect(url, 302);
  });

  app.get(CALLBACK, async (request, reply) => {
    const oidc = provider();
    const state = single(request, 'state', 200);
    if (state === undefined || state === '') {
      throw new HttpError(401, 'login', 'The answer has no state: start the sign-in again');
    }
    // Checked, and deleted, first: whatever comes next, this answer cannot be used again.
    const login = await accounts.takeLogin(state, readCookie(request.headers.cookie, LOGIN_COOKIE));
    const clearLogin = cookie(LOGIN_COOKIE, '', 0, 'Lax', options.secureCookies, CALLBACK);
    if (!login) {
      reply.header('set-cookie', clearLogin);
      throw new HttpError(
        401,
        'login',
        'This sign-in is unknown, already used, expired or was started in another browser: start the sign-in again',
      );
    }
    const error = single(request, 'error', 200);
    if (error !== undefined) {
      reply.header('set-cookie', clearLogin);
      const description = single(request, 'error_description', 500);
      throw new HttpError(
        401,
        'login',
        `The identity provider refused the sign-in: ${error}${description ? ` (${description})` : ''}`,
      );
    }
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) {
      if (typeof value === 'string') query.set(name, value);
      else throw new HttpError(400, 'value', `${name.slice(0, 40)}: give it once`);
    }
    const identity = await oidc.finish(query, login);
    if (identity.roles.length === 0) {
      reply.header('set-cookie', clearLogin);
      throw new HttpError(
        403,
        'forbidden',
        'Your account has no ConsultKit role here (receptionist, clinician or practice admin): ask the practice to give you one',
      );
    }
    const person = await accounts.signedIn(identity);
    const token = await accounts.startSession(person, identity.issuer, request.ip, options.sessionSeconds);
    await audit.write({
      person,
      via: 'session',
      action: 'staff.sign-in',
      resource: `Practitioner/${person.id}`,
      status: 303,
      from: request.ip,
    });
    reply.header('set-cookie', [
      clearLogin,
      cookie(STAFF_COOKIE, token, options.sessionSeconds, 'Strict', options.secureCookies),
    ]);
    return reply.header('cache-control', 'no-store').redirect(login.returnTo, 303);
  });

  app.post('/api/staff/sign-out', async (request, reply) => {
    await auth.caller(request).catch(() => undefined); // for the audit: who signed out
    const token = readCookie(request.headers.cookie, STAFF_COOKIE);
    if (token) await accounts.endSession(token);
    auth.clearSessionCookie(reply);
    return reply.code(204).send();
  });

  app.get('/api/staff/me', async (request, reply) => {
    const caller = await auth.caller(request);
    auth.requireStaff(caller);
    const person = caller.kind === 'staff' ? caller.person : undefined;
    return reply.header('cache-control', 'no-store').send(person ? { person } : { person: null, system: true });
  });

  app.get('/api/audit', async (request: FastifyRequest, reply: FastifyReply) => {
    auth.requireRole(await auth.caller(request), 'practice-admin');
    const known = ['practitioner', 'action', 'resource', 'since', 'until', 'before', '_count'];
    for (const name of Object.keys(request.query as object)) {
      if (!known.includes(name)) {
        throw new HttpError(400, 'value', `${name.slice(0, 40)}: not a filter (expected ${known.join(', ')})`);
      }
    }
    const id = (name: string) => {
      const value = single(request, name, 30);
      if (value === undefined) return undefined;
      const match = /^(?:Practitioner\/)?(\d{1,15})$/.exec(value);
      if (!match) throw new HttpError(400, 'value', `${name}: expected an id`);
      return Number(match[1]);
    };
    const instant = (name: string) => {
      const value = single(request, name, 40);
      if (value === undefined) return undefined;
      const at = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : undefined;
      if (!at || Number.isNaN(at.getTime()))
        throw new HttpError(400, 'value', `${name}: expected a date or an instant`);
      return at;
    };
    const countRaw = single(request, '_count', 5);
    if (countRaw !== undefined && !/^\d{1,3}$/.test(countRaw)) throw new HttpError(400, 'value', '_count: 1 to 200');
    const count = Math.min(Math.max(Number(countRaw ?? 50), 1), 200);
    const { rows, more } = await audit.list({
      practitioner: id('practitioner'),
      action: single(request, 'action', 200),
      resource: single(request, 'resource', 300),
      since: instant('since'),
      until: instant('until'),
      before: id('before'),
      count,
    });
    return reply.header('cache-control', 'no-store').send({ entries: rows, next: more ? rows.at(-1)!.id : null });
  });
}
