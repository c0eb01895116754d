/**
 * In-call chat on the server, from outside: bare `ws` clients speaking PeerJS's socket protocol and
 * our chat messages, with tickets from the real join endpoints, and the staff read over HTTP.
 * Who may post and read (a waiting, removed or departed participant may not; another
 * consultation's participant hears nothing), order and sequence numbers, idempotency, marks, the
 * text rules, a flood, and `GET /api/consultations/:id/messages` for staff and strangers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { Appointment } from 'fhir/r4.js';
import type { ChatMarks, ChatMessage } from '@consultkit/core/contract';
import type { ConsultKitServer } from '../app.js';
import { Api, until } from '../notify/test-support.js';
import { seedBookingFixture, STAFF, startTestServer, TEST_NOW, type BookingFixture } from '../test-helpers.js';
import { openSignalling, type SignalPage } from './test-support.js';

interface Ticket {
  token: string;
  peerId: string;
  role: string;
  name?: string;
}

interface Page extends SignalPage<Ticket> {
  /** The chat messages this page received live, in arrival order. */
  chat(): ChatMessage[];
}

const ctx: { url: string; server: ConsultKitServer; api: Api; fixture: BookingFixture } = {} as never;

async function open(ticket: Ticket): Promise<Page> {
  const page = await openSignalling(ctx.url, ticket);
  return {
    ...page,
    chat: () =>
      page.received.filter((m) => m.type === 'CK-CHAT-MESSAGE').map((m) => m.payload as unknown as ChatMessage),
  };
}

async function json<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = STAFF) {
  return ctx.api.call<T>(method, path, { body, headers });
}

async function clinician(appointmentId: string): Promise<Ticket> {
  const answer = await json<Ticket>('POST', `/api/consultations/${appointmentId}/clinician-token`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

async function redeem(url: string): Promise<Ticket> {
  const token = /\/join\/(\S+)$/.exec(url)?.[1];
  const answer = await ctx.api.call<Ticket>('POST', '/api/join/redeem', { body: { token } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

async function patient(appointmentId: string): Promise<Ticket> {
  const link = await json<{ url: string }>('POST', `/api/consultations/${appointmentId}/invitations`);
  assert.equal(link.status, 201, JSON.stringify(link.body));
  return redeem(link.body.url);
}

async function guest(appointmentId: string): Promise<Ticket> {
  const body = { name: 'Ana <b>Interpreter</b>', kind: 'interpreter' };
  const invited = await json<{ url: string }>('POST', `/api/consultations/${appointmentId}/guests`, body);
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  return redeem(invited.body.url);
}

const post = (page: Page, text: string, id: string = randomUUID()) => {
  page.send({ type: 'CK-CHAT', payload: { id, text } });
  return id;
};

/** Waits until `page` has received the message `id` live; returns it. */
const arrives = (page: Page, id: string) =>
  until(`message ${id} at ${page.ticket.role}`, () => page.chat().find((m) => m.id === id));

/** The next `CK-CHAT-REFUSED` after `count` earlier ones. */
const refusal = (page: Page, count: number) =>
  until(
    'a chat refusal',
    () =>
      page.received.filter((m) => m.type === 'CK-CHAT-REFUSED')[count]?.payload as
        { id?: string; code: string; reason: string } | undefined,
  );
const refusals = (page: Page) => page.received.filter((m) => m.type === 'CK-CHAT-REFUSED').length;

/**
 * The sentinel of a negative check: a chat command of `page`'s own that the server refuses. Its
 * answer leaves on `page`'s socket after anything sent to it before, so once it is here, whatever
 * the server would have sent `page` earlier has arrived.
 */
async function flushed(page: Page): Promise<void> {
  const count = refusals(page);
  page.send({ type: 'CK-CHAT-SYNC', payload: { after: -1 } });
  await refusal(page, count);
}

async function appointment(): Promise<Appointment> {
  return (await ctx.api.book('2026-03-02')).appointment;
}

/** A consultation with a clinician and an admitted patient, both connected. */
async function inCall() {
  const appt = await appointment();
  const gp = track(await open(await clinician(appt.id!)));
  const ticket = await patient(appt.id!);
  const pt = track(await open(ticket));
  gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
  await until('the patient is in', () =>
    pt.roster()?.participants.some((p) => p.peerId === ticket.peerId && p.admitted),
  );
  return { appt, gp, pt };
}

const pages: Page[] = [];
const track = (page: Page) => (pages.push(page), page);

describe('in-call chat on the server', () => {
  before(async () => {
    const { server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_JOIN_EARLY_MINUTES: '1440' },
      {},
      { now: () => TEST_NOW },
    );
    Object.assign(ctx, { server, url, fixture: await seedBookingFixture(server.storage) });
    ctx.api = new Api(url, ctx.fixture.gp.scheduleId);
  });
  after(async () => {
    for (const page of pages) page.close();
    await ctx.server?.close();
  });

  it('a post reaches everyone in the call, author included, numbered in order, with author, role and time', async () => {
    const { gp, pt } = await inCall();
    // Each sent once the one before has arrived (two sockets race otherwise: either order is right).
    const ids: string[] = [];
    for (const [page, text] of [
      [gp, 'Hello, can you hear me?'],
      [pt, 'Yes, مرحبا'],
      [gp, 'Good.'],
    ] as const) {
      ids.push(post(page, text));
      for (const other of [gp, pt]) await arrives(other, ids.at(-1)!);
    }
    for (const page of [gp, pt]) {
      const got = page.chat();
      assert.deepEqual(
        got.map((m) => [m.seq, m.id, m.role, m.name, m.text]),
        [
          [1, ids[0], 'clinician', 'Dr Ada Test', 'Hello, can you hear me?'],
          [2, ids[1], 'patient', 'Grace Hopper', 'Yes, مرحبا'],
          [3, ids[2], 'clinician', 'Dr Ada Test', 'Good.'],
        ],
      );
      assert.equal(got[0]!.author, gp.ticket.peerId);
      assert.equal(got[1]!.author, pt.ticket.peerId);
      assert.equal(got[0]!.sentAt, new Date(TEST_NOW).toISOString());
    }
  });

  it('the same id posted again is stored once: its author gets the stored message back, nobody else anything', async () => {
    const { gp, pt, appt } = await inCall();
    const id = post(pt, 'Only once');
    await arrives(gp, id);
    await arrives(pt, id);
    post(pt, 'Only once', id);
    await until('the stored message again', () => pt.chat().filter((m) => m.id === id).length === 2);
    // Sentinel: a later message reaches the clinician after anything the repeat would have sent.
    const later = post(pt, 'later');
    await arrives(gp, later);
    assert.equal(gp.chat().filter((m) => m.id === id).length, 1);
    assert.deepEqual(
      pt.chat().map((m) => m.seq),
      [1, 1, 2],
    );
    const stored = await json<{ messages: ChatMessage[] }>('GET', `/api/consultations/${appt.id}/messages`);
    assert.deepEqual(
      stored.body.messages.map((m) => [m.seq, m.text]),
      [
        [1, 'Only once'],
        [2, 'later'],
      ],
    );
    // Another participant using that id is refused.
    const before = refusals(gp);
    post(gp, 'stolen id', id);
    assert.match((await refusal(gp, before)).reason, /already used/);
  });

  it('a waiting guest can neither post nor read, and hears nothing; once admitted, the history is theirs', async () => {
    const { gp, pt, appt } = await inCall();
    const gs = track(await open(await guest(appt.id!)));
    await until('the guest waits', () => gp.roster()?.participants.some((p) => p.role === 'guest' && !p.admitted));
    const early = post(gp, 'before the guest is in');
    await arrives(pt, early);
    let count = refusals(gs);
    post(gs, 'let me in');
    assert.equal((await refusal(gs, count)).code, 'not-in-call');
    count = refusals(gs);
    gs.send({ type: 'CK-CHAT-SYNC', payload: { after: 0 } });
    assert.equal((await refusal(gs, count)).code, 'not-in-call');
    await flushed(gs);
    assert.deepEqual(gs.chat(), []);
    assert.equal(gs.received.filter((m) => m.type === 'CK-CHAT-HISTORY').length, 0);
    // Nobody else got the guest's post.
    await flushed(gp);
    assert.equal(gp.chat().filter((m) => m.text === 'let me in').length, 0);
    gp.send({ type: 'CK-ADMIT', payload: { peerId: gs.ticket.peerId } });
    await until('the guest is in', () =>
      gs.roster()?.participants.some((p) => p.peerId === gs.ticket.peerId && p.admitted),
    );
    gs.send({ type: 'CK-CHAT-SYNC', payload: { after: 0 } });
    const history = await until('the history', () => gs.received.find((m) => m.type === 'CK-CHAT-HISTORY'));
    const payload = history.payload as { messages: ChatMessage[]; more: boolean };
    assert.deepEqual(
      payload.messages.map((m) => m.text),
      ['before the guest is in'],
    );
    assert.equal(payload.more, false);
    const hello = post(gs, 'Hello, I interpret');
    const arrived = await arrives(gp, hello);
    assert.equal(arrived.role, 'guest');
    assert.equal(arrived.kind, 'interpreter');
    assert.equal(arrived.name, 'Ana <b>Interpreter</b>');
  });

  it('posts racing from several sockets: every page gets the same order, numbered without gaps', async () => {
    const { gp, pt, appt } = await inCall();
    const gs = track(await open(await guest(appt.id!)));
    gp.send({ type: 'CK-ADMIT', payload: { peerId: gs.ticket.peerId } });
    await until('the guest is in', () =>
      gs.roster()?.participants.some((p) => p.peerId === gs.ticket.peerId && p.admitted),
    );
    const ids = [0, 1, 2, 3].flatMap((i) => [gp, pt, gs].map((page) => post(page, `${page.ticket.role} ${i}`)));
    for (const page of [gp, pt, gs]) for (const id of ids) await arrives(page, id);
    const orders = [gp, pt, gs].map((page) => page.chat().map((m) => `${m.seq}:${m.id}`));
    assert.deepEqual(orders[1], orders[0]);
    assert.deepEqual(orders[2], orders[0]);
    assert.deepEqual(
      gp.chat().map((m) => m.seq),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    // Each author's own posts keep the order they were sent in.
    for (const page of [gp, pt, gs]) {
      const own = gp
        .chat()
        .filter((m) => m.author === page.ticket.peerId)
        .map((m) => m.text);
      assert.deepEqual(
        own,
        [0, 1, 2, 3].map((i) => `${page.ticket.role} ${i}`),
      );
    }
  });

  it('a removed guest is cut off: their socket closes, they cannot come back, later posts do not reach them', async () => {
    const { gp, pt, appt } = await inCall();
    const ticket = await guest(appt.id!);
    const gs = track(await open(ticket));
    gp.send({ type: 'CK-ADMIT', payload: { peerId: ticket.peerId } });
    const hi = post(gs, 'hi');
    await until('admitted and posted', () => gp.chat().some((m) => m.id === hi) || (post(gs, 'hi', hi), false));
    gp.send({ type: 'CK-REMOVE', payload: { peerId: ticket.peerId, message: '' } });
    assert.equal((await gs.closed).code, 4001);
    await assert.rejects(open(ticket), /upgrade refused: 401/);
    const after = post(gp, 'after the guest left');
    await arrives(pt, after);
    assert.equal(gs.chat().filter((m) => m.id === after).length, 0);
  });

  it('a participant who left (CK-LEAVE) may not post', async () => {
    const { gp, pt } = await inCall();
    pt.send({ type: 'CK-LEAVE' });
    await until('left', () => gp.roster()?.participants.some((p) => p.role === 'patient' && p.left));
    const count = refusals(pt);
    post(pt, 'still here?');
    assert.equal((await refusal(pt, count)).code, 'not-in-call');
  });

  it('a participant of another consultation hears nothing, and their history is their own', async () => {
    const one = await inCall();
    const other = await inCall();
    const secret = post(one.gp, 'about consultation one');
    await arrives(one.pt, secret);
    await flushed(other.pt);
    await flushed(other.gp);
    assert.deepEqual(other.pt.chat(), []);
    assert.deepEqual(other.gp.chat(), []);
    other.pt.send({ type: 'CK-CHAT-SYNC', payload: { after: 0 } });
    const history = await until('their history', () => other.pt.received.find((m) => m.type === 'CK-CHAT-HISTORY'));
    assert.deepEqual((history.payload as { messages: unknown[] }).messages, []);
  });

  it('text rules: 4,000 characters pass, 4,001 are refused, blank, NUL, lone surrogates and bad ids too; markup is kept as text', async () => {
    const { gp, pt, appt } = await inCall();
    const long = post(gp, 'é'.repeat(4000));
    assert.equal((await arrives(pt, long)).text.length, 4000);
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    assert.equal((await arrives(pt, post(gp, markup))).text, markup);
    const cases: [object, string][] = [
      [{ id: randomUUID(), text: 'x'.repeat(4001) }, 'too-long'],
      [{ id: randomUUID(), text: '   \n ' }, 'invalid'],
      [{ id: randomUUID(), text: 'a\u0000b' }, 'invalid'],
      [{ id: randomUUID(), text: 'a\ud800b' }, 'invalid'],
      [{ id: randomUUID(), text: 42 }, 'invalid'],
      [{ id: 'not-a-uuid', text: 'x' }, 'invalid'],
      [{ id: randomUUID(), text: 'x', extra: 1 }, 'invalid'],
    ];
    for (const [payload, code] of cases) {
      const count = refusals(gp);
      gp.send({ type: 'CK-CHAT', payload });
      const answer = await refusal(gp, count);
      assert.equal(answer.code, code, JSON.stringify(payload).slice(0, 80));
      const id = (payload as { id: string }).id;
      if (code === 'too-long') assert.equal(answer.id, id);
    }
    for (const bad of [
      { type: 'CK-CHAT' },
      { type: 'CK-CHAT', payload: [] },
      { type: 'CK-CHAT-SYNC', payload: { after: '1' } },
      { type: 'CK-CHAT-READ', payload: { upTo: 1.5 } },
      { type: 'CK-CHAT-RECEIVED', payload: { upTo: 1e12 } },
    ]) {
      // From the patient: the clinician's posts above used most of a socket's burst.
      const count = refusals(pt);
      pt.send(bad);
      assert.equal((await refusal(pt, count)).code, 'invalid');
    }
    const stored = await json<{ messages: ChatMessage[] }>('GET', `/api/consultations/${appt.id}/messages`);
    assert.equal(stored.body.messages.length, 2);
  });

  it('received and read marks: kept per participant, only forward, never past the last message, told to all', async () => {
    const { gp, pt, appt } = await inCall();
    for (const text of ['one', 'two', 'three']) await arrives(pt, post(gp, text));
    const marks = (page: Page) =>
      page.received.filter((m) => m.type === 'CK-CHAT-MARKS').map((m) => m.payload as unknown as ChatMarks);
    pt.send({ type: 'CK-CHAT-RECEIVED', payload: { upTo: 3 } });
    await until('received', () => marks(gp).some((m) => m.peerId === pt.ticket.peerId && m.received === 3));
    pt.send({ type: 'CK-CHAT-READ', payload: { upTo: 99 } });
    const read = await until('read', () => marks(gp).find((m) => m.peerId === pt.ticket.peerId && m.read > 0));
    assert.deepEqual(read, { peerId: pt.ticket.peerId, received: 3, read: 3 });
    pt.send({ type: 'CK-CHAT-READ', payload: { upTo: 1 } });
    await flushed(pt);
    const stored = await json<{ marks: ChatMarks[] }>('GET', `/api/consultations/${appt.id}/messages`);
    assert.deepEqual(stored.body.marks, [{ peerId: pt.ticket.peerId, received: 3, read: 3 }]);
  });

  it('a flood is cut short: posts past the burst are refused, and the socket keeps working', async () => {
    const { gp, pt, appt } = await inCall();
    const ids = Array.from({ length: 40 }, (_, i) => post(pt, `flood ${i}`));
    const refused = await until('flood refusals', () => {
      const got = pt.received.filter((m) => m.type === 'CK-CHAT-REFUSED' && m.payload?.['code'] === 'too-many');
      const stored = pt.chat().filter((m) => ids.includes(m.id)).length;
      return got.length + stored === ids.length ? got.length : undefined;
    });
    assert.ok(refused >= 20, `${refused} refused`);
    const stored = await json<{ messages: ChatMessage[] }>('GET', `/api/consultations/${appt.id}/messages`);
    assert.ok(stored.body.messages.length <= 20, `${stored.body.messages.length} stored`);
    assert.equal(stored.body.messages.length, 40 - refused);
    // The clinician was not held up by it.
    await arrives(pt, post(gp, 'still here'));
  });

  it('GET /api/consultations/:id/messages: staff only, paged, odd parameters refused as OperationOutcomes', async () => {
    const { gp, pt, appt } = await inCall();
    const ids = [post(gp, 'a'), post(gp, 'b'), post(gp, 'c')];
    for (const id of ids) await arrives(pt, id);
    const path = `/api/consultations/${appt.id}/messages`;
    const stranger = await json<{ resourceType: string }>('GET', path, undefined, {});
    assert.equal(stranger.status, 401);
    assert.equal(stranger.body.resourceType, 'OperationOutcome');
    const page1 = await json<{ messages: ChatMessage[]; next?: number; consultation: string }>(
      'GET',
      `${path}?count=2`,
    );
    assert.equal(page1.status, 200);
    assert.equal(page1.body.consultation, `appt-${appt.id}`);
    assert.deepEqual(
      page1.body.messages.map((m) => m.text),
      ['a', 'b'],
    );
    const page2 = await json<{ messages: ChatMessage[]; next?: number }>(
      'GET',
      `${path}?count=2&after=${page1.body.next}`,
    );
    assert.deepEqual(
      page2.body.messages.map((m) => m.text),
      ['c'],
    );
    assert.equal(page2.body.next, undefined);
    for (const query of ['count=0', 'count=1001', 'after=-1', 'after=x', 'count=1&count=2', 'since=1', 'after=1e3']) {
      const answer = await json<{ resourceType: string }>('GET', `${path}?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.resourceType, 'OperationOutcome');
    }
    assert.equal((await json('GET', '/api/consultations/999999/messages')).status, 404);
    assert.equal((await json('GET', '/api/consultations/abc/messages')).status, 400);
  });
});
