/**
 * The booking tables in SQL, over any `SqlExecutor` (the storage itself, or a transaction). The
 * same statements run on PGlite and PostgreSQL. Business rules live in `service.ts`; this module
 * only reads and writes rows.
 */
import type { SqlExecutor, Storage } from '../storage/index.js';
import { slotTimes, TemplateError, validateTemplate, type WeeklyTemplate } from './template.js';
import { canonicalTimeZone } from './zone.js';

export const SLOT_STATUSES = ['free', 'busy-tentative', 'busy'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

import type {
  AppointmentStatus,
  CancelationReason,
  ContactPreference,
  DeliveryChannel,
} from '@consultkit/core/contract';

export { APPOINTMENT_STATUSES, type AppointmentStatus } from '@consultkit/core/contract';

export {
  CANCELATION_REASONS,
  DELIVERY_CHANNELS,
  type CancelationReason,
  type DeliveryChannel,
} from '@consultkit/core/contract';

/** Live appointments hold their slot; a cancelled one has let it go. */
export const LIVE_STATUSES: readonly AppointmentStatus[] = ['pending', 'booked', 'arrived', 'fulfilled', 'noshow'];

export interface HumanNameJson {
  prefix?: string[];
  given?: string[];
  family?: string;
  text?: string;
}

export interface PractitionerRow {
  id: number;
  name: HumanNameJson;
  qualification: string | null;
  active: boolean;
  updated_at: Date;
}

export interface ScheduleRow {
  id: number;
  practitioner_id: number;
  practitioner_name: HumanNameJson;
  service_type: string;
  service_display: string;
  channels: DeliveryChannel[];
  template: WeeklyTemplate;
  time_zone: string;
  active: boolean;
  updated_at: Date;
}

export interface SlotRow {
  id: number;
  schedule_id: number;
  start_at: Date;
  end_at: Date;
  status: SlotStatus;
  updated_at: Date;
  service_type: string;
  service_display: string;
  time_zone: string;
  /** When a live hold on this free slot lapses (only where the query asked about holds). */
  held_until?: Date | null;
}

export interface PatientDetails {
  name: HumanNameJson[];
  birthDate: string;
  email: string;
  phone?: string;
  /** How the patient wants messages and reminders: e-mail (default), SMS, or both. */
  contactPreference?: ContactPreference;
  /** The patient's language, BCP 47 (`Patient.communication`, preferred): messages are written in it. */
  language?: string;
}

/** How the patient wants to hear from the practice: the contract's rule. */
export type { ContactPreference };

export interface PatientRow {
  id: number;
  name: HumanNameJson[];
  birth_date: string;
  email: string;
  phone: string | null;
  created_at: Date;
}

export interface AppointmentRow {
  id: number;
  version: number;
  status: AppointmentStatus;
  cancelation_reason: CancelationReason | null;
  slot_id: number;
  schedule_id: number;
  practitioner_id: number;
  practitioner_name: HumanNameJson;
  patient_id: number;
  start_at: Date;
  end_at: Date;
  channel: DeliveryChannel;
  service_type: string;
  service_display: string;
  time_zone: string;
  booking_reference: string;
  idempotency_key: string | null;
  request_digest: string;
  patient_details: PatientDetails;
  confirmed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface OutboxRow {
  id: number;
  appointment_id: number | null;
  to_address: string;
  subject: string;
  body: string;
  created_at: Date;
  sent_at: Date | null;
}

export interface Page<T> {
  rows: T[];
  /** Every match, when counted. */
  total?: number;
  /** More matches after this page. */
  more: boolean;
}

export interface SlotQuery {
  /** Only these slots. */
  ids?: readonly number[];
  statuses?: readonly SlotStatus[];
  /** Start at or after (epoch ms). */
  from?: number;
  /** Start before (epoch ms). */
  to?: number;
  /**
   * Free slots only when they start at or after this instant (epoch ms): now plus the minimum
   * notice. Slots of other statuses are not affected.
   */
  freeFrom?: number;
  /** Only these schedules (an empty list matches nothing). */
  scheduleIds?: readonly number[];
  /**
   * Holds as they are at this instant (epoch ms): a free slot with a live hold is not free (left
   * out of `free`, listed under `busy-tentative`), and rows say when their hold lapses. Without it
   * holds are not looked at.
   */
  holdsAt?: number;
  /** Keyset paging: the rows after this one in (start, id) order. */
  after?: SlotCursor;
  /**
   * The slot's own columns only, without its schedule's (service type, time zone): for callers
   * that hold the schedules already ({@link ScheduleCatalog}), one join fewer per search.
   */
  bare?: boolean;
  count: number;
  /** Count every match (a second, indexed query). */
  total: boolean;
}

/** Which schedules: every filter given must match. */
export interface ScheduleFilter {
  ids?: readonly number[];
  practitionerIds?: readonly number[];
  serviceTypes?: readonly string[];
}

/** Where a page of slots ends: the (start, id) of its last row. */
export interface SlotCursor {
  start: number;
  id: number;
}

export interface AppointmentQuery {
  statuses?: readonly string[];
  from?: number;
  to?: number;
  practitionerIds?: readonly number[];
  patientIds?: readonly number[];
  /** Booking references or idempotency keys: an appointment with any of them. */
  identifiers?: { bookingReferences: readonly string[]; idempotencyKeys: readonly string[] };
  count: number;
  offset: number;
  total: boolean;
}

export interface NewSchedule {
  practitionerId: number;
  serviceType: string;
  serviceDisplay: string;
  channels: readonly DeliveryChannel[];
  template: WeeklyTemplate;
  timeZone: string;
  active?: boolean;
}

export interface NewAppointment {
  status: AppointmentStatus;
  slotId: number;
  scheduleId: number;
  practitionerId: number;
  patientId: number;
  start: Date;
  end: Date;
  channel: DeliveryChannel;
  bookingReference: string;
  idempotencyKey: string | null;
  requestDigest: string;
  patientDetails: PatientDetails;
  now: Date;
}

export interface AppointmentChanges {
  status: AppointmentStatus;
  cancelationReason: CancelationReason | null;
  slotId: number;
  start: Date;
  end: Date;
  confirmedAt: Date | null;
  now: Date;
}

const SCHEDULE_COLUMNS = `sc.id, sc.practitioner_id, p.name AS practitioner_name, sc.service_type, sc.service_display,
  sc.channels, sc.template, sc.time_zone, sc.active, sc.updated_at`;

const SLOT_COLUMNS = `s.id, s.schedule_id, s.start_at, s.end_at, s.status, s.updated_at,
  sc.service_type, sc.service_display, sc.time_zone`;

const BARE_SLOT_COLUMNS = 's.id, s.schedule_id, s.start_at, s.end_at, s.status, s.updated_at';

/**
 * A page of bare slot rows (the subquery `s`, in its order) as one JSON text of arrays, instants in
 * epoch milliseconds: the driver parses one field rather than six per row, which was a third of a
 * picker search's database time on PGlite (decision 0029).
 */
const BARE_PAGE_JSON = `COALESCE(json_agg(json_build_array(s.id, s.schedule_id,
  floor(extract(epoch FROM s.start_at) * 1000)::bigint, floor(extract(epoch FROM s.end_at) * 1000)::bigint, s.status,
  floor(extract(epoch FROM s.updated_at) * 1000)::bigint) ORDER BY s.start_at, s.id), '[]')::text AS page`;

/** The rows of a {@link BARE_PAGE_JSON} answer. */
function bareSlots(result: { page: string }[]): SlotRow[] {
  const page = JSON.parse(result[0]!.page) as [number, number, number, number, SlotStatus, number][];
  return page.map(
    ([id, schedule_id, start, end, status, updated]) =>
      ({
        id,
        schedule_id,
        start_at: new Date(start),
        end_at: new Date(end),
        status,
        updated_at: new Date(updated),
      }) as SlotRow,
  );
}

const APPOINTMENT_COLUMNS = `a.id, a.version, a.status, a.cancelation_reason, a.slot_id, a.schedule_id, a.practitioner_id,
  p.name AS practitioner_name, a.patient_id, a.start_at, a.end_at, a.channel, sc.service_type, sc.service_display,
  sc.time_zone, a.booking_reference, a.idempotency_key, a.request_digest, a.patient_details, a.confirmed_at,
  a.created_at, a.updated_at`;

const APPOINTMENT_FROM = `appointment a JOIN practitioner p ON p.id = a.practitioner_id JOIN schedule sc ON sc.id = a.schedule_id`;

/** Collects `$n` parameters while a query is built. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The column saying when a live hold on the slot lapses, at the instant in parameter `at`. */
const HELD_UNTIL = (at: string) =>
  `(SELECT h.expires_at FROM slot_hold h WHERE h.slot_id = s.id AND h.expires_at > ${at}) AS held_until`;

/** The conditions on `schedule` (unqualified columns) of a {@link ScheduleFilter}, or '' for none. */
function scheduleFilter(filter: ScheduleFilter, params: Params): string {
  const where: string[] = [];
  if (filter.ids) where.push(`id = ANY(${params.add(filter.ids)}::int[])`);
  if (filter.practitionerIds) {
    where.push(`practitioner_id = ANY(${params.add(filter.practitionerIds)}::int[])`);
  }
  if (filter.serviceTypes) where.push(`service_type = ANY(${params.add(filter.serviceTypes)}::text[])`);
  return where.join(' AND ');
}

/** Rows at most this many per INSERT when generating slots. */
const SLOT_CHUNK = 5000;

export class BookingRepository {
  constructor(readonly db: SqlExecutor) {}

  /** `query`, planned once where the engine can (the slot search's page: PGlite, decision 0048). */
  #planned<Row extends object>(sql: string, values: unknown[]): Promise<Row[]> {
    return this.db.queryPlanned ? this.db.queryPlanned<Row>(sql, values) : this.db.query<Row>(sql, values);
  }

  // Practitioners ------------------------------------------------------------------------------

  async createPractitioner(input: { name: HumanNameJson; qualification?: string; active?: boolean }): Promise<number> {
    const rows = await this.db.query<{ id: number }>(
      'INSERT INTO practitioner (name, qualification, active) VALUES ($1, $2, $3) RETURNING id',
      [JSON.stringify(input.name), input.qualification ?? null, input.active ?? true],
    );
    return rows[0]!.id;
  }

  async practitioner(id: number): Promise<PractitionerRow | undefined> {
    const rows = await this.db.query<PractitionerRow>(
      'SELECT id, name, qualification, active, updated_at FROM practitioner WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async countPractitioners(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM practitioner');
    return rows[0]!.n;
  }

  async searchPractitioners(query: {
    ids?: readonly number[];
    active?: boolean;
    count: number;
    offset: number;
    total: boolean;
  }): Promise<Page<PractitionerRow>> {
    const params = new Params();
    const where: string[] = [];
    if (query.ids) where.push(`id = ANY(${params.add(query.ids)}::int[])`);
    if (query.active !== undefined) where.push(`active = ${params.add(query.active)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.page<PractitionerRow>(
      `SELECT id, name, qualification, active, updated_at FROM practitioner ${filter} ORDER BY id`,
      `SELECT count(*)::int AS n FROM practitioner ${filter}`,
      params,
      query,
    );
  }

  // Schedules ----------------------------------------------------------------------------------

  /** Creates a schedule; its template is checked first (`TemplateError`). */
  async createSchedule(input: NewSchedule): Promise<number> {
    const template = validateTemplate(input.template);
    const timeZone = canonicalTimeZone(input.timeZone);
    if (!timeZone) throw new TemplateError(`timeZone: not an IANA time zone: "${input.timeZone}"`);
    const rows = await this.db.query<{ id: number }>(
      `INSERT INTO schedule (practitioner_id, service_type, service_display, channels, template, time_zone, active)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING id`,
      [
        input.practitionerId,
        input.serviceType,
        input.serviceDisplay,
        [...input.channels],
        JSON.stringify(template),
        timeZone,
        input.active ?? true,
      ],
    );
    return rows[0]!.id;
  }

  async schedule(id: number): Promise<ScheduleRow | undefined> {
    const rows = await this.db.query<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule sc JOIN practitioner p ON p.id = sc.practitioner_id WHERE sc.id = $1`,
      [id],
    );
    return rows[0];
  }

  async schedulesByIds(ids: readonly number[]): Promise<ScheduleRow[]> {
    if (ids.length === 0) return [];
    return this.db.query<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule sc JOIN practitioner p ON p.id = sc.practitioner_id
       WHERE sc.id = ANY($1::int[]) ORDER BY sc.id`,
      [[...ids]],
    );
  }

  async searchSchedules(query: {
    ids?: readonly number[];
    practitionerIds?: readonly number[];
    serviceTypes?: readonly string[];
    active?: boolean;
    count: number;
    offset: number;
    total: boolean;
  }): Promise<Page<ScheduleRow>> {
    const params = new Params();
    const where: string[] = [];
    if (query.ids) where.push(`sc.id = ANY(${params.add(query.ids)}::int[])`);
    if (query.practitionerIds) where.push(`sc.practitioner_id = ANY(${params.add(query.practitionerIds)}::int[])`);
    if (query.serviceTypes) where.push(`sc.service_type = ANY(${params.add(query.serviceTypes)}::text[])`);
    if (query.active !== undefined) where.push(`sc.active = ${params.add(query.active)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.page<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule sc JOIN practitioner p ON p.id = sc.practitioner_id ${filter} ORDER BY sc.id`,
      `SELECT count(*)::int AS n FROM schedule sc ${filter}`,
      params,
      query,
    );
  }

  /** Ids of the schedules matching every filter given. */
  async scheduleIds(filter: ScheduleFilter): Promise<number[]> {
    const params = new Params();
    const where = scheduleFilter(filter, params);
    const rows = await this.db.query<{ id: number }>(
      `SELECT id FROM schedule ${where ? `WHERE ${where}` : ''} ORDER BY id`,
      params.values,
    );
    return rows.map((row) => row.id);
  }

  /** Every schedule with its practitioner's name, in id order. */
  async allSchedules(): Promise<ScheduleRow[]> {
    return this.db.query<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule sc JOIN practitioner p ON p.id = sc.practitioner_id ORDER BY sc.id`,
    );
  }

  /**
   * Changes when any schedule or practitioner is added, removed or updated (counts, highest ids,
   * latest `updated_at`): one cheap aggregate to know whether a cached copy is still current.
   */
  async schedulesStamp(): Promise<string> {
    const rows = await this.db.query<{ stamp: string }>(
      `SELECT (SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(updated_at)::text, '') FROM schedule)
         || '|' ||
         (SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(updated_at)::text, '') FROM practitioner)
         AS stamp`,
    );
    return rows[0]!.stamp;
  }

  async activeSchedules(): Promise<ScheduleRow[]> {
    return this.db.query<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM schedule sc JOIN practitioner p ON p.id = sc.practitioner_id
       WHERE sc.active AND p.active ORDER BY sc.id`,
    );
  }

  // Slots --------------------------------------------------------------------------------------

  /**
   * Makes the slots of `schedule` for the days `from` (inclusive) to `to` (exclusive) in its time
   * zone, in multi-row inserts; slots already there are left as they are. Returns how many it made.
   */
  async generateSlots(
    schedule: { id: number; template: WeeklyTemplate; time_zone: string },
    from: string,
    to: string,
  ): Promise<number> {
    const { starts, ends } = slotTimes(schedule.template, schedule.time_zone, from, to);
    let made = 0;
    for (let i = 0; i < starts.length; i += SLOT_CHUNK) {
      const iso = (ms: number) => new Date(ms).toISOString();
      const rows = await this.db.query<{ n: number }>(
        `WITH made AS (
           INSERT INTO slot (schedule_id, start_at, end_at)
           SELECT $1, t.start_at, t.end_at FROM unnest($2::timestamptz[], $3::timestamptz[]) AS t (start_at, end_at)
           ON CONFLICT (schedule_id, start_at) DO NOTHING
           RETURNING 1
         )
         SELECT count(*)::int AS n FROM made`,
        [schedule.id, starts.slice(i, i + SLOT_CHUNK).map(iso), ends.slice(i, i + SLOT_CHUNK).map(iso)],
      );
      made += rows[0]!.n;
    }
    return made;
  }

  /** The slot; with `holdsAt` (epoch ms), when a live hold on it lapses (`held_until`). */
  async slot(id: number, holdsAt?: number): Promise<SlotRow | undefined> {
    const rows = await this.db.query<SlotRow>(
      holdsAt === undefined
        ? `SELECT ${SLOT_COLUMNS} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.id = $1`
        : `SELECT ${SLOT_COLUMNS}, ${HELD_UNTIL('$2')} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.id = $1`,
      holdsAt === undefined ? [id] : [id, new Date(holdsAt).toISOString()],
    );
    return rows[0];
  }

  /**
   * Slots in (start, id) order, a page at a time by keyset (`after`): a deep page costs what the
   * first does. The filters are all on `slot` columns (schedules resolved to ids beforehand), so
   * the page is read along `slot_free_start` (free slots), `slot_status_start` or
   * `slot_schedule_status_start`, `count + 1` rows to know whether there is a next page; the count
   * is a second query, only when asked for.
   */
  async searchSlots(query: SlotQuery): Promise<Page<SlotRow>> {
    if (query.scheduleIds?.length === 0 || query.statuses?.length === 0 || query.ids?.length === 0) {
      return { rows: [], more: false, ...(query.total || query.count === 0 ? { total: 0 } : {}) };
    }
    const params = new Params();
    const where: string[] = [];
    // Every status when none is asked for: the same rows, but read along an index on status.
    const statuses = query.statuses ?? SLOT_STATUSES;
    const status =
      statuses.length === 1
        ? `s.status = ${params.add(statuses[0])}`
        : `s.status = ANY(${params.add(statuses)}::text[])`;
    const free = statuses.includes('free');
    const tentative = statuses.includes('busy-tentative');
    /**
     * Whether a live hold is on the slot, at the instant in parameter `at`. As `IN` over the live
     * holds rather than a correlated `EXISTS`: the holds are read once into a hash (a "hashed
     * SubPlan": live holds are few, five minutes each) and each slot row is one hash probe, where
     * `NOT EXISTS` planned as an anti join probed `slot_hold`'s index once per slot row, a third
     * of the picker query's time on PGlite (decision 0048). `slot_id` is the primary key, never
     * NULL, so `NOT IN` means what `NOT EXISTS` meant.
     */
    const held = (at: string) => `s.id IN (SELECT h.slot_id FROM slot_hold h WHERE h.expires_at > ${at})`;
    const holdsAt = query.holdsAt === undefined ? undefined : new Date(query.holdsAt).toISOString();
    // A held free slot is busy-tentative to everyone: holds exist on free slots only.
    where.push(
      holdsAt === undefined || free === tentative
        ? status
        : free
          ? `${status} AND NOT ${held(params.add(holdsAt))}`
          : `(${status} OR (s.status = 'free' AND ${held(params.add(holdsAt))}))`,
    );
    let from = query.from;
    if (query.freeFrom !== undefined && statuses.includes('free')) {
      if (statuses.length === 1) {
        from = from === undefined ? query.freeFrom : Math.max(from, query.freeFrom);
      } else {
        where.push(`(s.status <> 'free' OR s.start_at >= ${params.add(new Date(query.freeFrom).toISOString())})`);
      }
    }
    if (from !== undefined) where.push(`s.start_at >= ${params.add(new Date(from).toISOString())}`);
    if (query.to !== undefined) where.push(`s.start_at < ${params.add(new Date(query.to).toISOString())}`);
    if (query.ids) {
      where.push(
        query.ids.length === 1 ? `s.id = ${params.add(query.ids[0])}` : `s.id = ANY(${params.add(query.ids)}::int[])`,
      );
    }
    if (query.scheduleIds) {
      where.push(
        query.scheduleIds.length === 1
          ? `s.schedule_id = ${params.add(query.scheduleIds[0])}`
          : `s.schedule_id = ANY(${params.add(query.scheduleIds)}::int[])`,
      );
    }
    const counted = [...where];
    const countedValues = params.values.length;
    if (query.after) {
      where.push(
        `(s.start_at, s.id) > (${params.add(new Date(query.after.start).toISOString())}::timestamptz, ${params.add(query.after.id)}::int)`,
      );
    }
    // When the rows say until when they are held: a parameter after all the conditions' (the count has none of it).
    const heldColumn = holdsAt !== undefined && tentative ? `, ${HELD_UNTIL(params.add(holdsAt))}` : '';
    const values = params.values;
    const pageSql = `SELECT ${query.bare ? BARE_SLOT_COLUMNS : SLOT_COLUMNS}${heldColumn}
             FROM slot s${query.bare ? '' : ' JOIN schedule sc ON sc.id = s.schedule_id'}
             WHERE ${where.join(' AND ')}
             ORDER BY s.start_at, s.id LIMIT ${Number(query.count) + 1}`;
    const rows =
      query.count === 0
        ? []
        : query.bare && !heldColumn
          ? bareSlots(await this.#planned<{ page: string }>(`SELECT ${BARE_PAGE_JSON} FROM (${pageSql}) s`, values))
          : await this.db.query<SlotRow>(pageSql, values);
    const more = rows.length > query.count;
    const page: Page<SlotRow> = { rows: more ? rows.slice(0, query.count) : rows, more };
    if (query.total || query.count === 0) {
      // The count leaves out the cursor: it is the whole search's, on every page. Its parameters
      // are the first ones, so the values without the cursor's and the held column's fit.
      const countValues = values.slice(0, countedValues);
      page.total = (
        await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM slot s WHERE ${counted.join(' AND ')}`,
          countValues,
        )
      )[0]!.n;
    }
    return page;
  }

  /**
   * Takes a free slot: `true` when this call changed it from `free`, `false` when it was not free
   * or someone else holds it. `holdDigest` is the digest of the taker's own hold on it, which the
   * taking ends (as it ends any lapsed hold).
   */
  async takeSlot(id: number, status: SlotStatus, now: Date, holdDigest?: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE slot SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'free'
         AND NOT EXISTS (SELECT 1 FROM slot_hold h WHERE h.slot_id = $1 AND h.expires_at > $3
                         AND h.token_digest IS DISTINCT FROM $4::text)
       RETURNING id`,
      [id, status, now.toISOString(), holdDigest ?? null],
    );
    if (rows.length === 1) await this.db.query('DELETE FROM slot_hold WHERE slot_id = $1', [id]);
    return rows.length === 1;
  }

  // Holds ----------------------------------------------------------------------------------------

  /** How many live holds `clientKey` has at `now`, and when the first of them lapses. */
  async liveHolds(clientKey: string, now: Date): Promise<{ count: number; firstLapse: Date | null }> {
    const rows = await this.db.query<{ count: number; first_lapse: Date | null }>(
      `SELECT count(*)::int AS count, min(expires_at) AS first_lapse FROM slot_hold
       WHERE client_key = $1 AND expires_at > $2`,
      [clientKey, now.toISOString()],
    );
    return { count: rows[0]!.count, firstLapse: rows[0]!.first_lapse };
  }

  /** Holds the slot unless a live hold is on it already (a lapsed one is taken over): `true` when held. */
  async insertHold(hold: {
    slotId: number;
    tokenDigest: string;
    clientKey: string;
    expiresAt: Date;
    now: Date;
  }): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO slot_hold (slot_id, token_digest, client_key, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (slot_id) DO UPDATE SET token_digest = EXCLUDED.token_digest, client_key = EXCLUDED.client_key,
         expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at
       WHERE slot_hold.expires_at <= EXCLUDED.created_at
       RETURNING slot_id`,
      [hold.slotId, hold.tokenDigest, hold.clientKey, hold.expiresAt.toISOString(), hold.now.toISOString()],
    );
    return rows.length === 1;
  }

  /** Ends the hold with this token digest (on `slotId` when given): `true` when there was one. */
  async deleteHold(tokenDigest: string, slotId?: number): Promise<boolean> {
    const rows = await this.db.query(
      slotId === undefined
        ? 'DELETE FROM slot_hold WHERE token_digest = $1 RETURNING slot_id'
        : 'DELETE FROM slot_hold WHERE token_digest = $1 AND slot_id = $2 RETURNING slot_id',
      slotId === undefined ? [tokenDigest] : [tokenDigest, slotId],
    );
    return rows.length === 1;
  }

  /** Forgets lapsed holds (they already count for nothing). */
  async deleteLapsedHolds(now: Date): Promise<void> {
    await this.db.query('DELETE FROM slot_hold WHERE expires_at <= $1', [now.toISOString()]);
  }

  async setSlotStatus(id: number, status: SlotStatus, now: Date): Promise<void> {
    await this.db.query('UPDATE slot SET status = $2, updated_at = $3 WHERE id = $1', [id, status, now.toISOString()]);
  }

  // Patients -----------------------------------------------------------------------------------

  /**
   * The patient with this e-mail address (any case) and date of birth, created from `details` if
   * there is none. An existing record keeps its name; a missing phone number is filled in.
   */
  async upsertPatient(details: PatientDetails, now: Date): Promise<number> {
    const rows = await this.db.query<{ id: number }>(
      `INSERT INTO patient (name, birth_date, email, phone, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (
         lower(email),
         birth_date,
         lower(coalesce(name -> 0 ->> 'family', '') || '|' || coalesce(name -> 0 -> 'given' ->> 0, ''))
       ) DO UPDATE SET phone = COALESCE(patient.phone, EXCLUDED.phone)
       RETURNING id`,
      [JSON.stringify(details.name), details.birthDate, details.email, details.phone ?? null, now.toISOString()],
    );
    return rows[0]!.id;
  }

  async patient(id: number): Promise<PatientRow | undefined> {
    const rows = await this.db.query<PatientRow>(
      'SELECT id, name, birth_date, email, phone, created_at FROM patient WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async patientsByIds(ids: readonly number[]): Promise<PatientRow[]> {
    if (ids.length === 0) return [];
    return this.db.query<PatientRow>(
      'SELECT id, name, birth_date, email, phone, created_at FROM patient WHERE id = ANY($1::int[]) ORDER BY id',
      [[...ids]],
    );
  }

  // Appointments -------------------------------------------------------------------------------

  async insertAppointment(input: NewAppointment): Promise<number> {
    const rows = await this.db.query<{ id: number }>(
      `INSERT INTO appointment (status, slot_id, schedule_id, practitioner_id, patient_id, start_at, end_at, channel,
         booking_reference, idempotency_key, request_digest, patient_details, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       RETURNING id`,
      [
        input.status,
        input.slotId,
        input.scheduleId,
        input.practitionerId,
        input.patientId,
        input.start.toISOString(),
        input.end.toISOString(),
        input.channel,
        input.bookingReference,
        input.idempotencyKey,
        input.requestDigest,
        JSON.stringify(input.patientDetails),
        input.now.toISOString(),
      ],
    );
    return rows[0]!.id;
  }

  /** The appointment; with `lock`, its row is locked until the transaction ends. */
  async appointment(id: number, options: { lock?: boolean } = {}): Promise<AppointmentRow | undefined> {
    const rows = await this.db.query<AppointmentRow>(
      `SELECT ${APPOINTMENT_COLUMNS} FROM ${APPOINTMENT_FROM} WHERE a.id = $1${options.lock ? ' FOR UPDATE OF a' : ''}`,
      [id],
    );
    return rows[0];
  }

  async appointmentByIdempotencyKey(key: string): Promise<AppointmentRow | undefined> {
    const rows = await this.db.query<AppointmentRow>(
      `SELECT ${APPOINTMENT_COLUMNS} FROM ${APPOINTMENT_FROM} WHERE a.idempotency_key = $1`,
      [key],
    );
    return rows[0];
  }

  async appointmentByReference(reference: string): Promise<{ id: number; patient_id: number } | undefined> {
    const rows = await this.db.query<{ id: number; patient_id: number }>(
      'SELECT id, patient_id FROM appointment WHERE booking_reference = $1',
      [reference],
    );
    return rows[0];
  }

  /** Applies `changes` if the appointment is still at `version`; returns the new version, or undefined. */
  async updateAppointment(id: number, version: number, changes: AppointmentChanges): Promise<number | undefined> {
    const rows = await this.db.query<{ version: number }>(
      `UPDATE appointment SET status = $3, cancelation_reason = $4, slot_id = $5, start_at = $6, end_at = $7,
         confirmed_at = $8, updated_at = $9, version = version + 1
       WHERE id = $1 AND version = $2 RETURNING version`,
      [
        id,
        version,
        changes.status,
        changes.cancelationReason,
        changes.slotId,
        changes.start.toISOString(),
        changes.end.toISOString(),
        changes.confirmedAt?.toISOString() ?? null,
        changes.now.toISOString(),
      ],
    );
    return rows[0]?.version;
  }

  async searchAppointments(query: AppointmentQuery): Promise<Page<AppointmentRow>> {
    const params = new Params();
    const where: string[] = [];
    if (query.statuses) where.push(`a.status = ANY(${params.add(query.statuses)}::text[])`);
    if (query.from !== undefined) where.push(`a.start_at >= ${params.add(new Date(query.from).toISOString())}`);
    if (query.to !== undefined) where.push(`a.start_at < ${params.add(new Date(query.to).toISOString())}`);
    if (query.practitionerIds) where.push(`a.practitioner_id = ANY(${params.add(query.practitionerIds)}::int[])`);
    if (query.patientIds) where.push(`a.patient_id = ANY(${params.add(query.patientIds)}::int[])`);
    if (query.identifiers) {
      where.push(
        `(a.booking_reference = ANY(${params.add(query.identifiers.bookingReferences)}::text[])` +
          ` OR a.idempotency_key = ANY(${params.add(query.identifiers.idempotencyKeys)}::text[]))`,
      );
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.page<AppointmentRow>(
      `SELECT ${APPOINTMENT_COLUMNS} FROM ${APPOINTMENT_FROM} ${filter} ORDER BY a.start_at, a.id`,
      // Over the same rows as the page: a staff call (no diary, decision 0045) is no Appointment.
      `SELECT count(*)::int AS n FROM ${APPOINTMENT_FROM} ${filter}`,
      params,
      query,
    );
  }

  /** How many live appointments hold `slotId` (never more than one). */
  async liveAppointmentsOnSlot(slotId: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointment WHERE slot_id = $1 AND status = ANY($2::text[])`,
      [slotId, [...LIVE_STATUSES]],
    );
    return rows[0]!.n;
  }

  // Mail outbox --------------------------------------------------------------------------------

  /**
   * Queues a message in the outbox and, in the same statement, the job that delivers it
   * (docs/notifications.md); the appointment as it now is goes with it for the calendar file.
   */
  async queueMail(message: {
    appointmentId: number | null;
    to: string;
    subject: string;
    body: string;
    now: Date;
    channel?: 'email' | 'sms';
  }): Promise<number> {
    const rows = await this.db.query<{ id: number }>(
      `WITH m AS (
         INSERT INTO mail_outbox (appointment_id, to_address, subject, body, created_at, updated_at, channel, calendar)
         SELECT $1::int, $2, $3, $4, $5::timestamptz, $5::timestamptz, $6,
                (SELECT jsonb_build_object('status', a.status, 'sequence', a.version, 'start', a.start_at, 'end', a.end_at)
                   FROM appointment a WHERE a.id = $1::int)
         RETURNING id
       ), j AS (
         INSERT INTO job (kind, payload, run_at, appointment_id, created_at, updated_at)
         SELECT 'deliver', jsonb_build_object('message', m.id), $5::timestamptz, $1::int, $5::timestamptz, $5::timestamptz FROM m
       )
       SELECT id FROM m`,
      [
        message.appointmentId,
        message.to,
        message.subject,
        message.body,
        message.now.toISOString(),
        message.channel ?? 'email',
      ],
    );
    return rows[0]!.id;
  }

  /** The newest messages first. */
  async outbox(limit: number): Promise<OutboxRow[]> {
    return this.db.query<OutboxRow>(
      `SELECT id, appointment_id, to_address, subject, body, created_at, sent_at FROM mail_outbox
       ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    );
  }

  // ---------------------------------------------------------------------------------------------

  /** One page (one row more than asked, to know whether there is a next page) and the count. */
  private async page<T extends object>(
    select: string,
    count: string,
    params: Params,
    query: { count: number; offset: number; total: boolean },
  ): Promise<Page<T>> {
    const values = params.values;
    const rows =
      query.count === 0
        ? []
        : await this.db.query<T>(`${select} LIMIT ${Number(query.count) + 1} OFFSET ${Number(query.offset)}`, values);
    const more = rows.length > query.count;
    const page: Page<T> = { rows: more ? rows.slice(0, query.count) : rows, more };
    if (query.total || query.count === 0) page.total = (await this.db.query<{ n: number }>(count, values))[0]!.n;
    return page;
  }
}

/** Bulk helpers for benchmarks and fixtures, over a whole storage. */
export interface PracticeFixture {
  /** How many practitioners, each with one schedule. */
  practitioners: number;
  template: WeeklyTemplate;
  timeZone: string;
  serviceType?: string;
  serviceDisplay?: string;
  channels?: readonly DeliveryChannel[];
}

/**
 * Creates `practitioners` practitioners (Dr Test 1, Dr Test 2, …) with one schedule each using
 * `template`, in one transaction. Returns their schedule ids. Slots are made by {@link generateSlotsFor}.
 */
export async function createPractitioners(storage: Storage, fixture: PracticeFixture): Promise<number[]> {
  return storage.transaction(async (tx) => {
    const repo = new BookingRepository(tx);
    const scheduleIds: number[] = [];
    for (let i = 1; i <= fixture.practitioners; i++) {
      const practitionerId = await repo.createPractitioner({
        name: { prefix: ['Dr'], given: ['Test'], family: `Practitioner ${i}` },
        qualification: 'General practitioner',
      });
      scheduleIds.push(
        await repo.createSchedule({
          practitionerId,
          serviceType: fixture.serviceType ?? 'gp',
          serviceDisplay: fixture.serviceDisplay ?? 'GP appointment',
          channels: fixture.channels ?? ['Video', 'Telephone', 'In-person'],
          template: fixture.template,
          timeZone: fixture.timeZone,
        }),
      );
    }
    return scheduleIds;
  });
}

/**
 * Makes the slots of the given schedules (default: every active schedule) for the days `from`
 * (inclusive) to `to` (exclusive), `YYYY-MM-DD`. Idempotent. Returns how many slots it made.
 */
export async function generateSlotsFor(
  storage: Storage,
  range: { from: string; to: string; scheduleIds?: readonly number[] },
): Promise<number> {
  const repo = new BookingRepository(storage);
  const schedules = range.scheduleIds ? await repo.schedulesByIds(range.scheduleIds) : await repo.activeSchedules();
  // PostgreSQL inserts for several schedules at once on its pool; PGlite has one connection.
  const lanes = storage.kind === 'postgres' ? 4 : 1;
  let made = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < schedules.length) {
        const schedule = schedules[next++]!;
        const count = await repo.generateSlots(schedule, range.from, range.to);
        made += count;
      }
    }),
  );
  // After a bulk load the planner needs fresh statistics (PGlite has no autovacuum to gather them).
  if (made >= 10_000) await storage.query('ANALYZE slot');
  return made;
}
