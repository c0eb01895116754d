/**
 * The staff directory, presence and calling a colleague in, over HTTP against the real server on
 * PGlite with the demo practice (docs/staff.md). Staff act as a named person with the staff key and
 * the acting-practitioner header (src/staff/acting.ts: the one seam until OIDC sessions land).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Fhir } from 'fhir';
import type { Bundle, PractitionerRole } from 'fhir/r4.js';
import { PRESENCE_EVENT, type CallInNotice, type Presence } from '@consultkit/core/contract';
import type { ConsultKitServer } from '../app.js';
import { ACTING_HEADER } from '../staff/acting.js';
import { StaffAccounts } from '../staff/accounts.js';
import { BookingRepository } from '../booking/repository.js';
import { caller, STAFF, startTestServer, TEST_NOW } from '../test-helpers.js';
import { until } from '../notify/test-support.js';
import { EventStreamClient } from '../sse-test-support.js';

/** The staff live stream on the server at `url`. */
const openStream = (url: string, headers: Record<string, string>) =>
  EventStreamClient.open(`${url}/api/presence/events`, headers);

describe('staff directory and presence', () => {
  let server: ConsultKitServer;
  let url = '';
  const call = caller(() => url);
  /** Monday 2 March 2026, 14:00 London: Dr Khan's video afternoon. */
  const clock = TEST_NOW + 6 * 60 * 60_000;
  const ids: Record<string, string> = {};
  const as = (who: string) => ({ ...STAFF, [ACTING_HEADER]: ids[who]! });
  const streams: EventStreamClient[] = [];

  before(async () => {
    ({ server, url } = await startTestServer({ CONSULTKIT_SEED_DEMO: 'on' }, {}, { now: () => clock }));
    const rows = await server.storage.query<{ id: number; family: string }>(
      `SELECT id, name->>'family' AS family FROM practitioner`,
    );
    for (const row of rows) ids[row.family] = String(row.id);
    // The demo's clinicians are members of staff (docs/staff.md, "Roles"): as their sign-in would make them.
    const accounts = new StaffAccounts(server.storage, () => clock);
    for (const row of rows) await accounts.setRoles(row.id, ['clinician']);
  });

  after(async () => {
    for (const stream of streams) stream.close();
    await server?.close();
  });

  const search = async (query: string) => {
    const answer = await call<Bundle>('GET', `/fhir/PractitionerRole?${query}`, { headers: STAFF });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const validation = new Fhir().validate(answer.body, { errorOnUnexpected: true });
    assert.equal(validation.valid, true, JSON.stringify(validation.messages));
    return answer.body;
  };
  const names = (bundle: Bundle) =>
    (bundle.entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => (e.resource as PractitionerRole).practitioner?.display)
      .sort();

  it('lists the demo practice with organisation, role, specialty, contact and hours, valid FHIR', async () => {
    const all = await search('');
    assert.deepEqual(names(all), [
      'Dr Amina Khan',
      'Dr Nkechi Eze',
      'Dr Rhys Morgan',
      'Dr Tom Evans',
      'Mr Sam Okafor',
      'Nurse Priya Shah',
    ]);
    const eze = all
      .entry!.map((e) => e.resource as PractitionerRole)
      .find((r) => r.practitioner?.display === 'Dr Nkechi Eze')!;
    assert.equal(eze.organization?.display, 'Riverside Surgery');
    assert.deepEqual(eze.specialty?.[0]?.coding?.[0], {
      system: 'http://snomed.info/sct',
      code: '394582007',
      display: 'Dermatology',
    });
    assert.equal(eze.code?.[0]?.coding?.[0]?.code, 'doctor');
    assert.ok(eze.telecom?.some((t) => t.system === 'phone' && t.value === '01632 960105'));
    assert.deepEqual(eze.availableTime?.[0]?.daysOfWeek, ['tue', 'thu']);
    // The demo practice's clinicians were extended, not made twice.
    const [{ n }] = (await server.storage.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM practitioner WHERE name->>'family' = 'Khan'`,
    )) as [{ n: number }];
    assert.equal(n, 1);
  });

  it('searches by name, role and specialty, and includes the Practitioner', async () => {
    assert.deepEqual(names(await search('name=kha')), ['Dr Amina Khan']);
    assert.deepEqual(names(await search('name=Dr%20Tom')), ['Dr Tom Evans']);
    assert.deepEqual(names(await search('name=nobody')), []);
    assert.deepEqual(names(await search('role=nurse')), ['Nurse Priya Shah']);
    assert.deepEqual(names(await search('role=http://snomed.info/sct|46255001')), ['Mr Sam Okafor']);
    assert.deepEqual(names(await search('role=pharmacist,nurse')), ['Mr Sam Okafor', 'Nurse Priya Shah']);
    assert.deepEqual(names(await search('specialty=394582007')), ['Dr Nkechi Eze']);
    assert.deepEqual(names(await search('specialty=http://snomed.info/sct|394537008&role=doctor')), ['Dr Rhys Morgan']);
    assert.deepEqual(names(await search('specialty=http://example.org/other|394582007')), []);
    // A `%` is a character to find, not a wildcard.
    assert.deepEqual(names(await search('name=%25')), []);
    const included = await search('name=Eze&_include=PractitionerRole:practitioner');
    const practitioner = included.entry?.find((e) => e.search?.mode === 'include')?.resource;
    assert.equal(practitioner?.resourceType, 'Practitioner');
    assert.equal(practitioner?.id, ids['Eze']);
  });

  it('says what is wrong with a search, as an OperationOutcome', async () => {
    for (const query of [
      'colour=blue',
      'name=a&name=b',
      '_include=PractitionerRole:location',
      'role=,',
      `name=${'x'.repeat(101)}`,
    ]) {
      const answer = await call<{ resourceType: string }>('GET', `/fhir/PractitionerRole?${query}`, { headers: STAFF });
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.resourceType, 'OperationOutcome', query);
    }
  });

  it('is in the CapabilityStatement', async () => {
    const metadata = await call<{ rest: { resource: { type: string; searchParam?: { name: string }[] }[] }[] }>(
      'GET',
      '/fhir/metadata',
    );
    const role = metadata.body.rest[0]!.resource.find((r) => r.type === 'PractitionerRole');
    assert.deepEqual(
      role?.searchParam?.map((p) => p.name).filter((n) => ['name', 'role', 'specialty'].includes(n)),
      ['name', 'role', 'specialty'],
    );
  });

  it('refuses a stranger (401) and a patient (403), everywhere', async () => {
    const booked = await consultation();
    const reference = await bookingReference(booked.body.id);
    const patient = { authorization: `Bearer ${reference}` };
    const routes: [string, string, object?][] = [
      ['GET', '/fhir/PractitionerRole'],
      ['GET', '/fhir/PractitionerRole?name=Khan'],
      ['GET', '/fhir/PractitionerRole/1'],
      ['GET', '/api/presence'],
      ['PUT', '/api/presence', { state: 'busy' }],
      ['GET', '/api/presence/events'],
      ['POST', `/api/consultations/${booked.body.id}/call-in`, { practitioner: ids['Eze'] }],
    ];
    for (const [method, path, body] of routes) {
      const stranger = await call<{ resourceType: string }>(method, path, body ? { body } : {});
      assert.equal(stranger.status, 401, `${method} ${path}`);
      assert.equal(stranger.body.resourceType, 'OperationOutcome');
      const asPatient = await call<{ resourceType: string }>(method, path, {
        headers: patient,
        ...(body ? { body } : {}),
      });
      assert.equal(asPatient.status, 403, `${method} ${path} as the patient`);
      assert.equal(asPatient.body.resourceType, 'OperationOutcome');
    }
    // A patient's join session (its cookie, after redeeming their link) is no staff credential either.
    const link = await call<{ url: string }>('POST', `/api/consultations/${booked.body.id}/invitations`, {
      headers: STAFF,
    });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    const redeemed = await fetch(`${url}/api/join/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: link.body.url.split('/join/')[1] }),
    });
    assert.equal(redeemed.status, 200);
    const cookie = redeemed.headers
      .getSetCookie()
      .find((c) => c.startsWith('ck_session='))!
      .split(';')[0]!;
    for (const [method, path, body] of routes) {
      const asSession = await call<{ resourceType: string }>(method, path, {
        headers: { cookie },
        ...(body ? { body } : {}),
      });
      assert.equal(asSession.status, 401, `${method} ${path} with the patient's join session`);
      assert.equal(asSession.body.resourceType, 'OperationOutcome');
    }
    // The staff key alone is a system, not a person: it may read, not set a presence or call anyone in.
    assert.equal((await call('PUT', '/api/presence', { headers: STAFF, body: { state: 'busy' } })).status, 403);
    const unnamed = await call('POST', `/api/consultations/${booked.body.id}/call-in`, {
      headers: STAFF,
      body: { practitioner: ids['Eze'] },
    });
    assert.equal(unnamed.status, 403);
    // Naming someone who is not there is refused, never ignored; so is a header that names nobody.
    const ghost = await call('GET', '/api/presence', { headers: { ...STAFF, [ACTING_HEADER]: '999999' } });
    assert.equal(ghost.status, 403);
    const odd = await call('GET', '/api/presence', { headers: { ...STAFF, [ACTING_HEADER]: 'Dr Who' } });
    assert.equal(odd.status, 400);
  });

  it('is live: online, set, offline, to another member of staff', async () => {
    const watcher = await openStream(url, as('Evans'));
    streams.push(watcher);
    assert.equal(watcher.status, 200);
    await until('the snapshot', () => watcher.presenceOf(ids['Khan']!));
    assert.equal(watcher.presenceOf(ids['Khan']!)?.state, 'offline');

    const khan = await openStream(url, as('Khan'));
    streams.push(khan);
    await until('Dr Khan online', () => watcher.presenceOf(ids['Khan']!)?.state === 'available');
    assert.ok(watcher.presenceOf(ids['Khan']!)?.lastSeen);

    const set = await call<Presence>('PUT', '/api/presence', { headers: as('Khan'), body: { state: 'busy' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.state, 'busy');
    await until('Dr Khan busy', () => watcher.presenceOf(ids['Khan']!)?.state === 'busy');

    for (const state of ['in-consultation', 'offline', 'dancing', 7, null]) {
      const refused = await call('PUT', '/api/presence', { headers: as('Khan'), body: { state } });
      assert.equal(refused.status, 400, String(state));
    }

    khan.close();
    await until('Dr Khan offline', () => watcher.presenceOf(ids['Khan']!)?.state === 'offline');
    const snapshot = await call<{ people: Presence[] }>('GET', '/api/presence', { headers: STAFF });
    assert.equal(snapshot.body.people.find((p) => p.practitioner === ids['Khan'])?.state, 'offline');
  });

  it('calls a colleague in: a specialist guest, told live on their stream, and shown in a consultation', async () => {
    const booked = await consultation();
    const eze = await openStream(url, as('Eze'));
    streams.push(eze);
    await until('her snapshot', () => eze.events.length > 0);

    const answer = await call<{ notified: boolean; id: string }>(
      'POST',
      `/api/consultations/${booked.body.id}/call-in`,
      {
        headers: as('Khan'),
        body: { practitioner: ids['Eze'] },
      },
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.notified, true);
    const notice = (await until('the call-in', () => eze.events.find((e) => e.event === PRESENCE_EVENT.callIn)))
      .data as CallInNotice;
    assert.equal(notice.from.name, 'Dr Amina Khan');
    assert.equal(notice.patient, 'Ada Lovelace');
    assert.equal(notice.consultation, booked.body.id);
    const guests = await call<{ guests: { name: string; kind: string }[] }>(
      'GET',
      `/api/consultations/${booked.body.id}/guests`,
      { headers: STAFF },
    );
    assert.deepEqual(
      guests.body.guests.map((g) => [g.name, g.kind]),
      [['Dr Nkechi Eze', 'specialist']],
    );
    // Nobody else hears it.
    const others = streams.filter((s) => s !== eze);
    assert.ok(others.every((s) => !s.events.some((e) => e.event === PRESENCE_EVENT.callIn)));

    // The audit names who called whom in.
    const [audited] = await server.storage.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM staff_audit WHERE action = 'consultation.call-in-colleague' AND practitioner_id = $1`,
      [Number(ids['Khan'])],
    );
    assert.equal(audited!.n, 1);

    // A receptionist may not call anyone in (a named member of staff, but not a clinician).
    const reception = await new BookingRepository(server.storage).createPractitioner({
      name: { given: ['Rita'], family: 'Desk' },
    });
    await new StaffAccounts(server.storage, () => clock).setRoles(reception, ['receptionist']);
    const receptionist = await call<{ resourceType: string }>('POST', `/api/consultations/${booked.body.id}/call-in`, {
      headers: { ...STAFF, [ACTING_HEADER]: String(reception) },
      body: { practitioner: ids['Eze'] },
    });
    assert.equal(receptionist.status, 403);
    assert.equal(receptionist.body.resourceType, 'OperationOutcome');

    // Refusals: yourself, someone not in the directory, an odd body.
    for (const body of [
      { practitioner: ids['Khan'] },
      { practitioner: '999999' },
      { practitioner: 12 },
      { who: 'x' },
    ]) {
      const refused = await call('POST', `/api/consultations/${booked.body.id}/call-in`, { headers: as('Khan'), body });
      assert.ok([400, 404].includes(refused.status), JSON.stringify(body));
    }
  });

  /** One video consultation with Dr Khan starting now (made once: she has one at a time). */
  let booked: { body: { id: string } } | undefined;
  async function consultation(): Promise<{ body: { id: string } }> {
    if (booked) return booked;
    const answer = await call<{ id: string }>('POST', '/api/consultations/ad-hoc', {
      headers: STAFF,
      body: {
        schedule: `Schedule/${await videoSchedule()}`,
        minutes: 15,
        patient: patientBody('Lovelace', 'ada@example.org'),
      },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    booked = answer;
    return answer;
  }
  async function videoSchedule(): Promise<number> {
    const [row] = await server.storage.query<{ id: number }>(
      `SELECT s.id FROM schedule s WHERE s.practitioner_id = $1 AND s.channels::text LIKE '%Video%' ORDER BY s.id LIMIT 1`,
      [Number(ids['Khan'])],
    );
    return row!.id;
  }
  async function bookingReference(id: string): Promise<string> {
    const [row] = await server.storage.query<{ booking_reference: string }>(
      'SELECT booking_reference FROM appointment WHERE id = $1',
      [Number(id)],
    );
    return row!.booking_reference;
  }
});

function patientBody(family: string, email: string) {
  return {
    resourceType: 'Patient',
    name: [{ given: ['Ada'], family }],
    birthDate: '1970-05-06',
    telecom: [{ system: 'email', value: email }],
  };
}
