/**
 * Rooms on Janus, against a real Janus started for this file (scripts/janus.mjs: loopback only,
 * `token_auth`, VideoRoom): the server makes a room per consultation; a participant's token joins
 * its own room and no other, as publisher or subscriber, whether asked through our endpoint or
 * straight at Janus; Janus itself refuses made-up and revoked tokens; the room goes when the
 * consultation ends; strangers and odd input get OperationOutcomes, never a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from '../app.js';
import {
  type Answer,
  appointmentRequest,
  type BookingFixture,
  caller,
  freshPostgresDatabase,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
} from '../test-helpers.js';
import { startJanus, type RunningJanus } from '../../../../scripts/janus.mjs';
import { BareJanus, type RoomAnswer } from './bare-janus.js';
import { JanusAdmin } from './janus.js';
import WebSocket from 'ws';
import type { SfuAccess } from '@consultkit/core/contract';
import { janusSettings } from './test-support.js';

const started = await startJanus();
const skip = started.skip;
const janus = started as RunningJanus;

let server: ConsultKitServer;
let url: string;
let fixture: BookingFixture;
let admin: JanusAdmin;
const clients: BareJanus[] = [];

const call = caller(() => url);

/** Polls `check` until it holds (the revocation and the room's end run after the response). */
async function until(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let patients = 0;

/** A confirmed video appointment on the GP's next free slot, and its patient's e-mail. */
async function videoAppointment(): Promise<{ appointment: Appointment; email: string }> {
  const bundle = (
    await call<Bundle>('GET', `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-02`)
  ).body;
  const slot = bundle.entry!.map((e) => e.resource as Slot).find((r) => r.resourceType === 'Slot')!;
  const email = `sfu${++patients}@example.org`;
  const booked = await call<Appointment>('POST', '/fhir/Appointment', { body: appointmentRequest(slot, email) });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const confirmed = await call<Appointment>('PUT', `/fhir/Appointment/${booked.body.id}`, {
    body: { ...booked.body, status: 'booked' },
    headers: { ...STAFF, 'if-match': `W/"${booked.body.meta!.versionId}"` },
  });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { appointment: confirmed.body, email };
}

/** Signalling sockets opened to admit patients, closed after each suite. */
const sockets: WebSocket[] = [];

/** Opens a signalling socket for `peerId` (bare `ws`, as a page's PeerJS does); resolves with every message. */
async function signal(
  peerId: string,
  token: string,
): Promise<{ ws: WebSocket; received: { type: string; payload?: unknown }[] }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${peerId}&token=${token}`);
  sockets.push(ws);
  const received: { type: string; payload?: unknown }[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      received.push(message);
      if (message.type === 'OPEN') resolve();
    });
  });
  return { ws, received };
}

/**
 * Lets the patient of `ticket` in, as a clinician's page does: both sockets open, the clinician
 * sends `CK-ADMIT`; resolves once the patient's roster says admitted. A patient may ask for the
 * video room only then.
 */
async function admit(appointmentId: string, ticket: { peerId: string; token: string }): Promise<void> {
  const answer = await call<{ peerId: string; token: string }>(
    'POST',
    `/api/consultations/${appointmentId}/clinician-token`,
    { headers: STAFF },
  );
  assert.equal(answer.status, 200);
  const gp = await signal(answer.body.peerId, answer.body.token);
  const pt = await signal(ticket.peerId, ticket.token);
  gp.ws.send(JSON.stringify({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } }));
  await until(
    async () => {
      const roster = pt.received.filter((m) => m.type === 'CK-ROSTER').at(-1)?.payload as
        { participants: { peerId: string; admitted: boolean }[] } | undefined;
      return !!roster?.participants.find((p) => p.peerId === ticket.peerId)?.admitted;
    },
    'the patient admitted',
    30_000,
  );
}

/**
 * The patient's session: the join link from the newest e-mail to `email`, redeemed, and (unless
 * `waiting`) let in by a clinician.
 */
async function patientSession(
  email: string,
  appointmentId: string | undefined,
  { waiting = false } = {},
): Promise<{ token: string; cookie: string }> {
  const outbox = await call<{ messages: { to: string; text: string }[] }>('GET', '/api/outbox', { headers: STAFF });
  const text = outbox.body.messages.find((m) => m.to === email)?.text ?? '';
  const link = /\/join\/(\S+)/.exec(text)?.[1];
  assert.ok(link, `a join link in: ${text}`);
  const redeemed = await call<{ token: string; peerId: string }>('POST', '/api/join/redeem', { body: { token: link } });
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
  if (!waiting) await admit(appointmentId!, redeemed.body);
  return { token: redeemed.body.token, cookie: redeemed.headers.get('set-cookie')!.split(';')[0]! };
}

async function clinicianSession(appointment: Appointment): Promise<string> {
  const answer = await call<{ token: string }>('POST', `/api/consultations/${appointment.id}/clinician-token`, {
    headers: STAFF,
  });
  assert.equal(answer.status, 200);
  return answer.body.token;
}

/** `POST /api/consultations/:id/sfu` with a session token (bearer). */
const askRoom = (id: string | undefined, session: string) =>
  call<SfuAccess & { iceServers: unknown[] }>('POST', `/api/consultations/${id}/sfu`, {
    headers: { authorization: `Bearer ${session}` },
  });

async function access(id: string | undefined, session: string): Promise<SfuAccess> {
  const answer = await askRoom(id, session);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

/** A bare Janus client holding `token`, its VideoRoom handle attached (or the refusal). */
async function bare(token: string | undefined): Promise<{ client: BareJanus; refused: { code: number } | null }> {
  const client = await BareJanus.connect(janus.wsUrl, token);
  clients.push(client);
  return { client, refused: await client.attach() };
}

async function attached(token: string): Promise<BareJanus> {
  const { client, refused } = await bare(token);
  assert.equal(refused, null, `Janus accepted the token: ${JSON.stringify(refused)}`);
  return client;
}

const publish = (client: BareJanus, room: number, pin: string, token: string, id?: number) =>
  client.videoroom({ request: 'join', ptype: 'publisher', room, pin, token, ...(id ? { id } : {}), display: 'test' });

const subscribe = (client: BareJanus, room: number, pin: string, token: string, feed: number) =>
  client.videoroom({ request: 'join', ptype: 'subscriber', room, pin, token, streams: [{ feed }] });

function refusedWith(answer: RoomAnswer, code: number, text: RegExp): void {
  assert.equal(answer.ok, false, `refused, but: ${JSON.stringify(answer)}`);
  if (answer.ok) return;
  assert.equal(answer.code, code, answer.reason);
  assert.match(answer.reason, text);
}

/** A consultation with a clinician publishing in its room: its room, pin, and the feed. */
async function liveRoom() {
  const { appointment, email } = await videoAppointment();
  const clinician = await clinicianSession(appointment);
  const room = await access(appointment.id, clinician);
  const client = await attached(room.token);
  const joined = await publish(client, room.room, room.pin, room.token, room.publisherId);
  assert.ok(joined.ok, JSON.stringify(joined));
  return { appointment, email, clinician, room, client };
}

const outcome = (answer: Answer) => {
  const body = answer.body as { resourceType?: string; issue?: { diagnostics?: string }[] };
  assert.equal(body.resourceType, 'OperationOutcome', JSON.stringify(answer.body));
  return body.issue?.[0]?.diagnostics ?? '';
};

/** The storage engines: PGlite always; PostgreSQL when DATABASE_URL is set (as .ci/run does). */
const ENGINES = [
  { name: 'PGlite', skip: undefined },
  { name: 'PostgreSQL', skip: process.env['DATABASE_URL'] ? undefined : 'DATABASE_URL is not set' },
];

after(() => janus.stop?.());

for (const engine of ENGINES)
  describe(`rooms on Janus (${engine.name})`, () => {
    /** Each test is skipped (and counted) on its own when Janus, or the engine, is not here. */
    const why = skip ?? engine.skip;
    const test = (name: string, fn: () => Promise<void>) => it(name, { skip: why }, fn);
    let database: { url: string; dispose(): Promise<void> } | undefined;

    before(async () => {
      if (why) return;
      if (engine.name === 'PostgreSQL') database = await freshPostgresDatabase();
      ({ server, url } = await startTestServer(
        {
          ...(database ? { DATABASE_URL: database.url } : {}),
          CONSULTKIT_SEED_DEMO: 'false',
          CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
          ...janusSettings(janus),
        },
        {},
        { now: () => TEST_NOW },
      ));
      fixture = await seedBookingFixture(server.storage);
      admin = new JanusAdmin({ url: janus.adminUrl, adminSecret: janus.adminSecret });
    });
    after(async () => {
      if (why) return;
      for (const client of clients.splice(0)) client.close();
      for (const ws of sockets.splice(0)) ws.close();
      await server?.close();
      await database?.dispose();
    });

    test('makes a room for the consultation; its participants join it as publishers with their tokens', async () => {
      const { appointment, email } = await videoAppointment();
      const clinician = await clinicianSession(appointment);
      const answer = await askRoom(appointment.id, clinician);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const room = answer.body;
      assert.equal(room.janusUrl, janus.wsUrl);
      assert.equal(room.plugin, 'janus.plugin.videoroom');
      assert.ok(await admin.roomExists(room.room), 'the room exists on Janus');
      assert.ok(room.pin.length >= 16 && room.token.length >= 32);
      assert.ok(room.publishers >= 6);
      assert.deepEqual(room.simulcast.rids, ['h', 'm', 'l']);

      const clinicianClient = await attached(room.token);
      const joined = await publish(clinicianClient, room.room, room.pin, room.token, room.publisherId);
      assert.ok(joined.ok, JSON.stringify(joined));
      assert.equal(joined.data['videoroom'], 'joined');
      assert.equal(joined.data['id'], room.publisherId);

      // The patient (cookie, as the join page sends it) gets the same room, its own token.
      const patient = await patientSession(email, appointment.id);
      const mine = await call<SfuAccess>('POST', `/api/consultations/${appointment.id}/sfu`, {
        headers: { cookie: patient.cookie },
      });
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.equal(mine.body.room, room.room);
      assert.notEqual(mine.body.token, room.token);
      const patientClient = await attached(mine.body.token);
      const patientJoined = await publish(patientClient, mine.body.room, mine.body.pin, mine.body.token);
      assert.ok(patientJoined.ok, JSON.stringify(patientJoined));
      assert.deepEqual(
        ((patientJoined.data['attendees'] ?? []) as { id: number }[])
          .concat((patientJoined.data['publishers'] ?? []) as { id: number }[])
          .map((p) => p.id),
        [room.publisherId],
        'the patient sees the clinician in the room',
      );
      // Asking again gives the same room: one room per consultation.
      assert.equal((await access(appointment.id, clinician)).room, room.room);
    });

    test('a waiting patient is refused the video room (403), by bearer and by cookie; once admitted, let in', async () => {
      const { appointment, email } = await videoAppointment();
      const outbox = await call<{ messages: { to: string; text: string }[] }>('GET', '/api/outbox', { headers: STAFF });
      assert.ok(outbox.body.messages.some((m) => m.to === email));
      const patient = await patientSession(email, appointment.id, { waiting: true });
      // Not yet in the room at all (no socket), then waiting in it: refused either way.
      const before = await askRoom(appointment.id, patient.token);
      assert.equal(before.status, 403, JSON.stringify(before.body));
      assert.match(outcome(before), /once the clinician has let you in/);
      const ticket = (
        await call<{ token: string; peerId: string }>('POST', '/api/join/resume', {
          headers: { cookie: patient.cookie },
        })
      ).body;
      const clinician = await call<{ peerId: string; token: string }>(
        'POST',
        `/api/consultations/${appointment.id}/clinician-token`,
        { headers: STAFF },
      );
      const gp = await signal(clinician.body.peerId, clinician.body.token);
      const pt = await signal(ticket.peerId, ticket.token);
      // The clinician's page sees the patient waiting: the roster the refusal is judged on has them.
      await until(
        async () =>
          gp.received.some(
            (m) =>
              m.type === 'CK-ROSTER' &&
              (m.payload as { participants: { peerId: string; admitted: boolean }[] }).participants.some(
                (p) => p.peerId === ticket.peerId && !p.admitted,
              ),
          ),
        'the patient waiting',
        30_000,
      );
      for (const headers of [{ authorization: `Bearer ${patient.token}` }, { cookie: patient.cookie }]) {
        const waiting = await call('POST', `/api/consultations/${appointment.id}/sfu`, { headers });
        assert.equal(waiting.status, 403, JSON.stringify(waiting.body));
        outcome(waiting);
      }
      assert.equal((await askRoom(appointment.id, patient.token)).status, 403, 'asking again changes nothing');
      gp.ws.send(JSON.stringify({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } }));
      await until(
        async () =>
          pt.received.some(
            (m) =>
              m.type === 'CK-ROSTER' &&
              (m.payload as { participants: { peerId: string; admitted: boolean }[] }).participants.some(
                (p) => p.peerId === ticket.peerId && p.admitted,
              ),
          ),
        'the patient admitted',
        30_000,
      );
      const admitted = await askRoom(appointment.id, patient.token);
      assert.equal(admitted.status, 200, JSON.stringify(admitted.body));
      assert.equal(typeof admitted.body.room, 'number');
    });

    test("a token of consultation X cannot join or subscribe in Y's room, at Janus or through our endpoint", async () => {
      const y = await liveRoom();
      const { appointment: xAppointment } = await videoAppointment();
      const xSession = await clinicianSession(xAppointment);
      const x = await access(xAppointment.id, xSession);
      assert.notEqual(x.room, y.room.room);

      // Through our endpoint: X's session asks for Y's room.
      const crossed = await askRoom(y.appointment.id, xSession);
      assert.equal(crossed.status, 403);
      assert.match(outcome(crossed), /another appointment/);

      // Straight at Janus, with X's token (which Janus holds: it works in X's room).
      const client = await attached(x.token);
      refusedWith(await publish(client, y.room.room, x.pin, x.token), 433, /wrong pin/);
      refusedWith(await subscribe(client, y.room.room, x.pin, x.token, y.room.publisherId), 433, /wrong pin/);
      refusedWith(await subscribe(client, y.room.room, '', x.token, y.room.publisherId), 433, /pin/);
      // Even with Y's pin (leaked), X's token is not on Y's list of publishers. (Subscribing with a
      // leaked pin is refused for want of a publisher's private id: e2e/janus-simulcast.test.ts,
      // where the feeds have media.)
      refusedWith(await publish(client, y.room.room, y.room.pin, x.token), 433, /not in the allowed list/);
      // X cannot manage Y's room either: no secret, no admin key.
      refusedWith(await client.videoroom({ request: 'destroy', room: y.room.room, secret: x.pin }), 433, /secret/);
      refusedWith(await client.videoroom({ request: 'create', room: 4242 }), 429, /admin_key/);
      assert.ok(await admin.roomExists(y.room.room));
      // And in its own room the same token is welcome.
      const own = await publish(client, x.room, x.pin, x.token);
      assert.ok(own.ok, JSON.stringify(own));
    });

    test('participants asking at once get one room, each with a token that works', async () => {
      const { appointment, email } = await videoAppointment();
      const sessions = [await clinicianSession(appointment), await clinicianSession(appointment)];
      sessions.push((await patientSession(email, appointment.id)).token);
      const answers = await Promise.all(sessions.map((session) => access(appointment.id, session)));
      assert.equal(new Set(answers.map((a) => a.room)).size, 1, JSON.stringify(answers.map((a) => a.room)));
      assert.equal(new Set(answers.map((a) => a.token)).size, 3);
      for (const answer of answers) {
        const joined = await publish(
          await attached(answer.token),
          answer.room,
          answer.pin,
          answer.token,
          answer.publisherId,
        );
        assert.ok(joined.ok, JSON.stringify(joined));
      }
    });

    test('Janus itself refuses a made-up token, and no token at all', async () => {
      const { room } = await liveRoom();
      for (const token of ['made-up-token', room.token.slice(0, -2) + 'xx', undefined]) {
        const { refused } = await bare(token);
        assert.equal(refused?.code, 403, `token ${token}: ${JSON.stringify(refused)}`);
      }
    });

    test('a revoked session: its token stops working in Janus, its publishers (camera and screen) are kicked, the pin changes', async () => {
      const { appointment, email, clinician, room } = await liveRoom();
      const patient = await patientSession(email, appointment.id);
      const before = await access(appointment.id, patient.token);
      const patientClient = await attached(before.token);
      const joined = await publish(patientClient, before.room, before.pin, before.token, before.publisherId);
      assert.ok(joined.ok, JSON.stringify(joined));
      // Sharing a screen too: a second publisher of the same session, which must go with it.
      assert.notEqual(before.screenPublisherId, before.publisherId);
      const screenClient = await attached(before.token);
      const screen = await publish(screenClient, before.room, before.pin, before.token, before.screenPublisherId);
      assert.ok(screen.ok, JSON.stringify(screen));

      // The practice sends a new link: the patient's session is revoked.
      const fresh = await call('POST', `/api/consultations/${appointment.id}/invitations`, { headers: STAFF });
      assert.equal(fresh.status, 201);
      const watcher = await attached(room.token);
      const participants = async () => {
        const list = await watcher.videoroom({ request: 'listparticipants', room: room.room });
        return ((list.ok ? list.data['participants'] : []) as { id: number }[]).map((p) => p.id);
      };
      await until(async () => !(await participants()).includes(before.publisherId), 'the patient kicked');
      await until(
        async () => !(await participants()).includes(before.screenPublisherId),
        "the patient's screen kicked",
      );
      await until(async () => (await bare(before.token)).refused?.code === 403, 'the revoked token refused');
      // Its Janus session, still open, can do nothing more.
      const again = await patientClient.videoroom({ request: 'listparticipants', room: room.room });
      assert.equal(again.ok, false);
      assert.equal(!again.ok && again.from, 'janus');
      // The old pin no longer lets anyone subscribe (the clinician's token stands in for a holder).
      const fresh2 = await access(appointment.id, clinician);
      assert.notEqual(fresh2.pin, before.pin);
      const other = await attached(room.token);
      refusedWith(await subscribe(other, room.room, before.pin, room.token, room.publisherId), 433, /wrong pin/);
      // Our endpoint refuses the revoked session.
      const refused = await askRoom(appointment.id, patient.token);
      assert.equal(refused.status, 410);
      outcome(refused);
      // The patient's new link gives a new session and a token that works.
      const next = await patientSession(email, appointment.id);
      const renewed = await access(appointment.id, next.token);
      assert.notEqual(renewed.token, before.token);
      const back = await publish(await attached(renewed.token), renewed.room, renewed.pin, renewed.token);
      assert.ok(back.ok, JSON.stringify(back));
    });

    test('the room is destroyed when the consultation is fulfilled, and its tokens removed', async () => {
      const { appointment, clinician, room } = await liveRoom();
      const done = await call('POST', `/api/consultations/${appointment.id}/fulfilled`, {
        headers: { authorization: `Bearer ${clinician}` },
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      await until(async () => !(await admin.roomExists(room.room)), 'the room destroyed');
      await until(async () => (await bare(room.token)).refused?.code === 403, 'the token removed');
      const after = await askRoom(appointment.id, clinician);
      assert.equal(after.status, 410);
      assert.match(outcome(after), /ended/);
    });

    test('the room is destroyed when the appointment is cancelled', async () => {
      const { appointment, room } = await liveRoom();
      const current = (await call<Appointment>('GET', `/fhir/Appointment/${appointment.id}`, { headers: STAFF })).body;
      const cancelled = await call('PUT', `/fhir/Appointment/${appointment.id}`, {
        body: { ...current, status: 'cancelled' },
        headers: { ...STAFF, 'if-match': `W/"${current.meta!.versionId}"` },
      });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      await until(async () => !(await admin.roomExists(room.room)), 'the room destroyed');
      await until(async () => (await bare(room.token)).refused?.code === 403, 'the token removed');
    });

    test('a stranger gets 401; odd input gets an OperationOutcome, never a 5xx', async () => {
      const { appointment, clinician } = await liveRoom();
      const stranger = await call('POST', `/api/consultations/${appointment.id}/sfu`);
      assert.equal(stranger.status, 401);
      outcome(stranger);
      const forged = await askRoom(appointment.id, 'not-a-session');
      assert.equal(forged.status, 401);
      outcome(forged);
      const bearer = { authorization: `Bearer ${clinician}` };
      const odd: [string, Parameters<typeof call>[2]][] = [
        ['/api/consultations/abc/sfu', { headers: bearer }],
        ['/api/consultations/-1/sfu', { headers: bearer }],
        ['/api/consultations/99999999999999999999/sfu', { headers: bearer }],
        ['/api/consultations/%00/sfu', { headers: bearer }],
        ['/api/consultations/%E2%80%AE1/sfu', { headers: bearer }],
        ['/api/consultations/999999/sfu', { headers: bearer }],
        [
          `/api/consultations/${appointment.id}/sfu`,
          { headers: { ...bearer, 'content-type': 'application/json' }, body: '{"' },
        ],
        [
          `/api/consultations/${appointment.id}/sfu`,
          { headers: { ...bearer, 'content-type': 'text/xml' }, body: '<a/>' },
        ],
        [`/api/consultations/${appointment.id}/sfu`, { headers: { authorization: 'Bearer' } }],
        [`/api/consultations/${appointment.id}/sfu`, { headers: { cookie: 'ck_session=%%%' } }],
        [`/api/consultations/${appointment.id}/sfu`, { headers: { authorization: `Bearer ${'x'.repeat(5000)}` } }],
      ];
      for (const [path, options] of odd) {
        const answer = await call('POST', path, options);
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
        outcome(answer);
      }
      const get = await call('GET', `/api/consultations/${appointment.id}/sfu`, { headers: bearer });
      assert.equal(get.status, 404);
      outcome(get);
    });
  });

describe('rooms on Janus: without Janus', () => {
  it('a server without Janus says so (404 not-supported); one whose Janus is down answers 503', async (t: TestContext) => {
    const plain = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440' },
      {},
      {
        now: () => TEST_NOW,
      },
    );
    t.after(() => plain.server.close());
    ({ server, url } = plain);
    fixture = await seedBookingFixture(server.storage);
    const { appointment } = await videoAppointment();
    const none = await askRoom(appointment.id, await clinicianSession(appointment));
    assert.equal(none.status, 404);
    assert.match(outcome(none), /no video room service/);

    // A Janus that is not there: port 9 (discard) on loopback.
    const down = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        CONSULTKIT_JANUS_URL: 'ws://127.0.0.1:9',
        CONSULTKIT_JANUS_ADMIN_URL: 'http://127.0.0.1:9/admin',
        CONSULTKIT_JANUS_ADMIN_SECRET: 'a-secret-of-some-length',
      },
      {},
      { now: () => TEST_NOW },
    );
    t.after(() => down.server.close());
    ({ server, url } = down);
    fixture = await seedBookingFixture(server.storage);
    const { appointment: other } = await videoAppointment();
    const unavailable = await askRoom(other.id, await clinicianSession(other));
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get('retry-after'), '5');
    assert.match(outcome(unavailable), /not available/);
  });
});
