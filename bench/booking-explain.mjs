// EXPLAIN ANALYZE of the slot searches over the benchmark's practice (50 clinicians × one year of
// weekday 10-minute slots), for reading plans while changing indexes or queries; bench/README.md
// shows what it printed. Not part of `npm run bench`.
//   node bench/booking-explain.mjs pglite
//   node bench/booking-explain.mjs pg     (PostgreSQL over the local socket; a database of its own)
import { register } from 'tsx/esm/api';
register();
const api = await import('/work/wt-booking/packages/server/src/index.ts');
const engine = process.argv[2];
let storage,
  dispose = async () => {};
if (engine === 'pg') {
  const pg = (await import('pg')).default;
  const base = 'postgresql://root@localhost/postgres?host=/var/run/postgresql';
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const name = 'ckexplain_' + Date.now();
  await admin.query(`CREATE DATABASE ${name}`);
  storage = await api.openStorage({
    databaseUrl: `postgresql://root@localhost/${name}?host=/var/run/postgresql`,
    dataDir: '',
  });
  dispose = async () => {
    await storage.close();
    await admin.query(`DROP DATABASE ${name}`);
    await admin.end();
  };
} else {
  storage = await api.openStorage({ dataDir: 'memory://' });
}
await api.migrate(storage);
const S = ['08:00-18:00'];
const ids = await api.createPractitioners(storage, {
  practitioners: 50,
  template: { slotMinutes: 10, sessions: { mon: S, tue: S, wed: S, thu: S, fri: S } },
  timeZone: 'Europe/London',
});
const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
const to = new Date(Date.parse(from) + 365 * 86400000).toISOString().slice(0, 10);
let t = performance.now();
await api.generateSlotsFor(storage, { from, to, scheduleIds: ids });
console.log(
  'fill',
  Math.round(performance.now() - t),
  'ms',
  (await storage.query('select count(*)::int n from slot'))[0].n,
);
for (const f of (process.argv[3] ?? '').split(';').filter(Boolean)) await storage.query(f);
await storage.query('ANALYZE');
const COLS = `s.id, s.schedule_id, s.start_at, s.end_at, s.status, s.updated_at, sc.service_type, sc.service_display, sc.time_zone`;
const week = Date.parse(from) + 100 * 86400000;
const a = new Date(week).toISOString(),
  b = new Date(week + 7 * 86400000).toISOString();
const qs = {
  picker: [
    `SELECT ${COLS} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.status = $1 AND s.start_at >= $2 AND s.start_at < $3 ORDER BY s.start_at, s.id LIMIT 101`,
    ['free', a, b],
  ],
  one: [
    `SELECT ${COLS} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.status = $1 AND s.start_at >= $2 AND s.start_at < $3 AND s.schedule_id = $4 ORDER BY s.start_at, s.id LIMIT 101`,
    ['free', a, b, ids[7]],
  ],
  onesub: [
    `SELECT ${COLS} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.status = $1 AND s.start_at >= $2 AND s.start_at < $3 AND sc.practitioner_id = ANY($4::int[]) ORDER BY s.start_at, s.id LIMIT 101`,
    ['free', a, b, [8]],
  ],
  cursor: [
    `SELECT ${COLS} FROM slot s JOIN schedule sc ON sc.id = s.schedule_id WHERE s.status = $1 AND s.start_at >= $2 AND s.start_at < $3 AND (s.start_at, s.id) > ($4::timestamptz, $5::int) ORDER BY s.start_at, s.id LIMIT 101`,
    ['free', a, b, new Date(week + 3 * 86400000 + 9 * 3600000).toISOString(), 1],
  ],
  sched: [`SELECT id FROM schedule WHERE practitioner_id = ANY($1::int[]) ORDER BY id`, [[8]]],
};
for (const [k, [q, p]] of Object.entries(qs)) {
  for (let i = 0; i < 20; i++) await storage.query(q, p);
  const times = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    await storage.query(q, p);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  console.log(k, 'p50', times[50].toFixed(2), 'p95', times[95].toFixed(2));
  const plan = await storage.query(`EXPLAIN (ANALYZE, BUFFERS) ${q}`, p);
  console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
}
await dispose();
