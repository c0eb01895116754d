/**
 * Short holds on chosen times (docs/decisions/0029-picker-speed-and-holds.md), from outside with
 * fetch: a held time is not offered to others and cannot be booked by them; the holder's booking
 * takes it over; release and lapse free it; one address cannot hold a whole diary.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Bundle, OperationOutcome, Parameters, Slot } from 'fhir/r4.js';
import type { ConsultKitServer } from '../app.js';
import { SLOT_HELD_UNTIL_URL, SLOT_HOLD_TOKEN_URL } from '@consultkit/core/contract';
import {
  appointmentRequest,
  type BookingFixture,
  freshPostgresDatabase,
  seedBookingFixture,
  startTestServer,
  TEST_NOW,
} from '../test-helpers.js';

const MINUTE = 60_000;
let server: ConsultKitServer;
let url: string;
let fixture: BookingFixture;
let clock = TEST_NOW;
/** Each test its own client address, so the per-address counts of one do not spill into another. */
let address = 0;
let here = '';

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = OperationOutcome>(
  method: string,
  path: string,
  options: { body?: unknown; from?: string; raw?: string } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined && options.raw === undefined ? {} : { 'content-type': 'application/fhir+json' }),
      'x-forwarded-for': options.from ?? here,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

const diagnostics = (answer: Answer<unknown>) => (answer.body as OperationOutcome).issue?.[0]?.diagnostics ?? '';
const param = (p: Parameters, name: string) => p.parameter!.find((x) => x.name === name)!;

/** The free GP slots of `day` as a picker is offered them. */
async function offered(day: string): Promise<Slot[]> {
  const bundle = await call<Bundle>(
    'GET',
    `/fhir/Slot?status=free&schedule=Schedule/${fixture.gp.scheduleId}&start=${day}&_count=100`,
  );
  assert.equal(bundle.status, 200, JSON.stringify(bundle.body));
  return bundle.body.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
}

async function hold(slot: Slot, options: { replaces?: string; from?: string } = {}) {
  return call<Parameters>('POST', `/fhir/Slot/${slot.id}/$hold`, {
    body: options.replaces
      ? { resourceType: 'Parameters', parameter: [{ name: 'replaces', valueString: options.replaces }] }
      : undefined,
    ...(options.from ? { from: options.from } : {}),
  });
}

async function held(slot: Slot, options: { replaces?: string; from?: string } = {}): Promise<string> {
  const answer = await hold(slot, options);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return param(answer.body, 'token').valueString!;
}

let patients = 0;
function book(slot: Slot, token?: string, from?: string) {
  const body = appointmentRequest(slot, `hold${++patients}@example.org`);
  if (token) body.extension.push({ url: SLOT_HOLD_TOKEN_URL, valueString: token } as (typeof body.extension)[number]);
  return call('POST', '/fhir/Appointment', { body, ...(from ? { from } : {}) });
}

const engines = [
  { name: 'PGlite', skip: false as const, database: async () => undefined },
  {
    name: 'PostgreSQL',
    skip: process.env['DATABASE_URL'] ? (false as const) : 'DATABASE_URL is not set: PostgreSQL hold tests skipped',
    database: freshPostgresDatabase,
  },
];

for (const engine of engines)
  describe(`holds on chosen times (${engine.name})`, { skip: engine.skip }, () => {
    let dispose: (() => Promise<void>) | undefined;
    before(async () => {
      const database = await engine.database();
      dispose = database?.dispose;
      ({ server, url } = await startTestServer(
        {
          CONSULTKIT_SEED_DEMO: 'false',
          CONSULTKIT_TRUST_PROXY: '127.0.0.1',
          CONSULTKIT_MIN_NOTICE_MINUTES: '0',
          CONSULTKIT_RATE_LIMITS: 'hold=12/600',
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
    beforeEach(() => {
      clock = TEST_NOW;
      here = `198.51.100.${++address}`;
    });

    it('a held time is offered to no one else, reads busy-tentative, and only its holder can book it', async () => {
      const [slot, next] = await offered('2026-03-03');
      const answer = await hold(slot!);
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.body.resourceType, 'Parameters');
      assert.equal(param(answer.body, 'slot').valueReference!.reference, `Slot/${slot!.id}`);
      assert.equal(param(answer.body, 'expires').valueInstant, new Date(TEST_NOW + 5 * MINUTE).toISOString());
      const token = param(answer.body, 'token').valueString!;

      // Another picker's search: the next time is offered, the held one is not.
      const ids = (await offered('2026-03-03')).map((s) => s.id);
      assert.ok(ids.includes(next!.id), 'the sentinel (the next time) is offered');
      assert.ok(!ids.includes(slot!.id), 'the held time is not offered');

      // Read, and searched as busy-tentative, it says it is held and until when.
      const read = await call<Slot>('GET', `/fhir/Slot/${slot!.id}`);
      assert.equal(read.body.status, 'busy-tentative');
      assert.deepEqual(read.body.extension, [
        { url: SLOT_HELD_UNTIL_URL, valueInstant: new Date(TEST_NOW + 5 * MINUTE).toISOString() },
      ]);
      const tentative = await call<Bundle>(
        'GET',
        `/fhir/Slot?status=busy-tentative&schedule=Schedule/${fixture.gp.scheduleId}&start=2026-03-03`,
      );
      assert.deepEqual(
        tentative.body.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id),
        [slot!.id],
      );

      // Someone else, from another address, is refused: 409, and so is holding it.
      const stranger = '203.0.113.9';
      const refused = await book(slot!, undefined, stranger);
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.match(diagnostics(refused), /no longer free/);
      const theirs = await hold(slot!, { from: stranger });
      assert.equal(theirs.status, 409);
      assert.match(diagnostics(theirs), /being booked by someone else/);
      // A made-up token is no better than none.
      assert.equal((await book(slot!, 'A'.repeat(24), stranger)).status, 409);

      // The holder books it with the token: the hold is taken over, and gone.
      const booked = await book(slot!, token);
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      const release = await call('POST', `/fhir/Slot/${slot!.id}/$release`, {
        body: { resourceType: 'Parameters', parameter: [{ name: 'token', valueString: token }] },
      });
      assert.equal(release.status, 404);
    });

    it('releasing frees the time at once; a wrong token releases nothing', async () => {
      const [slot] = await offered('2026-03-04');
      const token = await held(slot!);
      const wrong = await call('POST', `/fhir/Slot/${slot!.id}/$release`, {
        body: { resourceType: 'Parameters', parameter: [{ name: 'token', valueString: 'B'.repeat(24) }] },
      });
      assert.equal(wrong.status, 404);
      assert.equal(wrong.body.resourceType, 'OperationOutcome');
      assert.ok(!(await offered('2026-03-04')).some((s) => s.id === slot!.id), 'still held after a wrong token');

      const released = await call('POST', `/fhir/Slot/${slot!.id}/$release`, {
        body: { resourceType: 'Parameters', parameter: [{ name: 'token', valueString: token }] },
      });
      assert.equal(released.status, 200, JSON.stringify(released.body));
      assert.ok(
        (await offered('2026-03-04')).some((s) => s.id === slot!.id),
        'offered again',
      );
      assert.equal((await book(slot!, undefined, '203.0.113.10')).status, 201);
    });

    it('a hold lapses after five minutes: the time is offered and bookable again, and the old token is worth nothing', async () => {
      const [slot] = await offered('2026-03-05');
      const token = await held(slot!);
      clock = TEST_NOW + 5 * MINUTE - 1000;
      assert.ok(!(await offered('2026-03-05')).some((s) => s.id === slot!.id), 'held until the last second');
      clock = TEST_NOW + 5 * MINUTE;
      assert.ok(
        (await offered('2026-03-05')).some((s) => s.id === slot!.id),
        'offered once lapsed',
      );
      assert.equal((await call<Slot>('GET', `/fhir/Slot/${slot!.id}`)).body.status, 'free');
      // Someone else holds it now: the first holder's token no longer books it.
      const other = '203.0.113.11';
      await held(slot!, { from: other });
      assert.equal((await book(slot!, token)).status, 409);
    });

    it('one address holds at most three times at once, whatever it tries; moving its own hold is not counted twice', async () => {
      const slots = await offered('2026-03-06');
      assert.ok(slots.length >= 10, `enough times to try (${slots.length})`);
      // A patient changing their mind moves one hold along: the previous one is replaced, not kept.
      let token = await held(slots[0]!);
      for (const slot of slots.slice(1, 5)) token = await held(slot, { replaces: token });
      let offeredNow = (await offered('2026-03-06')).map((s) => s.id);
      assert.deepEqual(
        slots
          .slice(0, 5)
          .filter((s) => !offeredNow.includes(s.id))
          .map((s) => s.id),
        [slots[4]!.id],
        'only the last choice is held',
      );

      // The attack: hold every time of the day from one address.
      const answers = [];
      for (const slot of slots.slice(5, 12)) answers.push(await hold(slot));
      const statuses = answers.map((a) => a.status);
      assert.deepEqual(statuses.slice(0, 2), [201, 201]);
      assert.ok(
        statuses.slice(2).every((s) => s === 429),
        `then refused: ${statuses.join(',')}`,
      );
      const refused = answers[2]!;
      assert.equal((refused.body as unknown as OperationOutcome).resourceType, 'OperationOutcome');
      assert.match(diagnostics(refused), /holds 3 times already/);
      assert.equal(refused.headers.get('retry-after'), '300');
      // The rest of the diary is still offered to everyone else, and another address can hold.
      offeredNow = (await offered('2026-03-06')).map((s) => s.id);
      assert.equal(slots.filter((s) => !offeredNow.includes(s.id)).length, 3);
      await held(slots[8]!, { from: '203.0.113.12' });

      // The count per address: 12 placements and releases in ten minutes, then 429 whatever the slot.
      clock = TEST_NOW + 6 * MINUTE; // the three holds have lapsed; the window has not
      const more = [];
      for (const slot of slots.slice(9, 14)) more.push((await hold(slot)).status);
      assert.ok(more.includes(429), `the address is throttled: ${more.join(',')}`);
      const last = await hold(slots[15]!);
      assert.equal(last.status, 429);
      assert.match(diagnostics(last), /holds on times from this address/);
    });

    it('refuses odd input with an OperationOutcome, never a 5xx', async () => {
      const [slot] = await offered('2026-03-09');
      const cases: [string, Parameters<typeof call>[2], number][] = [
        ['/fhir/Slot/999999/$hold', {}, 404],
        ['/fhir/Slot/abc/$hold', {}, 404],
        ['/fhir/Slot/1e3/$hold', {}, 404],
        [`/fhir/Slot/${slot!.id}/$hold`, { raw: '{"resourceType":"Patient"}' }, 400],
        [`/fhir/Slot/${slot!.id}/$hold`, { raw: '[1,2' }, 400],
        [
          `/fhir/Slot/${slot!.id}/$hold`,
          { body: { resourceType: 'Parameters', parameter: [{ name: 'replaces', valueString: 'short' }] } },
          400,
        ],
        [
          `/fhir/Slot/${slot!.id}/$hold`,
          {
            body: {
              resourceType: 'Parameters',
              parameter: [
                { name: 'replaces', valueString: 'C'.repeat(24) },
                { name: 'replaces', valueString: 'D'.repeat(24) },
              ],
            },
          },
          400,
        ],
        [`/fhir/Slot/${slot!.id}/$release`, {}, 400],
        [`/fhir/Slot/${slot!.id}/$release`, { body: { resourceType: 'Parameters', parameter: 'token' } }, 400],
        [
          `/fhir/Slot/${slot!.id}/$release`,
          { body: { resourceType: 'Parameters', parameter: [{ name: 'token', valueString: 7 }] } },
          400,
        ],
      ];
      for (const [path, options, status] of cases) {
        const answer = await call(path.endsWith('$hold') || path.endsWith('$release') ? 'POST' : 'GET', path, options);
        assert.equal(answer.status, status, `${path} ${JSON.stringify(options)}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.resourceType, 'OperationOutcome');
      }
      // A started slot: 422; a busy one: 409.
      const [early] = await offered('2026-03-02');
      clock = Date.parse(early!.start!) + 1000;
      assert.equal((await hold(early!)).status, 422);
      clock = TEST_NOW;
      assert.equal((await book(slot!)).status, 201);
      assert.equal((await hold(slot!)).status, 409);
      // A booking with a malformed hold token is a 400.
      const [other] = await offered('2026-03-09');
      const bad = appointmentRequest(other!, 'odd@example.org');
      bad.extension.push({ url: SLOT_HOLD_TOKEN_URL, valueString: 'x' } as (typeof bad.extension)[number]);
      assert.equal((await call('POST', '/fhir/Appointment', { body: bad })).status, 400);
    });
  });
