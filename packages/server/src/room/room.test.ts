/**
 * The room on the server, from outside: bare `ws` clients speaking PeerJS's socket protocol and our
 * room messages, with tickets from the real join endpoints (clinician token, patient link, guest
 * link). The roster every page receives and how it changes; who may admit, remove and end; the
 * relay policy (a waiting guest cannot reach the patient, and can once admitted); leaving and
 * coming back; guests invited by e-mail through a real SMTP server; the switch to the SFU at five
 * with a real Janus; a flood of commands.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import type { RosterEntry, RosterMessage } from '@consultkit/core/contract';
import type { ConsultKitServer } from '../app.js';
import { loadConfig } from '../config.js';
import { Api, SmtpSink, until } from '../notify/test-support.js';
import { seedBookingFixture, STAFF, startTestServer, TEST_NOW, type BookingFixture } from '../test-helpers.js';
import { startJanus, type RunningJanus } from '../../../../scripts/janus.mjs';
import { janusSettings } from '../sfu/test-support.js';
import { openSignalling, refused, type SignalPage } from './test-support.js';

interface Ticket {
  token: string;
  peerId: string;
  remotePeerId: string;
  appointmentId: string;
  consultationId: string;
  role: string;
  name?: string;
  kind?: string;
}

/** A page's signalling socket, as a bare client: what it received, and the latest roster. */
interface Page extends SignalPage<Ticket> {
  /** The newest roster's entry for `peerId`. */
  entry(peerId: string): RosterEntry | undefined;
}

const ctx: { url: string; server: ConsultKitServer; api: Api; fixture: BookingFixture } = {} as never;

/** Opens a socket for `ticket`; resolves once the server said OPEN. */
async function open(ticket: Ticket): Promise<Page> {
  const page = await openSignalling(ctx.url, ticket);
  return { ...page, entry: (peerId) => page.roster()?.participants.find((p) => p.peerId === peerId) };
}

/** Whether an upgrade with this ticket is accepted ('open') or refused (its status). */
function tryOpen(ticket: Ticket): Promise<'open' | number> {
  return open(ticket).then(
    (page) => {
      page.close();
      return 'open' as const;
    },
    (error: Error) => Number(/refused: (\d+)/.exec(error.message)?.[1] ?? 0),
  );
}

async function json<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = STAFF) {
  const answer = await ctx.api.call<T>(method, path, { body, headers });
  return answer;
}

/** A confirmed video appointment (on 2 March, whose links are open at TEST_NOW). */
async function appointment(): Promise<Appointment> {
  const day = '2026-03-02';
  return (await ctx.api.book(day)).appointment;
}

async function clinician(appointmentId: string, body?: object): Promise<Ticket> {
  const answer = await json<Ticket>('POST', `/api/consultations/${appointmentId}/clinician-token`, body);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

async function redeem(url: string): Promise<{ ticket: Ticket }> {
  const token = /\/join\/(\S+)$/.exec(url)?.[1];
  assert.ok(token, url);
  const answer = await ctx.api.call<Ticket>('POST', '/api/join/redeem', { body: { token } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return { ticket: answer.body };
}

async function patient(appointmentId: string): Promise<Ticket> {
  const link = await json<{ url: string }>('POST', `/api/consultations/${appointmentId}/invitations`);
  assert.equal(link.status, 201, JSON.stringify(link.body));
  return (await redeem(link.body.url)).ticket;
}

async function guest(appointmentId: string, body: object = { name: 'Ana Interpreter', kind: 'interpreter' }) {
  const invited = await json<{ id: string; url: string; name: string; kind: string }>(
    'POST',
    `/api/consultations/${appointmentId}/guests`,
    body,
  );
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  return { ...(await redeem(invited.body.url)), guest: invited.body };
}

const status = async (id: string) => (await json<Appointment>('GET', `/fhir/Appointment/${id}`)).body.status;

/** A probe message (an OFFER) from `from` to `to`: the sentinel that proves relaying works. */
const offer = (to: string, connectionId: string) => ({
  type: 'OFFER',
  dst: to,
  payload: { sdp: 'v=0', type: 'media', connectionId },
});
const got = (page: Page, connectionId: string) =>
  page.received.some(
    (m) => m.type === 'OFFER' && (m.payload as { connectionId?: string })?.connectionId === connectionId,
  );

describe('the room on the server', () => {
  const smtp = new SmtpSink();
  const pages: Page[] = [];
  const track = (page: Page) => (pages.push(page), page);

  before(async () => {
    await smtp.start();
    const { server, url } = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        CONSULTKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CONSULTKIT_MAIL_FROM: 'Riverside Surgery <appointments@riverside.example>',
      },
      {},
      { now: () => TEST_NOW, notify: { pollMs: 10 } },
    );
    Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
    ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
  });
  after(async () => {
    for (const page of pages) page.close();
    await ctx.server?.close();
    await smtp.stop();
  });

  it('every page gets the whole roster on connect and on every change: names, roles, you, mode', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const first = await gp.rosterWhere('the clinician alone', (r) => r.participants.length === 1);
    assert.equal(first.you, gp.ticket.peerId);
    assert.equal(first.mode, 'mesh');
    assert.deepEqual(first.participants[0], {
      peerId: gp.ticket.peerId,
      role: 'clinician',
      name: 'Dr Ada Test',
      connected: true,
      admitted: true,
      left: false,
      media: { muted: false, cameraOff: false, audioOnly: false },
    });
    const pt = track(await open(await patient(appt.id!)));
    assert.equal(pt.ticket.name, 'Grace Hopper');
    const seen = await pt.rosterWhere('the patient sees both', (r) => r.participants.length === 2);
    assert.equal(seen.you, pt.ticket.peerId);
    assert.deepEqual(
      seen.participants.map((p) => [p.role, p.name, p.connected, p.admitted]),
      [
        ['clinician', 'Dr Ada Test', true, true],
        ['patient', 'Grace Hopper', true, false],
      ],
    );
    await gp.rosterWhere('the clinician hears of the patient', (r) => r.participants.length === 2);
    // What a page sends: in its entry, for everyone.
    pt.send({ type: 'CK-MEDIA', payload: { muted: true, cameraOff: false, audioOnly: true } });
    await gp.rosterWhere('the patient is muted', (r) =>
      r.participants.some((p) => p.role === 'patient' && p.media.muted && p.media.audioOnly),
    );
    // A disconnect: still in the roster, not connected.
    pt.close();
    await gp.rosterWhere('the patient is gone', (r) =>
      r.participants.some((p) => p.peerId === pt.ticket.peerId && !p.connected),
    );
  });

  it('demo tickets (no session): the name in their claims, else their role; no sfuId', async () => {
    const demo = (role: 'patient' | 'clinician', name?: string): Ticket => {
      const { token, claims } = ctx.server.tokens.issue('demo-room-names', role, name ? { name } : {});
      return { token, peerId: claims.pid, remotePeerId: '', appointmentId: '', consultationId: claims.cid, role };
    };
    const gp = track(await open(demo('clinician')));
    track(await open(demo('patient', 'Pat Demo')));
    const roster = await gp.rosterWhere('both', (r) => r.participants.length === 2);
    assert.deepEqual(
      roster.participants.map((p) => [p.role, p.name, p.sfuId]),
      [
        ['clinician', 'clinician', undefined],
        ['patient', 'Pat Demo', undefined],
      ],
    );
  });

  it('the clinician admits; admission is kept across a reload of the page (resume, same peer id)', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const ticket = await patient(appt.id!);
    const pt = track(await open(ticket));
    await gp.rosterWhere('the patient waits', (r) => r.participants.some((p) => p.role === 'patient' && !p.admitted));
    gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
    await pt.rosterWhere('the patient is in', (r) => r.participants.some((p) => p.role === 'patient' && p.admitted));
    pt.close();
    await gp.rosterWhere('disconnected', (r) => r.participants.some((p) => p.role === 'patient' && !p.connected));
    // The reload: the session's token again (what /api/join/resume answers), the same peer id.
    const again = track(await open(ticket));
    const back = await again.rosterWhere('back', (r) =>
      r.participants.some((p) => p.role === 'patient' && p.connected),
    );
    assert.equal(back.participants.find((p) => p.role === 'patient')!.admitted, true);
  });

  it('admitting someone already in is done, not refused (two clinicians letting them in at once)', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const colleague = track(
      await open(await clinician(appt.id!, { practitioner: String(ctx.fixture.nurse.practitionerId) })),
    );
    const ticket = await patient(appt.id!);
    const pt = track(await open(ticket));
    await gp.rosterWhere('the patient waits', (r) => r.participants.some((p) => p.role === 'patient' && !p.admitted));
    const admit = { type: 'CK-ADMIT', payload: { peerId: ticket.peerId } };
    gp.send(admit);
    colleague.send(admit);
    gp.send(admit);
    await pt.rosterWhere('the patient is in', (r) => r.participants.some((p) => p.role === 'patient' && p.admitted));
    // A command that is refused, sent last: its refusal is the first either page hears.
    const nobody = { type: 'CK-ADMIT', payload: { peerId: 'ck-00000000000000000000000000000000' } };
    assert.match(await refused(gp, nobody), /no such participant/);
    assert.match(await refused(colleague, nobody), /no such participant/);
    for (const page of [gp, colleague]) {
      const refusals = page.received.filter((m) => m.type === 'CK-REFUSED');
      assert.equal(refusals.length, 1, `${page.ticket.peerId}: only the sentinel refused`);
    }
  });

  it('a patient or a guest is refused admit, remove and end; bad shapes are refused, never relayed', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const pt = track(await open(await patient(appt.id!)));
    const { ticket: guestTicket } = await guest(appt.id!);
    const gs = track(await open(guestTicket));
    await gp.rosterWhere('three', (r) => r.participants.length === 3);
    for (const page of [pt, gs]) {
      const admit = { type: 'CK-ADMIT', payload: { peerId: page.ticket.peerId } };
      assert.match(await refused(page, admit), /only a clinician/);
      const remove = { type: 'CK-REMOVE', payload: { peerId: gp.ticket.peerId, message: 'bye' } };
      assert.match(await refused(page, remove), /only a clinician/);
      assert.match(await refused(page, { type: 'CK-END' }), /only a clinician/);
    }
    for (const bad of [
      { type: 'CK-ADMIT' },
      { type: 'CK-ADMIT', payload: { peerId: 42 } },
      { type: 'CK-ADMIT', payload: { peerId: guestTicket.peerId, extra: 1 } },
      { type: 'CK-REMOVE', payload: { peerId: guestTicket.peerId, message: 'x'.repeat(501) } },
      { type: 'CK-MEDIA', payload: { muted: 'yes', cameraOff: false, audioOnly: false } },
      { type: 'CK-MEDIA', payload: { muted: true } },
      { type: 'CK-MEDIA', payload: [] },
      { type: 'CK-END', payload: { everyone: true } },
    ]) {
      await refused(gp, bad);
    }
    const nobody = { type: 'CK-ADMIT', payload: { peerId: 'ck-00000000000000000000000000000000' } };
    assert.match(await refused(gp, nobody), /no such participant/);
    // Nobody was admitted or removed by any of it, and commands never reached another page.
    const roster = gp.roster()!;
    assert.deepEqual(
      roster.participants.map((p) => [p.role, p.connected, p.admitted]),
      [
        ['clinician', true, true],
        ['patient', true, false],
        ['guest', true, false],
      ],
    );
    for (const page of [gp, pt, gs]) {
      assert.ok(!page.received.some((m) => ['CK-ADMIT', 'CK-REMOVE', 'CK-END'].includes(m.type)));
    }
  });

  it('relay: a waiting guest reaches the clinician but not the patient; once both are admitted, it does', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const pt = track(await open(await patient(appt.id!)));
    const { ticket } = await guest(appt.id!, { name: 'Carl Carer', kind: 'carer' });
    const gs = track(await open(ticket));
    await gp.rosterWhere('three', (r) => r.participants.length === 3);
    // Waiting guest → patient: dropped. Then guest → clinician: the sentinel, relayed after it.
    gs.send(offer(pt.ticket.peerId, 'mc_blocked'));
    gs.send(offer(gp.ticket.peerId, 'mc_sentinel'));
    await until('the sentinel reaches the clinician', () => got(gp, 'mc_sentinel'));
    // And the patient → waiting guest direction, with a sentinel to the clinician after it.
    pt.send(offer(ticket.peerId, 'mc_blocked2'));
    pt.send(offer(gp.ticket.peerId, 'mc_sentinel2'));
    await until('the second sentinel', () => got(gp, 'mc_sentinel2'));
    // The clinician reaches both, waiting or not.
    gp.send(offer(ticket.peerId, 'mc_to_guest'));
    await until('the clinician reaches the waiting guest', () => got(gs, 'mc_to_guest'));
    assert.ok(!got(pt, 'mc_blocked'), 'a waiting guest cannot reach the patient');
    assert.ok(!got(gs, 'mc_blocked2'), 'a waiting patient cannot reach a waiting guest');
    // Admit both: now they reach each other.
    gp.send({ type: 'CK-ADMIT', payload: { peerId: pt.ticket.peerId } });
    gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
    await gs.rosterWhere('both admitted', (r) => r.participants.every((p) => p.admitted));
    gs.send(offer(pt.ticket.peerId, 'mc_allowed'));
    await until('the admitted guest reaches the patient', () => got(pt, 'mc_allowed'));
    assert.equal(pt.received.find((m) => got({ received: [m] } as Page, 'mc_allowed'))?.src, ticket.peerId);
  });

  it('remove: CK-REMOVED with the message, the socket ends (removed), the session is revoked; others carry on', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const pt = track(await open(await patient(appt.id!)));
    await gp.rosterWhere('the patient waits', (r) => r.participants.length === 2);
    gp.send({ type: 'CK-REMOVE', payload: { peerId: pt.ticket.peerId, message: 'Please call the surgery.' } });
    const { code, reason } = await pt.closed;
    assert.equal(code, 4001);
    assert.equal(reason, 'removed');
    const types = pt.received.map((m) => m.type).filter((t) => t !== 'CK-ROSTER');
    assert.deepEqual(types.slice(-2), ['CK-REMOVED', 'CK-SESSION-ENDED']);
    assert.deepEqual(pt.received.find((m) => m.type === 'CK-REMOVED')!.payload, {
      message: 'Please call the surgery.',
    });
    await gp.rosterWhere('the patient is out of the roster', (r) => r.participants.length === 1);
    // The session is over: resume is refused, the socket too.
    const resumed = await ctx.api.call('POST', '/api/join/resume', {
      headers: { cookie: `ck_session=${encodeURIComponent(pt.ticket.token)}` },
    });
    assert.equal(resumed.status, 410, JSON.stringify(resumed.body));
    assert.equal(await tryOpen(pt.ticket), 401);
    // A new link later (as today) lets the patient in again, waiting.
    const next = track(await open(await patient(appt.id!)));
    const back = await next.rosterWhere('waiting again', (r) => r.participants.length === 2);
    assert.equal(back.participants.find((p) => p.role === 'patient')!.admitted, false);
  });

  it('the clinician removes an admitted guest: told with the message, out of the roster and of the guest list', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const { ticket } = await guest(appt.id!, { name: 'Spe Cialist', kind: 'specialist' });
    const gs = track(await open(ticket));
    await gp.rosterWhere('the guest waits', (r) => r.participants.length === 2);
    gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
    await gs.rosterWhere('admitted', (r) => r.participants.every((p) => p.admitted));
    gp.send({ type: 'CK-REMOVE', payload: { peerId: ticket.peerId, message: 'Thank you for your help.' } });
    assert.equal((await gs.closed).reason, 'removed');
    assert.deepEqual(gs.received.find((m) => m.type === 'CK-REMOVED')!.payload, {
      message: 'Thank you for your help.',
    });
    await gp.rosterWhere('the guest is gone', (r) => r.participants.length === 1);
    await until('no longer listed', async () => {
      const listed = await json<{ guests: unknown[] }>('GET', `/api/consultations/${appt.id}/guests`);
      return listed.body.guests.length === 0;
    });
    assert.equal(await tryOpen(ticket), 401);
  });

  it('leave: left for the others; rejoin with the same session, admission kept; the patient leaving after admission fulfils', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const { ticket: guestTicket } = await guest(appt.id!, { name: 'Sam Social', kind: 'social-worker' });
    const gs = track(await open(guestTicket));
    const ticket = await patient(appt.id!);
    const pt = track(await open(ticket));
    await gp.rosterWhere('three', (r) => r.participants.length === 3);
    // The guest leaves and comes back: still admitted.
    gp.send({ type: 'CK-ADMIT', payload: { peerId: guestTicket.peerId } });
    await gp.rosterWhere('guest admitted', (r) => r.participants.some((p) => p.role === 'guest' && p.admitted));
    gs.send({ type: 'CK-LEAVE' });
    await gp.rosterWhere('guest left', (r) => r.participants.some((p) => p.role === 'guest' && p.left));
    gs.close();
    const gsAgain = track(await open(guestTicket));
    const back = await gsAgain.rosterWhere('guest back', (r) =>
      r.participants.some((p) => p.role === 'guest' && p.connected && !p.left),
    );
    assert.equal(back.participants.find((p) => p.role === 'guest')!.admitted, true);
    // A guest leaving is not the consultation taking place.
    assert.notEqual(await status(appt.id!), 'fulfilled');
    // Admitted, then leaving: fulfilled; the others carry on (their sockets stay open).
    gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
    await gp.rosterWhere('patient admitted', (r) => r.participants.some((p) => p.role === 'patient' && p.admitted));
    pt.send({ type: 'CK-LEAVE' });
    await until('fulfilled', async () => (await status(appt.id!)) === 'fulfilled');
    await gp.rosterWhere('patient left', (r) => r.participants.some((p) => p.role === 'patient' && p.left));
    gsAgain.send(offer(gp.ticket.peerId, 'mc_after_leave'));
    await until('the guest still reaches the clinician', () => got(gp, 'mc_after_leave'));
    // The patient may come back with their session.
    const resumed = await ctx.api.call<Ticket>('POST', '/api/join/resume', {
      headers: { cookie: `ck_session=${encodeURIComponent(ticket.token)}` },
    });
    assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
    assert.equal(resumed.body.peerId, ticket.peerId);
  });

  it('a waiting patient who leaves does not fulfil the appointment', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const pt = track(await open(await patient(appt.id!)));
    await gp.rosterWhere('two', (r) => r.participants.length === 2);
    pt.send({ type: 'CK-LEAVE' });
    await gp.rosterWhere('patient left', (r) => r.participants.some((p) => p.role === 'patient' && p.left));
    assert.notEqual(await status(appt.id!), 'fulfilled');
  });

  it('end: everyone is told "ended" and closed, every session revoked, the appointment fulfilled', async () => {
    const appt = await appointment();
    const gpTicket = await clinician(appt.id!);
    const gp = track(await open(gpTicket));
    const ptTicket = await patient(appt.id!);
    const pt = track(await open(ptTicket));
    const { ticket: guestTicket } = await guest(appt.id!);
    const gs = track(await open(guestTicket));
    await gp.rosterWhere('three', (r) => r.participants.length === 3);
    gp.send({ type: 'CK-END' });
    for (const page of [gp, pt, gs]) {
      const { code, reason } = await page.closed;
      assert.equal(code, 4001);
      assert.equal(reason, 'ended');
      assert.deepEqual(page.received.find((m) => m.type === 'CK-SESSION-ENDED')!.payload, { reason: 'ended' });
    }
    await until('fulfilled', async () => (await status(appt.id!)) === 'fulfilled');
    for (const ticket of [gpTicket, ptTicket, guestTicket]) {
      await until('revoked', async () => (await tryOpen(ticket)) === 401);
      const resumed = await ctx.api.call('POST', '/api/join/resume', {
        headers: { cookie: `ck_session=${encodeURIComponent(ticket.token)}` },
      });
      assert.equal(resumed.status, 410, `${ticket.role}: ${JSON.stringify(resumed.body)}`);
    }
  });

  it('two clinicians (GP and nurse) get two peer ids and their names; without a body, as before', async () => {
    const appt = await appointment();
    const plain = await clinician(appt.id!);
    const again = await clinician(appt.id!);
    assert.equal(plain.peerId, again.peerId, 'the default clinician peer id is the role’s, as before');
    assert.equal(plain.peerId, ctx.server.tokens.peerId(`appt-${appt.id}`, 'clinician'));
    const nurse = await clinician(appt.id!, { practitioner: String(ctx.fixture.nurse.practitionerId) });
    assert.notEqual(nurse.peerId, plain.peerId);
    assert.equal(nurse.name, 'Nurse Bea Test');
    const named = await clinician(appt.id!, { practitioner: String(ctx.fixture.nurse.practitionerId), name: 'Bea' });
    assert.equal(named.peerId, nurse.peerId);
    assert.equal(named.name, 'Bea');
    // The appointment's own practitioner by id is the default clinician.
    const own = await clinician(appt.id!, { practitioner: String(ctx.fixture.gp.practitionerId) });
    assert.equal(own.peerId, plain.peerId);
    const a = track(await open(plain));
    const b = track(await open(named));
    const roster = await a.rosterWhere('two clinicians', (r) => r.participants.filter((p) => p.connected).length === 2);
    assert.deepEqual(roster.participants.map((p) => [p.role, p.name, p.admitted]).sort(), [
      ['clinician', 'Bea', true],
      ['clinician', 'Dr Ada Test', true],
    ]);
    b.close();
    for (const [body, expected] of [
      [{ practitioner: 12 }, 400],
      [{ practitioner: '999999' }, 404],
      [{ name: '' }, 400],
      [{ name: 'x'.repeat(101) }, 400],
      [{ nurse: true }, 400],
      [[1], 400],
    ] as const) {
      const answer = await json('POST', `/api/consultations/${appt.id}/clinician-token`, body);
      assert.equal(answer.status, expected, JSON.stringify(body));
    }
  });

  it('guests: invite (e-mail through SMTP) → redeem → in the roster by name and kind → remove → refused', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const email = `interpreter.${Date.now()}@example.org`;
    const invited = await json<{ id: string; name: string; kind: string; url: string; opensAt: string }>(
      'POST',
      `/api/consultations/${appt.id}/guests`,
      { name: 'Ana Interpreter', kind: 'interpreter', email },
    );
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    assert.deepEqual(Object.keys(invited.body).sort(), ['emailed', 'id', 'kind', 'name', 'opensAt', 'url']);
    const mail = await until('the invitation arrives by SMTP', () => smtp.received.find((r) => r.to.includes(email)));
    assert.match(mail.mail.subject ?? '', /^You are invited to a video consultation/);
    assert.match(mail.mail.text ?? '', /as an interpreter/);
    const link = /Join: +(\S+)/.exec(mail.mail.text ?? '')?.[1];
    assert.equal(link, invited.body.url);
    // Listed for staff.
    const listed = await json<{ guests: { id: string; name: string; kind: string; joined: boolean }[] }>(
      'GET',
      `/api/consultations/${appt.id}/guests`,
    );
    assert.deepEqual(
      listed.body.guests.map((g) => [g.id, g.name, g.kind, g.joined]),
      [[invited.body.id, 'Ana Interpreter', 'interpreter', false]],
    );
    // Redeemed: a guest ticket with its own peer id, calling the clinician.
    const { ticket } = await redeem(link!);
    assert.equal(ticket.role, 'guest');
    assert.equal(ticket.kind, 'interpreter');
    assert.equal(ticket.name, 'Ana Interpreter');
    assert.equal(ticket.remotePeerId, gp.ticket.peerId);
    assert.notEqual(ticket.peerId, ctx.server.tokens.peerId(`appt-${appt.id}`, 'guest'));
    // A second redemption of the same link: used.
    const twice = await ctx.api.call('POST', '/api/join/redeem', { body: { token: /\/join\/(\S+)$/.exec(link!)![1] } });
    assert.equal(twice.status, 410);
    const gs = track(await open(ticket));
    const roster = await gp.rosterWhere('the guest', (r) => r.participants.some((p) => p.role === 'guest'));
    const entry = roster.participants.find((p) => p.role === 'guest')!;
    assert.deepEqual([entry.name, entry.kind, entry.admitted], ['Ana Interpreter', 'interpreter', false]);
    // Staff remove the guest: the socket ends (removed), resume is refused, the roster forgets them.
    const removed = await json('DELETE', `/api/consultations/${appt.id}/guests/${invited.body.id}`);
    assert.equal(removed.status, 204);
    const { reason } = await gs.closed;
    assert.equal(reason, 'removed');
    await gp.rosterWhere('the guest is gone', (r) => !r.participants.some((p) => p.role === 'guest'));
    const resumed = await ctx.api.call('POST', '/api/join/resume', {
      headers: { cookie: `ck_session=${encodeURIComponent(ticket.token)}` },
    });
    assert.equal(resumed.status, 410);
    assert.equal(await tryOpen(ticket), 401);
    const after = await json<{ guests: unknown[] }>('GET', `/api/consultations/${appt.id}/guests`);
    assert.deepEqual(after.body.guests, []);
    assert.equal((await json('DELETE', `/api/consultations/${appt.id}/guests/${invited.body.id}`)).status, 404);
  });

  it('guests: who may call, and odd input', async () => {
    const appt = await appointment();
    const path = `/api/consultations/${appt.id}/guests`;
    // A stranger, and a patient's session, are refused.
    assert.equal((await ctx.api.call('POST', path, { body: { name: 'X', kind: 'carer' } })).status, 401);
    assert.equal((await ctx.api.call('GET', path)).status, 401);
    assert.equal((await ctx.api.call('DELETE', `${path}/1`)).status, 401);
    const pt = await patient(appt.id!);
    const asPatient = await ctx.api.call('POST', path, {
      body: { name: 'X', kind: 'carer' },
      headers: { authorization: `Bearer ${pt.token}` },
    });
    assert.equal(asPatient.status, 401);
    for (const body of [
      undefined,
      {},
      { name: 'Ana' },
      { name: '', kind: 'carer' },
      { name: ' ', kind: 'carer' },
      { name: 'x'.repeat(101), kind: 'carer' },
      { name: 'Ana\u202E', kind: 'carer' },
      { name: 'Ana', kind: 'patient' },
      { name: 'Ana', kind: 'carer', email: 'not-an-address' },
      { name: 'Ana', kind: 'carer', phone: '12' },
      { name: 'Ana', kind: 'carer', role: 'clinician' },
      [{ name: 'Ana', kind: 'carer' }],
    ]) {
      const answer = await json<{ resourceType: string }>('POST', path, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.resourceType, 'OperationOutcome');
    }
    assert.equal((await json('POST', '/api/consultations/99999/guests', { name: 'A', kind: 'carer' })).status, 404);
    assert.equal((await json('DELETE', `${path}/abc`)).status, 400);
    assert.equal((await json('DELETE', `${path}/424242`)).status, 404);
    // Guests are invited by name here, never through the invitations endpoint.
    assert.equal((await json('POST', `/api/consultations/${appt.id}/invitations`, { role: 'guest' })).status, 400);
  });

  it('screen share: one presenter at a time, a second takes over; a waiting page is refused; bad shapes refused', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const pt = track(await open(await patient(appt.id!)));
    const waiting = track(await open((await guest(appt.id!)).ticket));
    await gp.rosterWhere('three connected', (r) => r.participants.filter((p) => p.connected).length === 3);
    gp.send({ type: 'CK-ADMIT', payload: { peerId: pt.ticket.peerId } });
    await pt.rosterWhere('the patient is in', (r) => r.participants.every((p) => p.admitted || p.role === 'guest'));
    const presenters = (r: RosterMessage['payload']) => r.participants.filter((p) => p.presenting).map((p) => p.peerId);
    // A waiting guest may not present; the refusal says why, and nobody presents.
    assert.equal(
      await refused(waiting, { type: 'CK-SCREEN', payload: { sharing: true } }),
      'only a participant let in may share',
    );
    for (const bad of [
      { type: 'CK-SCREEN' },
      { type: 'CK-SCREEN', payload: { sharing: 'yes' } },
      { type: 'CK-SCREEN', payload: { sharing: true, peerId: gp.ticket.peerId } },
      { type: 'CK-SCREEN', payload: [true] },
    ]) {
      assert.match(await refused(pt, bad), /expected \{ type, payload: \{ sharing \} \}/);
    }
    gp.send({ type: 'CK-SCREEN', payload: { sharing: true } });
    let roster = await pt.rosterWhere('the clinician presents', (r) => presenters(r).length > 0);
    assert.deepEqual(presenters(roster), [gp.ticket.peerId]);
    // Without Janus: no screen publisher id.
    assert.equal(roster.participants.find((p) => p.presenting)!.screenSfuId, undefined);
    // The patient takes over: the clinician sees it in the roster.
    pt.send({ type: 'CK-SCREEN', payload: { sharing: true } });
    roster = await gp.rosterWhere('the patient presents', (r) => presenters(r).includes(pt.ticket.peerId));
    assert.deepEqual(presenters(roster), [pt.ticket.peerId]);
    // The clinician saying it stopped (late) changes nothing: the patient still presents.
    gp.send({ type: 'CK-SCREEN', payload: { sharing: false } });
    gp.send({ type: 'CK-MEDIA', payload: { muted: true, cameraOff: false, audioOnly: false } });
    roster = await pt.rosterWhere('the sentinel (the clinician muted)', (r) =>
      r.participants.some((p) => p.peerId === gp.ticket.peerId && p.media.muted),
    );
    assert.deepEqual(presenters(roster), [pt.ticket.peerId]);
    // Its socket lost, the presenter stops presenting (its shared screen went with the page).
    pt.close();
    roster = await gp.rosterWhere('the patient gone', (r) =>
      r.participants.some((p) => p.peerId === pt.ticket.peerId && !p.connected),
    );
    assert.deepEqual(presenters(roster), []);
    gp.send({ type: 'CK-SCREEN', payload: { sharing: true } });
    await gp.rosterWhere('the clinician presents again', (r) => presenters(r).includes(gp.ticket.peerId));
    gp.send({ type: 'CK-SCREEN', payload: { sharing: false } });
    roster = await gp.rosterWhere('nobody presents', (r) => presenters(r).length === 0);
    assert.deepEqual(presenters(roster), []);
  });

  it('a flood of 1,000 commands on one socket neither crashes the server nor starves the others', async () => {
    const appt = await appointment();
    const gp = track(await open(await clinician(appt.id!)));
    const pt = track(await open(await patient(appt.id!)));
    await gp.rosterWhere('two', (r) => r.participants.length === 2);
    for (let i = 0; i < 1000; i++) {
      pt.send({ type: 'CK-MEDIA', payload: { muted: i % 2 === 0, cameraOff: false, audioOnly: false } });
    }
    const slowDown = await until('told to slow down', () => pt.received.find((m) => m.type === 'CK-REFUSED'));
    assert.deepEqual(slowDown.payload, { command: 'CK-MEDIA', reason: 'too many commands: slow down' });
    // The others are served: the clinician admits, and both hear it; relaying works.
    gp.send({ type: 'CK-ADMIT', payload: { peerId: pt.ticket.peerId } });
    await pt.rosterWhere('admitted despite the flood', (r) => r.participants.every((p) => p.admitted));
    gp.send(offer(pt.ticket.peerId, 'mc_after_flood'));
    await until('relayed after the flood', () => got(pt, 'mc_after_flood'));
    // The flooding page was told to slow down once, not a thousand times, and far fewer rosters
    // went out than commands came in.
    assert.equal(pt.received.filter((m) => m.type === 'CK-REFUSED').length, 1);
    assert.ok(gp.received.filter((m) => m.type === 'CK-ROSTER').length < 200);
    assert.equal((await ctx.api.call('GET', '/healthz')).status, 200);
  });
});

/** Five connected and admitted participants: two clinicians, the patient, two guests. */
async function fivePeople(): Promise<{ gp: Page; all: Page[] }> {
  const appt = await appointment();
  const gp = await open(await clinician(appt.id!));
  const nurse = await open(await clinician(appt.id!, { practitioner: String(ctx.fixture.nurse.practitionerId) }));
  const pt = await open(await patient(appt.id!));
  const g1 = await open((await guest(appt.id!)).ticket);
  const g2 = await open((await guest(appt.id!, { name: 'Carl Carer', kind: 'carer' })).ticket);
  const all = [gp, nurse, pt, g1, g2];
  await gp.rosterWhere('five connected', (r) => r.participants.filter((p) => p.connected).length === 5);
  for (const page of [pt, g1]) gp.send({ type: 'CK-ADMIT', payload: { peerId: page.ticket.peerId } });
  await gp.rosterWhere('four in the call, mesh', (r) => r.participants.filter((p) => p.admitted).length === 4);
  assert.equal(gp.roster()!.mode, 'mesh', 'four in the call is a mesh');
  gp.send({ type: 'CK-ADMIT', payload: { peerId: g2.ticket.peerId } });
  await gp.rosterWhere('five in the call', (r) => r.participants.every((p) => p.admitted));
  return { gp, all };
}

const janusStart = await startJanus();

describe('the room moves to the SFU at five, with Janus', { skip: janusStart.skip }, () => {
  const janus = janusStart as RunningJanus;
  before(async () => {
    const { server, url } = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        ...janusSettings(janus),
      },
      {},
      { now: () => TEST_NOW },
    );
    Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
    ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
  });
  after(async () => {
    await ctx.server?.close();
    await janus.stop();
  });

  it('a waiting guest is refused the video room (403); once admitted, let in', async () => {
    const appt = await appointment();
    const gp = await open(await clinician(appt.id!));
    const { ticket } = await guest(appt.id!);
    const gs = await open(ticket);
    await gp.rosterWhere('the guest waits', (r) => r.participants.length === 2);
    const ask = () =>
      ctx.api.call<{ resourceType?: string; room?: number }>('POST', `/api/consultations/${appt.id}/sfu`, {
        headers: { authorization: `Bearer ${ticket.token}` },
      });
    const waiting = await ask();
    assert.equal(waiting.status, 403, JSON.stringify(waiting.body));
    assert.equal(waiting.body.resourceType, 'OperationOutcome');
    gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
    await gs.rosterWhere('admitted', (r) => r.participants.every((p) => p.admitted));
    const admitted = await ask();
    assert.equal(admitted.status, 200, JSON.stringify(admitted.body));
    assert.equal(typeof admitted.body.room, 'number');
    gp.close();
    gs.close();
  });

  it('mesh up to four; sfu from five, and it stays sfu when one leaves; entries carry their sfuId', async () => {
    const { gp, all } = await fivePeople();
    const roster = await gp.rosterWhere('sfu', (r) => r.mode === 'sfu');
    for (const entry of roster.participants) assert.equal(typeof entry.sfuId, 'number', entry.name);
    assert.equal(new Set(roster.participants.map((p) => p.sfuId)).size, 5);
    // A presenter's entry carries the publisher id of their screen: another id than their camera's.
    all[2]!.send({ type: 'CK-SCREEN', payload: { sharing: true } });
    const sharing = await gp.rosterWhere('the patient presents', (r) => r.participants.some((p) => p.presenting));
    const presenter = sharing.participants.find((p) => p.presenting)!;
    assert.equal(presenter.peerId, all[2]!.ticket.peerId);
    assert.equal(typeof presenter.screenSfuId, 'number');
    assert.ok(!sharing.participants.some((p) => p.sfuId === presenter.screenSfuId));
    assert.equal(sharing.participants.filter((p) => p.screenSfuId !== undefined).length, 1);
    // Every page hears it.
    for (const page of all) await page.rosterWhere('sfu everywhere', (r) => r.mode === 'sfu');
    all[4]!.close();
    await gp.rosterWhere('four again', (r) => r.participants.filter((p) => p.connected).length === 4);
    assert.equal(gp.roster()!.mode, 'sfu', 'sticky for the rest of the consultation');
    for (const page of all) page.close();
  });
});

describe('without Janus the room stays a mesh', () => {
  const log: string[] = [];
  before(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const { server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440', LOG_LEVEL: 'warn' },
      {},
      { now: () => TEST_NOW, logStream },
    );
    Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
    ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
  });
  after(() => ctx.server?.close());

  it('five in the call: still mesh, no sfuId', async () => {
    const { gp, all } = await fivePeople();
    // A sentinel: the roster after one more change (a mute) has come, so a mode switch would have.
    all[2]!.send({ type: 'CK-MEDIA', payload: { muted: true, cameraOff: false, audioOnly: false } });
    const roster = await gp.rosterWhere('the mute', (r) => r.participants.some((p) => p.media.muted));
    assert.equal(roster.mode, 'mesh');
    assert.ok(roster.participants.every((p) => p.sfuId === undefined));
    // Said once in the log, not at every change.
    const warnings = log.filter((line) => line.includes('no Janus is configured'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /"consultation":"appt-\d+"/);
    for (const page of all) page.close();
  });
});

describe('CONSULTKIT_SFU_FROM', { skip: janusStart.skip }, () => {
  it('1: the room runs through the SFU from its first participant; 0 is refused', async () => {
    assert.throws(
      () => loadConfig({ CONSULTKIT_SFU_FROM: '0', CONSULTKIT_DEMO: 'on', CONSULTKIT_DATA_DIR: 'memory://' }),
      /CONSULTKIT_SFU_FROM: must be between 1 and 100/,
    );
    const janus = await startJanus();
    assert.ok(!janus.skip);
    const { server, url } = await startTestServer(
      {
        CONSULTKIT_SEED_DEMO: 'false',
        CONSULTKIT_JOIN_EARLY_MINUTES: '1440',
        CONSULTKIT_SFU_FROM: '1',
        ...janusSettings(janus),
      },
      {},
      { now: () => TEST_NOW },
    );
    try {
      Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
      ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
      const appt = await appointment();
      const gp = await open(await clinician(appt.id!));
      const roster = await gp.rosterWhere('the clinician alone', (r) => r.participants.length === 1);
      assert.equal(roster.mode, 'sfu');
      gp.close();
    } finally {
      await server.close();
      await janus.stop();
    }
  });
});

describe('guest invitations are limited per consultation', () => {
  before(async () => {
    const { server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440', CONSULTKIT_RATE_LIMITS: 'guests=2/3600' },
      {},
      { now: () => TEST_NOW },
    );
    Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
    ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
  });
  after(() => ctx.server?.close());

  it('the third invitation to one consultation within the hour is 429; another consultation is not held up', async () => {
    const [a, b] = [await appointment(), await appointment()];
    const invite = (id: string) =>
      json<{ resourceType?: string }>('POST', `/api/consultations/${id}/guests`, {
        name: 'Ana',
        kind: 'carer',
      });
    assert.equal((await invite(a.id!)).status, 201);
    assert.equal((await invite(a.id!)).status, 201);
    const third = await invite(a.id!);
    assert.equal(third.status, 429);
    assert.equal(third.body.resourceType, 'OperationOutcome');
    assert.equal((await invite(b.id!)).status, 201);
  });
});
