// Profiling harness for the picker search on PGlite (not part of `npm run bench`): fills (once) a
// PGlite folder with the booking benchmark's practice, starts the real server over it, and loads it
// with the benchmark's own worker-thread client. Prints the CPU per search of this process (server,
// PGlite and the client thread) and of the client thread alone, so the server's share is the
// difference, and the CPU of the server's own thread (from /proc: Linux only). Run under
// `node --cpu-prof --cpu-prof-dir=DIR` and read the profile (decision 48). DUMP=1 prints one answer.
//   node bench/booking-profile.mjs [dataDir] [n] [concurrency] [picker|practitioner]
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { benchServer, latencySummary } from './support.mjs';

register();
const api = await import('../packages/server/src/index.ts');
const dataDir = process.argv[2] ?? '/tmp/consultkit-booking-profile';
const n = Number(process.argv[3] ?? 600);
const concurrency = Number(process.argv[4] ?? 4);
const kind = process.argv[5] ?? 'picker';
const DAY_MS = 86_400_000;
const fresh = !existsSync(dataDir);
const storage = await api.openStorage({ dataDir });
if (fresh) {
  const session = ['08:00-18:00'];
  const scheduleIds = await api.createPractitioners(storage, {
    practitioners: 50,
    template: { slotMinutes: 10, sessions: { mon: session, tue: session, wed: session, thu: session, fri: session } },
    timeZone: 'Europe/London',
  });
  const from = new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);
  const to = new Date(Date.parse(from) + 365 * DAY_MS).toISOString().slice(0, 10);
  await api.generateSlotsFor(storage, { from, to, scheduleIds });
  await storage.query('VACUUM ANALYZE slot');
}
const [{ first }] = await storage.query(`SELECT min(start_at) AS first FROM slot WHERE status = 'free'`);
const practitioners = (await storage.query('SELECT id FROM practitioner ORDER BY id')).map((r) => r.id);
const server = await benchServer({}, { storage });
const base = await server.listen();
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const firstDay = Date.parse(first.toISOString().slice(0, 10)) + DAY_MS;
const urls = Array.from({ length: n }, () => {
  const from = firstDay + Math.floor(random() * 350) * DAY_MS;
  const params = new URLSearchParams({ status: 'free' });
  params.append('start', `ge${new Date(from).toISOString()}`);
  params.append('start', `lt${new Date(from + 7 * DAY_MS).toISOString()}`);
  if (kind === 'practitioner')
    params.set('schedule.actor', `Practitioner/${practitioners[Math.floor(random() * practitioners.length)]}`);
  params.set('_count', '100');
  params.set('_include', 'Slot:schedule');
  return `${base}/fhir/Slot?${params}`;
});
const worker = new Worker(new URL('./booking-load.mjs', import.meta.url));
const load = (list, c) =>
  new Promise((resolve, reject) => {
    worker.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    worker.postMessage({ id: 1, kind, urls: list, concurrency: c });
  });
await load(urls.slice(0, 50), 1);
// The server's own thread (this process's main thread: Fastify, the handler, PGlite), in clock ticks.
const mainThreadTicks = () => {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const ticks = mainThreadTicks();
const cpu = process.cpuUsage();
const result = await load(urls, concurrency);
const used = process.cpuUsage(cpu);
const serverMs = ((mainThreadTicks() - ticks) * 10) / n;
const s = latencySummary(result.samples);
console.log(
  `${kind} c${concurrency} n=${n}: p50 ${s.p50} / p95 ${s.p95} ms, ${((n / result.wallMs) * 1000).toFixed(0)} req/s, ` +
    `process cpu/search ${((used.user + used.system) / 1000 / n).toFixed(2)} ms, ` +
    `server thread cpu/search ${serverMs.toFixed(2)} ms, ` +
    `wall per search ${(result.wallMs / n).toFixed(2)} ms`,
);
if (process.env.DUMP) {
  const t = await (await fetch(urls[0])).text();
  console.log(t.length, Buffer.byteLength(t));
  console.log(t.slice(0, 1500));
  console.log(t.slice(t.indexOf('"include"') - 1500, t.indexOf('"include"') + 100));
}
await worker.terminate();
await server.close();
await storage.close().catch(() => undefined);
process.exit(0);
