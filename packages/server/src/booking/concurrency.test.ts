import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Appointment, Bundle, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from '../app.js';
import {
  freshPostgresDatabase,
  skippable,
  seedBookingFixture,
  STAFF,
  startTestServer,
  TEST_NOW,
  type BookingFixture,
} from '../test-helpers.js';

/**
 * A slot is never booked twice, whatever the concurrency: 200 patients ask for one slot at once,
 * through HTTP, on PGlite and (with DATABASE_URL) on PostgreSQL, where the requests really run in
 * parallel transactions on a connection pool.
 */
const engines = [
  { name: 'PGlite', skip: false as const },
  {
    name: 'PostgreSQL',
    skip: process.env['DATABASE_URL']
      ? (false as const)
      : 'DATABASE_URL is not set: PostgreSQL concurrency tests skipped',
  },
];

const DELIVERY_CHANNEL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel';

function bookingOf(slot: Slot, n: number) {
  return {
    resourceType: 'Appointment',
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        name: [{ given: [`Patient${n}`], family: 'Racer' }],
        birthDate: '1990-01-01',
        telecom: [{ system: 'email', value: `racer${n}@example.org` }],
      },
    ],
    participant: [{ actor: { reference: '#patient' } }],
    slot: [{ reference: `Slot/${slot.id}` }],
    start: slot.start,
    end: slot.end,
    extension: [{ url: DELIVERY_CHANNEL, valueCode: 'Telephone' }],
  };
}

for (const engine of engines) {
  // Skipped test by test without DATABASE_URL, so each counts in the summary.
  const { it, before, after } = skippable(engine.skip);
  describe(`concurrent booking on ${engine.name}`, () => {
    let server: ConsultKitServer;
    let url: string;
    let fixture: BookingFixture;
    let dispose: (() => Promise<void>) | undefined;

    before(async () => {
      // A 200-way race from one address: no rate limits here (rate-limit.test.ts has them).
      const env: Record<string, string> = { CONSULTKIT_SEED_DEMO: 'false', CONSULTKIT_RATE_LIMITS: 'off' };
      if (engine.name === 'PostgreSQL') {
        const database = (await freshPostgresDatabase())!;
        env['DATABASE_URL'] = database.url;
        dispose = () => database.dispose();
      }
      ({ server, url } = await startTestServer(env, {}, { now: () => TEST_NOW }));
      fixture = await seedBookingFixture(server.storage);
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    async function freeSlots(date: string): Promise<Slot[]> {
      const bundle = (await (
        await fetch(`${url}/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=${date}`)
      ).json()) as Bundle;
      return bundle.entry!.map((entry) => entry.resource as Slot);
    }

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/fhir/Appointment`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', ...headers },
        body: JSON.stringify(body),
      });

    it('200 concurrent bookings of one slot: exactly one 201, 199 409s, and the slot booked once', async () => {
      const slot = (await freeSlots('2026-03-10'))[0]!;
      const responses = await Promise.all(Array.from({ length: 200 }, (_, n) => post(bookingOf(slot, n))));
      const statuses = responses.map((response) => response.status);
      assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${JSON.stringify(statuses)}`);
      assert.equal(statuses.filter((s) => s === 409).length, 199);
      const bodies = await Promise.all(responses.map((response) => response.json()));
      const loser = bodies.find((_, i) => statuses[i] === 409) as { resourceType: string; issue: { code: string }[] };
      assert.equal(loser.resourceType, 'OperationOutcome');
      assert.equal(loser.issue[0]!.code, 'conflict');
      const winner = bodies[statuses.indexOf(201)] as Appointment;

      const rows = await server.storage.query<{ id: number; status: string }>(
        'SELECT id, status FROM appointment WHERE slot_id = $1',
        [Number(slot.id)],
      );
      assert.deepEqual(
        rows,
        [{ id: Number(winner.id), status: 'pending' }],
        'one appointment for the slot in the database',
      );
      const slotRows = await server.storage.query<{ status: string }>('SELECT status FROM slot WHERE id = $1', [
        Number(slot.id),
      ]);
      assert.equal(slotRows[0]!.status, 'busy-tentative');
      const patients = await server.storage.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM patient WHERE email LIKE 'racer%'",
      );
      assert.ok(patients[0]!.n >= 1);
    });

    it('a reschedule racing bookings for the same slot: one wins, the slot is held once', async () => {
      const [a, target] = await freeSlots('2026-03-11');
      const first = (await (await post(bookingOf(a!, 1000))).json()) as Appointment;
      const move = fetch(`${url}/fhir/Appointment/${first.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/fhir+json', ...STAFF },
        body: JSON.stringify({
          ...first,
          slot: [{ reference: `Slot/${target!.id}` }],
          start: target!.start,
          end: target!.end,
        }),
      });
      const racers = Array.from({ length: 30 }, (_, n) => post(bookingOf(target!, 2000 + n)));
      const statuses = (await Promise.all([move, ...racers])).map((response) => response.status);
      const wins = statuses.filter((s) => s === 200 || s === 201).length;
      assert.equal(wins, 1, `statuses: ${JSON.stringify(statuses)}`);
      assert.ok(statuses.every((s) => s === 200 || s === 201 || s === 409));
      const live = await server.storage.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM appointment WHERE slot_id = $1 AND status <> 'cancelled'",
        [Number(target!.id)],
      );
      assert.equal(live[0]!.n, 1);
      const original = await server.storage.query<{ status: string }>('SELECT status FROM slot WHERE id = $1', [
        Number(a!.id),
      ]);
      assert.equal(
        original[0]!.status,
        statuses[0] === 200 ? 'free' : 'busy-tentative',
        'the old slot follows the outcome',
      );
    });

    it('20 parallel posts with one idempotency key make one appointment', async () => {
      const slot = (await freeSlots('2026-03-12'))[0]!;
      const body = bookingOf(slot, 3000);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => post(body, { 'idempotency-key': `same-key-${engine.name}` })),
      );
      const statuses = responses.map((response) => response.status).sort();
      assert.deepEqual(statuses, [...Array(19).fill(200), 201].sort(), JSON.stringify(statuses));
      const ids = new Set(
        await Promise.all(responses.map(async (response) => ((await response.json()) as Appointment).id)),
      );
      assert.equal(ids.size, 1);
      const rows = await server.storage.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM appointment WHERE slot_id = $1',
        [Number(slot.id)],
      );
      assert.equal(rows[0]!.n, 1);
    });
  });
}
