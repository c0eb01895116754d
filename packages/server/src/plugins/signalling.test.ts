import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
    assert.deepEqual(
      victim.received.map((m) => m.type),
      ['OPEN'],
    );
    // Nothing was queued for the absent clinician of Y either.
    const late = await peer(url, server, 'demo-relay-y2', 'clinician');
    await settle();
    assert.deepEqual(
      late.received.map((m) => m.type),
      ['OPEN'],
    );
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
    assert.deepEqual(
      patient.received.map((m) => m.type),
      ['OPEN'],
    );
    patient.close();
    clinician.close();
  });
});
