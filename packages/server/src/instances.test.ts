import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import WebSocket from 'ws';
import type { ConsultKitServer } from './app.js';
import {
  appointmentRequest,
  freshPostgresDatabase,
  seedBookingFixture,
  skippable,
  STAFF,
  startTestServer,
  TEST_NOW,
  type BookingFixture,
} from './test-helpers.js';
import type { Role } from './tokens.js';

/**
 * Three server instances on one PostgreSQL (docs/decisions/0035-instances.md), each reached
 * directly (e2e/instances.test.ts puts HAProxy in front): signalling, rosters, the relay rules,
 * live booking events, rate limits and the booking race hold across them.
 */
const DATABASE_URL = process.env['DATABASE_URL'];
const { it, before, after } = skippable(
  DATABASE_URL ? false : 'DATABASE_URL is not set: several instances need PostgreSQL (.ci/run provides one)',
);

interface Received {
  type: string;
  src?: string;
  payload?: { participants?: { peerId: string; connected: boolean; admitted: boolean }[] } & Record<string, unknown>;
}

/** A raw PeerJS-protocol socket on instance `url`, with everything it receives. */
async function peer(url: string, server: ConsultKitServer, cid: string, role: Role) {
  const { token, claims } = server.tokens.issue(cid, role);
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${claims.pid}&token=${token}`);
  const received: Received[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as Received));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await waitFor(() => received.some((m) => m.type === 'OPEN'), 'OPEN');
  return {
    id: claims.pid,
    received,
    ws,
    send: (message: object) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
    /** The latest roster's entry for `peerId`. */
    entry(peerId: string) {
      const rosters = received.filter((m) => m.type === 'CK-ROSTER');
      return rosters.at(-1)?.payload?.participants?.find((p) => p.peerId === peerId);
    },
  };
}

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('three instances on one PostgreSQL', () => {
  let database: { url: string; dispose(): Promise<void> } | undefined;
  const servers: ConsultKitServer[] = [];
  const urls: string[] = [];
  let fixture: BookingFixture;
  /** The servers' clock: moved to an appointment's start to join it. */
  let clock = TEST_NOW;

  before(async () => {
    database = await freshPostgresDatabase();
    const env = {
      DATABASE_URL: database!.url,
      CONSULTKIT_SEED_DEMO: 'false',
      // One limit low enough to cross in a test; the booking race needs bookings unlimited.
      CONSULTKIT_RATE_LIMITS: 'auth=4/600,booking=1000/600',
    };
    for (const name of ['one', 'two', 'three']) {
      const { server, url } = await startTestServer(env, {}, { instance: name, now: () => clock });
      servers.push(server);
      urls.push(url);
    }
    fixture = await seedBookingFixture(servers[0]!.storage);
  });
  after(async () => {
    for (const server of servers) await server.close().catch(() => undefined);
    await database?.dispose();
  });

  it('a patient on instance 1 and a clinician on instance 3 see each other, relay, and admission reaches the patient', async () => {
    const [one, , three] = servers as [ConsultKitServer, ConsultKitServer, ConsultKitServer];
    const patient = await peer(urls[0]!, one, 'demo-multi-a', 'patient');
    const clinician = await peer(urls[2]!, three, 'demo-multi-a', 'clinician');
    await waitFor(() => clinician.entry(patient.id)?.connected === true, 'the patient in the clinician’s roster');
    await waitFor(() => patient.entry(clinician.id)?.connected === true, 'the clinician in the patient’s roster');
    assert.equal(clinician.entry(patient.id)?.admitted, false);

    clinician.send({ type: 'OFFER', dst: patient.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
    await waitFor(() => patient.received.some((m) => m.type === 'OFFER'), 'the offer on instance 1');
    assert.equal(patient.received.find((m) => m.type === 'OFFER')?.src, clinician.id);

    clinician.send({ type: 'CK-ADMIT', payload: { peerId: patient.id } });
    await waitFor(() => patient.entry(patient.id)?.admitted === true, 'admission in the patient’s roster');
    patient.send({ type: 'ANSWER', dst: clinician.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
    await waitFor(() => clinician.received.some((m) => m.type === 'ANSWER'), 'the answer on instance 3');
    patient.close();
    clinician.close();
  });

  it('an admission on one instance and the patient’s media change on another, at once: both hold everywhere', async () => {
    const [one, , three] = servers as [ConsultKitServer, ConsultKitServer, ConsultKitServer];
    const patient = await peer(urls[0]!, one, 'demo-multi-m', 'patient');
    const clinician = await peer(urls[2]!, three, 'demo-multi-m', 'clinician');
    await waitFor(() => clinician.entry(patient.id)?.connected === true, 'the patient in the roster');
    clinician.send({ type: 'CK-ADMIT', payload: { peerId: patient.id } });
    patient.send({ type: 'CK-MEDIA', payload: { muted: true, cameraOff: false, audioOnly: false } });
    const settled = (p: typeof patient) => {
      const entry = p.entry(patient.id) as { admitted: boolean; media?: { muted: boolean } } | undefined;
      return entry?.admitted === true && entry.media?.muted === true;
    };
    await waitFor(() => settled(patient), 'admitted and muted in the patient’s roster');
    await waitFor(() => settled(clinician), 'admitted and muted in the clinician’s roster');
    // And in what an instance starting now would load.
    const [row] = await one.storage.query<{ state: { admitted: boolean; media: { muted: boolean } } }>(
      'SELECT state FROM room_participant WHERE consultation = $1 AND peer_id = $2',
      ['demo-multi-m', patient.id],
    );
    assert.equal(row?.state.admitted, true);
    assert.equal(row?.state.media.muted, true);
    patient.close();
    clinician.close();
  });

  it('refuses a relay from another consultation across instances exactly as within one', async () => {
    const [one, two, three] = servers as [ConsultKitServer, ConsultKitServer, ConsultKitServer];
    const victim = await peer(urls[0]!, one, 'demo-multi-y', 'patient');
    const intruder = await peer(urls[1]!, two, 'demo-multi-x', 'clinician');
    const own = await peer(urls[2]!, three, 'demo-multi-y', 'clinician');
    await waitFor(() => victim.entry(own.id)?.connected === true, 'the own clinician in the roster');
    intruder.send({ type: 'OFFER', dst: victim.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'evil' } });
    intruder.send({ type: 'CANDIDATE', dst: victim.id, payload: { candidate: {}, connectionId: 'evil' } });
    // The sentinel: the consultation's own clinician, sent after, on a third instance.
    own.send({ type: 'OFFER', dst: victim.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'good' } });
    await waitFor(() => victim.received.some((m) => m.type === 'OFFER'), 'the own clinician’s offer');
    const relayed = victim.received.filter((m) => m.type === 'OFFER' || m.type === 'CANDIDATE');
    assert.deepEqual(
      relayed.map((m) => m.src),
      [own.id],
    );
    assert.equal(victim.entry(intruder.id), undefined, 'the intruder is not in the roster');
    for (const p of [victim, intruder, own]) p.close();
  });

  it('a patient whose instance closed reconnects to another and is still admitted; signalling resumes', async () => {
    // An instance of its own, closed mid-call (e2e/instances.test.ts kills a process instead).
    const { server: doomed, url: doomedUrl } = await startTestServer(
      { DATABASE_URL: database!.url, CONSULTKIT_SEED_DEMO: 'false' },
      {},
      { instance: 'doomed' },
    );
    const [, two, three] = servers as [ConsultKitServer, ConsultKitServer, ConsultKitServer];
    const patient = await peer(doomedUrl, doomed, 'demo-multi-k', 'patient');
    const clinician = await peer(urls[2]!, three, 'demo-multi-k', 'clinician');
    await waitFor(() => clinician.entry(patient.id)?.connected === true, 'the patient in the roster');
    clinician.send({ type: 'CK-ADMIT', payload: { peerId: patient.id } });
    await waitFor(() => patient.entry(patient.id)?.admitted === true, 'admission');
    await doomed.close();
    const again = await peer(urls[1]!, two, 'demo-multi-k', 'patient');
    assert.equal(again.id, patient.id);
    await waitFor(() => again.entry(patient.id)?.admitted === true, 'still admitted after moving instance');
    await waitFor(
      () => clinician.entry(patient.id)?.connected === true && clinician.received.length > 0,
      'connected again',
    );
    clinician.send({ type: 'OFFER', dst: patient.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_9' } });
    await waitFor(() => again.received.some((m) => m.type === 'OFFER'), 'the offer on the new instance');
    again.close();
    clinician.close();
  });

  it('cancelling through instance three closes the patient’s socket on instance two and refuses it everywhere', async () => {
    const day = (await (
      await fetch(`${urls[0]}/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-13`)
    ).json()) as Bundle;
    const slot = day.entry![0]!.resource as Slot;
    const email = 'revoked-across@example.org';
    const booked = await fetch(`${urls[0]}/fhir/Appointment`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(appointmentRequest(slot, email, { channel: 'Video' })),
    });
    assert.equal(booked.status, 201, await booked.clone().text());
    const appointment = (await booked.json()) as Appointment;
    const put = (changes: Partial<Appointment>, at: string) =>
      fetch(`${at}/fhir/Appointment/${appointment.id}`, { headers: STAFF })
        .then((r) => r.json() as Promise<Appointment>)
        .then((current) =>
          fetch(`${at}/fhir/Appointment/${appointment.id}`, {
            method: 'PUT',
            headers: {
              ...STAFF,
              'content-type': 'application/fhir+json',
              'if-match': `W/"${current.meta!.versionId}"`,
            },
            body: JSON.stringify({ ...current, ...changes }),
          }),
        );
    assert.equal((await put({ status: 'booked' }, urls[1]!)).status, 200);
    const outbox = (await (await fetch(`${urls[0]}/api/outbox`, { headers: STAFF })).json()) as {
      messages: { to: string; text: string }[];
    };
    const link = /\/join\/(\S+)/.exec(outbox.messages.find((m) => m.to === email)?.text ?? '')?.[1];
    assert.ok(link, 'a join link was sent');
    clock = Date.parse(slot.start!) - 5 * 60_000;
    try {
      const redeemed = await fetch(`${urls[0]}/api/join/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: link }),
      });
      assert.equal(redeemed.status, 200, await redeemed.clone().text());
      const ticket = (await redeemed.json()) as { token: string; peerId: string };
      const ws = new WebSocket(
        `${urls[1]!.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${ticket.peerId}&token=${ticket.token}`,
      );
      const received: Received[] = [];
      ws.on('message', (data) => received.push(JSON.parse(String(data)) as Received));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await waitFor(() => received.some((m) => m.type === 'OPEN'), 'OPEN on instance two');
      assert.equal((await put({ status: 'cancelled' }, urls[2]!)).status, 200);
      assert.equal(await closed, 4001);
      assert.deepEqual(received.find((m) => m.type === 'CK-SESSION-ENDED')?.payload, { reason: 'cancelled' });
      // And no instance takes the ticket again.
      for (const at of urls) {
        const again = new WebSocket(
          `${at.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${ticket.peerId}&token=${ticket.token}`,
        );
        const status = await new Promise<number>((resolve) => {
          again.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          again.on('open', () => resolve(101));
          again.on('error', () => undefined);
        });
        again.terminate();
        assert.equal(status, 401);
      }
    } finally {
      clock = TEST_NOW;
    }
  });

  it('a second socket for one peer id on another instance replaces the first', async () => {
    const [one, two] = servers as [ConsultKitServer, ConsultKitServer];
    const first = await peer(urls[0]!, one, 'demo-multi-r', 'patient');
    const closed = new Promise<number>((resolve) => first.ws.once('close', (code) => resolve(code)));
    const second = await peer(urls[1]!, two, 'demo-multi-r', 'patient');
    assert.equal(await closed, 4001);
    assert.deepEqual(first.received.find((m) => m.type === 'CK-SESSION-ENDED')?.payload, { reason: 'replaced' });
    second.close();
  });

  it('a booking made through instance 2 reaches a desk’s live stream on instance 1', async () => {
    const controller = new AbortController();
    const response = await fetch(`${urls[0]}/api/staff/events`, { headers: STAFF, signal: controller.signal });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    let received = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${received}`);
        received += Buffer.from(value).toString('utf8');
      }
    };
    await until(/: heartbeat\n\n/);
    const day = (await (
      await fetch(`${urls[1]}/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-11`)
    ).json()) as Bundle;
    const slot = day.entry![0]!.resource as Slot;
    const created = await fetch(`${urls[1]}/fhir/Appointment`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(appointmentRequest(slot, 'desk@example.org')),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    await until(new RegExp(`"id":"${id}"`));
    controller.abort();
  });

  it('the 200-way race for one slot, spread over the three instances, books it once', async () => {
    const day = (await (
      await fetch(`${urls[0]}/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-12`)
    ).json()) as Bundle;
    const slot = day.entry![0]!.resource as Slot;
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        fetch(`${urls[n % 3]}/fhir/Appointment`, {
          method: 'POST',
          headers: { 'content-type': 'application/fhir+json' },
          body: JSON.stringify(
            appointmentRequest(slot, `racer${n}@example.org`, { name: { given: [`Racer${n}`], family: 'Race' } }),
          ),
        }).then((r) => r.status),
      ),
    );
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 199);
    const rows = await servers[2]!.storage.query('SELECT id FROM appointment WHERE slot_id = $1', [Number(slot.id)]);
    assert.equal(rows.length, 1);
  });

  it('rate limits count across instances: failed bearer checks on all three add up', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++) {
      const answer = await fetch(`${urls[n % 3]}/api/outbox`, { headers: { authorization: 'Bearer wrong-key' } });
      statuses.push(answer.status);
    }
    // auth=4/600: four refusals, then 429 on whichever instance is asked.
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
  });
});
