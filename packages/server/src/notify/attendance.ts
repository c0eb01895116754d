/**
 * Attendance (docs/notifications.md): a booked appointment whose patient never arrived is marked
 * `noshow` a while after its end (a job planned with the reminders), and staff can correct it
 * (`noshow` → `fulfilled`). The attendance report counts booked, attended, missed and cancelled
 * appointments by month (in the practice's time zone) and channel, as a FHIR MeasureReport.
 */
import { BookingRepository, DELIVERY_CHANNELS, type DeliveryChannel } from '../booking/repository.js';
import { HttpError } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { JobQueue, type JobRow } from './queue.js';

export interface AttendanceOptions {
  storage: Storage;
  now: () => number;
  /** Moves the appointment to `noshow` through the booking service (events, revocations). */
  markNoShow: (appointmentId: number) => Promise<void>;
}

/** The `attendance` job: still booked, at the same end, nobody arrived: a no-show. */
export function attendanceHandler(options: AttendanceOptions) {
  return async (job: JobRow): Promise<void> => {
    const id = job.appointment_id;
    const row = id === null ? undefined : await new BookingRepository(options.storage).appointment(id);
    if (row && row.status === 'booked' && row.end_at.toISOString() === job.payload['end']) {
      try {
        await options.markNoShow(row.id);
      } catch (error) {
        // The appointment moved on meanwhile (arrived, cancelled): nothing to mark.
        if (!(error instanceof HttpError && (error.status === 422 || error.status === 412))) throw error;
      }
    }
    await options.storage.transaction((tx) => JobQueue.complete(tx, job, new Date(options.now())));
  };
}

export const ATTENDANCE_MEASURE = 'urn:consultkit:measure:attendance';
export const ATTENDANCE_POPULATION = 'urn:consultkit:attendance';
const POPULATIONS = ['booked', 'attended', 'missed', 'cancelled'] as const;
type Counts = Record<(typeof POPULATIONS)[number], number>;

const population = (counts: Counts) =>
  POPULATIONS.map((code) => ({ code: { coding: [{ system: ATTENDANCE_POPULATION, code }] }, count: counts[code] }));

/** `2026-03` → ok; the months from `from` to `to` inclusive (at most 24). */
export function monthRange(from: string, to: string): string[] {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/;
  if (!month.test(from)) throw new HttpError(400, 'value', `from: expected a month like 2026-03, got "${from}"`);
  if (!month.test(to)) throw new HttpError(400, 'value', `to: expected a month like 2026-03, got "${to}"`);
  if (to < from) throw new HttpError(400, 'value', `to (${to}) is before from (${from})`);
  const months: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    months.push(key);
    if (key === to) return months;
    if (months.length >= 24) throw new HttpError(400, 'value', 'at most 24 months in one report');
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/**
 * Booked: confirmed appointments starting in the month (declined requests are not counted);
 * attended: arrived or fulfilled; missed: no-show; cancelled: cancelled after being booked.
 * Appointments still booked (upcoming) count as booked only.
 */
export async function attendanceReport(storage: Storage, timeZone: string, from: string, to: string, now: Date) {
  const months = monthRange(from, to);
  const rows = await storage.query<{ month: string; channel: DeliveryChannel } & Counts>(
    `SELECT to_char(start_at AT TIME ZONE $1, 'YYYY-MM') AS month, channel,
       count(*) FILTER (WHERE confirmed_at IS NOT NULL)::int AS booked,
       count(*) FILTER (WHERE status IN ('arrived', 'fulfilled'))::int AS attended,
       count(*) FILTER (WHERE status = 'noshow')::int AS missed,
       count(*) FILTER (WHERE status = 'cancelled' AND confirmed_at IS NOT NULL)::int AS cancelled
     FROM appointment
     -- Consultations with a patient: a call between clinicians (staff_call, decision 0045) is none.
     WHERE patient_id IS NOT NULL
       AND start_at >= (($2 || '-01')::timestamp AT TIME ZONE $1)
       AND start_at < ((($3 || '-01')::date + interval '1 month')::timestamp AT TIME ZONE $1)
     GROUP BY 1, 2`,
    [timeZone, from, to],
  );
  const zero = (): Counts => ({ booked: 0, attended: 0, missed: 0, cancelled: 0 });
  const lastDay = (month: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
  };
  return {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: ATTENDANCE_MEASURE,
    date: now.toISOString(),
    period: { start: `${from}-01`, end: lastDay(to) },
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: timeZone }],
    group: months.map((month) => {
      const total = zero();
      const byChannel = new Map<DeliveryChannel, Counts>(DELIVERY_CHANNELS.map((c) => [c, zero()]));
      for (const row of rows.filter((r) => r.month === month)) {
        const counts = byChannel.get(row.channel)!;
        for (const key of POPULATIONS) {
          counts[key] += row[key];
          total[key] += row[key];
        }
      }
      return {
        code: { text: month },
        population: population(total),
        stratifier: [
          {
            code: [{ text: 'channel' }],
            stratum: [...byChannel].map(([channel, counts]) => ({
              value: { text: channel },
              population: population(counts),
            })),
          },
        ],
      };
    }),
  };
}
