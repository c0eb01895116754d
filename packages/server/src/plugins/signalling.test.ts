import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIGNALLING_CHECK_PATH } from '@consultkit/core/contract';
import WebSocket from 'ws';
import type { ConsultKitServer } from '../app.js';
import { startTestServer } from '../test-helpers.js';
import type { Role } from '../tokens.js';

/** A raw PeerJS-protocol socket for `role` in consultation `cid`, with everything it receives. */
async function peer(url: string, server: ConsultKitServer, cid: string, role: Role) {
  const { token, claims } = server.tokens.issue(cid, role);
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${claims.pid}&token=${token}`);
  const received: { type: string; src?: string; payload?: unknown }[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as (typeof received)[number]));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await waitFor(() => received.some((m) => m.type === 'OPEN'));
  return {
    id: claims.pid,
    received,
    send: (message: object) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
  };
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What a socket received, without the room's rosters (sent after OPEN and after every change). */
const typesOf = (received: { type: string }[]) => received.map((m) => m.type).filter((t) => t !== 'CK-ROSTER');

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('signalling relays only within one consultation', () => {
  let server: ConsultKitServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer());
  });
  after(() => server.close());

  it('relays an offer to the other participant of the same consultation', async () => {
    const patient = await peer(url, server, 'demo-relay-x', 'patient');
    const clinician = await peer(url, server, 'demo-relay-x', 'clinician');
    clinician.send({ type: 'OFFER', dst: patient.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
    await waitFor(() => patient.received.some((m) => m.type === 'OFFER'));
    assert.equal(patient.received.find((m) => m.type === 'OFFER')?.src, clinician.id);
    patient.close();
    clinician.close();
  });

  it('drops an offer from a peer of consultation X to a peer of Y, connected or not yet', async () => {
    const intruder = await peer(url, server, 'demo-relay-x2', 'clinician');
    const victim = await peer(url, server, 'demo-relay-y2', 'patient');
    const absentId = server.tokens.peerId('relay-y2', 'clinician');
    intruder.send({ type: 'OFFER', dst: victim.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_2' } });
    intruder.send({ type: 'CANDIDATE', dst: victim.id, payload: { candidate: {}, connectionId: 'mc_2' } });
    intruder.send({ type: 'OFFER', dst: absentId, payload: { sdp: 'v=0', type: 'data', connectionId: 'dc_2' } });
    await settle();
    assert.deepEqual(typesOf(victim.received), ['OPEN']);
    // Nothing was queued for the absent clinician of Y either.
    const late = await peer(url, server, 'demo-relay-y2', 'clinician');
    await settle();
    assert.deepEqual(typesOf(late.received), ['OPEN']);
    for (const p of [intruder, victim, late]) p.close();
  });

  it('drops message types it does not relay, and messages without a destination', async () => {
    const patient = await peer(url, server, 'demo-relay-z', 'patient');
    const clinician = await peer(url, server, 'demo-relay-z', 'clinician');
    clinician.send({ type: 'ID-TAKEN', dst: patient.id, payload: { msg: 'spoof' } });
    clinician.send({ type: 'OPEN', dst: patient.id });
    clinician.send({ type: 'OFFER', payload: { sdp: 'v=0' } });
    clinician.send({ type: 'HEARTBEAT' });
    await settle();
    assert.deepEqual(typesOf(patient.received), ['OPEN']);
    patient.close();
    clinician.close();
  });
});

/** Opens a socket with a raw query string; resolves to 'open' (the server said OPEN) or the refusal status. */
function upgrade(url: string, query: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?${query}`);
  const received: { type: string; payload?: { reason?: string } }[] = [];
  const outcome = new Promise<'open' | number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither OPEN nor a refusal within 5 s')), 5000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as (typeof received)[number];
      received.push(message);
      if (message.type === 'OPEN') {
        clearTimeout(timer);
        resolve('open');
      }
    });
    ws.on('error', () => undefined);
  });
  const closed = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not closed within 5 s')), 5000);
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  closed.catch(() => undefined);
  return { outcome, received, closed, send: (m: object) => ws.send(JSON.stringify(m)), close: () => ws.close() };
}

describe('signalling peer ids come from the token alone', () => {
  let server: ConsultKitServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer());
  });
  after(() => server.close());

  it('refuses a repeated or unexpected query parameter before upgrading; the real peer still registers', async () => {
    const x = server.tokens.issue('demo-squat', 'patient');
    const y = server.tokens.issue('demo-squat', 'clinician');
    const base = `key=consultkit&token=${x.token}`;
    for (const query of [
      `${base}&id=${x.claims.pid}&id=${y.claims.pid}`, // the attack: our check read the first id, `peer` the last
      `${base}&id=${y.claims.pid}&id=${x.claims.pid}`,
      `${base}&id=${x.claims.pid}&token=${y.token}`,
      `${base}&id=${x.claims.pid}&key=consultkit`,
      `${base}&id=${x.claims.pid}&version=1.5.4&version=1.5.4`,
      `${base}&id=${x.claims.pid}&version=1.5.4&peer=${y.claims.pid}`,
      `${base}&id=${x.claims.pid}&ID=${y.claims.pid}`,
      `${base}&id=${y.claims.pid}`,
    ]) {
      assert.equal(await upgrade(url, query).outcome, 401, query.replace(/token=[^&]+/g, 'token=…'));
    }
    // What the PeerJS client sends is accepted, and the real Y is Y.
    const realY = upgrade(url, `key=consultkit&id=${y.claims.pid}&token=${y.token}&version=1.5.4`);
    assert.equal(await realY.outcome, 'open');
    const realX = upgrade(url, `key=consultkit&id=${x.claims.pid}&token=${x.token}&version=1.5.4`);
    assert.equal(await realX.outcome, 'open');
    realX.send({ type: 'OFFER', dst: y.claims.pid, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_s' } });
    await waitFor(() => realY.received.some((m) => m.type === 'OFFER'));
    realX.close();
    realY.close();
  });

  it('tells a page whether it would take its token (a refused upgrade cannot be read by a browser)', async () => {
    const check = (body: object) =>
      fetch(`${url}${SIGNALLING_CHECK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const x = server.tokens.issue('demo-check', 'patient');
    const y = server.tokens.issue('demo-check', 'clinician');
    assert.equal((await check({ peerId: x.claims.pid, token: x.token })).status, 204);
    for (const [what, body] of [
      ['a tampered token', { peerId: x.claims.pid, token: `${x.token.split('.')[0]}.AAAA` }],
      ['another peer’s token', { peerId: x.claims.pid, token: y.token }],
    ] as const) {
      const answer = await check(body);
      assert.equal(answer.status, 401, what);
      const outcome = (await answer.json()) as { resourceType: string; issue: { diagnostics: string }[] };
      assert.equal(outcome.resourceType, 'OperationOutcome');
      assert.match(outcome.issue[0]!.diagnostics, /refuses this token/, what);
    }
    assert.equal((await check({ token: x.token })).status, 400);
  });

  it('a second socket with the same ticket replaces the first, which is told "replaced" and closed', async () => {
    const patient = server.tokens.issue('demo-replace', 'patient');
    const clinician = server.tokens.issue('demo-replace', 'clinician');
    const query = (t: typeof patient) => `key=consultkit&id=${t.claims.pid}&token=${t.token}&version=1.5.4`;
    const first = upgrade(url, query(patient));
    assert.equal(await first.outcome, 'open');
    const other = upgrade(url, query(clinician));
    assert.equal(await other.outcome, 'open');
    // A reload, or the network back on a phone whose old socket the server still holds.
    const second = upgrade(url, query(patient));
    assert.equal(await second.outcome, 'open', 'the second socket is told OPEN (it would wait forever otherwise)');
    assert.equal(await first.closed, 4001);
    assert.deepEqual(typesOf(first.received), ['OPEN', 'CK-SESSION-ENDED']);
    assert.deepEqual(first.received.find((m) => m.type === 'CK-SESSION-ENDED')!.payload, { reason: 'replaced' });
    // A peer cannot forge the ending for the other side: it is not relayed. The OFFER after it is
    // the sentinel: once it has arrived, the forged message would have too.
    other.send({ type: 'CK-SESSION-ENDED', dst: patient.claims.pid, payload: { reason: 'cancelled' } });
    other.send({
      type: 'OFFER',
      dst: patient.claims.pid,
      payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_r' },
    });
    await waitFor(() => second.received.some((m) => m.type === 'OFFER'));
    assert.deepEqual(typesOf(second.received), ['OPEN', 'OFFER']);
    assert.ok(!first.received.some((m) => m.type === 'OFFER'), 'the replaced socket gets nothing more');
    // The replacement is the peer: what it sends is relayed as from the patient.
    second.send({
      type: 'ANSWER',
      dst: clinician.claims.pid,
      payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_r' },
    });
    await waitFor(() => other.received.some((m) => m.type === 'ANSWER'));
    second.close();
    other.close();
  });
});
