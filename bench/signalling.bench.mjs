// Signalling benchmark: up to 2,000 PeerJS websocket peers (1,000 consultations × patient and
// clinician) on one ConsultKit server, on loopback. The server runs in this process (in-memory
// PGlite, no demo data); the clients run in a child process (bench/signalling-clients.mjs), so the
// memory figures are the server process's alone. Measures the time to connect everyone, the server
// process's memory before, under load and after, and the relay latency of OFFER messages under
// load against the same measurement with only two peers connected (the baseline, same run).
// Writes bench/results/signalling.json; see bench/README.md.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { benchServer, latencySummary as summarise, round, sleep } from './support.mjs';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const CLIENTS = fileURLToPath(new URL('./signalling-clients.mjs', import.meta.url));

/** Consultations under load (two peers each). */
const PAIRS = 1000;
/** Sockets opened at once while ramping up. */
const BATCH = 100;
const HEARTBEAT_MS = 20_000;
/** Relay measurement: OFFERs sent, at this rate, over this many sampled pairs under load. */
const MESSAGES = 2000;
const RATE_PER_S = 500;
const SAMPLED_PAIRS = 200;
const WARM_UP_MESSAGES = 200;
/** File descriptors kept aside for everything but the sockets. */
const FD_RESERVE = 512;
const STEP_TIMEOUT_MS = 60_000;

const MB = 1024 * 1024;
const mb = (bytes) => round(bytes / MB, 1);
/** A difference with its sign: `+7.2`, `-0.2`. */
const signed = (x) => (x >= 0 ? `+${x}` : `${x}`);

/** A full GC, for steady heap figures (V8's `gc`, exposed at run time). */
function collector() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

/** The soft limit on open files of this process (Linux), or Infinity when it cannot be read. */
function openFileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return Infinity;
  }
}

/** The client process, and `call(cmd, args)` answered over IPC. */
async function startClients() {
  const child = fork(CLIENTS, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  let exited = null;
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message);
    else waiter.reject(new Error(message.error));
  });
  child.on('exit', (code, signal) => {
    exited = `exited (${signal ?? code})`;
    for (const waiter of pending.values()) waiter.reject(new Error(`client process ${exited}`));
    pending.clear();
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('client process did not start within 10 s')), 10_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', () => reject(new Error('client process exited at start')));
  });
  const call = (cmd, args = {}, timeoutMs = STEP_TIMEOUT_MS) => {
    if (exited) return Promise.reject(new Error(`client process ${exited}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`client process: ${cmd} took more than ${timeoutMs / 1000} s`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      child.send({ id, cmd, ...args });
    });
  };
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    await call('exit', {}, 5_000).catch(() => undefined);
    await Promise.race([gone, sleep(5_000)]);
    if (!exited) child.kill('SIGKILL');
  };
  return { call, stop, pid: child.pid };
}

/** Peers of consultations `prefix0`…: patient and clinician of each, with their tokens. */
function issuePeers(tokens, prefix, pairs) {
  const peers = [];
  const pairIds = [];
  for (let i = 0; i < pairs; i++) {
    const cid = `${prefix}${i}`;
    const patient = tokens.issue(cid, 'patient');
    const clinician = tokens.issue(cid, 'clinician');
    peers.push(
      { pid: patient.claims.pid, token: patient.token, partner: clinician.claims.pid },
      { pid: clinician.claims.pid, token: clinician.token, partner: patient.claims.pid },
    );
    pairIds.push([patient.claims.pid, clinician.claims.pid]);
  }
  return { peers, pairIds };
}

/** Open TCP connections on the server (upgraded websockets included). */
function serverConnections(server) {
  return new Promise((resolve, reject) =>
    server.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

async function waitForConnections(server, expected, timeoutMs = 10_000) {
  const deadline = performance.now() + timeoutMs;
  let count = await serverConnections(server);
  while (count !== expected && performance.now() < deadline) {
    await sleep(50);
    count = await serverConnections(server);
  }
  return count;
}

function serverMemory(gc) {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** One relay measurement (after an uncounted warm-up); throws if a message is lost. */
async function measureRelay(clients, label, pairIds) {
  await clients.call('relay', {
    run: `${label}-warm-up`,
    pairs: pairIds,
    messages: WARM_UP_MESSAGES,
    ratePerSecond: RATE_PER_S,
  });
  const result = await clients.call('relay', {
    run: label,
    pairs: pairIds,
    messages: MESSAGES,
    ratePerSecond: RATE_PER_S,
  });
  if (result.lost > 0 || result.errors.length > 0) {
    throw new Error(
      `signalling ${label}: ${result.lost} of ${MESSAGES} OFFERs never arrived${result.errors.length ? ` (${result.errors.join('; ')})` : ''}`,
    );
  }
  return { ...summarise(result.latencies), pairs: pairIds.length, rate_per_s: RATE_PER_S };
}

/**
 * Runs the benchmark; returns its summary. The browser is not used.
 * @param {{ log: (line: string) => void }} options
 */
export async function run({ log }) {
  const gc = collector();
  const limit = openFileLimit();
  // This process holds the server's end of every socket, the child the clients' end.
  const pairs = Math.max(1, Math.min(PAIRS, Math.floor((limit - FD_RESERVE) / 2)));
  if (pairs < PAIRS) {
    log(
      `signalling: open-file limit ${limit} (ulimit -n) allows ${pairs * 2} peers, not ${PAIRS * 2}; ` +
        `running with ${pairs} consultations (raise it with \`ulimit -n 8192\` for the full run)`,
    );
  }
  const suffix = Math.random().toString(36).slice(2, 8);

  const server = await benchServer();
  let clients;
  try {
    const url = (await server.listen()).replace(/^http/, 'ws');
    clients = await startClients();
    const idle = serverMemory(gc);
    log(
      `signalling: server in this process (pid ${process.pid}, ${url}); clients in pid ${clients.pid}; ` +
        `idle server rss ${mb(idle.rss)} MB, heap ${mb(idle.heapUsed)} MB`,
    );

    // Baseline: one consultation, two peers, on the otherwise idle server.
    const lone = issuePeers(server.tokens, `demo-bench-lone-${suffix}-`, 1);
    await clients.call('connect', { url, peers: lone.peers, batch: 2, heartbeatMs: HEARTBEAT_MS });
    const baseline = await measureRelay(clients, 'baseline', lone.pairIds);
    await clients.call('close');
    log(
      `signalling: relay baseline (2 peers): p50 ${baseline.p50} / p95 ${baseline.p95} / p99 ${baseline.p99} ms ` +
        `(${MESSAGES} OFFERs at ${RATE_PER_S}/s)`,
    );
    await waitForConnections(server, 0);

    // Load: `pairs` consultations, ramped up `BATCH` sockets at a time.
    const before = serverMemory(gc);
    const load = issuePeers(server.tokens, `demo-bench-load-${suffix}-`, pairs);
    const connected = await clients.call(
      'connect',
      { url, peers: load.peers, batch: BATCH, heartbeatMs: HEARTBEAT_MS },
      STEP_TIMEOUT_MS * 2,
    );
    const connectedAt = performance.now();
    const connections = await waitForConnections(server, load.peers.length);
    const loaded = serverMemory(gc);
    const clientsLoaded = await clients.call('memory');
    const peersCount = load.peers.length;
    const open = summarise(connected.openMs);
    log(
      `signalling: ${peersCount} peers (${pairs} consultations) connected in ${(connected.ms / 1000).toFixed(2)} s ` +
        `(${BATCH} at a time; each socket to OPEN p50 ${open.p50} / p95 ${open.p95} / max ${open.max} ms); ` +
        `server sees ${connections} connections`,
    );
    const perPeer = (a, b) => Math.round((b - a) / peersCount);
    log(
      `signalling: server rss ${mb(before.rss)} → ${mb(loaded.rss)} MB (${signed(mb(loaded.rss - before.rss))} MB, ` +
        `~${signed(perPeer(before.rss, loaded.rss))} B/peer), heap ${mb(before.heapUsed)} → ${mb(loaded.heapUsed)} MB ` +
        `(${signed(mb(loaded.heapUsed - before.heapUsed))} MB, ~${signed(perPeer(before.heapUsed, loaded.heapUsed))} B/peer); ` +
        `clients' process rss ${mb(clientsLoaded.rss)} MB, heap ${mb(clientsLoaded.heapUsed)} MB (not counted)`,
    );

    // Relay under load: the same number of OFFERs, spread over a sample of the pairs.
    const step = Math.max(1, Math.floor(pairs / SAMPLED_PAIRS));
    const sample = load.pairIds.filter((_, i) => i % step === 0).slice(0, SAMPLED_PAIRS);
    const underLoad = await measureRelay(clients, 'load', sample);
    const afterRelay = serverMemory(gc);
    log(
      `signalling: relay under load (${peersCount} peers, ${sample.length} pairs sampled): p50 ${underLoad.p50} / ` +
        `p95 ${underLoad.p95} / p99 ${underLoad.p99} ms | baseline p50 ${baseline.p50} / p95 ${baseline.p95} ms | ` +
        `load/baseline p50 ${(underLoad.p50 / baseline.p50).toFixed(2)}×, p95 ${(underLoad.p95 / baseline.p95).toFixed(2)}×`,
    );

    // Hold the load for one heartbeat period from the last connection, so every peer has sent a
    // HEARTBEAT (their first comes at a random point of the period), and check nobody was dropped.
    const hold = Math.max(0, connectedAt + HEARTBEAT_MS + 1_000 - performance.now());
    await sleep(hold);
    const held = await clients.call('memory');
    const stillConnected = await serverConnections(server);
    const afterHold = serverMemory(gc);
    const heartbeats = held.heartbeats;
    log(
      `signalling: held ${peersCount} peers ${((performance.now() - connectedAt) / 1000).toFixed(1)} s (one heartbeat period, ` +
        `${heartbeats} HEARTBEATs sent): ${held.open} open, ${held.dropped} dropped, server sees ${stillConnected} connections; ` +
        `server rss ${mb(afterHold.rss)} MB, heap ${mb(afterHold.heapUsed)} MB`,
    );
    if (held.dropped > 0 || held.open !== peersCount) {
      throw new Error(`signalling: ${held.dropped} of ${peersCount} peers were dropped while held`);
    }

    const closed = await clients.call('close', {}, STEP_TIMEOUT_MS);
    const left = await waitForConnections(server, 0);
    const after = serverMemory(gc);
    log(
      `signalling: closed ${closed.closed} sockets in ${closed.ms.toFixed(0)} ms; server connections left ${left}; ` +
        `server rss ${mb(after.rss)} MB, heap ${mb(after.heapUsed)} MB after close`,
    );
    if (left !== 0) throw new Error(`signalling: ${left} connections still open on the server after closing`);

    const memory = (m) => ({ rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed) });
    const report = {
      peers: peersCount,
      consultations: pairs,
      peers_asked: PAIRS * 2,
      open_file_limit: Number.isFinite(limit) ? limit : null,
      batch: BATCH,
      heartbeat_ms: HEARTBEAT_MS,
      heartbeats_sent: heartbeats,
      held_ms: Math.round(performance.now() - connectedAt),
      dropped: held.dropped,
      connect_all_ms: Math.round(connected.ms),
      socket_open_ms: open,
      server_connections_under_load: connections,
      server_memory: {
        note: 'the server process only (clients in a child process); heap after a full GC',
        idle: memory(idle),
        before_load: memory(before),
        under_load: memory(loaded),
        after_relay: memory(afterRelay),
        after_heartbeat_period: memory(afterHold),
        after_close: memory(after),
        rss_per_peer_bytes: perPeer(before.rss, loaded.rss),
        heap_per_peer_bytes: perPeer(before.heapUsed, loaded.heapUsed),
      },
      client_process_memory_under_load: memory(clientsLoaded),
      relay: {
        messages: MESSAGES,
        rate_per_s: RATE_PER_S,
        warm_up_messages: WARM_UP_MESSAGES,
        baseline,
        under_load: underLoad,
        ratio_p50: round(underLoad.p50 / baseline.p50, 2),
        ratio_p95: round(underLoad.p95 / baseline.p95, 2),
      },
      date: new Date().toISOString(),
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${RESULTS}signalling.json`, `${JSON.stringify(report, null, 2)}\n`);
    log(
      `signalling (${peersCount} peers): connect ${(connected.ms / 1000).toFixed(2)} s | server rss ${signed(mb(loaded.rss - before.rss))} MB, heap ${signed(mb(loaded.heapUsed - before.heapUsed))} MB | ` +
        `relay p50 ${underLoad.p50} ms / p95 ${underLoad.p95} ms (2 peers: ${baseline.p50} / ${baseline.p95} ms)`,
    );
    log('signalling: wrote bench/results/signalling.json');
    return report;
  } finally {
    await clients?.call('close', {}, 15_000).catch(() => undefined);
    await clients?.stop();
    await server.close().catch(() => undefined);
  }
}
