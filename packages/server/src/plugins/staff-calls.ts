/**
 * Calls between clinicians with no patient (docs/staff.md, "Calling a colleague";
 * docs/decisions/0045-staff-calls.md). Every route needs a named member of staff who is a
 * clinician: the staff key alone (a system) and a receptionist get 403, a patient's credentials
 * 403, nobody 401. Rate-limited (`staff-calls` per person, and `directory` by address).
 *
 * - `POST /api/staff-calls` `{ "practitioner": "12" }`: a new call; the caller gets a clinician
 *   ticket, the colleague a notice on their staff stream with a link bound to them.
 *   `{ "practitioner": "12", "call": "40" }`: one more colleague into a running call the caller is in.
 * - `POST /api/staff-calls/{call}/join` `{ "token": "…" }`: the colleague joins with their link.
 * - `POST /api/staff-calls/{call}/decline`: the colleague says no; the caller is told live.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StaffCallAnswer } from '@consultkit/core/contract';
import type { Auth } from '../auth.js';
import { HttpError } from '../errors.js';
import type { StaffActor } from '../join/service.js';
import type { StaffCalls } from '../staff/calls.js';
import type { Directory } from '../staff/directory.js';

export interface StaffCallPluginOptions {
  auth: Auth;
  calls: StaffCalls;
  directory: Directory;
}

/** A staff call's id in a path: an appointment id. */
function callId(params: unknown): number {
  const raw = String((params as { id?: unknown }).id ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'value', `Not a staff call id: "${raw.slice(0, 40)}"`);
  return Number(raw);
}

/** The JSON object body with only `allowed` keys (`{}` when there is none and `optional`). */
function body(value: unknown, allowed: readonly string[], shape: string, optional = false): Record<string, unknown> {
  if ((value === undefined || value === null) && optional) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'structure', `Expected ${shape}`);
  }
  const stray = Object.keys(value).find((key) => !allowed.includes(key));
  if (stray !== undefined)
    throw new HttpError(400, 'structure', `Unexpected field "${stray.slice(0, 40)}": expected ${shape}`);
  return value as Record<string, unknown>;
}

export async function staffCallsPlugin(app: FastifyInstance, options: StaffCallPluginOptions): Promise<void> {
  const { auth, calls, directory } = options;

  /** The clinician acting, named (the staff key alone is a system: it calls nobody). */
  const clinician = async (request: FastifyRequest, what: string): Promise<StaffActor> => {
    const caller = await auth.caller(request);
    auth.requireStaff(caller);
    const decided = await auth.decidedFor(request);
    const person = caller.kind === 'staff' ? caller.person : undefined;
    if (!person) {
      throw new HttpError(
        403,
        'forbidden',
        `${what} needs a named member of staff: sign in as yourself, or name the acting practitioner`,
      );
    }
    if (!person.roles.includes('clinician')) {
      throw new HttpError(403, 'forbidden', `Only a clinician may do this: ${what.toLowerCase()}`);
    }
    return { practitioner: person.id, name: person.name, via: decided?.via === 'key' ? 'key' : 'session' };
  };

  app.post<{ Body: unknown }>('/api/staff-calls', async (request, reply) => {
    const me = await clinician(request, 'Calling a colleague');
    const shape = 'a JSON body { "practitioner": "<id>", "call"?: "<id>" }';
    const input = body(request.body, ['practitioner', 'call'], shape);
    const raw = typeof input['practitioner'] === 'string' ? input['practitioner'].replace(/^Practitioner\//, '') : '';
    if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'value', 'practitioner: expected a practitioner id ("12")');
    if (raw === me.practitioner) throw new HttpError(400, 'value', 'practitioner: you cannot call yourself');
    const call = input['call'];
    if (call !== undefined && (typeof call !== 'string' || !/^\d{1,9}$/.test(call))) {
      throw new HttpError(400, 'value', 'call: expected a staff call id ("40")');
    }
    const colleague = await directory.person(Number(raw));
    if (!colleague || !colleague.roles.includes('clinician')) {
      throw new HttpError(404, 'not-found', `No clinician in the directory has id ${raw}`);
    }
    const answer: StaffCallAnswer =
      call === undefined ? await calls.start(me, colleague) : await calls.invite(Number(call), me, colleague);
    return reply.code(201).header('cache-control', 'no-store').send(answer);
  });

  app.post<{ Body: unknown }>('/api/staff-calls/:id/join', async (request, reply) => {
    const me = await clinician(request, 'Joining a call');
    const id = callId(request.params);
    const input = body(request.body, ['token'], 'a JSON body { "token": "<the link, or its token>" }');
    const token = input['token'];
    if (typeof token !== 'string' || token.length < 1 || token.length > 4096) {
      throw new HttpError(400, 'value', 'token: expected the link you were sent, or its token');
    }
    const ticket = await calls.join(id, token, me);
    return reply.header('cache-control', 'no-store').send(ticket);
  });

  app.post<{ Body: unknown }>('/api/staff-calls/:id/decline', async (request, reply) => {
    const me = await clinician(request, 'Declining a call');
    const id = callId(request.params);
    body(request.body, [], 'no body, or an empty JSON object', true);
    const person = await directory.person(Number(me.practitioner));
    const declined = await calls.decline(id, person ?? { id: me.practitioner, name: me.name, roles: ['clinician'] });
    if (!declined) throw new HttpError(404, 'not-found', `No unanswered call to you in staff call ${id}`);
    return reply.header('cache-control', 'no-store').send({ call: String(id), declined: true });
  });
}
