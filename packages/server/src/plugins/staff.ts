/**
 * Staff: the live change stream.
 *
 * `GET /api/staff/events` (staff) is a `text/event-stream`: `event: appointment` with
 * `{"id","status","versionId"}` on every appointment create and update, and a comment line every
 * 15 seconds so that proxies keep the connection open. The events come from this process's bus:
 * with several instances, each stream hears only its own instance (fan-out over PostgreSQL
 * LISTEN/NOTIFY is out of scope for now).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import type { BookingEvents } from '../booking/events.js';

export const HEARTBEAT_MS = 15_000;

export interface StaffPluginOptions {
  auth: Auth;
  events: BookingEvents;
  /** Interval of the keep-alive comment (15 s). */
  heartbeatMs?: number | undefined;
}

export async function staffPlugin(app: FastifyInstance, options: StaffPluginOptions): Promise<void> {
  const { auth, events } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const streams = new Set<ServerResponse>();

  app.get('/api/staff/events', async (request, reply) => {
    auth.requireStaff(await auth.caller(request));
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A HEAD request has its answer in the headers: no stream to keep open (else it never ends).
    if (request.method === 'HEAD') {
      response.end();
      return reply;
    }
    response.write('retry: 3000\n: connected\n\n');
    const unsubscribe = events.subscribe((event) => {
      response.write(`event: appointment\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    streams.add(response);
    const cleanUp = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(response);
    };
    response.on('close', cleanUp);
    request.raw.on('close', cleanUp);
    return reply;
  });

  app.addHook('onClose', async () => {
    for (const response of streams) response.end();
    streams.clear();
  });
}
