// Booking benchmark: slot search latency over 50 practitioners × one year of 10-minute slots, on
// PGlite and on PostgreSQL (when DATABASE_URL is set), through the real server over HTTP and, as
// the baseline in the same run, the same SQL straight on the storage; booking throughput and a
// 200-way race for one slot; the gzipped size of the <slot-picker> CDN bundle against its budget.
// Writes bench/results/booking.json; see bench/README.md.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { register } from 'tsx/esm/api';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const CDN = `${ROOT}packages/elements/dist/cdn/`;

const PRACTITIONERS = 50;
const DAYS = 365;
const TIME_ZONE = 'Europe/London';
const WEEKDAY_SESSION = ['08:00-18:00'];
const TEMPLATE = {
  slotMinutes: 10,
  sessions: {
    mon: WEEKDAY_SESSION,
    tue: WEEKDAY_SESSION,
    wed: WEEKDAY_SESSION,
    thu: WEEKDAY_SESSION,
    fri: WEEKDAY_SESSION,
  },
};

/** The searches, each timed over HTTP and as the same SQL on the storage. */
const SEARCHES = {
  picker: {
    title: 'picker: one week, all practitioners, status=free, _count=100, _include=Slot:schedule',
    n: 300,
  },
  practitioner: {
    title: 'one practitioner, one week, status=free, _count=100, _include=Slot:schedule',
    n: 300,
  },
  year: { title: 'whole-year count: status=free, one year, _count=0 (total only)', n: 40 },
};
const SEARCH_CONCURRENCY = 4;
const WARM_UP = 5;
const BOOKINGS = 500;
const BOOKING_CONCURRENCY = 8;
const RACE = 200;
/** The <slot-picker> bundle's budget, gzipped (as in scripts/size-budget.mjs). */
const BUDGET = { file: 'slot-picker.js', bytes: 12 * 1024 };
const REQUEST_TIMEOUT_MS = 30_000;

const DELIVERY_CHANNEL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel';
const FHIR_JSON = 'application/fhir+json';
const DAY_MS = 24 * 60 * 60 * 1000;

// The statements the server runs for these searches (packages/server/src/booking/repository.ts:
// scheduleIds, searchSlots with its page and count, schedulesByIds for _include), as raw SQL.
const SLOT_COLUMNS = `s.id, s.schedule_id, s.start_at, s.end_at, s.status, s.updated_at,
  sc.service_type, sc.service_display, sc.time_zone`;
const SCHEDULE_COLUMNS = `sc.id, sc.practitioner_id, p.name AS practitioner_name, sc.service_type, sc.service_display,
  sc.channels, sc.template, sc.time_zone, sc.active, sc.updated_at`;
const SQL = {
  scheduleIds: 'SELECT id FROM schedule WHERE practitioner_id = ANY($1::int[]) ORDER BY id',
  page: (where) =>
    `SELECT ${SLOT_COLUMNS} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE ${where}
     ORDER BY s.start_at, s.id LIMIT 101 OFFSET 0`,
  count: (where) => `SELECT count(*)::int AS n FROM slot s WHERE ${where}`,
  schedules: `SELECT ${SCHEDULE_COLUMNS} FROM schedule sc JOIN practitioner p ON p.id = sc.practitioner_id
    WHERE sc.id = ANY($1::int[]) ORDER BY sc.id`,
};

const round = (x, digits = 1) => Number(x.toFixed(digits));

/** Nearest-rank percentile of sorted `values`. */
function percentile(sorted, p) {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function latency(samples, wallMs) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p95: round(percentile(sorted, 95), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.at(-1), 2),
    per_s: round((sorted.length / wallMs) * 1000, 1),
  };
}

/** A small deterministic PRNG (mulberry32), so both engines and both paths run the same searches. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `task(item)` for every item, `concurrency` at a time; each one's ms and the wall time. */
async function timed(items, concurrency, task) {
  const samples = new Array(items.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        const t0 = performance.now();
        await task(items[i], i);
        samples[i] = performance.now() - t0;
      }
    }),
  );
  return { samples, wallMs: performance.now() - started };
}

async function http(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? { accept: FHIR_JSON } : { accept: FHIR_JSON, 'content-type': FHIR_JSON },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function getOk(url) {
  const { status, text } = await http('GET', url);
  if (status !== 200) throw new Error(`GET ${url}: ${status} ${text.slice(0, 300)}`);
  return text;
}

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * The searches of one kind, the same list for HTTP and SQL: a week starting on a random day of
 * the year (a random practitioner for `practitioner`), or the whole year.
 */
function searchList(kind, n, { firstDay, practitionerIds }) {
  const random = prng(0xc0ffee + kind.length);
  return Array.from({ length: WARM_UP + n }, () => {
    if (kind === 'year') return { from: firstDay, to: firstDay + DAYS * DAY_MS };
    const from = firstDay + Math.floor(random() * (DAYS - 7)) * DAY_MS;
    const practitioner = practitionerIds[Math.floor(random() * practitionerIds.length)];
    return { from, to: from + 7 * DAY_MS, ...(kind === 'practitioner' ? { practitioner } : {}) };
  });
}

function searchUrl(base, kind, q) {
  const params = new URLSearchParams({ status: 'free' });
  params.append('start', `ge${new Date(q.from).toISOString()}`);
  params.append('start', `lt${new Date(q.to).toISOString()}`);
  if (q.practitioner !== undefined) params.set('schedule.actor', `Practitioner/${q.practitioner}`);
  if (kind === 'year') {
    params.set('_count', '0');
  } else {
    params.set('_count', '100');
    params.set('_include', 'Slot:schedule');
  }
  return `${base}/fhir/Slot?${params}`;
}

/** The same search as the server makes it, straight on the storage. */
async function searchSql(storage, kind, q) {
  const params = ['free', new Date(q.from).toISOString(), new Date(q.to).toISOString()];
  let where = 's.status = $1 AND s.start_at >= $2 AND s.start_at < $3';
  if (q.practitioner !== undefined) {
    const ids = (await storage.query(SQL.scheduleIds, [[q.practitioner]])).map((row) => row.id);
    params.push(ids.length === 1 ? ids[0] : ids);
    where += ids.length === 1 ? ' AND s.schedule_id = $4' : ' AND s.schedule_id = ANY($4::int[])';
  }
  if (kind === 'year') return (await storage.query(SQL.count(where), params))[0].n;
  const rows = await storage.query(SQL.page(where), params);
  const total = (await storage.query(SQL.count(where), params))[0].n;
  await storage.query(SQL.schedules, [[...new Set(rows.slice(0, 100).map((row) => row.schedule_id))]]);
  return total;
}

function appointmentBody(slot, i) {
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        name: [{ given: ['Bench'], family: `Patient ${i}` }],
        birthDate: '1980-01-01',
        telecom: [
          { system: 'email', value: `bench${i}@example.org` },
          { system: 'phone', value: '07700 900123' },
        ],
      },
    ],
    participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
    slot: [{ reference: `Slot/${slot.id}` }],
    start: new Date(slot.start_at).toISOString(),
    end: new Date(slot.end_at).toISOString(),
    extension: [{ url: DELIVERY_CHANNEL, valueCode: 'Video' }],
  };
}

/** A database of its own on the PostgreSQL server DATABASE_URL points at; `dispose` drops it. */
async function freshPostgresDatabase(base) {
  const name = `consultkit_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async dispose() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** One engine: fill, start the server over the storage, search, book, race. */
async function benchEngine(api, engine, storage, log) {
  const tag = `booking[${engine}]`;
  const now = Date.now();
  // From tomorrow (UTC date), so no slot of the year is in the past while the benchmark runs.
  const fromDate = isoDate(now + DAY_MS);
  const toDate = isoDate(Date.parse(fromDate) + DAYS * DAY_MS);

  let t0 = performance.now();
  const scheduleIds = await api.createPractitioners(storage, {
    practitioners: PRACTITIONERS,
    template: TEMPLATE,
    timeZone: TIME_ZONE,
  });
  const made = await api.generateSlotsFor(storage, { from: fromDate, to: toDate, scheduleIds });
  const fillMs = performance.now() - t0;
  const rows = (await storage.query('SELECT count(*)::int AS n FROM slot'))[0].n;
  log(
    `${tag}: filled ${PRACTITIONERS} practitioners × ${fromDate}..${toDate} (weekdays 08:00–18:00, 10 min): ` +
      `${rows} slot rows (${made} made) in ${(fillMs / 1000).toFixed(1)} s (${Math.round((made / fillMs) * 1000)} rows/s)`,
  );

  t0 = performance.now();
  const config = api.loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CONSULTKIT_DATA_DIR: 'memory://',
    CONSULTKIT_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    // Demo mode: the development secret and staff key, and the development routes.
    CONSULTKIT_DEMO: 'on',
    // A benchmark floods from one address on purpose: no rate limits.
    CONSULTKIT_RATE_LIMITS: 'off',
  });
  const server = await api.createServer(config, {}, { storage });
  let closed = false;
  try {
    const base = await server.listen();
    const startMs = performance.now() - t0;
    log(`${tag}: server up at ${base} in ${(startMs / 1000).toFixed(1)} s (migrations, slot horizon)`);

    const practitionerIds = (
      await storage.query('SELECT practitioner_id FROM schedule WHERE id = ANY($1::int[]) ORDER BY id', [scheduleIds])
    ).map((row) => row.practitioner_id);
    const firstDay = Date.parse(`${fromDate}T00:00:00Z`);

    // Searches: SQL first, then HTTP, per kind; warm-up requests of each are not counted.
    const searches = {};
    for (const [kind, { title, n }] of Object.entries(SEARCHES)) {
      const list = searchList(kind, n, { firstDay, practitionerIds });
      const totals = { sql: [], http: [] };
      await timed(list.slice(0, WARM_UP), 1, (q) => searchSql(storage, kind, q));
      const sql = await timed(list.slice(WARM_UP), SEARCH_CONCURRENCY, async (q, i) => {
        totals.sql[i] = await searchSql(storage, kind, q);
      });
      await timed(list.slice(0, WARM_UP), 1, (q) => getOk(searchUrl(base, kind, q)));
      const viaHttp = await timed(list.slice(WARM_UP), SEARCH_CONCURRENCY, async (q, i) => {
        const bundle = JSON.parse(await getOk(searchUrl(base, kind, q)));
        totals.http[i] = bundle.total;
      });
      const mismatches = totals.sql.filter((total, i) => total !== totals.http[i]).length;
      const matched = totals.http.reduce((a, b) => a + b, 0) / totals.http.length;
      searches[kind] = {
        title,
        concurrency: SEARCH_CONCURRENCY,
        http: latency(viaHttp.samples, viaHttp.wallMs),
        sql: latency(sql.samples, sql.wallMs),
        mean_total: Math.round(matched),
        total_mismatches: mismatches,
      };
      const h = searches[kind].http;
      const s = searches[kind].sql;
      log(`${tag}: search ${title}`);
      log(
        `${tag}:   http p50 ${h.p50} / p95 ${h.p95} / p99 ${h.p99} ms, ${h.per_s} req/s | ` +
          `sql p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms, ${s.per_s} q/s | ` +
          `http/sql p50 ${(h.p50 / s.p50).toFixed(2)}× | n=${n}, ~${Math.round(matched)} matches each` +
          (mismatches ? ` | ${mismatches} totals differ between http and sql` : ''),
      );
    }

    // Booking throughput: distinct free slots, spread over the year, from two days ahead.
    const candidates = await storage.query(
      `SELECT id, start_at, end_at FROM slot WHERE status = 'free' AND start_at >= $1 AND id % 7 = 0
       ORDER BY start_at, id LIMIT ${BOOKINGS + 1}`,
      [new Date(now + 2 * DAY_MS).toISOString()],
    );
    if (candidates.length < BOOKINGS + 1) throw new Error(`${tag}: only ${candidates.length} free slots to book`);
    const raceSlot = candidates.pop();
    const bookingStatuses = {};
    const booked = await timed(candidates, BOOKING_CONCURRENCY, async (slot, i) => {
      const { status, text } = await http('POST', `${base}/fhir/Appointment`, appointmentBody(slot, i));
      bookingStatuses[status] = (bookingStatuses[status] ?? 0) + 1;
      if (status !== 201) throw new Error(`${tag}: POST /fhir/Appointment: ${status} ${text.slice(0, 300)}`);
    });
    const bookings = { ...latency(booked.samples, booked.wallMs), concurrency: BOOKING_CONCURRENCY };
    log(
      `${tag}: booking ${BOOKINGS} distinct slots, concurrency ${BOOKING_CONCURRENCY}: ${bookings.per_s} bookings/s, ` +
        `p50 ${bookings.p50} / p95 ${bookings.p95} / p99 ${bookings.p99} ms`,
    );

    // The race: RACE requests for one slot at once; the database lets exactly one win.
    const race = {};
    const raced = await timed(
      Array.from({ length: RACE }, (_, i) => i),
      RACE,
      async (i) => {
        const { status } = await http('POST', `${base}/fhir/Appointment`, appointmentBody(raceSlot, BOOKINGS + i));
        race[status] = (race[status] ?? 0) + 1;
      },
    );
    const winners = race[201] ?? 0;
    const slotStatus = (await storage.query('SELECT status FROM slot WHERE id = $1', [raceSlot.id]))[0].status;
    const live = (
      await storage.query(`SELECT count(*)::int AS n FROM appointment WHERE slot_id = $1 AND status <> 'cancelled'`, [
        raceSlot.id,
      ])
    )[0].n;
    log(
      `${tag}: race ${RACE} concurrent bookings of Slot/${raceSlot.id}: ` +
        Object.entries(race)
          .map(([status, count]) => `${count} × ${status}`)
          .join(', ') +
        ` in ${raced.wallMs.toFixed(0)} ms → ${winners === 1 ? 'exactly one 201' : `${winners} × 201 (expected exactly one)`}; ` +
        `slot ${slotStatus}, ${live} live appointment(s) on it`,
    );

    await server.close();
    closed = true;
    return {
      engine,
      practitioners: PRACTITIONERS,
      days: DAYS,
      from: fromDate,
      to: toDate,
      slot_rows: rows,
      fill_ms: Math.round(fillMs),
      fill_rows_per_s: Math.round((made / fillMs) * 1000),
      server_start_ms: Math.round(startMs),
      searches,
      bookings: { ...bookings, statuses: bookingStatuses },
      race: {
        requests: RACE,
        statuses: race,
        exactly_one_201: winners === 1,
        wall_ms: Math.round(raced.wallMs),
        slot_status: slotStatus,
        live_appointments: live,
      },
    };
  } finally {
    if (!closed) await server.close().catch(() => undefined);
  }
}

/** Gzipped (zlib level 9) sizes of the CDN bundles; null when they are not built. */
function bundleSizes(log) {
  if (!existsSync(CDN) || !existsSync(`${CDN}${BUDGET.file}`)) {
    log(`booking: bundle: ${CDN}${BUDGET.file} is missing (not built); run \`npm run build\` to measure it`);
    return null;
  }
  const bundles = {};
  for (const file of readdirSync(CDN)
    .filter((f) => f.endsWith('.js'))
    .sort()) {
    const min = readFileSync(join(CDN, file));
    bundles[file] = { min_bytes: min.length, gzip_bytes: gzipSync(min, { level: 9 }).length };
  }
  const picker = bundles[BUDGET.file];
  const within = picker.gzip_bytes <= BUDGET.bytes;
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
  log(
    `booking: bundle ${BUDGET.file}: ${kb(picker.gzip_bytes)} gzip (${picker.gzip_bytes} B) vs budget ${kb(BUDGET.bytes)}: ` +
      (within
        ? `within, ${BUDGET.bytes - picker.gzip_bytes} B to spare`
        : `OVER by ${picker.gzip_bytes - BUDGET.bytes} B`),
  );
  for (const [file, size] of Object.entries(bundles)) {
    if (file === BUDGET.file) continue;
    log(`booking: bundle ${file}: ${kb(size.gzip_bytes)} gzip, ${kb(size.min_bytes)} min (no budget)`);
  }
  return { budget_file: BUDGET.file, budget_bytes: BUDGET.bytes, within_budget: within, bundles };
}

/** Runs the benchmark; returns its summary. The browser is not used. */
export async function run({ log }) {
  register();
  const api = await import('../packages/server/src/index.ts');
  const engines = {};

  // PGlite, in a folder of its own (as a practice would run it), removed afterwards.
  const dataDir = await mkdtemp(join(tmpdir(), 'consultkit-bench-'));
  try {
    const storage = await api.openStorage({ dataDir });
    try {
      engines.pglite = await benchEngine(api, 'pglite', storage, log);
    } finally {
      // Closed with the server already, unless the run failed before that.
      await storage.close().catch(() => undefined);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) {
    engines.postgres = { skipped: 'DATABASE_URL is not set' };
    log('booking: PostgreSQL half SKIPPED: DATABASE_URL is not set (set it to a server where CREATE DATABASE works)');
  } else {
    const database = await freshPostgresDatabase(databaseUrl);
    log(`booking[postgres]: fresh database ${database.name} (dropped afterwards)`);
    try {
      const storage = await api.openStorage({ databaseUrl: database.url, dataDir: 'memory://' });
      try {
        engines.postgres = await benchEngine(api, 'postgres', storage, log);
      } finally {
        await storage.close().catch(() => undefined);
      }
    } finally {
      await database.dispose();
    }
  }

  const bundle = bundleSizes(log);
  const report = {
    engines,
    baseline: 'the same searches as raw SQL on the storage (storage.query), same run, same search list',
    bundle,
    date: new Date().toISOString(),
  };
  await mkdir(RESULTS, { recursive: true });
  await writeFile(`${RESULTS}booking.json`, `${JSON.stringify(report, null, 2)}\n`);

  for (const [engine, result] of Object.entries(engines)) {
    if (result.skipped) continue;
    const p = result.searches.picker.http;
    log(
      `booking (${engine}): picker search p50 ${p.p50} ms / p95 ${p.p95} ms over ${result.slot_rows} slots | ` +
        `${result.bookings.per_s} bookings/s | race: ${result.race.exactly_one_201 ? 'exactly one 201' : 'NOT exactly one 201'}`,
    );
  }
  log('booking: wrote bench/results/booking.json');
  return report;
}
