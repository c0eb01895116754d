/**
 * Attendance: a booked appointment nobody attended becomes a no-show a while after its end (the
 * clock moved), staff can correct it, an arrived patient is never marked; the attendance report's
 * figures against a fixture month.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsultKitServer } from '../app.js';
import { seedBookingFixture, STAFF, startTestServer, TEST_NOW } from '../test-helpers.js';
import { Api } from './test-support.js';

interface Population {
  code: { coding: { code: string }[] };
  count: number;
}
interface Report {
  resourceType: string;
  period: { start: string; end: string };
  group: {
    code: { text: string };
    population: Population[];
    stratifier: { stratum: { value: { text: string }; population: Population[] }[] }[];
  }[];
}

/** `{ booked, attended, missed, cancelled }` from a population list. */
const counts = (population: Population[]) =>
  Object.fromEntries(population.map((p) => [p.code.coding[0]!.code, p.count]));

describe('attendance', () => {
  let server: ConsultKitServer;
  let api: Api;
  let clock = TEST_NOW;

  before(async () => {
    const started = await startTestServer({}, {}, { now: () => clock, notify: { pollMs: 10 } });
    server = started.server;
    api = new Api(started.url, (await seedBookingFixture(server.storage)).gp.scheduleId);
  });

  after(async () => {
    await server?.close();
  });

  async function moveTo(iso: string): Promise<void> {
    clock = Date.parse(iso);
    await server.notifier.worker.nextPass();
    await server.notifier.worker.nextPass();
  }

  const status = async (id: string) =>
    (await api.call<{ status: string }>('GET', `/fhir/Appointment/${id}`, { headers: STAFF })).body.status;

  it('marks a booked appointment nobody attended as a no-show 30 minutes after its end; staff can correct it', async () => {
    const { appointment } = await api.book('2026-03-03'); // 09:00–09:10
    const arrived = (await api.book('2026-03-03')).appointment; // 09:10–09:20
    assert.equal((await api.change(arrived, { status: 'arrived' })).status, 200);
    await moveTo('2026-03-03T09:39:00Z');
    assert.equal(await status(appointment.id!), 'booked');
    await moveTo('2026-03-03T09:40:00Z');
    assert.equal(await status(appointment.id!), 'noshow');
    await moveTo('2026-03-03T10:30:00Z');
    assert.equal(await status(arrived.id!), 'arrived', 'a patient who arrived is never marked');
    const corrected = await api.change(
      (await api.call('GET', `/fhir/Appointment/${appointment.id}`, { headers: STAFF })).body as never,
      {
        status: 'fulfilled',
      },
    );
    assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    assert.equal(await status(appointment.id!), 'fulfilled');
  });

  it('reports booked, attended, missed and cancelled by month and channel', async () => {
    // A fixture month (March 2026, after the clock above) and one appointment in April.
    const book = async (day: string, channel: string) => (await api.book(day, { channel })).appointment;
    const video = [
      await book('2026-03-10', 'Video'),
      await book('2026-03-10', 'Video'),
      await book('2026-03-10', 'Video'),
    ];
    await api.change(video[0]!, { status: 'fulfilled' });
    await api.change(video[1]!, { status: 'noshow' });
    await api.change(video[2]!, { status: 'cancelled' });
    const phone = [await book('2026-03-11', 'Telephone'), await book('2026-03-11', 'Telephone')];
    await api.change(phone[0]!, { status: 'arrived' });
    const declined = (await api.book('2026-03-12', { channel: 'In-person', confirm: false })).appointment;
    await api.change(declined, { status: 'cancelled' });
    const inPerson = await book('2026-03-12', 'In-person');
    await api.change(inPerson, { status: 'noshow' });
    await book('2026-04-01', 'Video');

    const answer = await api.call<Report>('GET', '/api/reports/attendance?from=2026-03&to=2026-04', { headers: STAFF });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const report = answer.body;
    assert.equal(report.resourceType, 'MeasureReport');
    assert.deepEqual(report.period, { start: '2026-03-01', end: '2026-04-30' });
    const [march, april] = report.group;
    assert.equal(march!.code.text, '2026-03');
    // March also holds the two appointments of the first test (one fulfilled, one arrived).
    assert.deepEqual(counts(march!.population), { booked: 8, attended: 4, missed: 2, cancelled: 1 });
    const byChannel = Object.fromEntries(
      march!.stratifier[0]!.stratum.map((s) => [s.value.text, counts(s.population)]),
    );
    assert.deepEqual(byChannel, {
      Video: { booked: 5, attended: 3, missed: 1, cancelled: 1 },
      Telephone: { booked: 2, attended: 1, missed: 0, cancelled: 0 },
      'In-person': { booked: 1, attended: 0, missed: 1, cancelled: 0 },
    });
    assert.equal(april!.code.text, '2026-04');
    assert.deepEqual(counts(april!.population), { booked: 1, attended: 0, missed: 0, cancelled: 0 });
  });

  it('is for staff only, and says what is wrong with a month', async () => {
    assert.equal((await api.call('GET', '/api/reports/attendance?from=2026-03')).status, 401);
    const bad = await api.call<{ issue: { diagnostics: string }[] }>('GET', '/api/reports/attendance?from=2026-13', {
      headers: STAFF,
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.issue[0]!.diagnostics, /from: expected a month like 2026-03/);
    const long = await api.call<{ issue: { diagnostics: string }[] }>(
      'GET',
      '/api/reports/attendance?from=2020-01&to=2026-03',
      { headers: STAFF },
    );
    assert.equal(long.status, 400);
    assert.match(long.body.issue[0]!.diagnostics, /at most 24 months/);
  });
});
