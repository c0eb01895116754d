import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, CapabilityStatement, OperationOutcome, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from '../app.js';
import { BookingRepository } from '../booking/repository.js';
import {
  appointmentRequest,
  freshPostgresDatabase,
  seedBookingFixture,
  STAFF,
  startTestServer,
  type BookingFixture,
} from '../test-helpers.js';

/**
 * FHIR search as clients expect it, on both engines (PGlite always; PostgreSQL when DATABASE_URL is
 * set, in a database of its own): free means bookable (never started, never sooner than the
 * minimum notice), `_id`, `_summary=count`, `_total`, keyset paging by cursor, `Prefer` (return and
 * handling), `Accept` other than JSON refused with 406, links from the public URL.
 *
 * The clock is the test's: the fixture practice has a GP every day 09:00–12:00 (10-minute slots)
 * and a nurse on weekdays 09:00–10:00 (15 minutes), from 1 March to 5 April 2026 (London, GMT in
 * early March).
 */

const PUBLIC = 'https://consult.example';
const NOTICE_MINUTES = 25;

const engines = [
  { name: 'PGlite', skip: false as const, database: async () => undefined },
  {
    name: 'PostgreSQL',
    skip: process.env['DATABASE_URL'] ? (false as const) : 'DATABASE_URL is not set: PostgreSQL search tests skipped',
    database: freshPostgresDatabase,
  },
];

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

for (const engine of engines) {
  describe(`FHIR search on ${engine.name}`, { skip: engine.skip }, () => {
    let server: ConsultKitServer;
    let url: string;
    let fixture: BookingFixture;
    let dispose: (() => Promise<void>) | undefined;
    let clock = Date.parse('2026-03-02T08:00:00Z');

    before(async () => {
      const database = await engine.database();
      dispose = database?.dispose;
      ({ server, url } = await startTestServer(
        {
          CONSULTKIT_SEED_DEMO: 'false',
          CONSULTKIT_RATE_LIMITS: 'off',
          CONSULTKIT_MIN_NOTICE_MINUTES: String(NOTICE_MINUTES),
          CONSULTKIT_PUBLIC_URL: PUBLIC,
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        {},
        { now: () => clock },
      ));
      fixture = await seedBookingFixture(server.storage);
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    async function call<T>(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
      const response = await fetch(`${url}${path.startsWith(PUBLIC) ? path.slice(PUBLIC.length) : path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : undefined) as T,
        text,
      } satisfies Answer<T>;
    }
    const get = <T = Bundle>(path: string, headers: Record<string, string> = {}) => call<T>('GET', path, headers);
    const matches = (bundle: Bundle) =>
      (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
    const link = (bundle: Bundle, relation: string) => bundle.link?.find((l) => l.relation === relation)?.url;
    const gp = () => `schedule=Schedule/${fixture.gp.scheduleId}`;

    async function book(slot: Slot, email: string, headers: Record<string, string> = {}) {
      return call<Appointment | OperationOutcome>(
        'POST',
        '/fhir/Appointment',
        headers,
        appointmentRequest(slot, email),
      );
    }

    it('status=free never lists a slot that has started, nor one sooner than the minimum notice', async () => {
      clock = Date.parse('2026-03-03T08:00:00Z');
      const before = matches((await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-03`)).body);
      assert.equal(before.length, 18, 'at 08:00 every slot from 09:00 is bookable');
      const held = await book(before[1]!, 'held@example.org'); // 09:10, held busy-tentative
      assert.equal(held.status, 201, held.text);

      clock = Date.parse('2026-03-03T09:06:00Z'); // 09:06 + 25 minutes = 09:31
      const free = await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-03&_total=accurate`);
      assert.equal(free.status, 200);
      const starts = matches(free.body).map((s) => s.start);
      assert.equal(starts[0], '2026-03-03T09:40:00+00:00', 'the first free slot is the first after now + notice');
      assert.equal(starts.length, 14, '09:40 to 11:50');
      assert.equal(free.body.total, 14, 'the total counts what is listed');
      assert.ok(
        starts.every((s) => Date.parse(s) >= clock + NOTICE_MINUTES * 60_000),
        'nothing sooner than the notice',
      );

      const free24 = await get(`/fhir/Slot?status=free&start=ge2026-03-03T00:00:00Z&start=lt2026-03-04T00:00:00Z`);
      assert.ok(
        matches(free24.body).every((s) => Date.parse(s.start) > clock),
        'every schedule: nothing started is free',
      );
      assert.ok(!matches(free24.body).some((s) => s.start === '2026-03-03T09:00:00+00:00'));

      const mixed = await get(`/fhir/Slot?status=free,busy-tentative&${gp()}&start=2026-03-03`);
      assert.deepEqual(
        matches(mixed.body)
          .slice(0, 2)
          .map((s) => [s.start, s.status]),
        [
          ['2026-03-03T09:10:00+00:00', 'busy-tentative'],
          ['2026-03-03T09:40:00+00:00', 'free'],
        ],
        'a held slot is listed as held even when it has started; free ones only when bookable',
      );

      const anyStatus = await get(`/fhir/Slot?${gp()}&start=2026-03-03`);
      assert.equal(matches(anyStatus.body).length, 18, 'without status: every slot, as it is');

      const pastById = await get(`/fhir/Slot?status=free&_id=${before[0]!.id}`);
      assert.equal(matches(pastById.body).length, 0, 'a started slot is not free, even asked for by id');
    });

    it('_id finds slots by id (bare or Slot/<id>), with the other filters', async () => {
      clock = Date.parse('2026-03-02T08:00:00Z');
      const day = matches((await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-10`)).body);
      const [a, b, c] = day;
      const found = await get(`/fhir/Slot?_id=${c!.id},Slot/${a!.id},${b!.id}`);
      assert.equal(found.status, 200);
      assert.deepEqual(
        matches(found.body).map((s) => s.id),
        [a!.id, b!.id, c!.id],
        'in start order',
      );
      const narrowed = await get(`/fhir/Slot?_id=${a!.id},${b!.id}&start=ge2026-03-10T09:05:00Z`);
      assert.deepEqual(
        matches(narrowed.body).map((s) => s.id),
        [b!.id],
      );
      const unknown = await get('/fhir/Slot?_id=2147483647&_total=accurate');
      assert.deepEqual([unknown.status, unknown.body.total, unknown.body.entry?.length ?? 0], [200, 0, 0]);
    });

    it('_total: none by default; accurate (or estimate) counts; _summary=count gives the total alone', async () => {
      const plain = await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-10`);
      assert.equal(plain.body.total, undefined);
      for (const total of ['accurate', 'estimate']) {
        const counted = await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-10&_total=${total}&_count=5`);
        assert.equal(counted.body.total, 18, total);
        assert.equal(matches(counted.body).length, 5);
      }
      const none = await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-10&_total=none`);
      assert.equal(none.body.total, undefined);
      const summary = await get(`/fhir/Slot?status=free&start=2026-03-10&_summary=count`);
      assert.equal(summary.status, 200);
      assert.equal(summary.body.total, 18 + 4);
      assert.equal(summary.body.entry?.length ?? 0, 0, 'no entries');
      const schedules = await get('/fhir/Schedule?_summary=count');
      assert.deepEqual([schedules.body.total, schedules.body.entry?.length ?? 0], [2, 0]);
      const appointments = await get('/fhir/Appointment?_summary=count', STAFF);
      assert.equal(appointments.status, 200);
      assert.equal(typeof appointments.body.total, 'number');
    });

    it('pages by keyset: the next link carries an opaque cursor, from the public URL, and every slot comes once', async () => {
      clock = Date.parse('2026-03-02T08:00:00Z');
      const all = await get(`/fhir/Slot?status=free&${gp()}&_count=1&_summary=count`);
      const expected = all.body.total!;
      assert.ok(expected > 300, `${expected} free GP slots`);
      let next: string | undefined = `/fhir/Slot?status=free&${gp()}&_count=100&_include=Slot:schedule`;
      const seen: string[] = [];
      let pages = 0;
      while (next) {
        const page: Answer<Bundle> = await get(next);
        assert.equal(page.status, 200, page.text);
        assert.ok(link(page.body, 'self')!.startsWith(`${PUBLIC}/fhir/Slot?`), 'self from the public URL');
        assert.equal(
          page.body.entry!.filter((e) => e.search?.mode === 'include').length,
          1,
          'the schedule included on every page',
        );
        seen.push(...matches(page.body).map((s) => s.id!));
        next = link(page.body, 'next');
        if (next) {
          assert.ok(next.startsWith(`${PUBLIC}/fhir/Slot?`), `next from the public URL: ${next}`);
          assert.match(next, /&_cursor=[A-Za-z0-9_-]+$/);
          assert.doesNotMatch(next, /_offset/);
        }
        pages++;
      }
      assert.equal(seen.length, expected);
      assert.equal(new Set(seen).size, expected, 'no slot twice');
      assert.equal(pages, Math.ceil(expected / 100));
    });

    it('a booking between two pages neither skips nor repeats a slot (what offset paging got wrong)', async () => {
      clock = Date.parse('2026-03-02T08:00:00Z');
      const first = await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-20&_count=5`);
      const firstPage = matches(first.body);
      const taken = await book(firstPage[0]!, 'between@example.org');
      assert.equal(taken.status, 201, taken.text);
      const second = await get(link(first.body, 'next')!);
      const all = matches((await get(`/fhir/Slot?${gp()}&start=2026-03-20`)).body);
      const lastIndex = all.findIndex((s) => s.id === firstPage[4]!.id);
      assert.deepEqual(
        matches(second.body).map((s) => s.id),
        all.slice(lastIndex + 1, lastIndex + 6).map((s) => s.id),
        'the second page starts right after the first one ended',
      );
    });

    it('Prefer: handling=lenient ignores what it cannot use and says so; strict (the default) refuses it', async () => {
      const strict = await get<OperationOutcome>(`/fhir/Slot?status=free&colour=blue`);
      assert.equal(strict.status, 400);
      const explicit = await get<OperationOutcome>(`/fhir/Slot?status=free&colour=blue`, {
        prefer: 'handling=strict',
      });
      assert.equal(explicit.status, 400);
      assert.match(explicit.body.issue[0]!.diagnostics!, /Unknown search parameter "colour"/);
      const lenient = await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-10&colour=blue&_summary=text`, {
        prefer: 'handling=lenient',
      });
      assert.equal(lenient.status, 200, lenient.text);
      assert.equal(matches(lenient.body).length, 18);
      const outcome = lenient.body.entry!.find((e) => e.search?.mode === 'outcome')!.resource as OperationOutcome;
      assert.equal(outcome.resourceType, 'OperationOutcome');
      assert.equal(outcome.issue[0]!.severity, 'warning');
      assert.match(outcome.issue[0]!.diagnostics!, /colour/);
      assert.match(outcome.issue[0]!.diagnostics!, /_summary=text/);
      assert.doesNotMatch(link(lenient.body, 'self')!, /colour/, 'the self link shows what was used');
      const badValue = await get<OperationOutcome>(`/fhir/Slot?status=open`, { prefer: 'handling=lenient' });
      assert.equal(badValue.status, 400, 'a known parameter with a bad value is still refused');
    });

    it('Prefer: return=minimal, representation or OperationOutcome on create and update', async () => {
      clock = Date.parse('2026-03-02T08:00:00Z');
      const [a, b, c, d] = matches((await get(`/fhir/Slot?status=free&${gp()}&start=2026-03-12`)).body);
      const minimal = await book(a!, 'minimal@example.org', { prefer: 'return=minimal' });
      assert.equal(minimal.status, 201);
      assert.equal(minimal.text, '', 'no body');
      assert.match(
        minimal.headers.get('location')!,
        /^https:\/\/consult\.example\/fhir\/Appointment\/\d+\/_history\/1$/,
      );
      assert.equal(minimal.headers.get('etag'), 'W/"1"');
      assert.equal(minimal.headers.get('preference-applied'), 'return=minimal');

      const outcome = await book(b!, 'outcome@example.org', { prefer: 'return=OperationOutcome' });
      assert.equal(outcome.status, 201);
      assert.equal(outcome.body.resourceType, 'OperationOutcome');
      assert.match((outcome.body as OperationOutcome).issue[0]!.diagnostics!, /Appointment\/\d+ created: version 1/);

      const representation = await book(c!, 'representation@example.org', { prefer: 'return=representation' });
      assert.equal(representation.status, 201);
      assert.equal(representation.body.resourceType, 'Appointment');
      const plain = await book(d!, 'plain@example.org', { prefer: 'respond-async, wait=10' });
      assert.equal(plain.body.resourceType, 'Appointment', 'preferences we do not know change nothing');

      const appointment = representation.body as Appointment;
      const updated = await call<undefined>(
        'PUT',
        `/fhir/Appointment/${appointment.id}`,
        { ...STAFF, 'if-match': 'W/"1"', prefer: 'return=minimal' },
        { ...appointment, status: 'booked' },
      );
      assert.equal(updated.status, 200);
      assert.equal(updated.text, '');
      assert.equal(updated.headers.get('etag'), 'W/"2"');
      const read = await get<Appointment>(`/fhir/Appointment/${appointment.id}`, STAFF);
      assert.equal(read.body.status, 'booked', 'the update was made');
    });

    it('answers JSON only: Accept application/fhir+xml is a 406 OperationOutcome; JSON and */* are served', async () => {
      for (const accept of ['application/fhir+xml', 'application/xml', 'text/html']) {
        const refused = await get<OperationOutcome>(`/fhir/Slot?status=free`, { accept });
        assert.equal(refused.status, 406, accept);
        assert.equal(refused.body.resourceType, 'OperationOutcome');
        assert.equal(refused.body.issue[0]!.code, 'not-supported');
        assert.match(refused.headers.get('content-type')!, /^application\/fhir\+json/);
      }
      for (const accept of [
        'application/fhir+json',
        'application/json',
        '*/*',
        'application/fhir+xml;q=0.9, application/fhir+json;q=0.8',
      ]) {
        const served = await get(`/fhir/Slot?status=free&_count=1`, { accept });
        assert.equal(served.status, 200, accept);
      }
    });

    it('a clinician added after searches is found by the next search (the schedules held in memory follow)', async () => {
      clock = Date.parse('2026-03-02T08:00:00Z');
      const before = await get('/fhir/Slot?status=free&service-type=pharmacist&_summary=count');
      assert.equal(before.body.total, 0);
      const repo = new BookingRepository(server.storage);
      const practitionerId = await repo.createPractitioner({
        name: { prefix: ['Mr'], given: ['Sam'], family: 'Okafor' },
      });
      const scheduleId = await repo.createSchedule({
        practitionerId,
        serviceType: 'pharmacist',
        serviceDisplay: 'Medication review',
        channels: ['Telephone'],
        template: { slotMinutes: 30, sessions: { wed: ['09:00-10:00'] } },
        timeZone: 'Europe/London',
      });
      await repo.generateSlots((await repo.schedule(scheduleId))!, '2026-03-04', '2026-03-05');
      const found = await get(
        `/fhir/Slot?status=free&schedule.actor=Practitioner/${practitionerId}&_include=Slot:schedule&_total=accurate`,
      );
      assert.equal(found.body.total, 2);
      assert.deepEqual(
        matches(found.body).map((s) => [s.start, s.serviceType![0]!.coding![0]!.code]),
        [
          ['2026-03-04T09:00:00+00:00', 'pharmacist'],
          ['2026-03-04T09:30:00+00:00', 'pharmacist'],
        ],
      );
      const included = found.body.entry!.filter((e) => e.search?.mode === 'include').map((e) => e.resource!.id);
      assert.deepEqual(included, [String(scheduleId)]);
    });

    it('the CapabilityStatement states what search does', async () => {
      const capability = (await get<CapabilityStatement>('/fhir/metadata')).body;
      const rest = capability.rest![0]!;
      assert.match(rest.documentation!, /406/);
      assert.match(rest.documentation!, /handling=lenient/);
      assert.match(rest.documentation!, /return=minimal/);
      const slot = rest.resource!.find((r) => r.type === 'Slot')!;
      const names = slot.searchParam!.map((p) => p.name);
      for (const name of ['_id', 'status', 'start', '_count', '_total', '_summary', '_cursor']) {
        assert.ok(names.includes(name), name);
      }
      assert.ok(!names.includes('_offset'), 'slots page by cursor only');
      assert.match(slot.documentation!, new RegExp(`minimum notice \\(${NOTICE_MINUTES} minutes\\)`));
    });
  });
}
