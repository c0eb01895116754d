/**
 * Join links end to end through the HTTP API, and every attack on them: forged, foreign-key,
 * unsigned, expired, early, reused, revoked, wrong role, another appointment. A real server on a
 * clock the tests move, with the small fixture practice.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import WebSocket from 'ws';
import { DEFAULT_SERVE, type ConsultKitServer } from '../app.js';
import {
  appointmentRequest,
  type BookingFixture,
  caller,
  joinProblem,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
} from '../test-helpers.js';

const MINUTE = 60_000;

let server: ConsultKitServer;
let url: string;
let fixture: BookingFixture;
let clock = TEST_NOW;

const call = caller(() => url);

let patients = 0;
/** Books and confirms a video (or other) appointment at the next free GP slot on 3 March 2026. */
async function confirmedAppointment(channel = 'Video'): Promise<{ appointment: Appointment; email: string }> {
  const bundle = (
    await call<Bundle>(
      'GET',
      `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-03&_count=100`,
    )
  ).body;
  // The first free slot: earlier tests took the ones before it.
  const slot = bundle.entry!.find((e) => e.search?.mode === 'match')!.resource as Slot;
  const email = `patient${++patients}@example.org`;
  const booked = await call<Appointment>('POST', '/fhir/Appointment', {
    body: appointmentRequest(slot, email, { channel: channel }),
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const confirmed = await call<Appointment>('PUT', `/fhir/Appointment/${booked.body.id}`, {
    body: { ...booked.body, status: 'booked' },
    headers: { ...STAFF, 'if-match': `W/"${booked.body.meta!.versionId}"` },
  });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { appointment: confirmed.body, email };
}

/** The newest outbox message to `email`. */
async function lastMessageTo(email: string): Promise<{ subject: string; text: string } | undefined> {
  const outbox = await call<{ messages: { to: string; subject: string; text: string }[] }>('GET', '/api/outbox', {
    headers: STAFF,
  });
  return outbox.body.messages.find((m) => m.to === email);
}

async function joinLinkFor(email: string): Promise<string> {
  const message = await lastMessageTo(email);
  const link = /(http:\/\/\S+\/join\/(\S+))/.exec(message?.text ?? '');
  assert.ok(link, `a join link in: ${message?.text}`);
  return link[2]!;
}

const redeem = (token: unknown, role?: string) =>
  call('POST', '/api/join/redeem', { body: role === undefined ? { token } : { token, role } });

/** The appointment starts at 09:xx on 3 March: move the clock to 5 minutes before it. */
function aroundStart(appointment: Appointment, offsetMinutes = -5): void {
  clock = Date.parse(appointment.start!) + offsetMinutes * MINUTE;
}

/** Opens the signalling socket with a ticket; resolves to 'open' or the refusal's status. */
function signal(peerId: string, token: string): Promise<string | number> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${peerId}&token=${token}`);
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('message', () => {
      resolve('open');
      ws.close();
    });
    ws.on('error', () => undefined);
  });
}

describe('join links', () => {
  before(async () => {
    // Many bookings and wrong links from one address: no rate limits here (rate-limit.test.ts has them).
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_RATE_LIMITS: 'off' },
      { joinPage: DEFAULT_SERVE.joinPage },
      { now: () => clock },
    ));
    fixture = await seedBookingFixture(server.storage);
  });
  after(() => server.close());
  beforeEach(() => {
    clock = TEST_NOW;
  });

  it('confirming a video appointment e-mails the patient a join link; other channels get none', async () => {
    const { email } = await confirmedAppointment('Video');
    const message = await lastMessageTo(email);
    assert.match(message!.text, /Join: +http:\/\/127\.0\.0\.1:\d+\/join\/[\w-]+\.[\w-]+\.[\w-]+/);
    const phone = await confirmedAppointment('Telephone');
    assert.doesNotMatch((await lastMessageTo(phone.email))!.text, /\/join\//);
  });

  it('the link is a signed EdDSA JWT for the patient, valid from 15 minutes before to an hour after', async () => {
    const { appointment, email } = await confirmedAppointment();
    const token = await joinLinkFor(email);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string };
    const claims = decodeJwt(token);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(claims['role'], 'patient');
    assert.equal(claims.sub, appointment.id);
    assert.ok(typeof claims.jti === 'string' && claims.jti.length >= 20);
    assert.equal(claims.nbf! * 1000, Date.parse(appointment.start!) - 15 * MINUTE);
    assert.equal(claims.exp! * 1000, Date.parse(appointment.end!) + 60 * MINUTE);
  });

  it('GET /join/{token} serves the join page without consuming the link (mail scanners prefetch)', async () => {
    const { appointment, email } = await confirmedAppointment();
    const token = await joinLinkFor(email);
    for (let i = 0; i < 3; i++) {
      const page = await call('GET', `/join/${token}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    }
    aroundStart(appointment);
    assert.equal((await redeem(token)).status, 200);
  });

  it('redeeming starts a session: a ticket for this consultation and an HttpOnly, SameSite=Strict cookie', async () => {
    const { appointment, email } = await confirmedAppointment();
    aroundStart(appointment);
    const answer = await redeem(await joinLinkFor(email), 'patient');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const ticket = answer.body as {
      consultationId: string;
      role: string;
      peerId: string;
      remotePeerId: string;
      token: string;
    };
    assert.equal(ticket.consultationId, `appt-${appointment.id}`);
    assert.equal(ticket.role, 'patient');
    assert.equal(ticket.peerId, server.tokens.peerId(ticket.consultationId, 'patient'));
    assert.equal(ticket.remotePeerId, server.tokens.peerId(ticket.consultationId, 'clinician'));
    const cookie = answer.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^ck_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    // Measured by the server's clock (this test's, months before the real one): the cookie lives
    // until the session expires, rather than having expired at once.
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    const expiresAt = Date.parse((answer.body as { expiresAt: string }).expiresAt);
    assert.ok(maxAge > 0, `Max-Age ${maxAge}`);
    assert.ok(
      Math.abs(maxAge * 1000 - (expiresAt - clock)) < 5_000,
      `Max-Age ${maxAge} s, expires ${expiresAt - clock} ms on`,
    );
    assert.equal(await signal(ticket.peerId, ticket.token), 'open');
  });

  describe('attacks', () => {
    it('reused: a link works once, also when redeemed twenty times at once', async () => {
      const { appointment, email } = await confirmedAppointment();
      const token = await joinLinkFor(email);
      aroundStart(appointment);
      const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(token)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array(19).fill(410)]);
      const again = await redeem(token);
      assert.equal(again.status, 410);
      assert.equal(joinProblem(again), 'used');
      assert.match(JSON.stringify(again.body), /already been used/);
    });

    it('forged: a changed signature, or a changed payload with the old signature', async () => {
      const { appointment, email } = await confirmedAppointment();
      const token = await joinLinkFor(email);
      aroundStart(appointment);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const flipped = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'clinician' })).toString('base64url')}.${signature}`;
      for (const bad of [flipped, tampered]) {
        const answer = await redeem(bad);
        assert.equal(answer.status, 401);
        assert.equal(joinProblem(answer), 'invalid');
      }
      assert.equal((await redeem(token)).status, 200, 'the genuine link still works');
    });

    it('signed with another key, or not signed at all (alg none)', async () => {
      const { appointment, email } = await confirmedAppointment();
      aroundStart(appointment);
      const claims = decodeJwt(await joinLinkFor(email));
      const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const forged = await new SignJWT({ role: 'patient' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer('consultkit')
        .setAudience('consultkit:join')
        .setSubject(String(claims.sub))
        .setJti('forged-jti-forged-jti')
        .setNotBefore(claims.nbf!)
        .setExpirationTime(claims.exp!)
        .sign(foreign.privateKey);
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
      for (const bad of [forged, unsigned]) {
        const answer = await redeem(bad);
        assert.equal(answer.status, 401, JSON.stringify(answer.body));
        assert.equal(joinProblem(answer), 'invalid');
      }
    });

    it('not yet valid: says when the link opens', async () => {
      const { appointment, email } = await confirmedAppointment();
      aroundStart(appointment, -60);
      const answer = await redeem(await joinLinkFor(email));
      assert.equal(answer.status, 422);
      assert.equal(joinProblem(answer), 'early');
      assert.match(JSON.stringify(answer.body), /does not work yet/);
      assert.match(
        JSON.stringify(answer.body),
        new RegExp(new Date(Date.parse(appointment.start!) - 15 * MINUTE).toISOString()),
      );
    });

    it('expired: an hour after the end it no longer works', async () => {
      const { appointment, email } = await confirmedAppointment();
      clock = Date.parse(appointment.end!) + 61 * MINUTE;
      const answer = await redeem(await joinLinkFor(email));
      assert.equal(answer.status, 422);
      assert.equal(joinProblem(answer), 'expired');
    });

    it('revoked: a fresh link from reception replaces the old one, which then says so', async () => {
      const { appointment, email } = await confirmedAppointment();
      const old = await joinLinkFor(email);
      assert.equal((await call('POST', `/api/consultations/${appointment.id}/invitations`)).status, 401);
      const fresh = await call<{ url: string; revoked: number }>(
        'POST',
        `/api/consultations/${appointment.id}/invitations`,
        {
          headers: STAFF,
        },
      );
      assert.equal(fresh.status, 201);
      assert.equal(fresh.body.revoked, 1);
      const newToken = await joinLinkFor(email);
      assert.notEqual(newToken, old);
      assert.match((await lastMessageTo(email))!.text, /Any earlier link no longer works/);
      aroundStart(appointment);
      const answer = await redeem(old);
      assert.equal(answer.status, 410);
      assert.equal(joinProblem(answer), 'revoked');
      assert.equal((await redeem(newToken)).status, 200);
    });

    it('wrong role: a patient link opened as a clinician, and a patient doing the clinician’s step', async () => {
      const { appointment, email } = await confirmedAppointment();
      aroundStart(appointment);
      const token = await joinLinkFor(email);
      const asClinician = await redeem(token, 'clinician');
      assert.equal(asClinician.status, 403);
      assert.equal(joinProblem(asClinician), 'wrong-role');
      const patient = (await redeem(token, 'patient')).body as { token: string; peerId: string };
      const fulfil = await call('POST', `/api/consultations/${appointment.id}/fulfilled`, {
        headers: { authorization: `Bearer ${patient.token}` },
      });
      assert.equal(fulfil.status, 403);
      // Nor can the patient's session signal as the clinician.
      const clinicianId = server.tokens.peerId(`appt-${appointment.id}`, 'clinician');
      assert.equal(await signal(clinicianId, patient.token), 401);
    });

    it('other appointment: a session for A cannot act on B, nor signal as B', async () => {
      const a = await confirmedAppointment();
      const b = await confirmedAppointment();
      aroundStart(a.appointment);
      const ticket = (await redeem(await joinLinkFor(a.email))).body as { token: string };
      const arrived = await call('POST', `/api/consultations/${b.appointment.id}/arrived`, {
        headers: { authorization: `Bearer ${ticket.token}` },
      });
      assert.equal(arrived.status, 403);
      assert.equal(await signal(server.tokens.peerId(`appt-${b.appointment.id}`, 'patient'), ticket.token), 401);
    });

    it('garbage tokens and bodies get a clear 4xx, never a 500', async () => {
      for (const body of [
        {},
        { token: 7 },
        { token: '' },
        { token: 'a.b.c' },
        { token: 'x'.repeat(5000) },
        { token: 'ok', role: 'surgeon' },
      ]) {
        const answer = await call('POST', '/api/join/redeem', { body });
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${JSON.stringify(body).slice(0, 40)} → ${answer.status}`,
        );
        assert.equal((answer.body as { resourceType?: string }).resourceType, 'OperationOutcome');
      }
      const raw = await fetch(`${url}/api/join/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"token":',
      });
      assert.equal(raw.status, 400);
    });
  });

  it('reception can also make a clinician invitation: returned, not e-mailed, role-bound', async () => {
    const { appointment, email } = await confirmedAppointment();
    const before = (await lastMessageTo(email))!.text;
    const answer = await call<{ url: string; role: string; emailed: boolean }>(
      'POST',
      `/api/consultations/${appointment.id}/invitations`,
      { body: { role: 'clinician' }, headers: STAFF },
    );
    assert.equal(answer.status, 201);
    assert.equal(answer.body.role, 'clinician');
    assert.equal(answer.body.emailed, false);
    assert.equal((await lastMessageTo(email))!.text, before, 'nothing new was sent to the patient');
    aroundStart(appointment);
    const token = answer.body.url.split('/join/')[1]!;
    assert.equal(joinProblem(await redeem(token, 'patient')), 'wrong-role');
    const ticket = (await redeem(token, 'clinician')).body as { role: string };
    assert.equal(ticket.role, 'clinician');
    const bad = await call('POST', `/api/consultations/${appointment.id}/invitations`, {
      body: { role: 'guest' },
      headers: STAFF,
    });
    assert.equal(bad.status, 400);
  });

  describe('sessions', () => {
    it('the patient arriving marks the appointment arrived; the clinician ending marks it fulfilled', async () => {
      const { appointment, email } = await confirmedAppointment();
      aroundStart(appointment);
      const patient = (await redeem(await joinLinkFor(email))).body as { token: string };
      const arrived = await call('POST', `/api/consultations/${appointment.id}/arrived`, {
        headers: { authorization: `Bearer ${patient.token}` },
      });
      assert.equal(arrived.status, 200, JSON.stringify(arrived.body));
      const status = async () =>
        (await call<Appointment>('GET', `/fhir/Appointment/${appointment.id}`, { headers: STAFF })).body.status;
      assert.equal(await status(), 'arrived');
      const clinician = await call<{ token: string; role: string; remotePeerId: string }>(
        'POST',
        `/api/consultations/${appointment.id}/clinician-token`,
        { headers: STAFF },
      );
      assert.equal(clinician.status, 200);
      assert.equal(clinician.body.role, 'clinician');
      assert.equal(clinician.body.remotePeerId, server.tokens.peerId(`appt-${appointment.id}`, 'patient'));
      const fulfilled = await call('POST', `/api/consultations/${appointment.id}/fulfilled`, {
        headers: { authorization: `Bearer ${clinician.body.token}` },
      });
      assert.equal(fulfilled.status, 200);
      assert.equal(await status(), 'fulfilled');
    });

    it('clinician tokens need the staff key', async () => {
      const { appointment } = await confirmedAppointment();
      assert.equal((await call('POST', `/api/consultations/${appointment.id}/clinician-token`)).status, 401);
      assert.equal((await call('POST', '/api/consultations/999999/clinician-token', { headers: STAFF })).status, 404);
    });

    it('ICE servers need a session, and are only ours: none configured means none', async () => {
      const { appointment, email } = await confirmedAppointment();
      aroundStart(appointment);
      const ticket = (await redeem(await joinLinkFor(email))).body as { token: string; iceServers: unknown[] };
      assert.deepEqual(ticket.iceServers, []);
      assert.equal((await call('GET', '/api/ice-servers')).status, 401);
      const answer = await call('GET', '/api/ice-servers', { headers: { authorization: `Bearer ${ticket.token}` } });
      assert.deepEqual(answer.body, { iceServers: [] });
    });
  });
});

describe('TURN credentials for sessions', () => {
  it('mints time-limited coturn REST credentials for the configured TURN servers', async () => {
    let now = TEST_NOW;
    const { server: turnServer, url: turnUrl } = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_TURN_URLS: 'turn:turn.example.nhs.uk:3478?transport=udp,turns:turn.example.nhs.uk:5349',
        CONSULTKIT_TURN_SECRET: 'shared-secret',
      },
      {},
      { now: () => now },
    );
    try {
      // A real session (ICE servers need a live one): an appointment booked on the fixture's clock,
      // its session row valid for an hour of today.
      const { gp } = await seedBookingFixture(turnServer.storage);
      const [slot] = await turnServer.storage.query<{ id: number; start_at: Date; end_at: Date }>(
        `SELECT id, start_at, end_at FROM slot WHERE schedule_id = $1 AND status = 'free' AND start_at > $2 ORDER BY start_at LIMIT 1`,
        [gp.scheduleId, new Date(TEST_NOW)],
      );
      const { appointment } = await turnServer.booking.book({
        slotId: slot!.id,
        start: new Date(slot!.start_at).getTime(),
        end: new Date(slot!.end_at).getTime(),
        channel: 'Video',
        patient: { name: [{ given: ['Ada'], family: 'Turn' }], birthDate: '1980-01-01', email: 'turn@example.org' },
      });
      now = Date.now();
      const { token, claims } = turnServer.tokens.issue(`appt-${appointment.id}`, 'patient', { sid: 'session' });
      await turnServer.storage.query(
        `INSERT INTO join_session (id, appointment_id, role, peer_id, created_at, expires_at)
         VALUES ('session', $1, 'patient', $2, $3, $4)`,
        [appointment.id, claims.pid, new Date(now), new Date(now + 3_600_000)],
      );
      const answer = (await (
        await fetch(`${turnUrl}/api/ice-servers`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { iceServers: { urls: string[]; username: string; credential: string }[] };
      const [server] = answer.iceServers;
      assert.deepEqual(server!.urls, ['turn:turn.example.nhs.uk:3478?transport=udp', 'turns:turn.example.nhs.uk:5349']);
      assert.match(server!.username, /^\d+:consultkit$/);
      assert.ok(Number(server!.username.split(':')[0]) * 1000 > Date.now());
      assert.ok(server!.credential.length > 20);
    } finally {
      await turnServer.close();
    }
  });
});
