// Booking benchmark: slot search latency over 50 practitioners × one year of 10-minute slots, on
// PGlite and on PostgreSQL (when DATABASE_URL is set), through the real server over HTTP and, as
// the baseline in the same run, the same SQL straight on the storage; booking throughput and a
// 200-way race for one slot; the gzipped size of what a page with the <slot-picker> loads from the CDN against its target.
// Writes bench/results/booking.json; see bench/README.md.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { measurePages } from '../scripts/size-budget.mjs';
import { benchServer, freshPostgresDatabase, latencySummary, round } from './support.mjs';

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
  deep: {
    title: 'the picker week, page 20 by cursor (rows 1901–2000): status=free, _count=100, _include=Slot:schedule',
    n: 300,
  },
  year: { title: 'whole-year count: status=free, one year, _summary=count (total only)', n: 40 },
};
/** Every search kind runs at each of these concurrencies (the targets: p95 ≤ 10 ms and ≤ 20 ms). */
const SEARCH_CONCURRENCIES = [1, 4];
const TARGET_P95 = { 1: 10, 4: 20 };
/** The kinds the targets apply to. */
const TARGETED = ['picker', 'practitioner'];
const WARM_UP = 5;
const BOOKINGS = 500;
const BOOKING_CONCURRENCY = 8;
const RACE = 200;
/** What a page with the <slot-picker> loads, gzipped, against issue 12's target (scripts/size-budget.mjs). */
const BUDGET = { file: 'slot-picker.js', bytes: 12 * 1024 };
const REQUEST_TIMEOUT_MS = 30_000;

const DELIVERY_CHANNEL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel';
const FHIR_JSON = 'application/fhir+json';
const DAY_MS = 24 * 60 * 60 * 1000;

// The statements the server runs for these searches (packages/server/src/booking/repository.ts and
// catalog.ts): the schedules' stamp (the catalog of schedules is in memory; it is read again only
// when the stamp moves), the page of _count + 1 slot rows without a join (a clinician's schedule ids
// come from the catalog) answered as one JSON text (instants in epoch ms), the count only for
// _summary=count. As raw SQL.
const BARE_SLOT_COLUMNS = 's.id, s.schedule_id, s.start_at, s.end_at, s.status, s.updated_at';
const BARE_PAGE_JSON = `COALESCE(json_agg(json_build_array(s.id, s.schedule_id,
  floor(extract(epoch FROM s.start_at) * 1000)::bigint, floor(extract(epoch FROM s.end_at) * 1000)::bigint, s.status,
  floor(extract(epoch FROM s.updated_at) * 1000)::bigint) ORDER BY s.start_at, s.id), '[]')::text AS page`;
const SQL = {
  stamp: `SELECT (SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(updated_at)::text, '') FROM schedule)
    || '|' || (SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(updated_at)::text, '') FROM practitioner)
    AS stamp`,
  page: (where) =>
    `SELECT ${BARE_PAGE_JSON} FROM (SELECT ${BARE_SLOT_COLUMNS} FROM slot s WHERE ${where} ORDER BY s.start_at, s.id LIMIT 101) s`,
  count: (where) => `SELECT count(*)::int AS n FROM slot s WHERE ${where}`,
};

/** Practitioner id → their schedule ids, as the server's catalog holds it (filled once per engine). */
const scheduleOf = new Map();

function latency(samples, wallMs) {
  return { ...latencySummary(samples), per_s: round((samples.length / wallMs) * 1000, 1) };
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

/**
 * The HTTP client in a worker thread (bench/booking-load.mjs): `load(kind, urls, concurrency)`
 * resolves to each request's ms, the answers and the wall time.
 */
function loadClient() {
  const worker = new Worker(new URL('./booking-load.mjs', import.meta.url));
  const waiting = new Map();
  let ids = 0;
  worker.on('message', (message) => {
    const { resolve, reject } = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) reject(new Error(message.error));
    else resolve(message);
  });
  worker.on('error', (error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  });
  return {
    async load(kind, urls, concurrency) {
      const id = ++ids;
      const cpu = process.cpuUsage();
      const answer = await new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, kind, urls, concurrency });
      });
      const used = process.cpuUsage(cpu);
      return { ...answer, cpuMsEach: (used.user + used.system) / 1000 / urls.length };
    },
    close: () => worker.terminate(),
  };
}

/** Per-request server time (onRequest to onResponse) of `/fhir/Slot` searches, collected while a run lasts. */
function serverTimer(app) {
  let samples = null;
  app.addHook('onRequest', async (request) => {
    request.benchStarted = performance.now();
  });
  app.addHook('onResponse', async (request) => {
    if (samples && request.url.startsWith('/fhir/Slot?')) samples.push(performance.now() - request.benchStarted);
  });
  return {
    start: () => (samples = []),
    stop: () => {
      const taken = samples;
      samples = null;
      return taken;
    },
  };
}

/** Runs `task(item)` for every item, `concurrency` at a time; each one's ms and the wall time. */
async function timed(items, concurrency, task) {
  const samples = new Array(items.length);
  let next = 0;
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  // This process's CPU time (user + system) per item: the HTTP client, the server and, on PGlite,
  // the database. Unlike wall time it does not grow while other processes hold the cores.
  return { samples, wallMs: performance.now() - started, cpuMsEach: (used.user + used.system) / 1000 / items.length };
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
    params.set('_summary', 'count');
  } else {
    params.set('_count', '100');
    params.set('_include', 'Slot:schedule');
  }
  if (q.cursor) params.set('_cursor', Buffer.from(`${q.cursor.start}.${q.cursor.id}`).toString('base64url'));
  return `${base}/fhir/Slot?${params}`;
}

/**
 * The same search as the server makes it, straight on the storage. Its answer, to compare with
 * the server's (bench/booking-load.mjs): the total for `year`, else the ids of the page's slots.
 */
async function searchSql(storage, kind, q) {
  await storage.query(SQL.stamp);
  const params = ['free', new Date(q.from).toISOString(), new Date(q.to).toISOString()];
  let where = 's.status = $1 AND s.start_at >= $2 AND s.start_at < $3';
  if (kind === 'year') return (await storage.query(SQL.count(where), params))[0].n;
  // A free slot with a live hold is left out (busy-tentative to everyone), as the server does.
  params.push(new Date().toISOString());
  where += ` AND NOT s.id IN (SELECT h.slot_id FROM slot_hold h WHERE h.expires_at > $${params.length})`;
  if (q.practitioner !== undefined) {
    const ids = scheduleOf.get(q.practitioner);
    params.push(ids.length === 1 ? ids[0] : ids);
    where +=
      ids.length === 1
        ? ` AND s.schedule_id = $${params.length}`
        : ` AND s.schedule_id = ANY($${params.length}::int[])`;
  }
  if (q.cursor) {
    params.push(new Date(q.cursor.start).toISOString(), q.cursor.id);
    where += ` AND (s.start_at, s.id) > ($${params.length - 1}::timestamptz, $${params.length}::int)`;
  }
  // The page as the server runs it: prepared once where the engine can (PGlite, decision 48).
  const [{ page }] = await (storage.queryPlanned ?? storage.query).call(storage, SQL.page(where), params);
  return JSON.parse(page)
    .slice(0, 100)
    .map((row) => row[0])
    .join(',');
}

/** Gives each `deep` search the cursor of row 1900 of its week (the 19th page's last row). */
async function addCursors(storage, list) {
  for (const q of list) {
    const [row] = await storage.query(
      `SELECT id, start_at FROM slot WHERE status = 'free' AND start_at >= $1 AND start_at < $2
       ORDER BY start_at, id OFFSET 1899 LIMIT 1`,
      [new Date(q.from).toISOString(), new Date(q.to).toISOString()],
    );
    q.cursor = { start: row.start_at.getTime(), id: row.id };
  }
  return list;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the page query of one search of each kind, as the engine prints it. */
async function plans(storage, lists) {
  const result = {};
  for (const kind of ['picker', 'practitioner', 'deep']) {
    const q = lists[kind][0];
    const params = ['free', new Date(q.from).toISOString(), new Date(q.to).toISOString(), new Date().toISOString()];
    let where = 's.status = $1 AND s.start_at >= $2 AND s.start_at < $3';
    where += ' AND NOT s.id IN (SELECT h.slot_id FROM slot_hold h WHERE h.expires_at > $4)';
    if (q.practitioner !== undefined) {
      params.push(scheduleOf.get(q.practitioner)[0]);
      where += ` AND s.schedule_id = $${params.length}`;
    }
    if (q.cursor) {
      params.push(new Date(q.cursor.start).toISOString(), q.cursor.id);
      where += ` AND (s.start_at, s.id) > ($${params.length - 1}::timestamptz, $${params.length}::int)`;
    }
    const rows = await storage.query(`EXPLAIN (ANALYZE, BUFFERS) ${SQL.page(where)}`, params);
    result[kind] = rows.map((row) => row['QUERY PLAN']);
  }
  return result;
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
  const server = await benchServer({}, { storage });
  const serverTime = serverTimer(server.app);
  const client = loadClient();
  let closed = false;
  try {
    const base = await server.listen();
    const startMs = performance.now() - t0;
    log(`${tag}: server up at ${base} in ${(startMs / 1000).toFixed(1)} s (migrations, slot horizon)`);

    const owners = await storage.query(
      'SELECT id, practitioner_id FROM schedule WHERE id = ANY($1::int[]) ORDER BY id',
      [scheduleIds],
    );
    const practitionerIds = owners.map((row) => row.practitioner_id);
    scheduleOf.clear();
    for (const row of owners)
      scheduleOf.set(row.practitioner_id, [...(scheduleOf.get(row.practitioner_id) ?? []), row.id]);
    const firstDay = Date.parse(`${fromDate}T00:00:00Z`);
    // Two shared cores: what else the machine was doing is part of the figures.
    const loadBefore = os.loadavg().map((x) => round(x, 2));

    // Searches: per kind and concurrency, SQL first, then HTTP; warm-up requests are not counted.
    const lists = {};
    for (const [kind, { n }] of Object.entries(SEARCHES)) {
      lists[kind] = searchList(kind === 'deep' ? 'picker' : kind, n, { firstDay, practitionerIds });
      if (kind === 'deep') await addCursors(storage, lists[kind]);
    }
    const searches = {};
    for (const [kind, { title, n }] of Object.entries(SEARCHES)) {
      const list = lists[kind];
      searches[kind] = { title, by_concurrency: {} };
      log(`${tag}: search ${title}`);
      for (const concurrency of SEARCH_CONCURRENCIES) {
        const answers = { sql: [], http: [] };
        await timed(list.slice(0, WARM_UP), 1, (q) => searchSql(storage, kind, q));
        const sql = await timed(list.slice(WARM_UP), concurrency, async (q, i) => {
          answers.sql[i] = await searchSql(storage, kind, q);
        });
        const urls = list.map((q) => searchUrl(base, kind, q));
        await client.load(kind, urls.slice(0, WARM_UP), 1);
        serverTime.start();
        const viaHttp = await client.load(kind, urls.slice(WARM_UP), concurrency);
        const served = serverTime.stop();
        answers.http = viaHttp.answers;
        const mismatches = answers.sql.filter((answer, i) => answer !== answers.http[i]).length;
        const h = latency(viaHttp.samples, viaHttp.wallMs);
        const q = latency(sql.samples, sql.wallMs);
        const s = latency(served, viaHttp.wallMs);
        const target = TARGETED.includes(kind) ? TARGET_P95[concurrency] : undefined;
        h.cpu_ms_each = round(viaHttp.cpuMsEach, 2);
        q.cpu_ms_each = round(sql.cpuMsEach, 2);
        // The baseline of the previous runs, in the same run: the client in the server's own
        // process, so its fetch and JSON parsing queue on the server's event loop.
        let inProcess;
        if (TARGETED.includes(kind)) {
          await timed(list.slice(0, WARM_UP), 1, (one) => getOk(searchUrl(base, kind, one)));
          const before = await timed(list.slice(WARM_UP), concurrency, async (one) => {
            JSON.parse(await getOk(searchUrl(base, kind, one)));
          });
          inProcess = latency(before.samples, before.wallMs);
        }
        searches[kind].by_concurrency[concurrency] = {
          http: h,
          server: s,
          sql: q,
          ...(inProcess ? { http_client_in_server_process: inProcess } : {}),
          answer_mismatches: mismatches,
          ...(target !== undefined ? { target_p95_ms: target, within_target: h.p95 <= target } : {}),
        };
        log(
          `${tag}:   concurrency ${concurrency}: http p50 ${h.p50} / p95 ${h.p95} / p99 ${h.p99} ms, ${h.per_s} req/s | ` +
            `server p50 ${s.p50} / p95 ${s.p95} ms | ` +
            (inProcess ? `client in server's process p50 ${inProcess.p50} / p95 ${inProcess.p95} ms | ` : '') +
            `sql p50 ${q.p50} / p95 ${q.p95} / p99 ${q.p99} ms, ${q.per_s} q/s | ` +
            `http/sql p50 ${(h.p50 / q.p50).toFixed(2)}× | cpu/search http ${h.cpu_ms_each} ms, sql ${q.cpu_ms_each} ms | n=${n}` +
            (target !== undefined ? ` | target p95 ≤ ${target} ms: ${h.p95 <= target ? 'met' : 'MISSED'}` : '') +
            (mismatches ? ` | ${mismatches} answers differ between http and sql` : ''),
        );
      }
    }
    const explained = await plans(storage, lists);

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
    await client.close();
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
      load_average: { before_searches: loadBefore, after_searches: os.loadavg().map((x) => round(x, 2)) },
      searches,
      plans: explained,
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
    if (!closed) {
      await server.close().catch(() => undefined);
      await client.close();
    }
  }
}

/**
 * What a page with the picker loads from the CDN build (`scripts/size-budget.mjs`: the entry and
 * the chunks it imports, gzipped at zlib level 9, summed), and the other pages; null when not built.
 */
function bundleSizes(log) {
  const measured = measurePages(CDN);
  if (!measured) {
    log(`booking: bundle: ${CDN}cdn-manifest.json is missing (not built); run \`npm run build\` to measure it`);
    return null;
  }
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
  const picker = measured.pages.find((page) => page.entries.join() === BUDGET.file);
  const within = picker.load <= BUDGET.bytes;
  log(
    `booking: bundle ${BUDGET.file} and its chunks: ${kb(picker.load)} gzip (${picker.load} B) vs target ${kb(BUDGET.bytes)}: ` +
      (within ? `within, ${BUDGET.bytes - picker.load} B to spare` : `OVER by ${picker.load - BUDGET.bytes} B`) +
      // The details form, imported when a time is first chosen (decision 43).
      `; ${kb(picker.later)} once a time is chosen`,
  );
  const pages = {};
  for (const page of measured.pages) {
    pages[page.page] = {
      entries: page.entries,
      files: page.files,
      gzip_bytes: page.load,
      with_later_bytes: page.later,
    };
    if (page !== picker)
      log(`booking: bundle page ${page.page}: ${kb(page.load)} gzip, ${kb(page.later)} with what it loads later`);
  }
  return {
    budget_file: BUDGET.file,
    budget_bytes: BUDGET.bytes,
    gzip_bytes: picker.load,
    within_budget: within,
    pages,
    files: measured.files,
  };
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
    const figures = TARGETED.flatMap((kind) =>
      SEARCH_CONCURRENCIES.map((c) => {
        const r = result.searches[kind].by_concurrency[c];
        return `${kind} c${c} p50 ${r.http.p50} / p95 ${r.http.p95} ms${r.within_target ? '' : ' (over target)'}`;
      }),
    );
    log(
      `booking (${engine}): ${figures.join(', ')} over ${result.slot_rows} slots | ` +
        `${result.bookings.per_s} bookings/s | race: ${result.race.exactly_one_201 ? 'exactly one 201' : 'NOT exactly one 201'}`,
    );
  }
  log('booking: wrote bench/results/booking.json');
  return report;
}
