/**
 * `GET /api/consultations/:id/messages`: a consultation's chat, for the record (staff only: the
 * staff key or a staff session). Plain JSON, in sequence order, a page at a time:
 * `?after=<seq>` (default 0) and `?count=<n>` (1 to 1,000; default 200); `next` is the `after` of
 * the next page when there is one. Participants read the chat on their signalling socket
 * (docs/decisions/0024-chat.md). Rate-limited per address (`messages`).
 */
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import { HttpError } from '../errors.js';
import { consultationOf } from '../join/service.js';
import type { ChatService } from '../room/chat.js';
import type { Storage } from '../storage/index.js';

const PARAMETERS = new Set(['after', 'count']);

export async function chatPlugin(
  app: FastifyInstance,
  options: { auth: Auth; storage: Storage; chat: ChatService },
): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/api/consultations/:id/messages', async (request, reply) => {
    // A consultation's chat is clinical content: clinicians (or the staff key) read it.
    options.auth.requireRole(await options.auth.caller(request), 'clinician');
    const raw = (request.params as { id?: string }).id ?? '';
    if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'value', `Not an appointment id: "${raw.slice(0, 40)}"`);
    const query = request.query ?? {};
    for (const name of Object.keys(query)) {
      if (!PARAMETERS.has(name))
        throw new HttpError(400, 'value', `Unknown parameter ${name.slice(0, 40)}: expected after, count`);
    }
    const number = (name: string, fallback: number, min: number, max: number) => {
      const value = query[name];
      if (value === undefined) return fallback;
      if (typeof value !== 'string' || !/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max)
        throw new HttpError(400, 'value', `${name}: expected one whole number from ${min} to ${max}`);
      return Number(value);
    };
    const after = number('after', 0, 0, 2_147_483_647);
    const count = number('count', 200, 1, 1000);
    const id = Number(raw);
    const [appointment] = await options.storage.query('SELECT 1 FROM appointment WHERE id = $1', [id]);
    if (!appointment) throw new HttpError(404, 'not-found', `No appointment ${id}`);
    const cid = consultationOf(id);
    const { messages, more } = await options.chat.messages(options.storage, cid, after, count);
    const marks = await options.chat.marks(options.storage, cid);
    return reply.header('cache-control', 'no-store').send({
      consultation: cid,
      appointment: String(id),
      messages,
      marks,
      ...(more ? { next: messages.at(-1)!.seq } : {}),
    });
  });
}
