// Signalling over three server instances on one PostgreSQL (docs/decisions/0035-instances.md),
// against one instance alone on PGlite (today's single process) in the same run. Every server is a
// process of its own (`consultkit-server`, built), the PeerJS clients another
// (bench/signalling-clients.mjs), this process counts PostgreSQL's notifications (it LISTENs on the
// bus's channels) and reads PostgreSQL's CPU time from /proc.
//
// Peers: BENCH_INSTANCE_PEERS (default 6,000: 3,000 consultations). Half the consultations have both
// peers on one instance ("within"), half have the patient on one and the clinician on the next
// ("across"). Relay: OFFERs at a fixed rate over sampled pairs, p50/p95 per kind, and the same over
// the same number of peers on the single process. Needs DATABASE_URL (a fresh database is made and
// dropped) and `npm run build`. Writes bench/results/instances.json.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { register } from 'tsx/esm/api';
import { latencySummary as summarise, round, sleep } from './support.mjs';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const pg = require('pg');
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const CLIENTS = fileURLToPath(new URL('./signalling-clients.mjs', import.meta.url));
const SERVER_BIN = fileURLToPath(new URL('../packages/server/dist/bin/consultkit-server.js', import.meta.url));

const PEERS = Number(process.env.BENCH_INSTANCE_PEERS ?? 6000);
const INSTANCES = ['one', 'two', 'three'];
const BATCH = 100;
const HEARTBEAT_MS = 20_000;
const MESSAGES = 2000;
const RATE_PER_S = 500;
const SAMPLED_PAIRS = 200;
const WARM_UP_MESSAGES = 200;
const STEP_TIMEOUT_MS = 180_000;
/** Pairs one process takes: the `peer` server refuses sockets past 5,000. */
const SINGLE_MAX_PAIRS = 2400;

/** CPU ticks (user + system) of every process whose command is `postgres` (the cluster's), by pid. */
function postgresTicks() {
  const ticks = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (command !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/**
 * A PostgreSQL CPU meter: seconds used since it started by the cluster's processes (those that
 * exited meanwhile are not counted: a lower bound).
 */
function postgresCpuMeter() {
  const before = postgresTicks();
  return () => {
    let ticks = 0;
    for (const [pid, now] of postgresTicks()) ticks += now - (before.get(pid) ?? 0);
    return ticks / 100; // USER_HZ
  };
}

/** CPU seconds of process `pid`. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A `consultkit-server` process in demo mode; resolves with its ws URL. */
async function startInstance(env) {
  const child = spawn(process.execPath, [SERVER_BIN, '--demo'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CONSULTKIT_RATE_LIMITS: 'off',
      CONSULTKIT_SEED_DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const match = /ConsultKit server (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1].replace('localhost', '127.0.0.1').replace(/^http/, 'ws'));
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  child.stdout.resume();
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The client process (bench/signalling-clients.mjs) and `call(cmd, args)` over IPC. */
async function startClients() {
  const child = fork(CLIENTS, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let next = 0;
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message);
    else waiter.reject(new Error(message.error));
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', () => reject(new Error('client process exited at start')));
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(
        () => reject(new Error(`clients: ${cmd} took over ${STEP_TIMEOUT_MS / 1000} s`)),
        STEP_TIMEOUT_MS,
      );
      pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send({ id, cmd, ...args });
    });
  return {
    call,
    async stop() {
      await call('exit').catch(() => undefined);
      await sleep(200);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Opens `list` (each `{ pid, token, partner, url }`) instance by instance, in batches. */
async function connect(clients, list) {
  const byUrl = new Map();
  for (const peer of list) byUrl.set(peer.url, [...(byUrl.get(peer.url) ?? []), peer]);
  const started = performance.now();
  await Promise.all(
    [...byUrl].map(([url, peers]) =>
      clients.call('connect', {
        url,
        peers: peers.map(({ pid, token, partner }) => ({ pid, token, partner })),
        batch: Math.ceil(BATCH / byUrl.size),
        heartbeatMs: HEARTBEAT_MS,
      }),
    ),
  );
  return performance.now() - started;
}

async function relay(clients, label, pairs) {
  await clients.call('relay', {
    run: `${label}-warm-up`,
    pairs,
    messages: WARM_UP_MESSAGES,
    ratePerSecond: RATE_PER_S,
  });
  const result = await clients.call('relay', { run: label, pairs, messages: MESSAGES, ratePerSecond: RATE_PER_S });
  if (result.lost > 0 || result.errors.length > 0) {
    throw new Error(
      `instances ${label}: ${result.lost} of ${MESSAGES} OFFERs never arrived ${result.errors.join('; ')}`,
    );
  }
  return { ...summarise(result.latencies), pairs: pairs.length, rate_per_s: RATE_PER_S };
}

/** Every `n`-th pair of `pairs`, `count` of them. */
const sample = (pairs, count) =>
  pairs.filter((_, i) => i % Math.max(1, Math.floor(pairs.length / count)) === 0).slice(0, count);

/** @param {{ log: (line: string) => void }} options */
export async function run({ log }) {
  const base = process.env.DATABASE_URL;
  if (!base) {
    log('instances: skipped: DATABASE_URL is not set (a PostgreSQL to make a database in; .ci/run sets one)');
    return { skipped: 'DATABASE_URL is not set' };
  }
  register();
  const { loadConfig } = await import('../packages/server/src/config.ts');
  const { SignallingTokens } = await import('../packages/server/src/tokens.ts');
  const config = loadConfig({ CONSULTKIT_DEMO: 'on', CONSULTKIT_DATA_DIR: 'memory://' });
  const tokens = new SignallingTokens(config.secret, config.tokenTtlSeconds);
  const pairsWanted = Math.max(2, Math.floor(PEERS / 2));

  const name = `consultkit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const servers = [];
  let clients;
  let listener;
  try {
    // --- Today's single process: one instance, PGlite in memory. ---
    const single = await startInstance({ CONSULTKIT_DATA_DIR: 'memory://', DATABASE_URL: '' });
    servers.push(single);
    clients = await startClients();
    const tag = randomBytes(3).toString('hex');
    const issue = (prefix, i, patientUrl, clinicianUrl) => {
      const cid = `demo-${prefix}${tag}${i}`;
      const p = tokens.issue(cid, 'patient');
      const c = tokens.issue(cid, 'clinician');
      return {
        peers: [
          { pid: p.claims.pid, token: p.token, partner: c.claims.pid, url: patientUrl },
          { pid: c.claims.pid, token: c.token, partner: p.claims.pid, url: clinicianUrl },
        ],
        pair: [p.claims.pid, c.claims.pid],
      };
    };
    // One process takes at most 5,000 peers (the `peer` server's `concurrent_limit`): past that the
    // single process runs with 4,800, and the report says so.
    const singlePairs = Math.min(pairsWanted, SINGLE_MAX_PAIRS);
    log(`instances: single process, ${singlePairs * 2} peers`);
    const singleSet = Array.from({ length: singlePairs }, (_, i) => issue('s', i, single.url, single.url));
    const singleConnectMs = await connect(
      clients,
      singleSet.flatMap((s) => s.peers),
    );
    const singleCpu0 = cpuSeconds(single.pid);
    const singleRelay = await relay(
      clients,
      'single',
      sample(
        singleSet.map((s) => s.pair),
        SAMPLED_PAIRS,
      ),
    );
    const singleCpu = cpuSeconds(single.pid) - singleCpu0;
    await clients.call('close');
    await single.stop();
    servers.length = 0;

    // --- Three instances on one PostgreSQL. ---
    for (const instance of INSTANCES) {
      servers.push(await startInstance({ DATABASE_URL: databaseUrl, CONSULTKIT_INSTANCE: instance }));
    }
    listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    let notifications = 0;
    let roomChanges = 0;
    listener.on('notification', (note) => {
      notifications++;
      if (note.channel === 'ck_bus_rooms') roomChanges++;
    });
    for (const channel of ['rooms', 'sessions', 'appointments', ...INSTANCES.map((i) => `sig_${i}`)]) {
      await listener.query(`LISTEN ck_bus_${channel}`);
    }
    const within = [];
    const across = [];
    for (let i = 0; i < pairsWanted; i++) {
      const a = servers[i % 3].url;
      if (i % 2 === 0) within.push(issue('w', i, a, a));
      else across.push(issue('x', i, a, servers[(i + 1) % 3].url));
    }
    log(
      `instances: three instances, ${pairsWanted * 2} peers (${within.length} consultations within, ${across.length} across)`,
    );
    const connectPgCpuMeter = postgresCpuMeter();
    const n0 = notifications;
    const t0 = performance.now();
    const multiConnectMs = await connect(
      clients,
      [...within, ...across].flatMap((s) => s.peers),
    );
    const connectSeconds = (performance.now() - t0) / 1000;
    const connectNotifications = notifications - n0;
    const connectPgCpu = connectPgCpuMeter();
    // Every connection is a room change each instance applies: wait until all were published
    // (one per peer), then a little for the last to be applied.
    const settleStarted = performance.now();
    const peersOpened = pairsWanted * 2;
    while (roomChanges < peersOpened && performance.now() - settleStarted < 180_000) await sleep(50);
    const settleMs = performance.now() - settleStarted;
    if (roomChanges < peersOpened)
      log(`instances: only ${roomChanges} of ${peersOpened} room changes published after 180 s`);
    await sleep(1000);

    const cpu = () => servers.reduce((sum, s) => sum + cpuSeconds(s.pid), 0);
    const measure = async (label, set) => {
      const pgCpu = postgresCpuMeter();
      const c0 = cpu();
      const before = notifications;
      const t = performance.now();
      const figures = await relay(
        clients,
        label,
        sample(
          set.map((s) => s.pair),
          SAMPLED_PAIRS,
        ),
      );
      const seconds = (performance.now() - t) / 1000;
      return {
        ...figures,
        notifications: notifications - before,
        notifications_per_s: round((notifications - before) / seconds, 0),
        postgres_cpu_s: round(pgCpu(), 2),
        instances_cpu_s: round(cpu() - c0, 2),
      };
    };
    const withinRelay = await measure('within', within);
    const acrossRelay = await measure('across', across);
    const status = await clients.call('memory');
    await clients.call('close');

    const report = {
      peers: pairsWanted * 2,
      consultations: pairsWanted,
      peers_asked: PEERS,
      instances: INSTANCES.length,
      note:
        'One run on a shared 2-core machine (other work running): compare figures of the same run only. ' +
        'Relay: OFFERs at a fixed rate, send to receive, in ms, over sampled pairs with every peer connected. ' +
        '"within": both peers on one instance (no bus); "across": patient and clinician on different instances ' +
        '(one NOTIFY per message). PostgreSQL CPU: the cluster’s `postgres` processes, in seconds, during the phase (those that exited meanwhile not counted). "room_changes_published_after_connect_ms": from every socket open to every instance having published its room changes (one upsert then one NOTIFY each, in order per instance).',
      single_process: {
        storage: 'PGlite (memory)',
        peers: singlePairs * 2,
        limit:
          singlePairs < pairsWanted
            ? 'one process refuses sockets past 5,000 (the peer server’s concurrent_limit): run with 4,800'
            : undefined,
        connect_all_ms: round(singleConnectMs, 0),
        relay: singleRelay,
        server_cpu_s: round(singleCpu, 2),
      },
      three_instances: {
        storage: 'PostgreSQL 15 (one database, LISTEN/NOTIFY bus)',
        connect_all_ms: round(multiConnectMs, 0),
        connect: {
          room_changes_published_after_connect_ms: round(settleMs, 0),
          notifications: connectNotifications,
          notifications_per_s: round(connectNotifications / connectSeconds, 0),
          postgres_cpu_s: round(connectPgCpu, 2),
        },
        relay_within: withinRelay,
        relay_across: acrossRelay,
        dropped_sockets: status.dropped,
      },
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${RESULTS}instances.json`, `${JSON.stringify(report, null, 2)}\n`);
    log(
      `instances: relay p50/p95 single ${singleRelay.p50}/${singleRelay.p95} ms; within ${withinRelay.p50}/${withinRelay.p95} ms; ` +
        `across ${acrossRelay.p50}/${acrossRelay.p95} ms; ${acrossRelay.notifications_per_s} notifications/s across; wrote bench/results/instances.json`,
    );
    return report;
  } finally {
    await clients?.stop();
    await listener?.end().catch(() => undefined);
    for (const server of servers) await server.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin.end();
  }
}

// Run directly: `node bench/instances.bench.mjs` (bench/run.mjs runs it with the others).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run({ log: (line) => console.log(line) }).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
