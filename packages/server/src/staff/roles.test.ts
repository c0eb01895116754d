/**
 * Roles enforced and the staff audit (docs/staff.md): a receptionist cannot do a clinician's
 * actions; the staff key names its acting person with `ConsultKit-Acting-Practitioner` (their
 * stored roles apply) or acts as the system; every action is audited with who did it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { type BookingFixture, caller, seedBookingFixture, STAFF, startTestServer, TEST_NOW } from '../test-helpers.js';
import { rolesFromClaims, CIS2_ROLE_MAP, parseRoleMap } from './roles.js';

interface Outcome {
  resourceType: string;
  issue: { severity: string; code: string; diagnostics: string }[];
}
interface AuditAnswer {
  entries: {
    id: string;
    name: string;
    practitioner: string | null;
    via: string;
    action: string;
    resource: string;
    status: number;
  }[];
  next: string | null;
}

describe('roles and the staff audit', () => {
  let server: ConsultKitServer;
  let url = '';
  const call = caller(() => url);
  let fixture: BookingFixture;
  let receptionist = 0;
  let admin = 0;
  // Monday 2 March 2026, 09:10 London, in the GP's session; each consultation now starts 20 minutes on.
  let clock = TEST_NOW + 70 * 60_000;
  const as = (id: number) => ({ ...STAFF, 'consultkit-acting-practitioner': String(id) });

  before(async () => {
    ({ server, url } = await startTestServer({}, {}, { now: () => clock }));
    fixture = await seedBookingFixture(server.storage);
    const person = async (given: string, family: string, roles: string[]) => {
      const [row] = await server.storage.query<{ id: number }>(
        'INSERT INTO practitioner (name) VALUES ($1) RETURNING id',
        [JSON.stringify({ given: [given], family })],
      );
      await server.storage.query('INSERT INTO staff_member (practitioner_id, roles) VALUES ($1, $2)', [
        row!.id,
        JSON.stringify(roles),
      ]);
      return row!.id;
    };
    receptionist = await person('Jo', 'Bennett', ['receptionist']);
    admin = await person('Grace', 'Adeyemi', ['practice-admin']);
    await server.storage.query('INSERT INTO staff_member (practitioner_id, roles) VALUES ($1, $2)', [
      fixture.gp.practitionerId,
      JSON.stringify(['clinician']),
    ]);
  });
  after(() => server?.close());

  /** A video consultation now, in the GP's diary, started by `headers`. */
  const videoNow = async (headers: Record<string, string>) => {
    clock += 20 * 60_000;
    const answer = await call<{ id: string }>('POST', '/api/consultations/ad-hoc', {
      headers,
      body: {
        schedule: `Schedule/${fixture.gp.scheduleId}`,
        minutes: 15,
        patient: {
          resourceType: 'Patient',
          name: [{ given: ['Ada'], family: 'Walk-in' }],
          birthDate: '1970-05-06',
          telecom: [{ system: 'email', value: `walk-in-${Math.random()}@example.org` }],
        },
      },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.id;
  };

  const audit = async (query: string) => {
    const answer = await call<AuditAnswer>('GET', `/api/audit?${query}`, { headers: as(admin) });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };

  it("a receptionist is refused a clinician's actions, with a 403 OperationOutcome", async () => {
    const id = await videoNow(as(receptionist)); // a receptionist may start one for the clinician
    for (const [method, path, body] of [
      ['POST', `/api/consultations/${id}/clinician-token`, undefined],
      ['POST', `/api/consultations/${id}/invitations`, { role: 'clinician' }],
      ['GET', `/api/consultations/${id}/messages`, undefined],
      ['GET', `/api/consultations/${id}/documents`, undefined],
      ['GET', '/fhir/DocumentReference', undefined],
      ['GET', '/api/audit', undefined],
    ] as const) {
      const answer = await call<Outcome>(method, path, { headers: as(receptionist), ...(body ? { body } : {}) });
      assert.equal(answer.status, 403, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.resourceType, 'OperationOutcome');
      assert.match(answer.body.issue[0]!.diagnostics, /needs the role of .*Jo Bennett has receptionist/);
    }
    // What a receptionist does: a fresh link for the patient.
    const link = await call('POST', `/api/consultations/${id}/invitations`, { headers: as(receptionist) });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    // The refusals are in the audit too, with who tried.
    const refused = await audit(`practitioner=${receptionist}&action=consultation.join-as-clinician`);
    assert.equal(refused.entries[0]?.status, 403);
    assert.equal(refused.entries[0]?.name, 'Jo Bennett');
  });

  it('the staff key naming a clinician joins as that clinician; the audit names them', async () => {
    const id = await videoNow(as(receptionist));
    const ticket = await call<{ role: string }>('POST', `/api/consultations/${id}/clinician-token`, {
      headers: as(fixture.gp.practitionerId),
    });
    assert.equal(ticket.status, 200, JSON.stringify(ticket.body));
    assert.equal(ticket.body.role, 'clinician');
    const { entries } = await audit(`resource=Appointment/${id}`);
    const joined = entries.find((e) => e.action === 'consultation.join-as-clinician')!;
    assert.equal(joined.name, 'Dr Ada Test');
    assert.equal(joined.practitioner, String(fixture.gp.practitionerId));
    assert.equal(joined.via, 'key');
    assert.equal(joined.status, 200);
    const started = await audit(`action=consultation.start-now&practitioner=${receptionist}`);
    assert.ok(started.entries.length > 0);
    assert.equal(started.entries[0]!.name, 'Jo Bennett');
  });

  it('the staff key alone acts as the system, and the audit says so', async () => {
    const id = await videoNow(STAFF);
    const ticket = await call('POST', `/api/consultations/${id}/clinician-token`, { headers: STAFF });
    assert.equal(ticket.status, 200);
    const { entries } = await audit(`resource=Appointment/${id}&action=consultation.join-as-clinician`);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.name, 'System (staff key)');
    assert.equal(entries[0]!.practitioner, null);
    assert.equal(entries[0]!.via, 'system');
  });

  it('names the person who cancels a booking', async () => {
    const id = await videoNow(as(receptionist));
    const current = (await call<Record<string, unknown>>('GET', `/fhir/Appointment/${id}`, { headers: STAFF })).body;
    const cancelled = await call('PUT', `/fhir/Appointment/${id}`, {
      headers: as(receptionist),
      body: { ...current, status: 'cancelled' },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const { entries } = await audit(`resource=Appointment/${id}&action=appointment.cancelled`);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.name, 'Jo Bennett');
  });

  it('refuses an acting header that is malformed, repeated, or names nobody on the staff', async () => {
    const malformed = await call<Outcome>('GET', '/api/staff/me', {
      headers: { ...STAFF, 'consultkit-acting-practitioner': 'Dr Who' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.resourceType, 'OperationOutcome');
    const repeated = await call('GET', '/api/staff/me', {
      headers: { ...STAFF, 'consultkit-acting-practitioner': `${admin}, ${receptionist}` },
    });
    assert.equal(repeated.status, 400);
    // A practitioner who is not staff (no roles stored): the nurse of the fixture.
    const stranger = await call<Outcome>('GET', '/api/staff/me', { headers: as(fixture.nurse.practitionerId) });
    assert.equal(stranger.status, 403);
    assert.match(stranger.body.issue[0]!.diagnostics, /not a member of staff/);
    // The header without the key vouches for nothing.
    const bare = await call('GET', '/api/staff/me', { headers: { 'consultkit-acting-practitioner': String(admin) } });
    assert.equal(bare.status, 401);
    const me = await call<{ person: { name: string; roles: string[] } }>('GET', '/api/staff/me', {
      headers: as(admin),
    });
    assert.deepEqual(me.body.person.roles, ['practice-admin']);
  });

  it('the audit refuses odd filters and pages with next', async () => {
    for (const query of ['_count=0x10', 'since=yesterday', 'practitioner=abc', 'who=1', 'action=a&action=b']) {
      const answer = await call<Outcome>('GET', `/api/audit?${query}`, { headers: as(admin) });
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.resourceType, 'OperationOutcome');
    }
    const first = await audit('_count=1');
    assert.equal(first.entries.length, 1);
    assert.ok(first.next);
    const second = await audit(`_count=1&before=${first.next}`);
    assert.equal(second.entries.length, 1);
    assert.ok(Number(second.entries[0]!.id) < Number(first.entries[0]!.id));
  });
});

describe('roles from claims', () => {
  it('reads a list, a string, and CIS2 role codes of the selected role at the practice', () => {
    assert.deepEqual(rolesFromClaims({ roles: ['clinician', 'other'] }, { claim: 'roles', map: {} }), ['clinician']);
    assert.deepEqual(
      rolesFromClaims(
        { groups: 'GP reception' },
        { claim: 'groups', map: parseRoleMap('GP=clinician,reception=receptionist') },
      ),
      ['receptionist', 'clinician'],
    );
    const cis2 = {
      selected_roleid: '555',
      nhsid_nrbac_roles: [
        { person_roleid: '555', org_code: 'A81001', role_code: 'S8000:G8000:R8000' },
        { person_roleid: '556', org_code: 'A81001', role_code: 'S8000:G8000:R8013' },
        { person_roleid: '555', org_code: 'B99999', role_code: 'S8000:G8000:R8008' },
      ],
    };
    const mapping = { claim: 'nhsid_nrbac_roles', map: CIS2_ROLE_MAP, orgCode: 'A81001' };
    assert.deepEqual(rolesFromClaims(cis2, mapping), ['clinician']);
    assert.deepEqual(rolesFromClaims({ ...cis2, selected_roleid: undefined }, mapping), [
      'clinician',
      'practice-admin',
    ]);
    assert.deepEqual(rolesFromClaims({ nhsid_nrbac_roles: 'nonsense' }, mapping), []);
    assert.deepEqual(rolesFromClaims({}, mapping), []);
    assert.throws(() => parseRoleMap('GP=doctor'), /value=role/);
  });
});
