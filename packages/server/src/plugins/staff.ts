/**
 * Staff: the live change stream.
 *
 * `GET /api/staff/events` (staff) is a `text/event-stream`: `event: appointment` with
 * `{"id","status","versionId"}` on every appointment create and update, and a comment line every
 * 15 seconds so that proxies keep the connection open. The events come from this process's bus:
 * with several instances, each stream hears only its own instance (fan-out over PostgreSQL
 * LISTEN/NOTIFY is out of scope for now).
 */
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import type { BookingEvents } from '../booking/events.js';
import { EventStreams } from '../sse.js';

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
  const streams = new EventStreams(app, heartbeatMs);

  app.get('/api/staff/events', async (request, reply) => {
    auth.requireStaff(await auth.caller(request));
    const stream = streams.open(request, reply);
    if (!stream) return reply;
    stream.onClose(events.subscribe((event) => stream.send('appointment', event)));
    return reply;
  });
}
