import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, CapabilityStatement, Patient, Schedule, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from '../app.js';
import { Jar, signIn } from '../staff/test-support.js';
import { seedBookingFixture, STAFF, startTestServer, TEST_NOW, type BookingFixture } from '../test-helpers.js';

/**
 * The FHIR booking API against a real server (in-memory PGlite) with a fixed clock
 * (Monday 2 March 2026, 08:00 GMT) and a small fixture practice.
 */

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

interface Outcome {
  resourceType: string;
  issue: { severity: string; code: string; diagnostics: string }[];
}

const FHIR = { 'content-type': 'application/fhir+json' };
const DELIVERY_CHANNEL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel';

let server: ConsultKitServer;
let url: string;
let fixture: BookingFixture;

async function call<T = unknown>(
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined ? FHIR : {}), ...options.headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

const get = <T = unknown>(path: string, headers: Record<string, string> = {}) => call<T>('GET', path, { headers });

/** The slots of a search (match entries only). */
function slots(bundle: Bundle): Slot[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
}

/** The free GP slots of a day (London), in order. */
async function gpSlots(date: string): Promise<Slot[]> {
  const answer = await get<Bundle>(
    `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=${date}&_count=100`,
  );
  assert.equal(answer.status, 200);
  return slots(answer.body);
}

/** The GP's slots of a day whatever their status (past ones too: status=free never lists those). */
async function gpSlotsAnyStatus(date: string): Promise<Slot[]> {
  const answer = await get<Bundle>(`/fhir/Slot?schedule=Schedule/${fixture.gp.scheduleId}&start=${date}&_count=100`);
  assert.equal(answer.status, 200);
  return slots(answer.body);
}

let patientCounter = 0;
function appointmentBody(slot: Slot, overrides: Record<string, unknown> = {}, patient: Record<string, unknown> = {}) {
  patientCounter++;
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        name: [{ given: ['Ada'], family: 'Lovelace' }],
        birthDate: '1985-12-10',
        telecom: [
          { system: 'email', value: `ada${patientCounter}@example.org` },
          { system: 'phone', value: '07700 900123' },
        ],
        ...patient,
      },
    ],
    participant: [{ actor: { reference: '#patient' }, status: 'accepted' }],
    slot: [{ reference: `Slot/${slot.id}` }],
    start: slot.start,
    end: slot.end,
    extension: [{ url: DELIVERY_CHANNEL, valueCode: 'Video' }],
    ...overrides,
  };
}

async function book(slot: Slot, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const answer = await call<Appointment>('POST', '/fhir/Appointment', {
    body: appointmentBody(slot, overrides),
    headers,
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

function reference(appointment: Appointment): string {
  return appointment.identifier!.find((i) => i.system === 'urn:consultkit:booking-reference')!.value!;
}

async function put(appointment: Appointment, changes: Partial<Appointment>, headers: Record<string, string> = STAFF) {
  return call<Appointment>('PUT', `/fhir/Appointment/${appointment.id}`, {
    body: { ...appointment, ...changes },
    headers: { 'if-match': `W/"${appointment.meta!.versionId}"`, ...headers },
  });
}

/** Every slot's status agrees with the live appointment on it (or its absence): nothing half-done. */
async function assertSlotsAgree(): Promise<void> {
  const rows = await server.storage.query<{ id: number; status: string; appointments: string[] | null }>(
    `SELECT s.id, s.status, array_agg(a.status) FILTER (WHERE a.status <> 'cancelled') AS appointments
     FROM slot s LEFT JOIN appointment a ON a.slot_id = s.id GROUP BY s.id, s.status`,
  );
  for (const row of rows) {
    const live = row.appointments ?? [];
    assert.ok(live.length <= 1, `Slot/${row.id} has ${live.length} live appointments`);
    const expected = live.length === 0 ? 'free' : live[0] === 'pending' ? 'busy-tentative' : 'busy';
    assert.equal(row.status, expected, `Slot/${row.id} is ${row.status} with ${JSON.stringify(live)}`);
  }
}

async function slotStatus(id: string | undefined): Promise<string> {
  return (await get<Slot>(`/fhir/Slot/${id}`)).body.status;
}

describe('FHIR booking API', () => {
  before(async () => {
    // Many bookings and wrong keys from one address: no rate limits here (rate-limit.test.ts has them).
    ({ server, url } = await startTestServer(
      { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_RATE_LIMITS: 'off' },
      {},
      { now: () => TEST_NOW },
    ));
    fixture = await seedBookingFixture(server.storage);
  });
  after(() => server.close());

  describe('reading', () => {
    it('GET /fhir/metadata is a CapabilityStatement in application/fhir+json', async () => {
      const answer = await get<CapabilityStatement>('/fhir/metadata');
      assert.equal(answer.status, 200);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/fhir\+json/);
      assert.equal(answer.body.resourceType, 'CapabilityStatement');
      assert.equal(answer.body.fhirVersion, '4.0.1');
      const resources = answer.body.rest![0]!.resource!;
      assert.deepEqual(
        resources.map((r) => r.type),
        [
          'Practitioner',
          'Schedule',
          'Slot',
          'Appointment',
          'Patient',
          'DocumentReference',
          'Binary',
          'Consent',
          'PractitionerRole',
        ],
      );
      const slot = resources.find((r) => r.type === 'Slot')!;
      assert.deepEqual(slot.searchInclude, ['Slot:schedule']);
      assert.ok(slot.searchParam!.some((p) => p.name === 'start' && p.type === 'date'));
    });

    it('reads and searches practitioners and schedules', async () => {
      const practitioner = await get<{ name: { text: string }[] }>(`/fhir/Practitioner/${fixture.gp.practitionerId}`);
      assert.equal(practitioner.status, 200);
      assert.equal(practitioner.body.name[0]!.text, 'Dr Ada Test');
      const all = await get<Bundle>('/fhir/Practitioner?_total=accurate');
      assert.equal(all.body.total, 2);
      const schedule = await get<Schedule>(`/fhir/Schedule/${fixture.nurse.scheduleId}`);
      assert.deepEqual(
        schedule.body.extension!.filter((e) => e.url === DELIVERY_CHANNEL).map((e) => e.valueCode),
        ['In-person', 'Telephone'],
      );
      assert.equal(
        schedule.body.extension!.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/timezone')!.valueCode,
        'Europe/London',
      );
      assert.equal(schedule.body.actor[0]!.reference, `Practitioner/${fixture.nurse.practitionerId}`);
      assert.equal(schedule.body.actor[0]!.display, 'Nurse Bea Test');
      assert.equal(schedule.body.serviceType![0]!.coding![0]!.code, 'nurse');
      const byActor = await get<Bundle>(`/fhir/Schedule?actor=Practitioner/${fixture.gp.practitionerId}`);
      assert.deepEqual(
        byActor.body.entry!.map((e) => e.resource!.id),
        [String(fixture.gp.scheduleId)],
      );
      const byType = await get<Bundle>('/fhir/Schedule?service-type=nurse');
      assert.deepEqual(
        byType.body.entry!.map((e) => e.resource!.id),
        [String(fixture.nurse.scheduleId)],
      );
    });
  });

  describe('slot search', () => {
    it('finds the free slots of one practitioner on one day, in start order, with wall-clock offsets', async () => {
      const answer = await get<Bundle>(
        `/fhir/Slot?status=free&start=ge2026-03-03&start=lt2026-03-04&schedule.actor=Practitioner/${fixture.gp.practitionerId}&_total=accurate`,
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.body.type, 'searchset');
      assert.equal(answer.body.total, 18);
      const found = slots(answer.body);
      assert.equal(found.length, 18);
      assert.equal(found[0]!.start, '2026-03-03T09:00:00+00:00');
      assert.equal(found[0]!.end, '2026-03-03T09:10:00+00:00');
      assert.equal(found[17]!.start, '2026-03-03T11:50:00+00:00');
      assert.ok(
        found.every((s) => s.status === 'free' && s.schedule.reference === `Schedule/${fixture.gp.scheduleId}`),
      );
      assert.equal(found[0]!.serviceType![0]!.coding![0]!.code, 'gp');
    });

    it('keeps 09:00 at 09:00 on the wall clock after the clocks go forward (29 March 2026)', async () => {
      const day = await gpSlots('2026-03-29');
      assert.equal(day.length, 18);
      assert.equal(day[0]!.start, '2026-03-29T09:00:00+01:00');
      assert.equal(Date.parse(day[0]!.start), Date.parse('2026-03-29T08:00:00Z'));
    });

    it('a day without a prefix means that day; instants narrow it', async () => {
      const day = await get<Bundle>('/fhir/Slot?start=2026-03-03&_count=0');
      assert.equal(day.body.total, 18 + 4, 'GP 18 and nurse 4');
      assert.equal(day.body.entry?.length ?? 0, 0, '_count=0 gives the total only');
      const window = await get<Bundle>('/fhir/Slot?start=ge2026-03-03T10:00:00Z&start=lt2026-03-03T10:30:00Z');
      assert.deepEqual(
        slots(window.body).map((s) => s.start),
        ['2026-03-03T10:00:00+00:00', '2026-03-03T10:10:00+00:00', '2026-03-03T10:20:00+00:00'],
      );
      const gt = await get<Bundle>('/fhir/Slot?start=gt2026-03-03T11:40:00Z&start=le2026-03-03');
      assert.deepEqual(
        slots(gt.body).map((s) => s.start),
        ['2026-03-03T11:50:00+00:00'],
      );
      const local = await get<Bundle>('/fhir/Slot?start=eq2026-03-03T09:00&_total=accurate');
      assert.equal(local.body.total, 2, 'a time without a zone is practice-local: the GP and the nurse at 09:00');
      const summer = await get<Bundle>('/fhir/Slot?start=eq2026-03-30T09:00');
      assert.deepEqual(
        slots(summer.body).map((s) => s.start),
        ['2026-03-30T09:00:00+01:00', '2026-03-30T09:00:00+01:00'],
      );
    });

    it('takes dates at the edges of the calendar (years 1000 to 9999) without trouble', async () => {
      const everything = (await get<Bundle>('/fhir/Slot?_count=0')).body.total;
      assert.ok(everything! > 0);
      for (const [value, total] of [
        ['9999', 0],
        ['9999-12', 0],
        ['9999-12-31', 0],
        ['gt9999-12-31T23:59:59Z', 0],
        ['lt1000-01-01T00:00:00%2B14:00', 0],
        ['le9999-12-31T23:59:59-14:00', everything],
        ['ge1000', everything],
      ] as const) {
        const answer = await get<Bundle>(`/fhir/Slot?start=${value}&_count=1&_total=accurate`);
        assert.equal(answer.status, 200, `${value}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.total, total, value);
      }
    });

    it('pages by an opaque cursor in the next link; the total is counted only when asked', async () => {
      const first = await get<Bundle>(
        `/fhir/Slot?schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-03&_count=5&_total=accurate`,
      );
      assert.equal(first.body.total, 18);
      assert.equal(slots(first.body).length, 5);
      const link = (bundle: Bundle, relation: string) => bundle.link?.find((l) => l.relation === relation)?.url;
      assert.match(link(first.body, 'self')!, /_total=accurate&_count=5$/);
      assert.equal(link(first.body, 'previous'), undefined);
      const seen = slots(first.body).map((s) => s.start);
      let next = link(first.body, 'next');
      let pages = 1;
      while (next) {
        assert.match(next, /^http:\/\/127\.0\.0\.1:\d+\/fhir\/Slot\?.*&_count=5&_cursor=[A-Za-z0-9_-]+$/);
        assert.doesNotMatch(next, /_offset/);
        const page = await get<Bundle>(next.slice(url.length));
        assert.equal(page.status, 200);
        assert.equal(page.body.total, 18, 'the total is the whole search, on every page');
        seen.push(...slots(page.body).map((s) => s.start));
        next = link(page.body, 'next');
        pages++;
      }
      assert.equal(pages, 4, '5 + 5 + 5 + 3');
      assert.equal(seen.length, 18);
      assert.equal(new Set(seen).size, 18, 'no slot twice across pages');
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => Date.parse(a) - Date.parse(b)),
        'in start order across pages',
      );
      assert.equal(seen[5], '2026-03-03T09:50:00+00:00');

      const uncounted = await get<Bundle>(`/fhir/Slot?schedule=Schedule/${fixture.gp.scheduleId}&_count=5`);
      assert.equal(uncounted.body.total, undefined, 'no _total: no count (none is the default)');
      const capped = await get<Bundle>('/fhir/Slot?_count=100000&_total=none');
      assert.equal(slots(capped.body).length, 500);
      assert.equal(capped.body.total, undefined, '_total=none skips the count');
      assert.match(link(capped.body, 'self')!, /_count=500/);
    });

    it('refuses _offset on slots (the next link pages) and a cursor it did not make', async () => {
      const offset = await get<Outcome>('/fhir/Slot?_offset=10');
      assert.equal(offset.status, 400);
      assert.match(offset.body.issue[0]!.diagnostics, /pages by cursor: follow the Bundle's next link/);
      for (const cursor of ['nonsense!', 'bm9wZQ', Buffer.from('1.0').toString('base64url'), 'A'.repeat(41)]) {
        const answer = await get<Outcome>(`/fhir/Slot?_cursor=${cursor}`);
        assert.equal(answer.status, 400, cursor);
        assert.equal(answer.body.resourceType, 'OperationOutcome');
        assert.match(answer.body.issue[0]!.diagnostics, /_cursor: .* is not a cursor of this server/);
      }
    });

    it('_include=Slot:schedule adds each Schedule once, as an include', async () => {
      const answer = await get<Bundle>('/fhir/Slot?start=2026-03-03&_include=Slot:schedule&_count=100');
      const included = answer.body.entry!.filter((e) => e.search?.mode === 'include');
      assert.deepEqual(
        included.map((e) => e.resource!.resourceType),
        ['Schedule', 'Schedule'],
      );
      assert.deepEqual(
        included.map((e) => e.resource!.id).sort(),
        [String(fixture.gp.scheduleId), String(fixture.nurse.scheduleId)].sort(),
      );
      assert.match(included[0]!.fullUrl!, /\/fhir\/Schedule\/\d+$/);
    });

    it('filters by service type (token with or without system; another system matches nothing)', async () => {
      const nurse = await get<Bundle>('/fhir/Slot?service-type=nurse&start=2026-03-03&_total=accurate');
      assert.equal(nurse.body.total, 4);
      const system = await get<Bundle>(
        '/fhir/Slot?service-type=urn:consultkit:service-type|gp&start=2026-03-03&_total=accurate',
      );
      assert.equal(system.body.total, 18);
      const other = await get<Bundle>(
        '/fhir/Slot?service-type=http://snomed.info/sct|gp&start=2026-03-03&_total=accurate',
      );
      assert.equal(other.body.total, 0);
      const both = await get<Bundle>('/fhir/Slot?service-type=gp,nurse&start=2026-03-03&_count=0');
      assert.equal(both.body.total, 22);
    });
  });

  describe('malformed requests are OperationOutcomes with the right status, never a 500', () => {
    const gets: [string, number, string, RegExp, Record<string, string>?][] = [
      ['/fhir/Slot?start=ge2026-13-01', 400, 'value', /start: "2026-13-01" is not a date/],
      ['/fhir/Slot?start=2026-02-30', 400, 'value', /not a date/],
      ['/fhir/Slot?start=xx2026-01-01', 400, 'value', /not a date/],
      ['/fhir/Slot?start=ge2026-03-03T25:00Z', 400, 'value', /not a date/],
      ['/fhir/Slot?start=ge2026-03-03T10:00:00%2B15:00', 400, 'value', /not a date/],
      ['/fhir/Slot?start=ge0999-01-01', 400, 'value', /not a date/],
      ['/fhir/Slot?start=ge99999', 400, 'value', /not a date/],
      ['/fhir/Slot?start=%E0%A4%A', 400, 'value', /not a date/],
      ['/fhir/Slot?start=ne2026-03-03', 400, 'not-supported', /prefix "ne" is not supported/],
      ['/fhir/Slot?start=ap2026-03-03', 400, 'not-supported', /prefix "ap"/],
      ['/fhir/Slot?start=ge2026-03-29T01:30', 400, 'value', /does not exist in Europe\/London/],
      ['/fhir/Slot?status=open', 400, 'value', /status: "open" is not one of free, busy-tentative, busy/],
      ['/fhir/Slot?status=free&status=busy', 400, 'value', /status: give it once/],
      ['/fhir/Slot?_count=-1', 400, 'value', /_count: expected a whole number/],
      ['/fhir/Slot?_count=ten', 400, 'value', /_count/],
      ['/fhir/Practitioner?_offset=-5', 400, 'value', /_offset/],
      ['/fhir/Schedule?_offset=1e3', 400, 'value', /_offset/],
      ['/fhir/Slot?_offset=5', 400, 'not-supported', /_offset.*pages by cursor/],
      ['/fhir/Slot?_summary=text', 400, 'not-supported', /_summary: only count and false/],
      ['/fhir/Slot?_id=Slot/x', 400, 'value', /_id: expected Slot\/<id>/],
      ['/fhir/Slot?_total=maybe', 400, 'value', /_total/],
      ['/fhir/Slot?_sort=-start', 400, 'value', /_sort/],
      ['/fhir/Slot?_format=xml', 406, 'not-supported', /_format: only JSON/],
      ['/fhir/Slot', 406, 'not-supported', /application\/fhir\+json only/, { accept: 'application/fhir+xml' }],
      [
        '/fhir/metadata',
        406,
        'not-supported',
        /application\/fhir\+json only/,
        { accept: 'application/xml, text/html;q=0.5' },
      ],
      [
        '/fhir/Slot/1',
        406,
        'not-supported',
        /application\/fhir\+json only/,
        { accept: 'application/fhir+json;q=0, application/fhir+xml' },
      ],
      [
        '/fhir/Slot?colour=blue',
        400,
        'not-supported',
        /Unknown search parameter "colour" for Slot; supported: _id, status/,
      ],
      ['/fhir/Slot?__proto__=x', 400, 'not-supported', /Unknown search parameter "__proto__"/],
      ['/fhir/Slot?status:not=free', 400, 'not-supported', /modifiers are not supported/],
      ['/fhir/Slot?schedule=Schedule/abc', 400, 'value', /schedule: expected Schedule\/<id>/],
      ['/fhir/Slot?schedule=Schedule/99999999999', 400, 'value', /schedule: expected Schedule\/<id>/],
      ['/fhir/Slot?schedule.actor=Schedule/1', 400, 'value', /schedule.actor: expected Practitioner\/<id>/],
      ['/fhir/Slot?service-type=g%20p', 400, 'value', /service-type: "g p" is not a code/],
      ['/fhir/Slot?_include=Slot:practitioner', 400, 'value', /_include: only Slot:schedule/],
      ['/fhir/Schedule?active=yes', 400, 'value', /active: expected true or false/],
      ['/fhir/Practitioner?name=Khan', 400, 'not-supported', /Unknown search parameter "name"/],
      ['/fhir/Slot/abc', 404, 'not-found', /Slot\/abc does not exist/],
      ['/fhir/Slot/0', 404, 'not-found', /Slot\/0 does not exist/],
      ['/fhir/Slot/99999999999999', 404, 'not-found', /does not exist/],
      ['/fhir/Slot/2147483648', 404, 'not-found', /does not exist/],
      ['/fhir/Practitioner/999', 404, 'not-found', /Practitioner\/999 does not exist/],
      ['/fhir/Schedule/-1', 404, 'not-found', /does not exist/],
      ['/fhir/Observation', 404, 'not-found', /Nothing at GET \/fhir\/Observation/],
      ['/fhir/Appointment', 401, 'login', /Staff credentials are required/],
      ['/fhir/Appointment/1', 401, 'login', /Staff credentials are required/],
      ['/fhir/Patient/1', 401, 'login', /Staff credentials are required/],
      [
        '/fhir/Appointment',
        401,
        'login',
        /neither the staff key nor a known booking reference/,
        { authorization: 'Bearer nope' },
      ],
      ['/fhir/Appointment', 401, 'login', /expected "Bearer/, { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }],
      ['/fhir/Appointment', 401, 'login', /expected "Bearer/, { authorization: 'Bearer' }],
      ['/fhir/Appointment', 401, 'login', /known booking reference/, { authorization: 'Bearer CK-2222-2222-2222' }],
      ['/fhir/Appointment?status=bogus', 400, 'value', /status: "bogus" is not one of/, STAFF],
      ['/fhir/Appointment?date=ge2026-02-30', 400, 'value', /date: "2026-02-30" is not a date/, STAFF],
      ['/fhir/Appointment?patient=Practitioner/1', 400, 'value', /patient: expected Patient\/<id>/, STAFF],
      ['/fhir/Appointment?_include=Appointment:actor', 400, 'value', /_include: only Appointment:patient/, STAFF],
      ['/fhir/Appointment/abc', 404, 'not-found', /Appointment\/abc does not exist/, STAFF],
      ['/fhir/Appointment/424242', 404, 'not-found', /Appointment\/424242 does not exist/, STAFF],
      ['/fhir/Patient/424242', 404, 'not-found', /Patient\/424242 does not exist/, STAFF],
      ['/api/outbox', 401, 'login', /Staff credentials are required/],
      ['/api/outbox?limit=0', 400, 'value', /limit: a whole number from 1 to 1000/, STAFF],
      ['/api/staff/events', 401, 'login', /Staff credentials are required/],
    ];
    for (const [path, status, code, diagnostics, headers] of gets) {
      it(`GET ${path}${headers ? ` (${Object.values(headers)[0]!.split(' ')[0]})` : ''} → ${status} ${code}`, async () => {
        const answer = await get<Outcome>(path, headers);
        assert.equal(answer.status, status, JSON.stringify(answer.body));
        assert.match(answer.headers.get('content-type') ?? '', /^application\/fhir\+json/);
        assert.equal(answer.body.resourceType, 'OperationOutcome');
        assert.equal(answer.body.issue[0]!.severity, 'error');
        assert.equal(answer.body.issue[0]!.code, code);
        assert.match(answer.body.issue[0]!.diagnostics, diagnostics);
        if (status === 401) assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="consultkit"');
      });
    }

    // Each case: a body (object, or raw text), extra headers, status, code, diagnostics.
    type Case = [
      string,
      (slot: Slot, past: Slot, nurse: Slot) => { body?: unknown; raw?: string; headers?: Record<string, string> },
      number,
      string,
      RegExp,
    ];
    const withPatient = (slot: Slot, patient: Record<string, unknown>) => ({
      body: appointmentBody(slot, {}, patient),
    });
    const posts: Case[] = [
      ['malformed JSON (fhir+json)', () => ({ raw: '{"resourceType": ' }), 400, 'structure', /JSON/i],
      [
        'malformed JSON (json)',
        () => ({ raw: '{"resourceType": ', headers: { 'content-type': 'application/json' } }),
        400,
        'structure',
        /JSON/i,
      ],
      ['an empty body', () => ({ raw: '' }), 400, 'structure', /empty|Expected an Appointment/i],
      ['JSON null', () => ({ raw: 'null' }), 400, 'structure', /Expected an Appointment resource/],
      ['a JSON array', () => ({ raw: '[]' }), 400, 'structure', /body: expected a JSON object/],
      ['a JSON string', () => ({ raw: '"Appointment"' }), 400, 'structure', /body: expected a JSON object/],
      ['a prototype-poisoning body', () => ({ raw: '{"__proto__": {"admin": true}}' }), 400, 'structure', /./],
      ['text/plain', () => ({ raw: 'hello', headers: { 'content-type': 'text/plain' } }), 415, 'not-supported', /./],
      [
        'a Patient instead',
        () => ({ body: { resourceType: 'Patient' } }),
        400,
        'invalid',
        /resourceType: expected "Appointment", got "Patient"/,
      ],
      [
        'no resourceType',
        () => ({ body: { status: 'proposed' } }),
        400,
        'invalid',
        /resourceType: expected "Appointment", got null/,
      ],
      [
        'no contained patient',
        (s) => ({ body: { ...appointmentBody(s), contained: [], participant: [] } }),
        400,
        'required',
        /the patient is required/,
      ],
      [
        'contained not an array',
        (s) => ({ body: { ...appointmentBody(s), contained: {} } }),
        400,
        'structure',
        /contained: expected a JSON array/,
      ],
      [
        'a participant pointing nowhere',
        (s) => ({ body: { ...appointmentBody(s), participant: [{ actor: { reference: '#someone' } }] } }),
        400,
        'invalid',
        /#someone is not a contained resource/,
      ],
      [
        'no birth date',
        (s) => withPatient(s, { birthDate: undefined }),
        400,
        'required',
        /Patient.birthDate is required/,
      ],
      [
        'an impossible birth date',
        (s) => withPatient(s, { birthDate: '1985-13-10' }),
        400,
        'value',
        /Patient.birthDate: expected a date/,
      ],
      [
        'a birth date in the future',
        (s) => withPatient(s, { birthDate: '2030-01-01' }),
        400,
        'value',
        /not a possible date of birth/,
      ],
      ['a birth date as a number', (s) => withPatient(s, { birthDate: 19851210 }), 400, 'value', /Patient.birthDate/],
      [
        'no e-mail',
        (s) => withPatient(s, { telecom: [{ system: 'phone', value: '07700 900123' }] }),
        400,
        'required',
        /e-mail address \(system "email"\) is required/,
      ],
      [
        'a bad e-mail',
        (s) => withPatient(s, { telecom: [{ system: 'email', value: 'ada@' }] }),
        400,
        'value',
        /"ada@" is not an e-mail address/,
      ],
      [
        'a bad phone',
        (s) =>
          withPatient(s, {
            telecom: [
              { system: 'email', value: 'a@b.org' },
              { system: 'phone', value: 'call me' },
            ],
          }),
        400,
        'value',
        /is not a phone number/,
      ],
      [
        'telecom not a list',
        (s) => withPatient(s, { telecom: 'ada@example.org' }),
        400,
        'structure',
        /Patient.telecom: expected a JSON array/,
      ],
      ['no name', (s) => withPatient(s, { name: [] }), 400, 'required', /Patient.name is required/],
      ['an empty name', (s) => withPatient(s, { name: [{}] }), 400, 'required', /a family or given name is required/],
      [
        'given not a list',
        (s) => withPatient(s, { name: [{ given: 'Ada', family: 'L' }] }),
        400,
        'structure',
        /given: expected a JSON array/,
      ],
      [
        'a name too long',
        (s) => withPatient(s, { name: [{ family: 'x'.repeat(101) }] }),
        400,
        'value',
        /1 to 100 characters/,
      ],
      [
        'a NUL in a name',
        (s) => withPatient(s, { name: [{ given: ['Ada\u0000'], family: 'Lovelace' }] }),
        400,
        'value',
        /1 to 100 characters of text/,
      ],
      [
        'a lone surrogate in a name',
        (s) => ({
          raw: JSON.stringify(appointmentBody(s, {}, { name: [{ family: 'x' }] })).replace(
            '"family":"x"',
            '"family":"\\ud800"',
          ),
        }),
        400,
        'value',
        /1 to 100 characters of text/,
      ],
      [
        'a NUL in the e-mail',
        (s) => withPatient(s, { telecom: [{ system: 'email', value: 'ada\u0000@example.org' }] }),
        400,
        'value',
        /is not an e-mail address/,
      ],
      ['no slot', (s) => ({ body: { ...appointmentBody(s), slot: undefined } }), 400, 'required', /slot is required/],
      [
        'a slot that is not a Slot',
        (s) => ({ body: { ...appointmentBody(s), slot: [{ reference: 'Practitioner/1' }] } }),
        400,
        'value',
        /expected "Slot\/<id>"/,
      ],
      [
        'two slots',
        (s) => ({
          body: { ...appointmentBody(s), slot: [{ reference: `Slot/${s.id}` }, { reference: `Slot/${s.id}` }] },
        }),
        400,
        'value',
        /exactly one slot/,
      ],
      [
        'no start',
        (s) => ({ body: { ...appointmentBody(s), start: undefined } }),
        400,
        'required',
        /start is required/,
      ],
      [
        'start in words',
        (s) => ({ body: { ...appointmentBody(s), start: 'tomorrow' } }),
        400,
        'value',
        /start: expected an instant/,
      ],
      [
        'start without a zone',
        (s) => ({ body: { ...appointmentBody(s), start: '2026-03-03T09:00:00' } }),
        400,
        'value',
        /start: expected an instant/,
      ],
      [
        'end on 30 February',
        (s) => ({ body: { ...appointmentBody(s), end: '2026-02-30T09:10:00Z' } }),
        400,
        'value',
        /end: expected an instant/,
      ],
      [
        'no delivery channel',
        (s) => ({ body: { ...appointmentBody(s), extension: [] } }),
        400,
        'required',
        /delivery channel is required/,
      ],
      [
        'a delivery channel that does not exist',
        (s) => ({ body: { ...appointmentBody(s), extension: [{ url: DELIVERY_CHANNEL, valueCode: 'Fax' }] } }),
        400,
        'value',
        /expected one of Video, Telephone, In-person, got "Fax"/,
      ],
      [
        'status booked',
        (s) => ({ body: { ...appointmentBody(s), status: 'booked' } }),
        422,
        'business-rule',
        /"proposed" or "pending".*not "booked"/,
      ],
      [
        'status a number',
        (s) => ({ body: { ...appointmentBody(s), status: 3 } }),
        400,
        'structure',
        /status: expected a string/,
      ],
      [
        'an element the server does not keep',
        (s) => ({ body: { ...appointmentBody(s), description: 'chest pain' } }),
        422,
        'business-rule',
        /Appointment.description is not supported/,
      ],
      [
        'a modifier extension',
        (s) => ({ body: { ...appointmentBody(s), modifierExtension: [{ url: 'x', valueBoolean: true }] } }),
        422,
        'business-rule',
        /modifierExtension is not supported/,
      ],
      [
        'its own booking reference',
        (s) => ({
          body: {
            ...appointmentBody(s),
            identifier: [{ system: 'urn:consultkit:booking-reference', value: 'CK-2222-2222-2222' }],
          },
        }),
        422,
        'business-rule',
        /the server assigns identifiers/,
      ],
      [
        'a slot that does not exist',
        (s) => ({ body: { ...appointmentBody(s), slot: [{ reference: 'Slot/999999' }] } }),
        422,
        'business-rule',
        /Slot\/999999 does not exist/,
      ],
      [
        'a slot in the past',
        (_s, past) => ({ body: appointmentBody(past) }),
        422,
        'business-rule',
        /starts in the past/,
      ],
      [
        "start and end not the slot's",
        (s) => ({ body: { ...appointmentBody(s), end: new Date(Date.parse(s.end) + 600_000).toISOString() } }),
        422,
        'business-rule',
        /start and end must be the slot's/,
      ],
      [
        'a channel the schedule does not offer',
        (_s, _p, nurse) => ({ body: appointmentBody(nurse) }),
        422,
        'business-rule',
        /Video is not offered for this slot; choose one of: In-person, Telephone/,
      ],
      [
        'another practitioner as participant',
        (s) => ({
          body: {
            ...appointmentBody(s),
            participant: [
              { actor: { reference: '#patient' } },
              { actor: { reference: `Practitioner/${fixture.nurse.practitionerId}` } },
            ],
          },
        }),
        422,
        'business-rule',
        /does not hold Slot/,
      ],
      [
        'a device as participant',
        (s) => ({
          body: {
            ...appointmentBody(s),
            participant: [{ actor: { reference: '#patient' } }, { actor: { reference: 'Device/1' } }],
          },
        }),
        422,
        'business-rule',
        /only the contained patient and the slot's practitioner/,
      ],
      [
        'If-None-Exist with another search',
        (s) => ({ body: appointmentBody(s), headers: { 'if-none-exist': 'name=Ada' } }),
        400,
        'not-supported',
        /If-None-Exist: only identifier=urn:consultkit:idempotency\|<key>/,
      ],
      [
        'an idempotency key with a space',
        (s) => ({ body: appointmentBody(s), headers: { 'idempotency-key': 'a b' } }),
        400,
        'value',
        /Idempotency key: 1 to 128 visible characters/,
      ],
      [
        'idempotency keys that differ',
        (s) => ({
          body: appointmentBody(s),
          headers: { 'idempotency-key': 'one', 'if-none-exist': 'identifier=urn:consultkit:idempotency|two' },
        }),
        400,
        'invalid',
        /differ/,
      ],
      [
        'a body over 1 MB',
        (s) => ({ body: { ...appointmentBody(s), text: { div: 'x'.repeat(1_100_000) } } }),
        413,
        'structure',
        /./,
      ],
    ];

    let slot: Slot;
    let past: Slot;
    let nurse: Slot;
    before(async () => {
      slot = (await gpSlots('2026-03-10'))[0]!;
      past = (await gpSlotsAnyStatus('2026-03-01'))[0]!;
      const nurseDay = await get<Bundle>(`/fhir/Slot?schedule=Schedule/${fixture.nurse.scheduleId}&start=2026-03-10`);
      nurse = slots(nurseDay.body)[0]!;
    });

    for (const [name, make, status, code, diagnostics] of posts) {
      it(`POST /fhir/Appointment with ${name} → ${status} ${code}`, async () => {
        const request = make(slot, past, nurse);
        const answer = await call<Outcome>('POST', '/fhir/Appointment', request);
        assert.equal(answer.status, status, JSON.stringify(answer.body).slice(0, 300));
        assert.equal(answer.body.resourceType, 'OperationOutcome');
        assert.equal(answer.body.issue[0]!.code, code);
        assert.match(answer.body.issue[0]!.diagnostics, diagnostics);
      });
    }

    it('…and none of them booked anything or took the slot', async () => {
      const appointments = await get<Bundle>('/fhir/Appointment?date=2026-03-10&_total=accurate', STAFF);
      assert.equal(appointments.body.total, 0);
      assert.equal(await slotStatus(slot.id), 'free');
      await assertSlotsAgree();
    });

    it('random junk bodies and query strings never produce a 500', async () => {
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
      const values: unknown[] = [
        null,
        true,
        0,
        -1,
        Number.MAX_VALUE,
        '',
        'x',
        '#patient',
        [],
        {},
        [{}],
        { reference: 'Slot/1' },
        '2026-03-10T09:00:00Z',
        'Video',
        'Slot/abc',
        { a: { b: [null] } },
      ];
      const keys = [
        'resourceType',
        'status',
        'contained',
        'participant',
        'slot',
        'start',
        'end',
        'extension',
        'identifier',
        'cancelationReason',
        'id',
      ];
      for (let i = 0; i < 150; i++) {
        const body: Record<string, unknown> = random() < 0.5 ? appointmentBody(slot) : { resourceType: 'Appointment' };
        for (let j = 0; j < 3; j++) body[pick(keys)] = pick(values);
        if (random() < 0.3) (body['contained'] as unknown[] | undefined)?.push?.(pick(values));
        const answer = await call<Outcome>(
          random() < 0.7 ? 'POST' : 'PUT',
          random() < 0.7 ? '/fhir/Appointment' : `/fhir/Appointment/${pick(['1', 'x', '99'])}`,
          {
            body,
            headers: random() < 0.5 ? STAFF : {},
          },
        );
        assert.ok(answer.status < 500, `${answer.status} for ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
        if (answer.status >= 400) assert.equal(answer.body.resourceType, 'OperationOutcome');
      }
      const params = [
        'status',
        'start',
        'schedule',
        'schedule.actor',
        'service-type',
        '_count',
        '_offset',
        '_include',
        '_total',
      ];
      const junk = [
        '',
        'free',
        'ge',
        'ge2026',
        'lt2026-03-10T09:00:00.123Z',
        '%',
        '%00',
        ',',
        '|',
        'Schedule/',
        'Practitioner/1,',
        '9'.repeat(30),
        'eq2026-03',
        'ge2026-03-10T09:00+01:00',
        '\u{1F600}',
        '9999',
        '9999-12-31',
        'gt9999-12-31T23:59:59Z',
        'le9999-12-31T23:59:59-14:00',
        'lt1000-01-01T00:00:00+14:00',
        '2147483647',
        'Schedule/2147483647',
      ];
      for (let i = 0; i < 300; i++) {
        const query = Array.from(
          { length: 1 + Math.floor(random() * 3) },
          () => `${pick(params)}=${encodeURIComponent(pick(junk))}`,
        ).join('&');
        const answer = await get<Outcome>(`/fhir/Slot?${query}`);
        assert.ok(
          answer.status === 200 || answer.status === 400,
          `${answer.status} for ${query}: ${JSON.stringify(answer.body)}`,
        );
      }
      const bookingParams = [
        'status',
        'date',
        'practitioner',
        'patient',
        'identifier',
        '_include',
        '_count',
        '_offset',
      ];
      const bookingJunk = [...junk, 'pending,booked', 'Patient/1', 'urn:consultkit:idempotency|x'].map(
        encodeURIComponent,
      );
      bookingJunk.push('%00', '%ED%A0%80', 'urn:consultkit:idempotency|%00', '%FF%FE');
      for (let i = 0; i < 200; i++) {
        const query = Array.from(
          { length: 1 + Math.floor(random() * 3) },
          () => `${pick(bookingParams)}=${pick(bookingJunk)}`,
        ).join('&');
        const answer = await get<Outcome>(`/fhir/Appointment?${query}`, STAFF);
        assert.ok(
          answer.status === 200 || answer.status === 400,
          `${answer.status} for ${query}: ${JSON.stringify(answer.body)}`,
        );
      }
      await assertSlotsAgree();
    });
  });

  describe('searching bookings with odd identifiers', () => {
    for (const value of [
      '%00',
      'urn:consultkit:idempotency|%00',
      'http://example.org|CK-2222-2222-2222',
      'CK-OOOO-0000-IIII',
      '%ED%A0%80',
      ',,,',
    ]) {
      it(`GET /fhir/Appointment?identifier=${value} matches nothing`, async () => {
        const answer = await get<Bundle>(`/fhir/Appointment?identifier=${value}&_total=accurate`, STAFF);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal(answer.body.total, 0);
      });
    }
  });

  describe('booking and the lifecycle', () => {
    it('books: 201, Location, ETag W/"1", pending, a booking reference; the slot is held busy-tentative', async () => {
      const slot = (await gpSlots('2026-03-03'))[0]!;
      const answer = await call<Appointment>('POST', '/fhir/Appointment', { body: appointmentBody(slot) });
      assert.equal(answer.status, 201);
      const appointment = answer.body;
      assert.equal(answer.headers.get('etag'), 'W/"1"');
      assert.match(answer.headers.get('location') ?? '', new RegExp(`/fhir/Appointment/${appointment.id}/_history/1$`));
      assert.match(answer.headers.get('content-type') ?? '', /^application\/fhir\+json/);
      assert.equal(appointment.status, 'pending');
      assert.equal(appointment.meta!.versionId, '1');
      assert.match(reference(appointment), /^CK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      assert.equal(appointment.start, slot.start);
      assert.equal(appointment.end, slot.end);
      assert.deepEqual(appointment.slot, [{ reference: `Slot/${slot.id}` }]);
      assert.deepEqual(appointment.extension, [{ url: DELIVERY_CHANNEL, valueCode: 'Video' }]);
      assert.equal(appointment.serviceType![0]!.coding![0]!.code, 'gp');
      assert.ok(appointment.created);
      const [patient, practitioner] = appointment.participant;
      assert.match(patient!.actor!.reference!, /^Patient\/\d+$/);
      assert.equal(patient!.actor!.display, 'Ada Lovelace');
      assert.equal(practitioner!.actor!.reference, `Practitioner/${fixture.gp.practitionerId}`);
      assert.equal(practitioner!.actor!.display, 'Dr Ada Test');
      assert.equal(practitioner!.status, 'needs-action');
      assert.equal(await slotStatus(slot.id), 'busy-tentative');

      const again = await call<Outcome>('POST', '/fhir/Appointment', { body: appointmentBody(slot) });
      assert.equal(again.status, 409);
      assert.equal(again.body.issue[0]!.code, 'conflict');
      assert.match(again.body.issue[0]!.diagnostics, /is no longer free/);
    });

    it('the patient reads their booking with its reference, and nothing else', async () => {
      const [first, second] = await gpSlots('2026-03-04');
      const mine = await book(first!);
      const theirs = await book(second!);
      const bearer = { authorization: `Bearer ${reference(mine)}` };
      const read = await get<Appointment>(`/fhir/Appointment/${mine.id}`, bearer);
      assert.equal(read.status, 200);
      assert.equal(read.headers.get('etag'), 'W/"1"');
      assert.equal(read.body.id, mine.id);
      const lower = await get<Appointment>(`/fhir/Appointment/${mine.id}`, {
        authorization: `Bearer ${reference(mine).toLowerCase()}`,
      });
      assert.equal(lower.status, 200, 'references are not case-sensitive');

      const other = await get<Outcome>(`/fhir/Appointment/${theirs.id}`, bearer);
      assert.equal(other.status, 403);
      assert.equal(other.body.issue[0]!.code, 'forbidden');
      assert.equal((await get(`/fhir/Appointment/${mine.id}`)).status, 401);
      assert.equal((await get('/fhir/Appointment', bearer)).status, 403, 'no search for patients');
      assert.equal((await get('/api/outbox', bearer)).status, 403);

      const patientId = mine.participant[0]!.actor!.reference!.split('/')[1];
      const patient = await get<Patient>(`/fhir/Patient/${patientId}`, bearer);
      assert.equal(patient.status, 200);
      assert.equal(patient.body.birthDate, '1985-12-10');
      assert.equal(patient.body.telecom![0]!.value, `ada${patientCounter - 1}@example.org`);
      const otherPatient = theirs.participant[0]!.actor!.reference!.split('/')[1];
      assert.equal((await get(`/fhir/Patient/${otherPatient}`, bearer)).status, 403);

      const put = await call<Outcome>('PUT', `/fhir/Appointment/${theirs.id}`, {
        body: { ...theirs, status: 'cancelled' },
        headers: bearer,
      });
      assert.equal(put.status, 403);
      assert.equal(await slotStatus(second!.id), 'busy-tentative');
    });

    it('staff decline with words: the patient is e-mailed them; words over 500 characters are refused', async () => {
      const [a, b] = await gpSlots('2026-03-05');
      const declinedOne = await book(a!);
      const email = `ada${patientCounter}@example.org`;
      const declined = await put(declinedOne, {
        status: 'cancelled',
        cancelationReason: {
          coding: [{ system: 'urn:consultkit:cancelation-reason', code: 'declined' }],
          text: 'Please book with the nurse instead.',
        },
      });
      assert.equal(declined.status, 200, JSON.stringify(declined.body));
      const outbox = await get<{ messages: { to: string; subject: string; text: string }[] }>('/api/outbox', STAFF);
      const message = outbox.body.messages.find((m) => m.to === email)!;
      assert.match(message.subject, /^Appointment request not accepted: /);
      assert.match(message.text, /Please book with the nurse instead\./);
      const tooLong = await put(await book(b!), {
        status: 'cancelled',
        cancelationReason: {
          coding: [{ system: 'urn:consultkit:cancelation-reason', code: 'declined' }],
          text: 'x'.repeat(501),
        },
      });
      assert.equal(tooLong.status, 400);
    });

    it('staff confirm: booked, ETag W/"2", the slot busy, a confirmation in the outbox', async () => {
      const slot = (await gpSlots('2026-03-05'))[0]!;
      const appointment = await book(slot);
      const email = `ada${patientCounter}@example.org`;
      const confirmed = await put(appointment, { status: 'booked' });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.status, 'booked');
      assert.equal(confirmed.headers.get('etag'), 'W/"2"');
      assert.equal(confirmed.body.meta!.versionId, '2');
      assert.equal(confirmed.body.participant[1]!.status, 'accepted');
      assert.equal(await slotStatus(slot.id), 'busy');

      const outbox = await get<{
        messages: { id: string; to: string; subject: string; text: string; createdAt: string; appointmentId: string }[];
      }>('/api/outbox', STAFF);
      assert.equal(outbox.status, 200);
      const message = outbox.body.messages[0]!;
      assert.equal(message.appointmentId, appointment.id);
      assert.equal(message.to, email);
      assert.equal(message.subject, 'Appointment confirmed: Thursday 5 March 2026 at 09:00');
      assert.match(message.text, /Dr Ada Test/);
      assert.match(message.text, /Thursday 5 March 2026, 09:00 to 09:10 \(GMT\)/);
      assert.match(message.text, /Video consultation/);
      assert.match(message.text, new RegExp(reference(appointment)));
      assert.match(message.text, /To cancel/);
      assert.match(message.text, /Join: +http:\/\/127\.0\.0\.1:\d+\/join\//);
      assert.equal(message.createdAt, new Date(TEST_NOW).toISOString());

      const stale = await put(appointment, { status: 'cancelled' });
      assert.equal(stale.status, 412, 'If-Match W/"1" is stale now');
      assert.equal((stale.body as unknown as Outcome).issue[0]!.code, 'conflict');
      assert.match((stale.body as unknown as Outcome).issue[0]!.diagnostics, /version 2, not 1/);
      assert.equal(await slotStatus(slot.id), 'busy', 'the stale update changed nothing');

      const badIfMatch = await call<Outcome>('PUT', `/fhir/Appointment/${appointment.id}`, {
        body: confirmed.body,
        headers: { ...STAFF, 'if-match': 'version two' },
      });
      assert.equal(badIfMatch.status, 400);
      assert.match(badIfMatch.body.issue[0]!.diagnostics, /If-Match/);

      const sameAgain = await put(confirmed.body, { status: 'booked' });
      assert.equal(sameAgain.status, 200);
      assert.equal(sameAgain.body.meta!.versionId, '2', 'no change, no new version');

      const vread = await get(`/fhir/Appointment/${appointment.id}/_history/2`, STAFF);
      assert.equal(vread.status, 200);
      const old = await get<Outcome>(`/fhir/Appointment/${appointment.id}/_history/1`, STAFF);
      assert.equal(old.status, 404);
      assert.match(old.body.issue[0]!.diagnostics, /current version is 2/);
    });

    it('the patient can cancel (the slot is free again) but not confirm', async () => {
      const slot = (await gpSlots('2026-03-06'))[0]!;
      const appointment = await book(slot);
      const bearer = { authorization: `Bearer ${reference(appointment)}` };
      const confirm = await put(appointment, { status: 'booked' }, bearer);
      assert.equal(confirm.status, 422);
      assert.match((confirm.body as unknown as Outcome).issue[0]!.diagnostics, /A patient may only cancel/);
      const cancel = await put(appointment, { status: 'cancelled' }, bearer);
      assert.equal(cancel.status, 200);
      assert.equal(cancel.body.status, 'cancelled');
      assert.equal(cancel.body.cancelationReason!.coding![0]!.code, 'patient');
      assert.equal(cancel.body.cancelationReason!.coding![0]!.system, 'urn:consultkit:cancelation-reason');
      assert.equal(await slotStatus(slot.id), 'free');
      const rebooked = await book(slot);
      assert.notEqual(rebooked.id, appointment.id, 'a freed slot can be booked again');
      const reopen = await put(cancel.body, { status: 'pending' }, bearer);
      assert.equal(reopen.status, 422);
    });

    it('staff decline a request (cancelled, reason declined) and the slot is free', async () => {
      const slot = (await gpSlots('2026-03-07'))[0]!;
      const appointment = await book(slot);
      const declined = await put(appointment, { status: 'cancelled' });
      assert.equal(declined.status, 200);
      assert.equal(declined.body.cancelationReason!.coding![0]!.code, 'declined');
      assert.equal(declined.body.participant[1]!.status, 'declined');
      assert.equal(await slotStatus(slot.id), 'free');
    });

    it('staff cancel a booked appointment (reason practice; declined is refused), no-show, arrive, fulfil', async () => {
      const [a, b, c] = await gpSlots('2026-03-08');
      const one = (await put(await book(a!), { status: 'booked' })).body;
      const decline = await put(one, {
        status: 'cancelled',
        cancelationReason: { coding: [{ system: 'urn:consultkit:cancelation-reason', code: 'declined' }] },
      });
      assert.equal(decline.status, 422);
      assert.match(
        (decline.body as unknown as Outcome).issue[0]!.diagnostics,
        /Only a pending request can be declined/,
      );
      const cancelled = await put(one, { status: 'cancelled' });
      assert.equal(cancelled.body.cancelationReason!.coding![0]!.code, 'practice');
      assert.equal(await slotStatus(a!.id), 'free');

      const two = (await put(await book(b!), { status: 'booked' })).body;
      const noshow = await put(two, { status: 'noshow' });
      assert.equal(noshow.body.status, 'noshow');
      assert.equal(await slotStatus(b!.id), 'busy');
      const back = await put(noshow.body, { status: 'booked' });
      assert.equal(back.status, 422);
      assert.match(
        (back.body as unknown as Outcome).issue[0]!.diagnostics,
        /noshow cannot become booked; it can become fulfilled/,
      );

      const three = (await put(await book(c!), { status: 'booked' })).body;
      const arrived = await put(three, { status: 'arrived' });
      assert.equal(arrived.body.status, 'arrived');
      const fulfilled = await put(arrived.body, { status: 'fulfilled' });
      assert.equal(fulfilled.body.status, 'fulfilled');
      assert.equal(fulfilled.body.meta!.versionId, '4');
      assert.equal(await slotStatus(c!.id), 'busy');
    });

    const forbidden: [string, string, Partial<Appointment> | Record<string, unknown>, number, RegExp][] = [
      [
        'pending → noshow',
        'pending',
        { status: 'noshow' },
        422,
        /pending cannot become noshow; it can become booked, cancelled/,
      ],
      ['pending → fulfilled', 'pending', { status: 'fulfilled' }, 422, /cannot become fulfilled/],
      ['pending → proposed', 'pending', { status: 'proposed' }, 422, /"proposed" is not used/],
      ['pending → banana', 'pending', { status: 'banana' }, 400, /status: "banana" is not an Appointment status/],
      ['no status', 'pending', { status: undefined }, 400, /status is required/],
      [
        'a reason without cancelling',
        'pending',
        { status: 'booked', cancelationReason: { coding: [{ code: 'practice' }] } },
        422,
        /cancelationReason goes with status "cancelled"/,
      ],
      [
        'an unknown reason',
        'pending',
        { status: 'cancelled', cancelationReason: { coding: [{ code: 'bored' }] } },
        400,
        /expected one of declined, patient, practice/,
      ],
      [
        'another patient',
        'pending',
        { participant: [{ actor: { reference: 'Patient/999' }, status: 'accepted' }] },
        422,
        /participants cannot be changed/,
      ],
      [
        'another channel',
        'pending',
        { extension: [{ url: DELIVERY_CHANNEL, valueCode: 'Telephone' }] },
        422,
        /delivery channel cannot be changed/,
      ],
      [
        'another booking reference',
        'pending',
        { identifier: [{ system: 'urn:consultkit:booking-reference', value: 'CK-2222-2222-2222' }] },
        422,
        /cannot be changed/,
      ],
      ['another id', 'pending', { id: '999999' }, 400, /not the id in the URL/],
      ['a comment', 'pending', { comment: 'hello' }, 422, /Appointment.comment is not supported/],
      [
        'a new start on the same slot',
        'pending',
        { start: '2026-03-09T09:05:00Z' },
        422,
        /start and end must be the slot's/,
      ],
      ['booked → pending', 'booked', { status: 'pending' }, 422, /booked cannot become pending/],
      [
        'booked → declined',
        'booked',
        { status: 'cancelled', cancelationReason: { coding: [{ code: 'declined' }] } },
        422,
        /Only a pending request can be declined/,
      ],
    ];
    for (const [name, from, changes, status, diagnostics] of forbidden) {
      it(`refuses a change: ${name} → ${status}`, async () => {
        const slot = (await gpSlots('2026-03-09')).find((s) => s.status === 'free')!;
        let appointment = await book(slot);
        if (from === 'booked') appointment = (await put(appointment, { status: 'booked' })).body;
        const answer = await put(appointment, changes as Partial<Appointment>);
        assert.equal(answer.status, status, JSON.stringify(answer.body));
        assert.match((answer.body as unknown as Outcome).issue[0]!.diagnostics, diagnostics);
        const now = await get<Appointment>(`/fhir/Appointment/${appointment.id}`, STAFF);
        assert.equal(now.body.meta!.versionId, appointment.meta!.versionId, 'nothing changed');
        assert.equal(now.body.status, from);
        // Free the slot for the next case.
        await put(now.body, { status: 'cancelled' });
      });
    }

    it('PUT to an appointment that does not exist is a 404 for staff', async () => {
      const answer = await call<Outcome>('PUT', '/fhir/Appointment/777777', {
        body: { resourceType: 'Appointment', status: 'booked' },
        headers: STAFF,
      });
      assert.equal(answer.status, 404);
    });

    it('reschedules atomically: the old slot is freed, the new one held; a taken or foreign slot changes nothing', async () => {
      const [a, b, c] = await gpSlots('2026-03-11');
      const appointment = await book(a!);
      const other = await book(c!);
      const moved = await put(appointment, { slot: [{ reference: `Slot/${b!.id}` }], start: b!.start, end: b!.end });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.deepEqual(moved.body.slot, [{ reference: `Slot/${b!.id}` }]);
      assert.equal(moved.body.start, b!.start);
      assert.equal(moved.body.status, 'pending');
      assert.equal(await slotStatus(a!.id), 'free');
      assert.equal(await slotStatus(b!.id), 'busy-tentative');

      const booked = (await put(moved.body, { status: 'booked' })).body;
      const taken = await put(booked, { slot: [{ reference: `Slot/${c!.id}` }], start: c!.start, end: c!.end });
      assert.equal(taken.status, 409);
      assert.equal(await slotStatus(b!.id), 'busy', 'the appointment keeps its slot');
      assert.equal(await slotStatus(c!.id), 'busy-tentative', 'and the other booking keeps its');
      const still = await get<Appointment>(`/fhir/Appointment/${appointment.id}`, STAFF);
      assert.equal(still.body.meta!.versionId, booked.meta!.versionId);

      const nurseSlot = slots(
        (await get<Bundle>(`/fhir/Slot?schedule=Schedule/${fixture.nurse.scheduleId}&start=2026-03-11`)).body,
      )[0]!;
      const foreign = await put(booked, {
        slot: [{ reference: `Slot/${nurseSlot.id}` }],
        start: nurseSlot.start,
        end: nurseSlot.end,
      });
      assert.equal(foreign.status, 422);
      assert.match((foreign.body as unknown as Outcome).issue[0]!.diagnostics, /same schedule/);
      const past = (await gpSlotsAnyStatus('2026-03-01'))[1]!;
      const backwards = await put(booked, {
        slot: [{ reference: `Slot/${past.id}` }],
        start: past.start,
        end: past.end,
      });
      assert.equal(backwards.status, 422);
      const halfway = await put(booked, { slot: [{ reference: `Slot/${a!.id}` }], start: undefined, end: undefined });
      assert.equal(halfway.status, 400, 'slot, start and end together');
      const wrongTimes = await put(booked, { slot: [{ reference: `Slot/${a!.id}` }], start: b!.start, end: b!.end });
      assert.equal(wrongTimes.status, 422);
      const byPatient = await put(
        booked,
        { slot: [{ reference: `Slot/${a!.id}` }], start: a!.start, end: a!.end },
        {
          authorization: `Bearer ${reference(booked)}`,
        },
      );
      assert.equal(byPatient.status, 422);
      assert.equal(await slotStatus(a!.id), 'free');

      const movedBooked = await put(booked, { slot: [{ reference: `Slot/${a!.id}` }], start: a!.start, end: a!.end });
      assert.equal(movedBooked.status, 200);
      assert.equal(await slotStatus(a!.id), 'busy', 'a booked appointment holds its new slot busy');
      assert.equal(await slotStatus(b!.id), 'free');
      assert.ok(other.id);
    });

    it('searches bookings (staff): status list, date, practitioner, patient, identifier, _include=Appointment:patient', async () => {
      const [a, b] = await gpSlots('2026-03-12');
      const first = await book(a!);
      const second = (await put(await book(b!), { status: 'booked' })).body;
      const day = await get<Bundle>(
        '/fhir/Appointment?date=2026-03-12&status=pending,booked&_include=Appointment:patient&_total=accurate',
        STAFF,
      );
      assert.equal(day.status, 200);
      assert.equal(day.body.total, 2);
      const matches = day.body.entry!.filter((e) => e.search!.mode === 'match').map((e) => e.resource as Appointment);
      assert.deepEqual(
        matches.map((m) => m.id),
        [first.id, second.id],
      );
      const included = day.body.entry!.filter((e) => e.search!.mode === 'include');
      assert.equal(included.length, 2);
      assert.equal(included[0]!.resource!.resourceType, 'Patient');
      const onlyBooked = await get<Bundle>('/fhir/Appointment?date=2026-03-12&status=booked', STAFF);
      assert.deepEqual(
        onlyBooked.body.entry!.map((e) => e.resource!.id),
        [second.id],
      );
      const range = await get<Bundle>('/fhir/Appointment?date=ge2026-03-12T09:05:00Z&date=lt2026-03-13', STAFF);
      assert.deepEqual(
        range.body.entry!.map((e) => e.resource!.id),
        [second.id],
      );
      const byPractitioner = await get<Bundle>(
        `/fhir/Appointment?practitioner=Practitioner/${fixture.nurse.practitionerId}&_summary=count`,
        STAFF,
      );
      assert.equal(byPractitioner.body.total, 0);
      const byPatient = await get<Bundle>(
        `/fhir/Appointment?${new URLSearchParams({ patient: first.participant[0]!.actor!.reference! })}`,
        STAFF,
      );
      assert.deepEqual(
        byPatient.body.entry!.map((e) => e.resource!.id),
        [first.id],
      );
      const byReference = await get<Bundle>(
        `/fhir/Appointment?identifier=urn:consultkit:booking-reference|${reference(second)}`,
        STAFF,
      );
      assert.deepEqual(
        byReference.body.entry!.map((e) => e.resource!.id),
        [second.id],
      );
    });

    it('one patient record per e-mail, date of birth and name (any case); a twin is another; each booking keeps what it gave', async () => {
      const [a, b, c] = await gpSlots('2026-03-13');
      const book = (slot: Slot, email: string, given: string, family: string) =>
        call<Appointment>('POST', '/fhir/Appointment', {
          body: appointmentBody(
            slot,
            {},
            { telecom: [{ system: 'email', value: email }], name: [{ given: [given], family }] },
          ),
        });
      const first = await book(a!, 'Grace@Example.org', 'Grace', 'Hopper');
      const second = await book(b!, 'grace@example.org', 'grace', 'HOPPER');
      const twin = await book(c!, 'grace@example.org', 'Ruth', 'Hopper');
      const patientOf = (answer: typeof first) => answer.body.participant[0]!.actor!.reference;
      assert.equal(patientOf(first), patientOf(second));
      assert.notEqual(
        patientOf(twin),
        patientOf(first),
        'a twin booked with the same address and birth date is another patient',
      );
      assert.equal(second.body.participant[0]!.actor!.display, 'grace HOPPER');
      const patientId = patientOf(first)!.split('/')[1];
      const asSecond = await get<Patient>(`/fhir/Patient/${patientId}`, {
        authorization: `Bearer ${reference(second.body)}`,
      });
      assert.deepEqual(
        asSecond.body.name,
        [{ given: ['grace'], family: 'HOPPER' }],
        'the holder of a reference sees what they gave',
      );
      const asStaff = await get<Patient>(`/fhir/Patient/${patientId}`, STAFF);
      assert.deepEqual(
        asStaff.body.name,
        [{ given: ['Grace'], family: 'Hopper' }],
        'the record keeps its first spelling',
      );
    });
  });

  describe('consistency', () => {
    it('after all of the above, every slot agrees with its appointments', assertSlotsAgree);
  });

  describe('idempotent booking', () => {
    it('the same Idempotency-Key again: 200 with the same appointment; another request with it: 422', async () => {
      const [a, b] = await gpSlots('2026-03-16');
      const body = appointmentBody(a!);
      const first = await call<Appointment>('POST', '/fhir/Appointment', {
        body,
        headers: { 'idempotency-key': 'key-1' },
      });
      assert.equal(first.status, 201);
      const again = await call<Appointment>('POST', '/fhir/Appointment', {
        body,
        headers: { 'idempotency-key': 'key-1' },
      });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(reference(again.body), reference(first.body));
      const ifNoneExist = await call<Appointment>('POST', '/fhir/Appointment', {
        body,
        headers: { 'if-none-exist': 'identifier=urn:consultkit:idempotency|key-1' },
      });
      assert.equal(ifNoneExist.status, 200);
      assert.equal(ifNoneExist.body.id, first.body.id);
      assert.ok(first.body.identifier!.some((i) => i.system === 'urn:consultkit:idempotency' && i.value === 'key-1'));
      const reused = await call<Outcome>('POST', '/fhir/Appointment', {
        body: appointmentBody(b!),
        headers: { 'idempotency-key': 'key-1' },
      });
      assert.equal(reused.status, 422);
      assert.match(reused.body.issue[0]!.diagnostics, /already used for a different booking/);
      assert.equal(await slotStatus(b!.id), 'free');
    });

    it('20 parallel posts with one key make one appointment', async () => {
      const slot = (await gpSlots('2026-03-17'))[0]!;
      const body = appointmentBody(slot);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          call<Appointment>('POST', '/fhir/Appointment', {
            body,
            headers: { 'if-none-exist': 'identifier=urn:consultkit:idempotency|parallel-key' },
          }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [...Array(19).fill(200), 201].sort());
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      const rows = await server.storage.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM appointment WHERE idempotency_key = 'parallel-key' OR slot_id = $1`,
        [Number(slot.id)],
      );
      assert.equal(rows[0]!.n, 1);
    });
  });

  describe('staff credentials and live changes', () => {
    it('the demo staff session: an HttpOnly SameSite=Strict cookie naming a server-side session, ended by sign-out', async () => {
      const { server: demo, url: demoUrl } = await startTestServer(
        { CONSULTKIT_DEMO: 'on', CONSULTKIT_SEED_DEMO: 'off' },
        {},
        { now: () => TEST_NOW },
      );
      try {
        await demoStaffSession(demoUrl);
      } finally {
        await demo.close();
      }
    });

    async function demoStaffSession(url: string): Promise<void> {
      const get = (path: string, headers: Record<string, string>) => fetch(`${url}${path}`, { headers });
      const jar = new Jar();
      await signIn(jar, url, 'demo-receptionist-bennett');
      const value = `ck_staff=${jar.get(url, 'ck_staff')!}`;
      assert.match(value, /^ck_staff=[A-Za-z0-9_-]{43}$/);
      assert.equal((await get('/api/outbox', { cookie: value })).status, 200);
      assert.equal((await get('/fhir/Appointment?_count=1', { cookie: `theme=dark; ${value}` })).status, 200);
      const changed = value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
      assert.equal((await get('/api/outbox', { cookie: changed })).status, 401, 'a changed token opens nothing');
      assert.equal((await get('/api/outbox', { cookie: 'ck_staff=garbage' })).status, 401);

      const out = await fetch(`${url}/api/staff/sign-out`, { method: 'POST', headers: { cookie: value } });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie') ?? '', /ck_staff=; .*Max-Age=0/);
      assert.equal((await get('/api/outbox', { cookie: value })).status, 401, 'signed out on the server');
    }

    it('streams appointment changes to staff as server-sent events, with heartbeats, and cleans up', async () => {
      const { server: live, url: liveUrl } = await startTestServer(
        { CONSULTKIT_SEED_DEMO: 'false' },
        {},
        { now: () => TEST_NOW, eventHeartbeatMs: 50 },
      );
      try {
        const liveFixture = await seedBookingFixture(live.storage);
        const controller = new AbortController();
        const response = await fetch(`${liveUrl}/api/staff/events`, { headers: STAFF, signal: controller.signal });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
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
        assert.equal(live.booking.events.listenerCount, 1);

        const day = (await (
          await fetch(`${liveUrl}/fhir/Slot?schedule=Schedule/${liveFixture.gp.scheduleId}&start=2026-03-10`)
        ).json()) as Bundle;
        const slot = day.entry![0]!.resource as Slot;
        const created = (await (
          await fetch(`${liveUrl}/fhir/Appointment`, {
            method: 'POST',
            headers: FHIR,
            body: JSON.stringify(appointmentBody(slot)),
          })
        ).json()) as Appointment;
        await until(/event: appointment\ndata: .*"pending".*\n\n/);
        await fetch(`${liveUrl}/fhir/Appointment/${created.id}`, {
          method: 'PUT',
          headers: { ...FHIR, ...STAFF },
          body: JSON.stringify({ ...created, status: 'booked' }),
        });
        await until(/"booked"/);
        const events = [...received.matchAll(/event: appointment\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!));
        assert.deepEqual(events, [
          { id: created.id, status: 'pending', versionId: '1' },
          { id: created.id, status: 'booked', versionId: '2' },
        ]);
        controller.abort();
        await reader.cancel().catch(() => undefined);
        for (let i = 0; i < 100 && live.booking.events.listenerCount > 0; i++)
          await new Promise((r) => setTimeout(r, 10));
        assert.equal(live.booking.events.listenerCount, 0, 'a closed stream stops listening');
      } finally {
        await live.close();
      }
    });

    it('with NODE_ENV=production there is no development staff session, and no demo seed', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'ck-production-'));
      const { server: production, url: productionUrl } = await startTestServer({
        CONSULTKIT_DATA_DIR: dataDir,
        NODE_ENV: 'production',
        CONSULTKIT_SECRET: 's'.repeat(40),
        CONSULTKIT_STAFF_KEY: 'k'.repeat(40),
        CONSULTKIT_PUBLIC_URL: 'https://consult.example.nhs.uk',
      });
      try {
        assert.equal((await fetch(`${productionUrl}/dev-idp/.well-known/openid-configuration`)).status, 404);
        const practitioners = (await (
          await fetch(`${productionUrl}/fhir/Practitioner?_total=accurate`)
        ).json()) as Bundle;
        assert.equal(practitioners.total, 0);
        const withDevKey = await fetch(`${productionUrl}/api/outbox`, { headers: STAFF });
        assert.equal(withDevKey.status, 401, 'another server’s key means nothing there');
        const withKey = await fetch(`${productionUrl}/api/outbox`, {
          headers: { authorization: `Bearer ${'k'.repeat(40)}` },
        });
        assert.equal(withKey.status, 200);
      } finally {
        await production.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it('lists the outbox newest first', async () => {
      const [a, b] = await gpSlots('2026-03-18');
      const first = (await put(await book(a!), { status: 'booked' })).body;
      const second = (await put(await book(b!), { status: 'booked' })).body;
      const outbox = await get<{ messages: { appointmentId: string }[] }>('/api/outbox?limit=2', STAFF);
      assert.deepEqual(
        outbox.body.messages.map((m) => m.appointmentId),
        [second.id, first.id],
      );
    });
  });
});
