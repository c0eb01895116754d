/**
 * Sessions bound to the appointment's state, attacked from outside: after a cancel, a decline, a
 * reschedule or a new link, an old session's live socket is closed with the reason, it can no
 * longer open signalling nor get TURN credentials; the old link of a moved appointment says so;
 * a reload finds its session again (resume) without redeeming the link twice.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import { decodeJwt } from 'jose';
import WebSocket from 'ws';
import { DEFAULT_SERVE, type ConsultKitServer } from '../app.js';
import {
  type Answer,
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

/** The first `count` free GP slots on `day` (2026-03-xx). */
async function freeSlots(day: string, count = 1): Promise<Slot[]> {
  const bundle = (
    await call<Bundle>(
      'GET',
      `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=${day}&_count=100`,
    )
  ).body;
  return bundle
    .entry!.filter((e) => e.search?.mode === 'match')
    .map((e) => e.resource as Slot)
    .slice(0, count);
}

/** Books a video appointment at the first free GP slot of `day`; `confirm` makes it booked. */
async function videoAppointment(day: string, confirm = true): Promise<{ appointment: Appointment; email: string }> {
  const [slot] = await freeSlots(day);
  const email = `session${++patients}@example.org`;
  const booked = await call<Appointment>('POST', '/fhir/Appointment', {
    body: appointmentRequest(slot, email),
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  if (!confirm) return { appointment: booked.body, email };
  const confirmed = await change(booked.body, { status: 'booked' });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { appointment: confirmed.body, email };
}

/** Staff change an appointment (the current version is read first). */
async function change(appointment: Appointment, changes: Partial<Appointment>): Promise<Answer<Appointment>> {
  const current = (await call<Appointment>('GET', `/fhir/Appointment/${appointment.id}`, { headers: STAFF })).body;
  return call<Appointment>('PUT', `/fhir/Appointment/${appointment.id}`, {
    body: { ...current, ...changes },
    headers: { ...STAFF, 'if-match': `W/"${current.meta!.versionId}"` },
  });
}

async function messagesTo(email: string): Promise<{ subject: string; text: string }[]> {
  const outbox = await call<{ messages: { to: string; subject: string; text: string }[] }>('GET', '/api/outbox', {
    headers: STAFF,
  });
  return outbox.body.messages.filter((m) => m.to === email);
}

/**
 * The newest message to `email` whose subject matches `subject`, once it is in the outbox: a
 * change's e-mail may be queued just after its answer, so this waits (10 s at most) for it.
 */
async function messageTo(email: string, subject: RegExp): Promise<{ subject: string; text: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await messagesTo(email)).find((m) => subject.test(m.subject));
    if (found) return found;
    assert.ok(Date.now() < deadline, `no message to ${email} with a subject like ${subject}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The join link in the newest message to `email`. */
async function joinLinkFor(email: string): Promise<string> {
  const [message] = await messagesTo(email);
  const link = /http:\/\/\S+\/join\/(\S+)/.exec(message?.text ?? '');
  assert.ok(link, `a join link in: ${message?.text}`);
  return link[1]!;
}

interface Ticket {
  token: string;
  peerId: string;
  remotePeerId: string;
  appointmentId: string;
  role: string;
}

/** Redeems a link; returns the ticket and the session cookie as a browser would send it back. */
async function redeem(link: string): Promise<{ ticket: Ticket; cookie: string }> {
  const answer = await call<Ticket>('POST', '/api/join/redeem', { body: { token: link } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const cookie = answer.headers.get('set-cookie')!.split(';')[0]!;
  return { ticket: answer.body, cookie };
}

const iceServers = (token: string) =>
  call('GET', '/api/ice-servers', { headers: { authorization: `Bearer ${token}` } });

interface Socket {
  /** 'open' once the server said OPEN, or the status the upgrade was refused with. */
  outcome: Promise<'open' | number>;
  received: { type: string; src?: string; payload?: { reason?: string } }[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: object): void;
  close(): void;
}

/** A bare PeerJS-protocol socket with a ticket, as an attacker (or a reloading page) opens it. */
function socket(peerId: string, token: string): Socket {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/signal/peerjs?key=consultkit&id=${peerId}&token=${token}`);
  const received: Socket['received'] = [];
  const outcome = new Promise<'open' | number>((resolve, reject) => {
    setTimeout(() => reject(new Error('neither OPEN nor a refusal within 5 s')), 5000).unref();
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Socket['received'][number];
      received.push(message);
      if (message.type === 'OPEN') resolve('open');
    });
    ws.on('error', () => undefined);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
    setTimeout(() => reject(new Error('not closed within 5 s')), 5000).unref();
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  closed.catch(() => undefined);
  return {
    outcome,
    received,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
  };
}

/** A socket that must open. */
async function connected(peerId: string, token: string): Promise<Socket> {
  const s = socket(peerId, token);
  assert.equal(await s.outcome, 'open');
  return s;
}

/** The socket was told its session ended for `reason`, then closed. */
async function endedWith(s: Socket, reason: string): Promise<void> {
  const { code } = await s.closed;
  assert.equal(code, 4001);
  const ended = s.received.find((m) => m.type === 'CK-SESSION-ENDED');
  assert.deepEqual(ended?.payload, { reason });
}

/** Everything a revoked session may no longer do: signal (401), get TURN credentials (410). */
async function assertRevoked(ticket: Ticket, code: string): Promise<void> {
  assert.equal(await socket(ticket.peerId, ticket.token).outcome, 401);
  const ice = await iceServers(ticket.token);
  assert.equal(ice.status, 410);
  assert.equal(joinProblem(ice), code);
  const arrived = await call('POST', `/api/consultations/${ticket.appointmentId}/arrived`, {
    headers: { authorization: `Bearer ${ticket.token}` },
  });
  assert.equal(arrived.status, 410);
}

describe('sessions end with the appointment', () => {
  before(async () => {
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false' },
      { joinPage: DEFAULT_SERVE.joinPage },
      { now: () => clock },
    ));
    fixture = await seedBookingFixture(server.storage);
  });
  after(() => server.close());
  beforeEach(() => {
    clock = TEST_NOW;
  });

  /** Redeems the patient's link five minutes before the start; the patient's socket is open. */
  async function waitingPatient(day: string) {
    const { appointment, email } = await videoAppointment(day);
    clock = Date.parse(appointment.start!) - 5 * MINUTE;
    const { ticket, cookie } = await redeem(await joinLinkFor(email));
    assert.equal((await iceServers(ticket.token)).status, 200, 'a live session gets TURN credentials');
    const live = await connected(ticket.peerId, ticket.token);
    return { appointment, email, ticket, cookie, live };
  }

  it('a new link ends the earlier session of that role: socket closed (revoked), no signalling, 410', async () => {
    const { appointment, ticket, live, email } = await waitingPatient('2026-03-03');
    const clinician = await call<Ticket>('POST', `/api/consultations/${appointment.id}/clinician-token`, {
      headers: STAFF,
    });
    const clinicianSocket = await connected(clinician.body.peerId, clinician.body.token);
    const fresh = await call<{ revokedSessions: number }>('POST', `/api/consultations/${appointment.id}/invitations`, {
      headers: STAFF,
    });
    assert.equal(fresh.status, 201);
    assert.equal(fresh.body.revokedSessions, 1);
    await endedWith(live, 'revoked');
    await assertRevoked(ticket, 'revoked');
    // The clinician's session is another role's: untouched, still relaying.
    const next = await redeem(await joinLinkFor(email));
    const patient = await connected(next.ticket.peerId, next.ticket.token);
    clinicianSocket.send({ type: 'OFFER', dst: next.ticket.peerId, payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    await waitFor(() => patient.received.some((m) => m.type === 'OFFER'));
    patient.close();
    clinicianSocket.close();
  });

  it('cancelling ends every session: the waiting patient (arrived) is told "cancelled"', async () => {
    const { appointment, ticket, live } = await waitingPatient('2026-03-04');
    const arrived = await call('POST', `/api/consultations/${appointment.id}/arrived`, {
      headers: { authorization: `Bearer ${ticket.token}` },
    });
    assert.equal(arrived.status, 200);
    const clinician = (
      await call<Ticket>('POST', `/api/consultations/${appointment.id}/clinician-token`, { headers: STAFF })
    ).body;
    const clinicianSocket = await connected(clinician.peerId, clinician.token);
    const cancelled = await change(appointment, { status: 'cancelled' });
    assert.equal(cancelled.status, 200, 'staff can cancel an arrived appointment');
    assert.equal(cancelled.body.status, 'cancelled');
    await endedWith(live, 'cancelled');
    await endedWith(clinicianSocket, 'cancelled');
    await assertRevoked(ticket, 'cancelled');
    await assertRevoked(clinician, 'cancelled');
  });

  it('declining a request ends the sessions of links sent for it', async () => {
    const { appointment, email } = await videoAppointment('2026-03-05', false);
    const sent = await call('POST', `/api/consultations/${appointment.id}/invitations`, { headers: STAFF });
    assert.equal(sent.status, 201);
    clock = Date.parse(appointment.start!) - 5 * MINUTE;
    const { ticket } = await redeem(await joinLinkFor(email));
    const live = await connected(ticket.peerId, ticket.token);
    const declined = await change(appointment, { status: 'cancelled' });
    assert.equal(declined.status, 200);
    assert.equal(declined.body.cancelationReason!.coding![0]!.code, 'declined');
    await endedWith(live, 'cancelled');
    await assertRevoked(ticket, 'cancelled');
  });

  it('rescheduling ends the sessions, refuses the old link as rescheduled, and e-mails a link for the new time', async () => {
    // One patient already in (a session), and the old link of another not yet used.
    const { appointment, email, ticket, live } = await waitingPatient('2026-03-06');
    const [target] = (await freeSlots('2026-03-09')).slice(-1);
    clock = TEST_NOW;
    const moved = await change(appointment, {
      slot: [{ reference: `Slot/${target!.id}` }],
      start: target!.start,
      end: target!.end,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await endedWith(live, 'rescheduled');
    await assertRevoked(ticket, 'rescheduled');

    const mail = await messageTo(email, /Appointment moved/);
    assert.match(mail.text, /New time: +Monday 9 March 2026/);
    const newLink = /http:\/\/\S+\/join\/(\S+)/.exec(mail.text)![1]!;
    const claims = decodeJwt(newLink);
    assert.equal(claims.nbf, Date.parse(target!.start!) / 1000 - 15 * 60);
    assert.equal(claims.exp, Date.parse(target!.end!) / 1000 + 60 * 60);

    const other = await videoAppointment('2026-03-07');
    const oldLink = await joinLinkFor(other.email);
    const [later] = await freeSlots('2026-03-10');
    assert.equal(
      (
        await change(other.appointment, {
          slot: [{ reference: `Slot/${later!.id}` }],
          start: later!.start,
          end: later!.end,
        })
      ).status,
      200,
    );
    await messageTo(other.email, /Appointment moved/);
    // At the old time, and at the new one: the old link says the appointment moved.
    for (const at of [Date.parse(other.appointment.start!), Date.parse(later!.start!)]) {
      clock = at - 5 * MINUTE;
      const refused = await call('POST', '/api/join/redeem', { body: { token: oldLink } });
      assert.equal(refused.status, 410);
      assert.equal(joinProblem(refused), 'rescheduled');
      assert.match(JSON.stringify(refused.body), /moved to a new time/);
    }
    // The new link opens at the new time, not before.
    const fresh = await joinLinkFor(other.email);
    clock = Date.parse(other.appointment.start!) - 5 * MINUTE;
    const early = await call('POST', '/api/join/redeem', { body: { token: fresh } });
    assert.equal(joinProblem(early), 'early');
    clock = Date.parse(later!.start!) - 5 * MINUTE;
    assert.equal((await call('POST', '/api/join/redeem', { body: { token: fresh } })).status, 200);
  });

  describe('resume after a reload', () => {
    it('the cookie finds the session again: same ticket, the link not redeemed twice', async () => {
      const { appointment, ticket, cookie, email } = await waitingPatient('2026-03-12');
      const link = await joinLinkFor(email);
      const again = await call('POST', '/api/join/redeem', { body: { token: link } });
      assert.equal(joinProblem(again), 'used');
      for (const body of [undefined, { token: link }]) {
        const resumed = await call<Ticket>('POST', '/api/join/resume', {
          ...(body ? { body } : {}),
          headers: { cookie },
        });
        assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
        assert.equal(resumed.body.token, ticket.token);
        assert.equal(resumed.body.peerId, ticket.peerId);
        assert.equal(resumed.body.appointmentId, String(appointment.id));
        assert.match(resumed.headers.get('set-cookie') ?? '', /HttpOnly/);
      }
      // Where the page moves itself once joined (the link out of the address bar): still the page.
      const page = await call('GET', '/join/');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(page.headers.get('cache-control'), 'no-store');
    });

    it('no cookie, another link, a revoked session: refused with a join problem', async () => {
      const { appointment, cookie, email } = await waitingPatient('2026-03-13');
      const none = await call('POST', '/api/join/resume', {});
      assert.equal(none.status, 404);
      assert.equal(joinProblem(none), 'no-session');
      const other = await videoAppointment('2026-03-13');
      const otherLink = await joinLinkFor(other.email);
      const wrongLink = await call('POST', '/api/join/resume', { body: { token: otherLink }, headers: { cookie } });
      assert.equal(wrongLink.status, 404);
      assert.equal(joinProblem(wrongLink), 'no-session');
      const forged = await call('POST', '/api/join/resume', { body: { token: 'a.b.c' }, headers: { cookie } });
      assert.equal(forged.status, 401);
      const garbage = await call('POST', '/api/join/resume', { body: { token: 7 }, headers: { cookie } });
      assert.equal(garbage.status, 400);
      await call('POST', `/api/consultations/${appointment.id}/invitations`, { headers: STAFF });
      const revoked = await call('POST', '/api/join/resume', {
        body: { token: await joinLinkFor(email) },
        headers: { cookie },
      });
      assert.equal(revoked.status, 410);
      assert.equal(joinProblem(revoked), 'revoked');
    });
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
