/**
 * Messages between staff (docs/staff.md, "Messages"; the wire in `@consultkit/core/contract`'s
 * `staff-chat.ts`). Every route is for a named member of staff: a staff session, or the staff key
 * with `ConsultKit-Acting-Practitioner`. The staff key alone (a system, no person) is 403, a
 * patient's booking reference 403, anyone else 401; a conversation the person is not a member of
 * is 404, as one that does not exist.
 *
 * - `GET  /api/staff-conversations`: the person's conversations, most recent first.
 * - `POST /api/staff-conversations`: start one (201; 200 for one already made).
 * - `GET  /api/staff-conversations/{id}/messages?after={seq}`: a page of messages after `seq`.
 * - `POST /api/staff-conversations/{id}/messages`: post one (201; 200 for one already stored).
 * - `PUT  /api/staff-conversations/{id}/read`: move the person's read mark.
 * - `GET  /api/staff/people?name=…&count=…`: everyone the person may message (decision 0049).
 *
 * Live delivery rides the staff live stream (`GET /api/presence/events`, `plugins/directory.ts`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StaffPerson } from '@consultkit/core/contract';
import type { Auth } from '../auth.js';
import { HttpError } from '../errors.js';
import { actingPerson } from '../staff/acting.js';
import type { Directory } from '../staff/directory.js';
import { conversationId, type StaffMessages } from '../staff/messages.js';
import { peopleQuery } from '../staff/people.js';
import { parseSeq } from '../storage/numbered.js';

export interface StaffChatPluginOptions {
  auth: Auth;
  directory: Directory;
  messages: StaffMessages;
}

export async function staffChatPlugin(app: FastifyInstance, options: StaffChatPluginOptions): Promise<void> {
  const { auth, directory, messages } = options;

  /** The named member of staff asking (401 nobody, 403 a patient or the staff key alone). */
  const person = async (request: FastifyRequest): Promise<StaffPerson> => {
    const caller = await auth.caller(request);
    auth.requireStaff(caller);
    const found = await actingPerson(request, caller, directory);
    if (!found) {
      throw new HttpError(
        403,
        'forbidden',
        'Messages between staff need a named member of staff: sign in as yourself, or name the acting practitioner',
      );
    }
    return found;
  };

  /** Refuses a query string other than the parameters named (each at most once). */
  const query = (request: FastifyRequest, allowed: string[]): Record<string, string> => {
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!allowed.includes(key)) {
        throw new HttpError(
          400,
          'value',
          `Unknown parameter "${key.slice(0, 40)}" (expected ${allowed.join(', ') || 'none'})`,
        );
      }
      if (typeof value !== 'string') throw new HttpError(400, 'value', `${key}: give it once`);
      out[key] = value;
    }
    return out;
  };

  app.get('/api/staff/people', async (request, reply) => {
    const me = await person(request);
    const found = await messages.people(me, peopleQuery(query(request, ['name', 'count'])));
    return reply.header('cache-control', 'no-store').send(found);
  });

  app.get('/api/staff-conversations', async (request, reply) => {
    const me = await person(request);
    query(request, []);
    return reply.header('cache-control', 'no-store').send(await messages.list(me));
  });

  app.post<{ Body: unknown }>('/api/staff-conversations', async (request, reply) => {
    const me = await person(request);
    query(request, []);
    const { created, conversation } = await messages.start(me, request.body);
    return reply
      .code(created ? 201 : 200)
      .header('cache-control', 'no-store')
      .send(conversation);
  });

  app.get<{ Params: { id: string } }>('/api/staff-conversations/:id/messages', async (request, reply) => {
    const me = await person(request);
    const id = conversationId(request.params.id);
    const { after: raw } = query(request, ['after']);
    const after = raw === undefined ? 0 : parseSeq(raw);
    if (after === undefined)
      throw new HttpError(400, 'value', 'after: expected a sequence number (a whole number from 0)');
    return reply.header('cache-control', 'no-store').send(await messages.messages(me, id, after));
  });

  app.post<{ Params: { id: string }; Body: unknown }>(
    '/api/staff-conversations/:id/messages',
    async (request, reply) => {
      const me = await person(request);
      const id = conversationId(request.params.id);
      query(request, []);
      const { created, message } = await messages.post(me, id, request.body);
      return reply
        .code(created ? 201 : 200)
        .header('cache-control', 'no-store')
        .send(message);
    },
  );

  app.put<{ Params: { id: string }; Body: unknown }>('/api/staff-conversations/:id/read', async (request, reply) => {
    const me = await person(request);
    const id = conversationId(request.params.id);
    query(request, []);
    return reply.header('cache-control', 'no-store').send(await messages.read(me, id, request.body));
  });
}
