/**
 * `GET /api/reports/attendance?from=2026-01&to=2026-03`: booked, attended, missed and cancelled
 * appointments by month and channel, as a FHIR MeasureReport (docs/notifications.md). Staff only
 * (the staff key or a staff session; bearer guessing is rate-limited in `Auth.caller`).
 */
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth.js';
import { HttpError } from '../errors.js';
import { attendanceReport } from '../notify/attendance.js';
import type { Storage } from '../storage/index.js';

export async function reportsPlugin(
  app: FastifyInstance,
  options: { auth: Auth; storage: Storage; timeZone: string; now: () => number },
): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/api/reports/attendance', async (request) => {
    options.auth.requireStaff(await options.auth.caller(request));
    const { from, to } = request.query;
    if (typeof from !== 'string') throw new HttpError(400, 'required', 'from: the first month, like 2026-01');
    const last = to === undefined ? from : to;
    if (typeof last !== 'string') throw new HttpError(400, 'value', 'to: one month, like 2026-03');
    return attendanceReport(options.storage, options.timeZone, from, last, new Date(options.now()));
  });
}
