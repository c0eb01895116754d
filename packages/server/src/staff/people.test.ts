/**
 * Everyone who may be messaged (`GET /api/staff/people`, docs/staff.md "Messages", decision 0049)
 * over HTTP against the real server with the demo practice: on PGlite, and the same suite on
 * PostgreSQL when DATABASE_URL is set. Reception and the practice manager, who have no role in the
 * directory, are found; who may ask; the name search; the cap; the rate limit.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  STAFF_PEOPLE_DEFAULT,
  STAFF_PEOPLE_MAX,
  type StaffConversation,
  type StaffPeopleList,
} from '@consultkit/core/contract';
import type { ConsultKitServer } from '../app.js';
import { STAFF_COOKIE } from '../auth.js';
import { BookingRepository } from '../booking/repository.js';
import {
  adHocVideoConsultation,
  caller,
  freshPostgresDatabase,
  patientSessionCookie,
  skippable,
  STAFF,
  startTestServer,
  TEST_NOW,
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

  describe(`everyone who may be messaged (${engine})`, () => {
    let server: ConsultKitServer;
    let url = '';
    let database: { url: string; dispose(): Promise<void> } | undefined;
    const call = caller(() => url);
    const ids: Record<string, string> = {};
    let session = '';
    let appointmentId = '';
    const as = (who: string) => ({ ...STAFF, [ACTING_HEADER]: ids[who]! });
    const people = async (who: string, query = '') => {
      const answer = await call<StaffPeopleList>('GET', `/api/staff/people${query}`, { headers: as(who) });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      return answer.body;
    };
    const outcome = (answer: Answer<unknown>, status: number, what: string) => {
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal((answer.body as Outcome).resourceType, 'OperationOutcome', what);
    };

    before(async () => {
      if (engine === 'PostgreSQL') database = await freshPostgresDatabase();
      const env = { CONSULTKIT_SEED_DEMO: 'on', ...(database ? { DATABASE_URL: database.url } : {}) };
      ({ server, url } = await startTestServer(env, {}, { now: () => CLOCK }));
      const accounts = new StaffAccounts(server.storage, () => CLOCK);
      const repo = new BookingRepository(server.storage);
      for (const family of ['Khan', 'Evans', 'Shah']) {
        const [row] = await server.storage.query<{ id: number }>(
          `SELECT id FROM practitioner WHERE name->>'family' = $1 ORDER BY id LIMIT 1`,
          [family],
        );
        ids[family] = String(row!.id);
        await accounts.setRoles(row!.id, ['clinician']);
      }
      // Reception and the practice manager: staff by their sign-in, with no role in the directory.
      const bennett = await repo.createPractitioner({ name: { given: ['Jo'], family: 'Bennett' } });
      await accounts.setRoles(bennett, ['receptionist']);
      ids['Bennett'] = String(bennett);
      const adeyemi = await repo.createPractitioner({ name: { given: ['Grace'], family: 'Adeyemi' } });
      await accounts.setRoles(adeyemi, ['practice-admin', 'receptionist']);
      ids['Adeyemi'] = String(adeyemi);
      // A Practitioner who is nobody's account and in no directory (a referrer), and a leaver.
      ids['Referrer'] = String(await repo.createPractitioner({ name: { given: ['Rita'], family: 'Referrer' } }));
      const leaver = await repo.createPractitioner({ name: { given: ['Len'], family: 'Leaver' } });
      await accounts.setRoles(leaver, ['receptionist']);
      await server.storage.query('UPDATE practitioner SET active = false WHERE id = $1', [leaver]);
      ids['Leaver'] = String(leaver);
      // Odd characters in a name, to show the search takes them as text.
      const percent = await repo.createPractitioner({ name: { given: ['Per%cent'], family: 'Under_score' } });
      await accounts.setRoles(percent, ['receptionist']);
      const khan = (await accounts.person(Number(ids['Khan'])))!;
      session = `${STAFF_COOKIE}=${await accounts.startSession(khan, 'test', '127.0.0.1', 3600)}`;
      // A patient with a consultation: their booking reference and join session are patient credentials.
      appointmentId = await adHocVideoConsultation(server.storage, call, Number(ids['Khan']));
    });

    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('finds reception and the practice manager, with their roles; the directory job for clinicians; never the asker, a leaver or a non-member of staff', async () => {
      const everyone = await people('Khan', `?count=${STAFF_PEOPLE_MAX}`);
      const byId = new Map(everyone.people.map((p) => [p.practitioner, p]));
      assert.deepEqual(byId.get(ids['Bennett']!), {
        practitioner: ids['Bennett'],
        name: 'Jo Bennett',
        roles: ['receptionist'],
      });
      assert.deepEqual(byId.get(ids['Adeyemi']!), {
        practitioner: ids['Adeyemi'],
        name: 'Grace Adeyemi',
        roles: ['receptionist', 'practice-admin'],
      });
      const evans = byId.get(ids['Evans']!);
      assert.equal(evans?.name, 'Dr Tom Evans');
      assert.deepEqual(evans?.roles, ['clinician']);
      assert.equal(typeof evans?.job, 'string', 'a clinician in the directory has their job from it');
      assert.ok(byId.has(ids['Shah']!));
      assert.ok(!byId.has(ids['Khan']!), 'not the asker');
      assert.ok(!byId.has(ids['Referrer']!), 'not a Practitioner who is no member of staff');
      assert.ok(!byId.has(ids['Leaver']!), 'not an inactive Practitioner');
      // Colleagues only in the directory (no account yet) are there too: the server accepts them.
      const [directoryOnly] = await server.storage.query<{ id: number }>(
        `SELECT r.practitioner_id AS id FROM practitioner_role r
          WHERE r.active AND NOT EXISTS (SELECT 1 FROM staff_member m WHERE m.practitioner_id = r.practitioner_id)
          ORDER BY 1 LIMIT 1`,
      );
      if (directoryOnly) assert.ok(byId.has(String(directoryOnly.id)), 'a colleague in the directory only');
      // In order of family name.
      const families = everyone.people.map((p) => p.name.split(' ').at(-1)!.toLowerCase());
      assert.deepEqual(families, [...families].sort());
      // Whoever is listed may be made a member of a conversation.
      const started = await call<StaffConversation & Outcome>('POST', '/api/staff-conversations', {
        headers: as('Khan'),
        body: { id: randomUUID(), members: [ids['Bennett']] },
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.deepEqual(started.body.members.map((m) => m.name).sort(), ['Dr Amina Khan', 'Jo Bennett']);
    });

    it('searches by part of the name, any case; wildcards are text; a receptionist asks too', async () => {
      assert.deepEqual(
        (await people('Khan', '?name=BENN')).people.map((p) => p.name),
        ['Jo Bennett'],
      );
      assert.deepEqual(
        (await people('Khan', '?name=jo%20benn')).people.map((p) => p.name),
        ['Jo Bennett'],
      );
      assert.deepEqual(
        (await people('Khan', '?name=per%25cent')).people.map((p) => p.name),
        ['Per%cent Under_score'],
      );
      assert.deepEqual(
        (await people('Khan', '?name=%25')).people.map((p) => p.name),
        ['Per%cent Under_score'],
      );
      assert.deepEqual(
        (await people('Khan', '?name=_')).people.map((p) => p.name),
        ['Per%cent Under_score'],
      );
      assert.deepEqual(await people('Khan', '?name=zzzznobody'), { people: [], more: false });
      // A blank name is no filter.
      assert.ok((await people('Khan', '?name=%20%20')).people.length > 3);
      // Reception finds the GP (and not themselves).
      const found = await people('Bennett', '?name=khan');
      assert.deepEqual(
        found.people.map((p) => [p.practitioner, p.name]),
        [[ids['Khan'], 'Dr Amina Khan']],
      );
      assert.ok(!(await people('Bennett')).people.some((p) => p.practitioner === ids['Bennett']));
    });

    it('gives at most `count` (default 20) and says when more match', async () => {
      const all = await people('Khan', `?count=${STAFF_PEOPLE_MAX}`);
      assert.ok(all.people.length >= 5, JSON.stringify(all));
      const one = await people('Khan', '?count=1');
      assert.equal(one.people.length, 1);
      assert.equal(one.more, true);
      assert.deepEqual(one.people[0], all.people[0]);
      const exact = await people('Khan', `?count=${all.people.length}`);
      assert.equal(exact.more, all.more);
      const fallback = await people('Khan');
      assert.equal(fallback.people.length, Math.min(STAFF_PEOPLE_DEFAULT, all.people.length));
    });

    it('a staff session may ask; nobody 401, a patient 403, the staff key alone 403, an acting header naming no one 403', async () => {
      const bySession = await call<StaffPeopleList>('GET', '/api/staff/people?name=bennett', {
        headers: { cookie: session },
      });
      assert.equal(bySession.status, 200, JSON.stringify(bySession.body));
      assert.deepEqual(
        bySession.body.people.map((p) => p.name),
        ['Jo Bennett'],
      );
      const [row] = await server.storage.query<{ booking_reference: string }>(
        'SELECT booking_reference FROM appointment WHERE id = $1',
        [Number(appointmentId)],
      );
      const cookie = await patientSessionCookie(url, appointmentId);
      const path = '/api/staff/people?name=bennett';
      outcome(await call('GET', path), 401, 'nobody');
      outcome(await call('GET', path, { headers: { cookie } }), 401, "a patient's join session");
      outcome(
        await call('GET', path, { headers: { authorization: `Bearer ${row!.booking_reference}` } }),
        403,
        "a patient's booking reference",
      );
      outcome(await call('GET', path, { headers: STAFF }), 403, 'the staff key alone');
      outcome(await call('GET', path, { headers: { authorization: 'Bearer not-a-key' } }), 401, 'a wrong key');
      for (const who of [ids['Referrer']!, ids['Leaver']!, '999999']) {
        const answer = await call('GET', path, { headers: { ...STAFF, [ACTING_HEADER]: who } });
        outcome(answer, 403, `acting as Practitioner/${who}, no member of staff`);
        assert.ok(!JSON.stringify(answer.body).includes('Bennett'));
      }
      outcome(await call('GET', path, { headers: { ...STAFF, [ACTING_HEADER]: 'x' } }), 400, 'an odd acting header');
    });
  });
}

suite('PGlite');
suite('PostgreSQL');

describe('everyone who may be messaged: the rate limit', () => {
  let server: ConsultKitServer | undefined;
  after(async () => server?.close());

  it('counts every search per address under the directory limit, with a 429 OperationOutcome', async () => {
    let url = '';
    ({ server, url } = await startTestServer({ CONSULTKIT_RATE_LIMITS: 'directory=2/600' }));
    const repo = new BookingRepository(server.storage);
    const accounts = new StaffAccounts(server.storage, Date.now);
    const me = await repo.createPractitioner({ name: { given: ['Rate'], family: 'Limited' } });
    await accounts.setRoles(me, ['clinician']);
    const call = caller(() => url);
    const headers = { ...STAFF, [ACTING_HEADER]: String(me) };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call('GET', '/api/staff/people?name=a', { headers }));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 429],
    );
    assert.equal((answers[2]!.body as Outcome).resourceType, 'OperationOutcome');
    assert.match(String((answers[2]!.body as Outcome).issue[0]?.diagnostics), /directory requests/);
  });
});
