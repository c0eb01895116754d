// The client side of bench/signalling.bench.mjs, in a child process of its own so the server's
// process holds only the server: PeerJS signalling websockets (the `ws` package the server uses),
// driven over the IPC channel. Every request is `{ id, cmd, ... }` and gets one reply
// `{ id, ok: true, ... }` or `{ id, ok: false, error }`. Not a benchmark by itself (no
// `.bench.mjs`): bench/run.mjs does not pick it up.
import { createRequire } from 'node:module';

const WebSocket = createRequire(new URL('../packages/server/package.json', import.meta.url))('ws');

const OPEN_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 10_000;

/** Open peers by id: `{ ws, partner }`. */
const peers = new Map();
/** The relay measurement in progress: seq → send time, and what arrived. */
let relay = null;
let heartbeats = 0;
/** Sockets the other side closed. */
let dropped = 0;

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function onMessage(data) {
  let message;
  try {
    message = JSON.parse(String(data));
  } catch {
    return;
  }
  if (message.type === 'OFFER' && relay && message.payload?.bench === relay.run) {
    const sent = relay.sent.get(message.payload.seq);
    if (sent !== undefined) {
      relay.latencies.push(performance.now() - sent);
      relay.sent.delete(message.payload.seq);
    }
  } else if (message.type === 'ERROR' || message.type === 'ID-TAKEN') {
    relay?.errors.push(`${message.type}: ${message.payload?.msg ?? ''}`);
  }
}

/** Opens one peer's socket; resolves with the ms until the server's OPEN. */
function open(url, peer, heartbeatMs) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const query = new URLSearchParams({ key: 'consultkit', id: peer.pid, token: peer.token });
    const ws = new WebSocket(`${url}/signal/peerjs?${query}`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`peer ${peer.pid}: no OPEN within ${OPEN_TIMEOUT_MS} ms`));
    }, OPEN_TIMEOUT_MS);
    ws.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`peer ${peer.pid}: upgrade refused: ${response.statusCode}`));
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`peer ${peer.pid}: ${error.message}`));
    });
    ws.on('message', function first(data) {
      const message = JSON.parse(String(data));
      if (message.type !== 'OPEN') {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`peer ${peer.pid}: expected OPEN, got ${String(data).slice(0, 200)}`));
        return;
      }
      clearTimeout(timer);
      ws.off('message', first);
      ws.on('message', onMessage);
      ws.on('error', () => undefined);
      peers.set(peer.pid, { ws, partner: peer.partner, stopHeartbeats: startHeartbeats(ws, heartbeatMs) });
      // Closed by the server (or the network), not by `close` below: a dropped peer.
      ws.once('close', () => {
        const entry = peers.get(peer.pid);
        if (entry?.ws !== ws) return;
        entry.stopHeartbeats();
        peers.delete(peer.pid);
        dropped++;
      });
      resolve(performance.now() - started);
    });
  });
}

/**
 * HEARTBEATs every `everyMs` from each socket, the first after a random part of the period, so
 * the server sees them spread out as it would from clients that joined at different times.
 */
function startHeartbeats(ws, everyMs) {
  const beat = () => {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send('{"type":"HEARTBEAT"}');
      heartbeats++;
    }
  };
  const timers = { interval: null, first: null };
  timers.first = setTimeout(() => {
    beat();
    timers.interval = setInterval(beat, everyMs);
  }, Math.random() * everyMs);
  return () => {
    clearTimeout(timers.first);
    clearInterval(timers.interval);
  };
}

const handlers = {
  /** Opens `peers` in batches of `batch`, each batch at once; times the whole and each socket. */
  async connect({ url, peers: list, batch, heartbeatMs }) {
    const openMs = [];
    const started = performance.now();
    for (let i = 0; i < list.length; i += batch) {
      openMs.push(...(await Promise.all(list.slice(i, i + batch).map((peer) => open(url, peer, heartbeatMs)))));
    }
    return { ms: performance.now() - started, openMs, open: peers.size };
  },

  /**
   * Sends `messages` OFFERs at `ratePerSecond`, round-robin over `pairs` (each `[a, b]`), in
   * alternating directions, each carrying its send time; resolves with every receive − send in ms
   * once all arrived (or after a drain timeout, counting the rest as lost).
   */
  async relay({ run, pairs, messages, ratePerSecond }) {
    relay = { run, sent: new Map(), latencies: [], errors: [] };
    const started = performance.now();
    for (let seq = 0; seq < messages; seq++) {
      const due = started + (seq * 1000) / ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const [a, b] = pairs[seq % pairs.length];
      const [from, to] = Math.floor(seq / pairs.length) % 2 === 0 ? [a, b] : [b, a];
      const peer = peers.get(from);
      if (!peer) throw new Error(`relay: peer ${from} is not open`);
      relay.sent.set(seq, performance.now());
      peer.ws.send(JSON.stringify({ type: 'OFFER', dst: to, payload: { bench: run, seq, sdp: 'v=0 bench' } }));
    }
    const sendMs = performance.now() - started;
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (relay.sent.size > 0 && performance.now() < deadline) await sleep(5);
    const result = {
      latencies: relay.latencies,
      lost: relay.sent.size,
      errors: relay.errors.slice(0, 5),
      sendMs,
    };
    relay = null;
    return result;
  },

  /** This process's memory after a full GC (the clients' share), open and dropped sockets. */
  async memory() {
    gc();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heapUsed, open: peers.size, heartbeats, dropped };
  },

  /** Closes the given peers (all when none given) and waits for every close. */
  async close({ pids } = {}) {
    const targets = (pids ?? [...peers.keys()]).map((pid) => [pid, peers.get(pid)]).filter(([, p]) => p);
    const started = performance.now();
    await Promise.all(
      targets.map(
        ([pid, { ws }]) =>
          new Promise((resolve) => {
            peers.get(pid).stopHeartbeats();
            peers.delete(pid);
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, CLOSE_TIMEOUT_MS);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(1000, 'bench done');
          }),
      ),
    );
    return { closed: targets.length, ms: performance.now() - started, open: peers.size };
  },

  async exit() {
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, cmd, ...args }) => {
  try {
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unknown command ${cmd}`);
    process.send({ id, ok: true, ...(await handler(args)) });
  } catch (error) {
    process.send({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
// The parent gone: nothing left to do.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
