/**
 * Joining a consultation: the page a join link opens, redeeming the link (a deliberate POST),
 * clinician sessions for vendor backends, fresh links, TURN credentials, and the appointment's
 * `arrived` and `fulfilled` steps. Every refusal is an OperationOutcome saying which check failed
 * (a `JoinError`, mapped with the others in errors.ts).
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCookie } from '../cookies.js';
import { HttpError } from '../errors.js';
import {
  GUEST_KINDS,
  isEmailAddress,
  isPhoneNumber,
  BIDI_CONTROLS,
  type GuestKind,
  type StaffPerson,
  type StaffRole,
} from '@consultkit/core/contract';
import { renderJoinPage } from '../i18n/join-page.js';
import { fromAcceptLanguage, LANGUAGE_TAG, matchLocale } from '../i18n/locales.js';
import { JoinError, type Guest, type JoinService, type SessionRevocation, type StaffActor } from '../join/service.js';
import { ROLES, type Role } from '../tokens.js';

export const SESSION_COOKIE = 'ck_session';

export interface JoinPluginOptions {
  join: JoinService;
  /** Mark the session cookie `Secure` (the public URL is https). */
  secureCookies: boolean;
  /** Rejects the request unless it carries staff credentials. */
  requireStaff: (request: FastifyRequest) => Promise<void>;
  /**
   * Staff with one of `roles` (403 for a signed-in person without); resolves to the person acting,
   * or undefined for the staff key acting alone.
   */
  requireRole: (request: FastifyRequest, ...roles: StaffRole[]) => Promise<StaffPerson | undefined>;
  /**
   * The member of staff acting in a request and how they proved it (after `requireRole`), carried
   * into the clinician session so that admitting on the signalling socket is audited with them.
   */
  actor?: (request: FastifyRequest) => Promise<StaffActor | undefined>;
  /** Queues the fresh link for the patient (mail outbox). */
  sendLink: (appointmentId: number, url: string, opensAt: Date) => Promise<void>;
  /** The HTML page a join link opens; the token stays in the address, read by its script. */
  joinPage: string | undefined;
  /** Closes the live signalling sockets of revoked sessions, telling each page why. */
  endSessions: (sessionIds: readonly string[], reason: SessionRevocation) => void;
  /** Queues a guest's invitation e-mail (mail outbox, then the delivery job). */
  sendGuestLink: (appointmentId: number, guest: Guest & { email: string }, url: string, opensAt: Date) => Promise<void>;
}

/** A name as a person gives it: 1 to 100 characters once trimmed, no control or bidi-override characters. */
function personName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new HttpError(400, 'value', `${field}: expected a string`);
  const name = value.trim();
  if (name.length < 1 || name.length > 100) throw new HttpError(400, 'value', `${field}: 1 to 100 characters`);
  if (/\p{Cc}|\p{Cs}/u.test(name) || BIDI_CONTROLS.test(name)) {
    throw new HttpError(400, 'value', `${field}: control characters are not allowed`);
  }
  return name;
}

/** The JSON object body of a request (or `{}` when there is none), with only `allowed` keys. */
function objectBody(body: unknown, allowed: readonly string[], shape: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'structure', `Expected ${shape}`);
  const stray = Object.keys(body).find((key) => !allowed.includes(key));
  if (stray !== undefined)
    throw new HttpError(400, 'structure', `Unexpected field "${stray.slice(0, 40)}": expected ${shape}`);
  return body as Record<string, unknown>;
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  return readCookie(request.headers.cookie, name);
}

function appointmentId(params: unknown): number {
  const raw = (params as { id?: string }).id ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(400, 'value', `Not an appointment id: "${raw.slice(0, 40)}"`);
  return Number(raw);
}

export async function joinPlugin(app: FastifyInstance, options: JoinPluginOptions): Promise<void> {
  const { join } = options;

  /** The session of the request: `Authorization: Bearer <session token>` or the session cookie. */
  const session = async (request: FastifyRequest) => {
    const header = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = header ?? cookie(request, SESSION_COOKIE);
    if (!token) throw new JoinError('invalid', 'There is no consultation session: open your link again.');
    return join.session(token);
  };

  const sendTicket = (reply: FastifyReply, ticket: Awaited<ReturnType<JoinService['redeem']>>) => {
    const maxAge = Math.max(0, Math.floor((Date.parse(ticket.expiresAt) - join.now().getTime()) / 1000));
    const secure = options.secureCookies ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${encodeURIComponent(ticket.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`,
    );
    return reply.header('cache-control', 'no-store').send(ticket);
  };

  // A wildcard, not `:token`: a JWT is longer than the router's limit for a named parameter. It
  // also serves `/join/`, where the page moves itself once joined (the link leaves the address bar).
  // In the patient's language: `?lang=` (the e-mailed link carries the language stored with the
  // booking; the page's switcher sets it), else the browser's `Accept-Language`, else British English.
  app.get<{ Querystring: { lang?: unknown } }>('/join/*', async (request, reply) => {
    if (!options.joinPage) throw new HttpError(404, 'not-found', 'No join page is installed on this server.');
    const asked = [request.query.lang].flat().find((value): value is string => typeof value === 'string');
    const locale =
      asked !== undefined && LANGUAGE_TAG.test(asked)
        ? matchLocale(asked)
        : (fromAcceptLanguage(request.headers['accept-language']) ?? 'en-GB');
    const html = renderJoinPage(await readFile(options.joinPage, 'utf8'), locale);
    return reply
      .header('cache-control', 'no-store')
      .header('vary', 'accept-language')
      .header('content-language', locale)
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex')
      .type('text/html; charset=utf-8')
      .send(html);
  });

  app.post<{ Body: { token?: unknown; role?: unknown } }>('/api/join/redeem', async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || typeof body.token !== 'string') {
      throw new HttpError(400, 'required', 'Expected a JSON body { "token": "…" }');
    }
    const role = body.role;
    if (role !== undefined && (typeof role !== 'string' || !ROLES.includes(role as Role))) {
      throw new HttpError(400, 'value', `role: expected one of ${ROLES.join(', ')}`);
    }
    return sendTicket(reply, await join.redeem(body.token, role as Role | undefined));
  });

  /**
   * Back into the session this device holds (its cookie) after a reload or a browser restart,
   * without redeeming the link again; with `{ token }` (the link), only if the session came from
   * that link. 404 `no-session` (or why the session ended) tells the page to offer "Join" instead.
   */
  app.post<{ Body: { token?: unknown } | undefined }>('/api/join/resume', async (request, reply) => {
    const body = request.body;
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new HttpError(400, 'value', 'Expected no body, or a JSON body { "token": "…" }');
    }
    const link = body?.token;
    if (link !== undefined && typeof link !== 'string') throw new HttpError(400, 'value', 'token: expected a string');
    return sendTicket(reply, await join.resume(cookie(request, SESSION_COOKIE), link));
  });

  /**
   * A clinician session (staff only). With `{ "practitioner": "<id>", "name": "…" }`, for a
   * practitioner other than the appointment's: a peer id of their own, so that a GP and a nurse are
   * two participants; `name` is what the others see (default: the practitioner's name).
   */
  app.post<{ Body: unknown }>('/api/consultations/:id/clinician-token', async (request, reply) => {
    // Joining as the clinician (and so admitting the patient) is a clinician's (decision 0041).
    const person = await options.requireRole(request, 'clinician');
    const id = appointmentId(request.params);
    const shape = 'no body, or a JSON body { "practitioner": "<id>", "name": "…" }';
    const body = objectBody(request.body, ['practitioner', 'name'], shape);
    // A signed-in clinician joins as themselves unless they name another practitioner.
    const practitioner = body['practitioner'] ?? person?.id;
    if (practitioner !== undefined && (typeof practitioner !== 'string' || !/^\d{1,9}$/.test(practitioner))) {
      throw new HttpError(400, 'value', 'practitioner: expected a practitioner id ("12")');
    }
    const name = body['name'] === undefined ? undefined : personName(body['name'], 'name');
    const ticket = await join.clinicianSession(
      id,
      {
        ...(practitioner !== undefined ? { practitioner } : {}),
        ...(name !== undefined ? { name } : {}),
      },
      await options.actor?.(request),
    );
    return reply.header('cache-control', 'no-store').send(ticket);
  });

  /**
   * Guests (staff only): invite one by name and kind (an interpreter, a carer, …); with an e-mail
   * address their single-use link is e-mailed. The answer holds the link, for the practice to hand
   * over as it sees fit otherwise.
   */
  app.post<{ Body: unknown }>('/api/consultations/:id/guests', async (request, reply) => {
    await options.requireStaff(request);
    const id = appointmentId(request.params);
    const shape = 'a JSON body { "name": "…", "kind": "interpreter", "email"?: "…", "phone"?: "…" }';
    if (request.body === undefined || request.body === null) throw new HttpError(400, 'required', `Expected ${shape}`);
    const body = objectBody(request.body, ['name', 'kind', 'email', 'phone'], shape);
    const name = personName(body['name'], 'name');
    const kind = body['kind'];
    if (typeof kind !== 'string' || !(GUEST_KINDS as readonly string[]).includes(kind)) {
      throw new HttpError(400, 'value', `kind: expected one of ${GUEST_KINDS.join(', ')}`);
    }
    const email = body['email'];
    if (email !== undefined && (typeof email !== 'string' || !isEmailAddress(email))) {
      throw new HttpError(400, 'value', 'email: not an e-mail address');
    }
    const phone = body['phone'];
    if (phone !== undefined && (typeof phone !== 'string' || !isPhoneNumber(phone))) {
      throw new HttpError(400, 'value', 'phone: not a phone number');
    }
    const { guest, invitation } = await join.inviteGuest(id, {
      name,
      kind: kind as GuestKind,
      email: email as string | undefined,
      phone: phone as string | undefined,
    });
    if (guest.email)
      await options.sendGuestLink(id, { ...guest, email: guest.email }, invitation.url, invitation.opensAt);
    return reply.code(201).header('cache-control', 'no-store').send({
      id: guest.id,
      name: guest.name,
      kind: guest.kind,
      url: invitation.url,
      opensAt: invitation.opensAt.toISOString(),
      emailed: !!guest.email,
    });
  });

  app.get('/api/consultations/:id/guests', async (request, reply) => {
    await options.requireStaff(request);
    const guests = await join.guests(appointmentId(request.params));
    return reply.header('cache-control', 'no-store').send({ guests });
  });

  /** Removes a guest (staff only): their links stop working and their page is closed (`removed`). */
  app.delete('/api/consultations/:id/guests/:gid', async (request, reply) => {
    await options.requireStaff(request);
    const id = appointmentId(request.params);
    const gid = (request.params as { gid?: string }).gid ?? '';
    if (!/^\d{1,9}$/.test(gid)) throw new HttpError(400, 'value', `Not a guest id: "${gid.slice(0, 40)}"`);
    const { sessions } = await join.removeGuest(id, gid);
    options.endSessions(sessions, 'removed');
    return reply.code(204).send();
  });

  /**
   * A fresh invitation: for the patient (default) it is e-mailed and replaces their unused links;
   * for the clinician it is returned, for the practice to hand over as it sees fit.
   */
  app.post<{ Body: { role?: unknown } | undefined }>('/api/consultations/:id/invitations', async (request, reply) => {
    await options.requireStaff(request);
    const id = appointmentId(request.params);
    const role = request.body?.role ?? 'patient';
    if (role !== 'patient' && role !== 'clinician') {
      throw new HttpError(400, 'value', 'role: expected patient or clinician (guests are invited by name)');
    }
    // A clinician's link joins as the clinician: only a clinician hands one out.
    if (role === 'clinician') await options.requireRole(request, 'clinician');
    const { invitation, revokedInvitations, revokedSessions } = await join.reissue(id, role as Role);
    options.endSessions(revokedSessions, 'revoked');
    const { url, opensAt } = invitation;
    if (role === 'patient') await options.sendLink(id, url, opensAt);
    return reply.code(201).send({
      role,
      url,
      opensAt: opensAt.toISOString(),
      revoked: revokedInvitations,
      revokedSessions: revokedSessions.length,
      emailed: role === 'patient',
    });
  });

  app.get('/api/ice-servers', async (request, reply) => {
    await session(request); // only for a live participant of some consultation
    return reply.header('cache-control', 'no-store').send({ iceServers: join.iceServers() });
  });

  const step = (role: Role, run: (id: number) => Promise<void>) => async (request: FastifyRequest) => {
    const id = appointmentId(request.params);
    const mine = await session(request);
    if (mine.appointmentId !== id) throw new JoinError('wrong-role', 'This session is for another appointment.');
    if (mine.role !== role) throw new JoinError('wrong-role', `Only the ${role} can do this.`);
    await run(id);
    return { ok: true };
  };
  app.post(
    '/api/consultations/:id/arrived',
    step('patient', (id) => join.arrived(id)),
  );
  app.post(
    '/api/consultations/:id/fulfilled',
    step('clinician', (id) => join.fulfilled(id)),
  );
}
