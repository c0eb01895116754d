// Notification benchmark: 10,000 reminders through the job queue to a local SMTP sink, on PGlite
// and on PostgreSQL (when DATABASE_URL is set), compared in the same run. Each reminder is two
// jobs: the `reminder` job (checks the appointment, composes the message, queues it and its
// delivery job in one transaction) and the `deliver` job (marks it sending, sends it by SMTP to
// `smtp-server` on 127.0.0.1, records the answer). Reports jobs per second, reminders delivered
// per second, and memory (RSS and heap, sampled). Writes bench/results/notify.json; see
// bench/README.md. The browser is not used.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { register } from 'tsx/esm/api';
import { freshPostgresDatabase } from './support.mjs';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const REMINDERS = 10_000;
const PRACTITIONERS = 50;
const LANES = 4;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAY = ['08:00-18:00'];
const TEMPLATE = {
  slotMinutes: 10,
  sessions: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY },
};

/** An SMTP server on 127.0.0.1 that counts what it accepts (and by whom it was addressed). */
async function smtpSink() {
  const recipients = new Map();
  let messages = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        messages++;
        for (const r of session.envelope.rcptTo) recipients.set(r.address, (recipients.get(r.address) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.server.address().port,
    get messages() {
      return messages;
    },
    recipients,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** 10,000 booked video appointments, each with a reminder job due now. */
async function fill(modules, storage, now) {
  const { createPractitioners, generateSlotsFor, BookingRepository } = modules.repository;
  const scheduleIds = await createPractitioners(storage, {
    practitioners: PRACTITIONERS,
    template: TEMPLATE,
    timeZone: 'Europe/London',
  });
  const from = isoDate(now + 2 * DAY_MS);
  await generateSlotsFor(storage, { from, to: isoDate(Date.parse(from) + 14 * DAY_MS), scheduleIds });
  const patientId = await new BookingRepository(storage).upsertPatient(
    { name: [{ given: ['Pat'], family: 'Bench' }], birthDate: '1980-01-01', email: 'bench@bench.example' },
    new Date(now),
  );
  const stamp = new Date(now).toISOString();
  await storage.query(
    `INSERT INTO appointment (status, slot_id, schedule_id, practitioner_id, patient_id, start_at, end_at, channel,
       booking_reference, request_digest, patient_details, created_at, updated_at)
     SELECT 'booked', s.id, s.schedule_id, sc.practitioner_id, $1, s.start_at, s.end_at, 'Video', 'CK-BENCH-' || s.id,
       'bench', jsonb_build_object('name', jsonb_build_array(jsonb_build_object('given', jsonb_build_array('Pat'),
       'family', 'Bench ' || s.id)), 'birthDate', '1980-01-01', 'email', 'patient' || s.id || '@bench.example'),
       $2, $2
     FROM slot s JOIN schedule sc ON sc.id = s.schedule_id
     ORDER BY s.start_at, s.id LIMIT ${REMINDERS}`,
    [patientId, stamp],
  );
  await storage.query(
    `INSERT INTO job (kind, payload, run_at, appointment_id, created_at, updated_at)
     SELECT 'reminder', jsonb_build_object('minutes', 1440, 'last', false,
       'start', to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), $1, id, $1, $1
     FROM appointment WHERE booking_reference LIKE 'CK-BENCH-%'`,
    [stamp],
  );
  await storage.query('ANALYZE');
}

/** One engine: fill, then the worker runs every reminder and delivery until none is left. */
async function benchEngine(modules, engine, storage, log) {
  const tag = `notify[${engine}]`;
  const now = Date.now();
  const fillStarted = performance.now();
  await fill(modules, storage, now);
  log(
    `${tag}: ${REMINDERS} appointments and reminder jobs in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`,
  );
  const sink = await smtpSink();
  const config = modules.config.loadNotifyConfig({
    CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    CONSULTKIT_MAIL_FROM: 'Bench Surgery <appointments@bench.example>',
  });
  const reminders = new modules.reminders.Reminders({
    storage,
    minutes: [1440, 60],
    now: () => now,
    baseUrl: () => 'https://bench.example',
    joinLink: async () => undefined,
  });
  const notifier = new modules.notify.Notifier({
    storage,
    config,
    now: () => now,
    concurrency: LANES,
    handlers: { [modules.reminders.REMINDER]: reminders.handle },
  });
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const started = performance.now();
  let jobs;
  try {
    jobs = await notifier.worker.drain();
  } finally {
    clearInterval(sampler);
    await notifier.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const [sent] = await storage.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE status = 'sent'`);
  const [left] = await storage.query(`SELECT count(*)::int AS n FROM job WHERE state <> 'done'`);
  await sink.close();
  const twice = [...sink.recipients.values()].filter((n) => n > 1).length;
  if (sink.messages !== REMINDERS || sent.n !== REMINDERS || left.n !== 0 || twice !== 0) {
    throw new Error(
      `${tag}: expected ${REMINDERS} reminders sent once each; the sink got ${sink.messages} (${twice} twice), the outbox says ${sent.n} sent, ${left.n} jobs not done`,
    );
  }
  const result = {
    reminders: REMINDERS,
    jobs,
    lanes: LANES,
    seconds: Math.round(seconds * 100) / 100,
    jobs_per_second: Math.round(jobs / seconds),
    reminders_per_second: Math.round(REMINDERS / seconds),
    memory_mb: {
      rss_before: mb(before.rss),
      rss_peak: mb(peakRss),
      heap_before: mb(before.heapUsed),
      heap_peak: mb(peakHeap),
    },
  };
  log(
    `${tag}: ${jobs} jobs in ${result.seconds} s: ${result.jobs_per_second} jobs/s, ${result.reminders_per_second} reminders delivered/s; RSS ${result.memory_mb.rss_before} → peak ${result.memory_mb.rss_peak} MB, heap peak ${result.memory_mb.heap_peak} MB`,
  );
  return result;
}

/** Runs the benchmark; returns its summary. */
export async function run({ log }) {
  register();
  const modules = {
    storage: await import('../packages/server/src/storage/index.ts'),
    repository: await import('../packages/server/src/booking/repository.ts'),
    config: await import('../packages/server/src/notify/config.ts'),
    notify: await import('../packages/server/src/notify/index.ts'),
    reminders: await import('../packages/server/src/notify/reminders.ts'),
  };
  const engines = {};

  const dataDir = await mkdtemp(join(tmpdir(), 'consultkit-bench-'));
  try {
    const storage = await modules.storage.openStorage({ dataDir });
    try {
      engines.pglite = await benchEngine(modules, 'pglite', storage, log);
    } finally {
      await storage.close().catch(() => undefined);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) {
    engines.postgres = { skipped: 'DATABASE_URL is not set' };
    log('notify: PostgreSQL half SKIPPED: DATABASE_URL is not set (set it to a server where CREATE DATABASE works)');
  } else {
    const database = await freshPostgresDatabase(databaseUrl);
    log(`notify[postgres]: fresh database ${database.name} (dropped afterwards)`);
    try {
      const storage = await modules.storage.openStorage({ databaseUrl: database.url, dataDir: 'memory://' });
      try {
        engines.postgres = await benchEngine(modules, 'postgres', storage, log);
      } finally {
        await storage.close().catch(() => undefined);
      }
    } finally {
      await database.dispose();
    }
  }

  const report = { engines, date: new Date().toISOString(), node: process.version };
  if (engines.pglite && engines.postgres && !engines.postgres.skipped) {
    report.postgres_over_pglite =
      Math.round((engines.postgres.jobs_per_second / engines.pglite.jobs_per_second) * 100) / 100;
    log(
      `notify: PostgreSQL runs ${report.postgres_over_pglite}× the jobs per second of PGlite (same run, ${LANES} lanes each)`,
    );
  }
  await mkdir(RESULTS, { recursive: true });
  await writeFile(`${RESULTS}notify.json`, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
