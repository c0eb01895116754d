/**
 * Messages between staff over HTTP against the real server (docs/staff.md, "Messages"), with the
 * demo practice: on PGlite, and the same suite on PostgreSQL when DATABASE_URL is set; then live
 * delivery to a member whose stream is on a second instance (PostgreSQL only). Staff act as a named
 * person with the staff key and the acting-practitioner header (src/staff/acting.ts).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  STAFF_CHAT_EVENT,
  STAFF_CHAT_PAGE,
  type StaffConversation,
  type StaffConversationList,
  type StaffMessage,
  type StaffMessagePage,
  type StaffReadMark,
} from '@consultkit/core/contract';
import type { ConsultKitServer } from '../app.js';
import { STAFF_COOKIE } from '../auth.js';
import { BookingRepository } from '../booking/repository.js';
import { until } from '../notify/test-support.js';
import { EventStreamClient } from '../sse-test-support.js';
import {
  adHocVideoConsultation,
  caller,
  freshPostgresDatabase,
  skippable,
  STAFF,
  startTestServer,
  TEST_NOW,
  twoInstances,
  patientSessionCookie,
  type Answer,
} from '../test-helpers.js';
import { StaffAccounts } from './accounts.js';
import { ACTING_HEADER } from './acting.js';

const DATABASE_URL = process.env['DATABASE_URL'];
/** Monday 2 March 2026, 14:00 London: Dr Khan's video afternoon (an ad-hoc consultation fits). */
const CLOCK = TEST_NOW + 6 * 60 * 60_000;

type Outcome = { resourceType: string; issue: { diagnostics?: string }[] };

function suite(engine: 'PGlite' | 'PostgreSQL') {
  const { it, before, after } = skippable(
    engine === 'PostgreSQL' && !DATABASE_URL ? 'DATABASE_URL is not set (.ci/run provides one)' : false,
  );

  describe(`messages between staff (${engine})`, () => {
    let server: ConsultKitServer;
    let url = '';
    let database: { url: string; dispose(): Promise<void> } | undefined;
    const call = caller(() => url);
    const ids: Record<string, string> = {};
    const streams: EventStreamClient[] = [];
    let patientId = 0;
    let appointmentId = '';
    /** The server's clock: moved on where the order of the list is asserted. */
    let clock = CLOCK;
    /** Staff session cookies (sign-in's), by family name: the other way a named person calls. */
    const sessions: Record<string, string> = {};
    const as = (who: string) => ({ ...STAFF, [ACTING_HEADER]: ids[who]! });
    const stream = async (who: string) => {
      const opened = await EventStreamClient.open(`${url}/api/presence/events`, as(who));
      streams.push(opened);
      assert.equal(opened.status, 200);
      // The snapshot is the first event: the stream's viewer is registered by then.
      await until(`${who}'s stream open`, () => opened.events.length > 0);
      return opened;
    };
    const start = (who: string, body: object) =>
      call<StaffConversation & Outcome>('POST', '/api/staff-conversations', { headers: as(who), body });
    const post = (who: string, conversation: string, text: string, id = randomUUID()) =>
      call<StaffMessage & Outcome>('POST', `/api/staff-conversations/${conversation}/messages`, {
        headers: as(who),
        body: { id, text },
      });
    const history = (who: string, conversation: string, after = 0) =>
      call<StaffMessagePage & Outcome>('GET', `/api/staff-conversations/${conversation}/messages?after=${after}`, {
        headers: as(who),
      });
    const list = async (who: string) => {
      const answer = await call<StaffConversationList>('GET', '/api/staff-conversations', { headers: as(who) });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.conversations;
    };
    const read = (who: string, conversation: string, upTo: unknown) =>
      call<StaffReadMark & Outcome>('PUT', `/api/staff-conversations/${conversation}/read`, {
        headers: as(who),
        body: { upTo },
      });
    const outcome = (answer: Answer<unknown>, status: number, what: string) => {
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal((answer.body as Outcome).resourceType, 'OperationOutcome', what);
    };

    before(async () => {
      if (engine === 'PostgreSQL') database = await freshPostgresDatabase();
      const env = { CONSULTKIT_SEED_DEMO: 'on', ...(database ? { DATABASE_URL: database.url } : {}) };
      ({ server, url } = await startTestServer(env, {}, { now: () => clock }));
      const rows = await server.storage.query<{ id: number; family: string }>(
        `SELECT id, name->>'family' AS family FROM practitioner`,
      );
      for (const row of rows) ids[row.family] = String(row.id);
      const accounts = new StaffAccounts(server.storage, () => CLOCK);
      for (const row of rows) await accounts.setRoles(row.id, ['clinician']);
      // A receptionist, staff by their sign-in (not in the clinical directory).
      const repo = new BookingRepository(server.storage);
      const bennett = await repo.createPractitioner({ name: { given: ['Jo'], family: 'Bennett' } });
      await accounts.setRoles(bennett, ['receptionist']);
      ids['Bennett'] = String(bennett);
      for (const who of ['Khan', 'Evans', 'Shah']) {
        const person = (await accounts.person(Number(ids[who])))!;
        sessions[who] = `${STAFF_COOKIE}=${await accounts.startSession(person, 'test', '127.0.0.1', 3600)}`;
      }
      // A patient, with a consultation (their booking reference and join session are patient credentials).
      appointmentId = await adHocVideoConsultation(server.storage, call, Number(ids['Khan']));
      const [appointment] = await server.storage.query<{ patient_id: number }>(
        'SELECT patient_id FROM appointment WHERE id = $1',
        [Number(appointmentId)],
      );
      patientId = appointment!.patient_id;
    });

    after(async () => {
      for (const open of streams) open.close();
      await server?.close();
      await database?.dispose();
    });

    it('one-to-one: started once, answered again for the same id or the same colleague, told live', async () => {
      const evans = await stream('Evans');
      const id = randomUUID();
      const started = await start('Khan', { id, members: [ids['Evans']] });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.equal(started.body.id, id);
      assert.deepEqual(started.body.members.map((m) => m.name).sort(), ['Dr Amina Khan', 'Dr Tom Evans']);
      assert.equal(started.body.lastSeq, 0);
      assert.equal(started.body.unread, 0);
      assert.equal(started.body.title, undefined);
      const told = await until('the conversation, told to Dr Evans', () =>
        evans.events.find((e) => e.event === STAFF_CHAT_EVENT.conversation && (e.data as StaffConversation).id === id),
      );
      assert.deepEqual((told.data as StaffConversation).members, started.body.members);
      // The same id again: the one made, 200.
      const again = await start('Khan', { id, members: [ids['Evans']] });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, id);
      // Dr Evans starting one with Dr Khan (another id, also "Practitioner/…"): the same conversation.
      const mirrored = await start('Evans', { id: randomUUID(), members: [`Practitioner/${ids['Khan']}`] });
      assert.equal(mirrored.status, 200);
      assert.equal(mirrored.body.id, id);
      // The same id for different members is a conflict, not a silent answer.
      outcome(await start('Khan', { id, members: [ids['Shah']] }), 409, 'id reused');
      assert.ok((await list('Evans')).some((c) => c.id === id));
      assert.ok(!(await list('Shah')).some((c) => c.id === id));

      const first = await post('Khan', id, 'Can you see Mrs Patel at 3?');
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.seq, 1);
      assert.equal(first.body.author.practitioner, ids['Khan']);
      assert.equal(first.body.author.name, 'Dr Amina Khan');
      const live = await until('the message, told to Dr Evans', () =>
        evans.events.find((e) => e.event === STAFF_CHAT_EVENT.message && (e.data as StaffMessage).id === first.body.id),
      );
      assert.deepEqual(live.data, first.body);
    });

    it('group: a title, members of every role, messages in order, pages, and its author told too', async () => {
      const khan = await stream('Khan');
      const id = randomUUID();
      const started = await start('Khan', {
        id,
        members: [ids['Evans'], ids['Shah'], ids['Bennett']],
        title: 'Flu clinic Saturday',
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.equal(started.body.title, 'Flu clinic Saturday');
      assert.equal(started.body.members.length, 4);
      clock += 60_000;
      const texts = ['Who can cover?', 'I can do the morning', 'Afternoon is mine', 'Thanks both'];
      const authors = ['Khan', 'Shah', 'Evans', 'Bennett'];
      const posted: StaffMessage[] = [];
      for (const [i, text] of texts.entries()) {
        const answer = await post(authors[i]!, id, text);
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        posted.push(answer.body);
      }
      assert.deepEqual(
        posted.map((m) => m.seq),
        [1, 2, 3, 4],
      );
      // Dr Khan's own message reaches her own connections too (her other devices).
      await until('her own message on her stream', () =>
        khan.events.some((e) => e.event === STAFF_CHAT_EVENT.message && (e.data as StaffMessage).id === posted[0]!.id),
      );
      const all = await history('Shah', id);
      assert.equal(all.status, 200);
      assert.deepEqual(all.body, { messages: posted, more: false });
      const later = await history('Shah', id, 2);
      assert.deepEqual(
        later.body.messages.map((m) => m.text),
        ['Afternoon is mine', 'Thanks both'],
      );
      const [listed] = (await list('Bennett')).filter((c) => c.id === id);
      assert.equal(listed?.last?.text, 'Thanks both');
      assert.equal(listed?.lastSeq, 4);
      // Most recent first.
      assert.equal((await list('Khan'))[0]!.id, id);
    });

    it('pages: at most a page, and `more` says when others follow', async () => {
      const id = randomUUID();
      assert.equal((await start('Shah', { id, members: [ids['Morgan']] })).status, 201);
      for (let i = 1; i <= STAFF_CHAT_PAGE + 3; i++) assert.equal((await post('Shah', id, `n${i}`)).status, 201);
      const page = await history('Morgan', id);
      assert.equal(page.body.messages.length, STAFF_CHAT_PAGE);
      assert.equal(page.body.more, true);
      const rest = await history('Morgan', id, page.body.messages.at(-1)!.seq);
      assert.deepEqual(
        rest.body.messages.map((m) => m.text),
        [`n${STAFF_CHAT_PAGE + 1}`, `n${STAFF_CHAT_PAGE + 2}`, `n${STAFF_CHAT_PAGE + 3}`],
      );
      assert.equal(rest.body.more, false);
    });

    it('is idempotent: the same id is stored once (200), the same id with other text is 409', async () => {
      const id = randomUUID();
      assert.equal((await start('Evans', { id, members: [ids['Shah']] })).status, 201);
      const message = randomUUID();
      const first = await post('Evans', id, 'Bloods back for bed 4', message);
      assert.equal(first.status, 201);
      const second = await post('Evans', id, 'Bloods back for bed 4', message);
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, first.body);
      outcome(await post('Evans', id, 'Something else', message), 409, 'same id, other text');
      // Another member posting with that id is a conflict too.
      outcome(await post('Shah', id, 'Bloods back for bed 4', message), 409, 'same id, other author');
      const all = await history('Shah', id);
      assert.deepEqual(
        all.body.messages.map((m) => m.id),
        [message],
      );
    });

    it('numbers concurrent posts 1..N with no gaps, and a racing repeat once', async () => {
      const id = randomUUID();
      assert.equal((await start('Khan', { id, members: [ids['Evans'], ids['Shah']] })).status, 201);
      const repeat = randomUUID();
      // Signed in (session cookies), as the console posts: each request is its own transaction.
      const postAs = (who: string, text: string, message = randomUUID()) =>
        call<StaffMessage>('POST', `/api/staff-conversations/${id}/messages`, {
          headers: { cookie: sessions[who]! },
          body: { id: message, text },
        });
      const answers = await Promise.all([
        ...Array.from({ length: 24 }, (_, i) => postAs(['Khan', 'Evans', 'Shah'][i % 3]!, `m${i}`)),
        postAs('Khan', 'twice', repeat),
        postAs('Khan', 'twice', repeat),
      ]);
      for (const answer of answers) assert.ok([200, 201].includes(answer.status), JSON.stringify(answer.body));
      assert.deepEqual(answers.map((a) => a.status).filter((s) => s === 200).length, 1);
      const all = await history('Evans', id);
      assert.deepEqual(
        all.body.messages.map((m) => m.seq),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      assert.equal(new Set(all.body.messages.map((m) => m.id)).size, 25);
    });

    it('counts unread messages by others; read marks move forward only, and tell the reader', async () => {
      const evans = await stream('Evans');
      const id = randomUUID();
      assert.equal((await start('Khan', { id, members: [ids['Evans']] })).status, 200);
      const conversation = (await list('Evans')).find((c) => c.members.some((m) => m.practitioner === ids['Khan']))!;
      const base = conversation.lastSeq;
      for (const text of ['one', 'two', 'three']) assert.equal((await post('Khan', conversation.id, text)).status, 201);
      assert.equal((await post('Evans', conversation.id, 'mine')).status, 201);
      const before = (await list('Evans')).find((c) => c.id === conversation.id)!;
      assert.equal(before.unread, conversation.unread + 3, 'his own message is not unread');
      const mark = await read('Evans', conversation.id, base + 2);
      assert.equal(mark.status, 200, JSON.stringify(mark.body));
      assert.deepEqual(mark.body, { conversation: conversation.id, upTo: base + 2, unread: 1 });
      await until('the read mark on his stream', () =>
        evans.events.some((e) => e.event === STAFF_CHAT_EVENT.read && (e.data as StaffReadMark).upTo === base + 2),
      );
      // Back: no move.
      const back = await read('Evans', conversation.id, 1);
      assert.deepEqual(back.body, mark.body);
      // Past the end: to the last message.
      const all = await read('Evans', conversation.id, 2_000_000_000);
      assert.deepEqual(all.body, { conversation: conversation.id, upTo: base + 4, unread: 0 });
      const after = (await list('Evans')).find((c) => c.id === conversation.id)!;
      assert.equal(after.unread, 0);
      assert.equal(after.readUpTo, base + 4);
      // Dr Khan's mark did not move.
      assert.equal((await list('Khan')).find((c) => c.id === conversation.id)!.readUpTo, 0);
    });

    it('shows the patient to a clinician, and hides it from a receptionist member', async () => {
      const bennett = await stream('Bennett');
      const id = randomUUID();
      const started = await start('Khan', {
        id,
        members: [ids['Evans'], ids['Bennett']],
        title: 'Follow-up',
        patient: `Patient/${patientId}`,
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.deepEqual(started.body.patient, { reference: `Patient/${patientId}`, name: 'Ada Lovelace' });
      assert.equal(started.body.patientHidden, undefined);
      const evansView = (await list('Evans')).find((c) => c.id === id)!;
      assert.equal(evansView.patient?.reference, `Patient/${patientId}`);
      const bennettView = (await list('Bennett')).find((c) => c.id === id)!;
      assert.equal(bennettView.patientHidden, true);
      assert.equal(bennettView.patient, undefined);
      assert.ok(!JSON.stringify(bennettView).includes('Lovelace'));
      assert.ok(!JSON.stringify(bennettView).includes(`Patient/${patientId}`));
      const told = await until('the conversation on her stream', () =>
        bennett.events.find(
          (e) => e.event === STAFF_CHAT_EVENT.conversation && (e.data as StaffConversation).id === id,
        ),
      );
      assert.equal((told.data as StaffConversation).patientHidden, true);
      assert.equal((told.data as StaffConversation).patient, undefined);
      assert.ok(!JSON.stringify(told.data).includes(`Patient/${patientId}`));
      // A receptionist may not start one about a patient; a patient who is not there is refused.
      outcome(
        await start('Bennett', { id: randomUUID(), members: [ids['Khan']], patient: `Patient/${patientId}` }),
        403,
        'a receptionist naming a patient',
      );
      outcome(
        await start('Khan', { id: randomUUID(), members: [ids['Evans']], patient: 'Patient/999999' }),
        400,
        'a patient who does not exist',
      );
      // About a patient, one-to-one is not merged with the plain one-to-one.
      const about = await start('Khan', { id: randomUUID(), members: [ids['Evans']], patient: `Patient/${patientId}` });
      assert.equal(about.status, 201);
    });

    it('refuses strangers: nobody 401, a patient 403, the staff key alone 403, a non-member 404', async () => {
      const id = randomUUID();
      assert.equal((await start('Khan', { id, members: [ids['Evans']], title: undefined } as object)).status, 200);
      const mine = (await list('Khan')).find(
        (c) => c.members.length === 2 && c.members.some((m) => m.practitioner === ids['Evans']) && !c.patient,
      )!;
      const routes: [string, string, object?][] = [
        ['GET', '/api/staff-conversations'],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Evans']] }],
        ['GET', `/api/staff-conversations/${mine.id}/messages?after=0`],
        ['POST', `/api/staff-conversations/${mine.id}/messages`, { id: randomUUID(), text: 'hello' }],
        ['PUT', `/api/staff-conversations/${mine.id}/read`, { upTo: 1 }],
      ];
      const [row] = await server.storage.query<{ booking_reference: string }>(
        'SELECT booking_reference FROM appointment WHERE id = $1',
        [Number(appointmentId)],
      );
      const cookie = await patientSessionCookie(url, appointmentId);
      for (const [method, path, body] of routes) {
        const what = `${method} ${path}`;
        outcome(await call(method, path, body ? { body } : {}), 401, `${what}, nobody`);
        const reference = { authorization: `Bearer ${row!.booking_reference}` };
        outcome(await call(method, path, { headers: reference, ...(body ? { body } : {}) }), 403, `${what}, reference`);
        outcome(await call(method, path, { headers: { cookie }, ...(body ? { body } : {}) }), 401, `${what}, session`);
        outcome(await call(method, path, { headers: STAFF, ...(body ? { body } : {}) }), 403, `${what}, key alone`);
      }
      // A member of staff who is not a member, and a conversation that does not exist: the same 404.
      for (const conversation of [mine.id, randomUUID()]) {
        for (const [method, path, body] of routes.slice(2)) {
          const answer = await call<Outcome>(method, path.replace(mine.id, conversation), {
            headers: as('Shah'),
            ...(body ? { body } : {}),
          });
          outcome(answer, 404, `${method} ${path} by a non-member`);
          assert.equal(answer.body.issue[0]?.diagnostics, `No conversation ${conversation} of yours`);
        }
      }
      // Nothing was posted or moved by any of them.
      assert.deepEqual((await history('Khan', mine.id)).body, (await history('Evans', mine.id)).body);
      assert.ok(!(await history('Khan', mine.id)).body.messages.some((m) => m.text === 'hello'));
    });

    it('audits starting, posting and reading marks with the person and the conversation, never the text', async () => {
      const id = randomUUID();
      assert.equal((await start('Shah', { id, members: [ids['Okafor']] })).status, 201);
      const secret = `Secret clinical words ${randomUUID()}`;
      assert.equal((await post('Shah', id, secret)).status, 201);
      assert.equal((await read('Okafor', id, 1)).status, 200);
      const rows = await server.storage.query<{
        practitioner_id: number;
        via: string;
        action: string;
        resource: string;
        status: number;
      }>('SELECT practitioner_id, via, action, resource, status FROM staff_audit WHERE resource = $1 ORDER BY id', [
        `StaffConversation/${id}`,
      ]);
      assert.deepEqual(
        rows.map((r) => [r.practitioner_id, r.via, r.action, r.status]),
        [
          [Number(ids['Shah']), 'key', 'staff-chat.start', 201],
          [Number(ids['Shah']), 'key', 'staff-chat.post', 201],
          [Number(ids['Okafor']), 'key', 'staff-chat.read-mark', 200],
        ],
      );
      const all = await server.storage.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM staff_audit a');
      assert.ok(!all.some((a) => a.row.includes(secret)), 'the text is never audited');
    });

    it('answers odd input with a 4xx OperationOutcome, never a 5xx', async () => {
      const id = randomUUID();
      assert.equal((await start('Morgan', { id, members: [ids['Eze']] })).status, 201);
      const path = `/api/staff-conversations/${id}`;
      const cases: [string, string, (string | object)?][] = [
        ['GET', `${path}/messages?after=1&after=2`],
        ['GET', `${path}/messages?after=-1`],
        ['GET', `${path}/messages?after=abc`],
        ['GET', `${path}/messages?after=1.5`],
        ['GET', `${path}/messages?after=99999999999`],
        ['GET', `${path}/messages?before=3`],
        ['GET', '/api/staff-conversations?x=1'],
        ['GET', '/api/staff-conversations/not-a-uuid/messages'],
        ['GET', `/api/staff-conversations/${id.toUpperCase()}/messages`],
        ['POST', `${path}/messages`, { id: randomUUID(), text: 'x'.repeat(4001) }],
        ['POST', `${path}/messages`, { id: randomUUID(), text: 'a\u0000b' }],
        ['POST', `${path}/messages`, `{"id":"${randomUUID()}","text":"a\\ud800b"}`],
        ['POST', `${path}/messages`, { id: randomUUID(), text: '   ' }],
        ['POST', `${path}/messages`, { id: randomUUID(), text: 12 }],
        ['POST', `${path}/messages`, { id: 'not-a-uuid', text: 'hi' }],
        ['POST', `${path}/messages`, { id: randomUUID().toUpperCase(), text: 'hi' }],
        ['POST', `${path}/messages`, { id: randomUUID(), text: 'hi', extra: 1 }],
        ['POST', `${path}/messages`, { text: 'hi' }],
        ['POST', `${path}/messages`, [{ id: randomUUID(), text: 'hi' }]],
        ['POST', `${path}/messages`, 'null'],
        ['POST', `${path}/messages`, '{"id":'],
        ['POST', `${path}/messages`, { id: randomUUID(), text: 'x'.repeat(2_000_000) }],
        ['PUT', `${path}/read`, { upTo: -1 }],
        ['PUT', `${path}/read`, { upTo: '3' }],
        ['PUT', `${path}/read`, { upTo: 1.5 }],
        ['PUT', `${path}/read`, { upTo: 2 ** 31 }],
        ['PUT', `${path}/read`, {}],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: ids['Eze'] }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [] }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Morgan']] }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Eze'], ids['Eze']] }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [12] }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: ['999999'] }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: ['Patient/1'] }],
        [
          'POST',
          '/api/staff-conversations',
          { id: randomUUID(), members: Array.from({ length: 8 }, (_, i) => `${900_001 + i}`) },
        ],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Eze']], title: 'One to one' }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Eze'], ids['Khan']], title: '' }],
        [
          'POST',
          '/api/staff-conversations',
          { id: randomUUID(), members: [ids['Eze'], ids['Khan']], title: 'x'.repeat(81) },
        ],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Eze'], ids['Khan']], title: 'a\nb' }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Eze']], patient: 'Patient/abc' }],
        ['POST', '/api/staff-conversations', { id: randomUUID(), members: [ids['Eze']], patient: 7 }],
        ['POST', '/api/staff-conversations', { id: 'abc', members: [ids['Eze']] }],
        ['POST', '/api/staff-conversations', { members: [ids['Eze']] }],
      ];
      for (const [method, target, body] of cases) {
        const answer = await call<Outcome>(method, target, { headers: as('Morgan'), ...(body ? { body } : {}) });
        const what = `${method} ${target.slice(0, 80)} ${JSON.stringify(body)?.slice(0, 80)}`;
        assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status}`);
        assert.equal(answer.body.resourceType, 'OperationOutcome', what);
      }
      // Odd acting headers: refused, never ignored.
      outcome(
        await call('GET', '/api/staff-conversations', { headers: { ...STAFF, [ACTING_HEADER]: 'Dr Who' } }),
        400,
        'an acting header naming nobody',
      );
      outcome(
        await call('GET', '/api/staff-conversations', { headers: { ...STAFF, [ACTING_HEADER]: '999999' } }),
        403,
        'an acting header naming a stranger',
      );
      // None of it was stored.
      assert.deepEqual((await history('Morgan', id)).body, { messages: [], more: false });
    });
  });
}

suite('PGlite');
suite('PostgreSQL');

describe('messages between staff: the rate limit', () => {
  let server: ConsultKitServer | undefined;
  after(async () => server?.close());

  it('limits every route per address (staff-messages), with a 429 OperationOutcome', async () => {
    let url = '';
    ({ server, url } = await startTestServer({ CONSULTKIT_RATE_LIMITS: 'staff-messages=3/600' }));
    const repo = new BookingRepository(server.storage);
    const accounts = new StaffAccounts(server.storage, Date.now);
    const me = await repo.createPractitioner({ name: { given: ['Rate'], family: 'Limited' } });
    const other = await repo.createPractitioner({ name: { given: ['Other'], family: 'Person' } });
    for (const id of [me, other]) await accounts.setRoles(id, ['clinician']);
    const call = caller(() => url);
    const headers = { ...STAFF, [ACTING_HEADER]: String(me) };
    const conversation = randomUUID();
    const answers = [
      await call('POST', '/api/staff-conversations', { headers, body: { id: conversation, members: [String(other)] } }),
      await call('POST', `/api/staff-conversations/${conversation}/messages`, {
        headers,
        body: { id: randomUUID(), text: 'one' },
      }),
      await call('GET', '/api/staff-conversations', { headers }),
      await call('PUT', `/api/staff-conversations/${conversation}/read`, { headers, body: { upTo: 1 } }),
      await call('GET', `/api/staff-conversations/${conversation}/messages`, { headers }),
    ];
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 200, 429, 429],
    );
    assert.equal((answers[3]!.body as Outcome).resourceType, 'OperationOutcome');
    assert.match(String((answers[3]!.body as Outcome).issue[0]?.diagnostics), /staff message requests/);
  });
});

describe('messages between staff across two instances on one PostgreSQL', () => {
  const { it, before, after } = skippable(
    DATABASE_URL ? false : 'DATABASE_URL is not set: several instances need PostgreSQL (.ci/run provides one)',
  );
  let servers: ConsultKitServer[] = [];
  let urls: string[] = [];
  let close = async () => undefined;
  const ids = { khan: '', evans: '' };

  before(async () => {
    ({ servers, urls, close } = await twoInstances());
    const repo = new BookingRepository(servers[0]!.storage);
    const accounts = new StaffAccounts(servers[0]!.storage, () => TEST_NOW);
    for (const key of ['khan', 'evans'] as const) {
      const id = await repo.createPractitioner({ name: { prefix: ['Dr'], given: ['A'], family: key } });
      await accounts.setRoles(id, ['clinician']);
      ids[key] = String(id);
    }
  });
  after(async () => {
    await close();
  });

  it('a message posted on instance one reaches a member whose stream is on instance two', async () => {
    const evans = await EventStreamClient.open(`${urls[1]}/api/presence/events`, {
      ...STAFF,
      [ACTING_HEADER]: ids.evans,
    });
    try {
      assert.equal(evans.status, 200);
      await until('his stream open', () => evans.events.length > 0);
      const headers = { ...STAFF, [ACTING_HEADER]: ids.khan, 'content-type': 'application/json' };
      const conversation = randomUUID();
      const started = await fetch(`${urls[0]}/api/staff-conversations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: conversation, members: [ids.evans] }),
      });
      assert.equal(started.status, 201);
      const message = randomUUID();
      const posted = await fetch(`${urls[0]}/api/staff-conversations/${conversation}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: message, text: 'On instance one' }),
      });
      assert.equal(posted.status, 201);
      await until('the conversation on instance two', () =>
        evans.events.some(
          (e) => e.event === STAFF_CHAT_EVENT.conversation && (e.data as StaffConversation).id === conversation,
        ),
      );
      const live = await until('the message on instance two', () =>
        evans.events.find((e) => e.event === STAFF_CHAT_EVENT.message && (e.data as StaffMessage).id === message),
      );
      assert.equal((live.data as StaffMessage).text, 'On instance one');
      assert.equal((live.data as StaffMessage).seq, 1);
    } finally {
      evans.close();
    }
  });
});
