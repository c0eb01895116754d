// Chat benchmark (issue 9): the round trip of an in-call chat message with 2 and 6 participants in
// the call, on one ConsultKit server (in this process, embedded PGlite in memory) on loopback, the
// participants as bare signalling websockets (the `ws` package, PeerJS's socket protocol).
//
// For each message: from `CK-CHAT` leaving its author's socket to (a) the stored message coming
// back to the author (`round_trip_ms`: what turns "Sending…" into "Sent"), and (b) the last other
// participant receiving it (`delivered_to_all_ms`). Senders take turns; each waits its socket's
// share of the post rate limit (3 a second), so nothing is refused. The baseline in the same run:
// a PeerJS `OFFER` relayed from one participant to another through the same server (nothing stored).
// Writes bench/results/chat.json; see bench/README.md.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchServer, latencySummary, round, sleep } from './support.mjs';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const WebSocket = createRequire(new URL('../packages/server/package.json', import.meta.url))('ws');

const MESSAGES = Number(process.env.CHAT_MESSAGES ?? 200);
const WARM_UP = 20;
/** A socket posts at most this often (the server's post bucket refills at 3 a second). */
const PER_SENDER_MS = 340;
const STEP_TIMEOUT_MS = 30_000;

/** One participant's socket: resolves once the server said OPEN. */
function open(url, ticket) {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams({ key: 'consultkit', id: ticket.peerId, token: ticket.token });
    const ws = new WebSocket(`${url}/signal/peerjs?${query}`);
    const listeners = new Set();
    const timer = setTimeout(() => reject(new Error(`${ticket.peerId}: no OPEN`)), STEP_TIMEOUT_MS);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'OPEN') {
        clearTimeout(timer);
        resolve(participant);
      }
      for (const listener of [...listeners]) listener(message, performance.now());
    });
    ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', () => undefined);
    const participant = {
      peerId: ticket.peerId,
      send: (message) => ws.send(JSON.stringify(message)),
      /** Resolves with the time of the first message that `check` accepts. */
      next(check, what) {
        return new Promise((done, fail) => {
          const timeout = setTimeout(() => {
            listeners.delete(listener);
            fail(new Error(`${ticket.peerId}: no ${what} within ${STEP_TIMEOUT_MS} ms`));
          }, STEP_TIMEOUT_MS);
          const listener = (message, at) => {
            if (!check(message)) return;
            clearTimeout(timeout);
            listeners.delete(listener);
            done(at);
          };
          listeners.add(listener);
        });
      },
      close: () => ws.close(),
    };
  });
}

/** `size` participants of a fresh demo consultation, the clinician first, all let in. */
async function inCall(server, url, size, serial) {
  const { demoTicket } = await import('../packages/server/src/plugins/dev.ts');
  const name = `chat-bench-${process.pid}-${serial}`;
  const tickets = [demoTicket(server.tokens, name, 'clinician'), demoTicket(server.tokens, name, 'patient')];
  for (let i = 2; i < size; i++) {
    const { token, claims } = server.tokens.issue(tickets[0].consultationId, 'guest', {
      who: `g${i}`,
      name: `Guest ${i}`,
      kind: i % 2 ? 'interpreter' : 'carer',
    });
    tickets.push({ peerId: claims.pid, token });
  }
  const people = [];
  for (const ticket of tickets) people.push(await open(url, ticket));
  const [gp, ...others] = people;
  const allIn = gp.next(
    (m) => m.type === 'CK-ROSTER' && m.payload.participants.filter((p) => p.admitted && p.connected).length === size,
    'everyone admitted',
  );
  for (const other of others) gp.send({ type: 'CK-ADMIT', payload: { peerId: other.peerId } });
  await allIn;
  return people;
}

/** One message from `author`: [round trip to the author, delivered to every other]. */
async function post(people, author) {
  const id = randomUUID();
  const isIt = (m) => m.type === 'CK-CHAT-MESSAGE' && m.payload.id === id;
  const arrivals = people.map((p) => p.next(isIt, `message ${id}`));
  const sent = performance.now();
  author.send({ type: 'CK-CHAT', payload: { id, text: `bench ${id}` } });
  const times = await Promise.all(arrivals);
  const mine = times[people.indexOf(author)] - sent;
  const others = Math.max(...times.filter((_, i) => people[i] !== author)) - sent;
  return [mine, others];
}

async function measure(server, url, size, serial, log) {
  const people = await inCall(server, url, size, serial);
  try {
    const lastPost = new Map();
    const roundTrip = [];
    const toAll = [];
    for (let i = 0; i < WARM_UP + MESSAGES; i++) {
      const author = people[i % size];
      const wait = (lastPost.get(author) ?? -Infinity) + PER_SENDER_MS - performance.now();
      if (wait > 0) await sleep(wait);
      lastPost.set(author, performance.now());
      const [mine, others] = await post(people, author);
      if (i < WARM_UP) continue;
      roundTrip.push(mine);
      toAll.push(others);
    }
    // The baseline: an OFFER relayed between two participants (signalling alone, nothing stored).
    const relay = [];
    const [a, b] = people;
    for (let i = 0; i < WARM_UP + MESSAGES; i++) {
      const connectionId = `bench-${i}`;
      const arrived = b.next((m) => m.type === 'OFFER' && m.payload?.connectionId === connectionId, 'an OFFER');
      const sent = performance.now();
      a.send({ type: 'OFFER', dst: b.peerId, payload: { sdp: 'v=0', type: 'media', connectionId } });
      const at = await arrived;
      if (i >= WARM_UP) relay.push(at - sent);
    }
    const result = {
      participants: size,
      round_trip_ms: latencySummary(roundTrip),
      delivered_to_all_ms: latencySummary(toAll),
      baseline_offer_relay_ms: latencySummary(relay),
    };
    log(
      `chat: ${size} participants: round trip p50 ${result.round_trip_ms.p50} ms, p95 ${result.round_trip_ms.p95} ms; ` +
        `to all p50 ${result.delivered_to_all_ms.p50} ms, p95 ${result.delivered_to_all_ms.p95} ms; ` +
        `baseline OFFER relay p50 ${result.baseline_offer_relay_ms.p50} ms, p95 ${result.baseline_offer_relay_ms.p95} ms`,
    );
    return result;
  } finally {
    for (const p of people) p.close();
  }
}

export async function run({ log }) {
  const server = await benchServer();
  try {
    const url = (await server.listen()).replace(/^http/, 'ws');
    const load = loadavg()[0];
    const two = await measure(server, url, 2, 1, log);
    const six = await measure(server, url, 6, 2, log);
    const report = {
      note:
        'bare signalling websockets on loopback; one server in the benchmark process, embedded PGlite in memory; ' +
        'round trip: CK-CHAT sent → the stored message back at its author; delivered_to_all: → the last other ' +
        'participant; baseline: an OFFER relayed between two of them in the same run (nothing stored)',
      storage: 'pglite (memory)',
      messages_per_run: MESSAGES,
      warm_up: WARM_UP,
      load_average_1m_at_start: round(load, 2),
      runs: [two, six],
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${RESULTS}chat.json`, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    await server.close();
  }
}
