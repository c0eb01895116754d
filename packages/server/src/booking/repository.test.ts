import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { openStorage, type Storage } from '../storage/index.js';
import { freshPostgresDatabase, skippable } from '../test-helpers.js';
import { BookingEvents } from './events.js';
import {
  BookingRepository,
  createPractitioners,
  generateSlotsFor,
  type NewAppointment,
  type PatientDetails,
} from './repository.js';
import { DEMO_CLINICIANS, seedDemoPractice } from './seed.js';
import { BookingService, uniqueViolation } from './service.js';
import { slotTimes, type WeeklyTemplate } from './template.js';
import { formatInstant, weekdayOf } from './zone.js';

/**
 * The booking tables on every engine: PGlite always; PostgreSQL when DATABASE_URL is set (in a
 * database of its own, dropped afterwards).
 */
const engines = [
  {
    name: 'PGlite',
    skip: false as const,
    async open() {
      const storage = await openStorage({ dataDir: 'memory://' });
      return { storage, dispose: () => storage.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: process.env['DATABASE_URL']
      ? (false as const)
      : 'DATABASE_URL is not set: PostgreSQL booking storage tests skipped',
    async open() {
      const database = (await freshPostgresDatabase())!;
      const storage = await openStorage({ databaseUrl: database.url, dataDir: '' });
      return {
        storage,
        async dispose() {
          await storage.close();
          await database.dispose();
        },
      };
    },
  },
];

const LONDON = 'Europe/London';
const WEEKDAYS_9_TO_12: WeeklyTemplate = {
  slotMinutes: 10,
  sessions: {
    mon: ['09:00-12:00'],
    tue: ['09:00-12:00'],
    wed: ['09:00-12:00'],
    thu: ['09:00-12:00'],
    fri: ['09:00-12:00'],
  },
};
const patient = (email: string, given = 'Ada'): PatientDetails => ({
  name: [{ given: [given], family: 'Lovelace' }],
  birthDate: '1985-12-10',
  email,
});

for (const engine of engines) {
  // Skipped test by test without DATABASE_URL, so each counts in the summary.
  const { it, before, after } = skippable(engine.skip);
  describe(`booking storage on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    let repo: BookingRepository;

    before(async () => {
      ({ storage, dispose } = await engine.open());
      repo = new BookingRepository(storage);
    });
    after(() => dispose?.());

    it('seeds the demo practice once, with real hours, lunch, evenings, Saturdays and bank holidays closed', async () => {
      assert.equal(await seedDemoPractice(storage, LONDON), true);
      assert.equal(await seedDemoPractice(storage, LONDON), false, 'idempotent: not when a practitioner exists');
      const practitioners = await repo.searchPractitioners({ count: 100, offset: 0, total: true });
      assert.equal(practitioners.total, DEMO_CLINICIANS.length);
      const schedules = await repo.searchSchedules({ count: 100, offset: 0, total: false });
      assert.equal(
        schedules.rows.length,
        DEMO_CLINICIANS.reduce((n, c) => n + c.schedules.length, 0),
      );
      assert.deepEqual(
        [...new Set(schedules.rows.map((s) => s.service_type))].sort(),
        ['gp', 'nurse', 'pharmacist'],
        'GP, nurse and pharmacist sessions',
      );

      // Easter week 2026 (Good Friday 3 April, Easter Monday 6 April) and the week before it.
      for (const schedule of schedules.rows) await repo.generateSlots(schedule, '2026-03-23', '2026-04-12');
      const rows = await storage.query<{
        start_at: Date;
        end_at: Date;
        family: string;
        service_type: string;
        channels: string[];
      }>(
        `SELECT s.start_at, s.end_at, p.name ->> 'family' AS family, sc.service_type, sc.channels
         FROM slot s JOIN schedule sc ON sc.id = s.schedule_id JOIN practitioner p ON p.id = sc.practitioner_id
         WHERE s.start_at >= '2026-03-23' AND s.start_at < '2026-04-12'`,
      );
      const local = (d: Date) => formatInstant(d.getTime(), LONDON);
      const day = (d: Date) => local(d).slice(0, 10);
      const time = (d: Date) => local(d).slice(11, 16);
      const days = new Set(rows.map((r) => day(r.start_at)));
      for (const closed of ['2026-04-03', '2026-04-06']) assert.ok(!days.has(closed), `bank holiday ${closed}: closed`);
      for (const sunday of ['2026-03-29', '2026-04-05', '2026-04-12'])
        assert.ok(!days.has(sunday), `${sunday}: closed`);
      assert.ok(days.has('2026-04-02') && days.has('2026-04-07'), 'open on the weekdays around Easter');

      const weekday = rows.filter((r) => !['sat', 'sun'].includes(weekdayOf(day(r.start_at))));
      assert.equal(weekday.map((r) => time(r.start_at)).sort()[0], '08:00', 'weekdays open at 08:00');
      const inHours = weekday.filter((r) => !(r.family === 'Evans' && time(r.start_at) >= '18:30'));
      assert.ok(
        inHours.every((r) => time(r.end_at) <= '18:30' && time(r.end_at) > '08:00'),
        'weekday surgeries end by 18:30',
      );
      assert.ok(
        weekday.every((r) => time(r.end_at) <= '12:30' || time(r.start_at) >= '13:30'),
        'nobody is booked over lunch (12:30–13:30)',
      );
      const evening = weekday.filter((r) => time(r.start_at) >= '18:30');
      assert.ok(evening.length > 0, 'an extended-access evening');
      assert.deepEqual([...new Set(evening.map((r) => weekdayOf(day(r.start_at))))].sort(), ['thu', 'tue']);
      assert.ok(evening.every((r) => time(r.end_at) <= '20:00' && r.channels.includes('Video')));
      const saturday = rows.filter((r) => weekdayOf(day(r.start_at)) === 'sat');
      assert.ok(saturday.length > 0, 'a Saturday morning');
      assert.ok(saturday.every((r) => time(r.start_at) >= '09:00' && time(r.end_at) <= '12:00'));

      const minutes = (r: { start_at: Date; end_at: Date }) => (r.end_at.getTime() - r.start_at.getTime()) / 60_000;
      const lengths = Object.fromEntries(rows.map((r) => [`${r.family} ${r.service_type}`, minutes(r)]));
      assert.deepEqual(lengths, { 'Khan gp': 10, 'Evans gp': 15, 'Shah nurse': 20, 'Okafor pharmacist': 30 });
      const video = rows.filter((r) => r.channels.includes('Video'));
      assert.ok(video.length > 0 && video.length < rows.length, 'video on some sessions only');
      assert.ok(
        rows
          .filter((r) => r.family === 'Khan' && r.channels.includes('Video'))
          .every((r) => time(r.start_at) >= '13:30'),
        "Dr Khan's video sessions are afternoons",
      );
      assert.ok(!rows.some((r) => r.service_type === 'nurse' && r.channels.includes('Video')), 'the nurse sees people');

      // Christmas 2026: Friday 25 and the substitute Monday 28 closed; Thursday 24 open.
      for (const schedule of schedules.rows) await repo.generateSlots(schedule, '2026-12-21', '2027-01-05');
      const christmas = await storage.query<{ start_at: Date }>(
        `SELECT start_at FROM slot WHERE start_at >= '2026-12-21' AND start_at < '2027-01-05'`,
      );
      const open = new Set(christmas.map((r) => day(r.start_at)));
      for (const closed of ['2026-12-25', '2026-12-28', '2027-01-01']) assert.ok(!open.has(closed), closed);
      assert.ok(open.has('2026-12-24') && open.has('2026-12-29'));
    });

    it('generates slots idempotently: unique per schedule and start', async () => {
      const practitionerId = await repo.createPractitioner({ name: { given: ['Gen'], family: 'Test' } });
      const scheduleId = await repo.createSchedule({
        practitionerId,
        serviceType: 'gp',
        serviceDisplay: 'GP appointment',
        channels: ['Video'],
        template: WEEKDAYS_9_TO_12,
        timeZone: LONDON,
      });
      const schedule = (await repo.schedule(scheduleId))!;
      const expected = slotTimes(WEEKDAYS_9_TO_12, LONDON, '2026-03-23', '2026-04-06').starts.length;
      assert.equal(expected, 10 * 18);
      assert.equal(await repo.generateSlots(schedule, '2026-03-23', '2026-04-06'), expected);
      assert.equal(await repo.generateSlots(schedule, '2026-03-23', '2026-04-06'), 0, 'nothing new the second time');
      assert.equal(await repo.generateSlots(schedule, '2026-03-30', '2026-04-13'), 5 * 18, 'only the new week');
      const page = await repo.searchSlots({ scheduleIds: [scheduleId], count: 500, total: true });
      assert.equal(page.total, 15 * 18);
      assert.equal(new Set(page.rows.map((r) => r.start_at.getTime())).size, page.rows.length);
      await assert.rejects(
        storage.query('INSERT INTO slot (schedule_id, start_at, end_at) VALUES ($1, $2, $3)', [
          scheduleId,
          page.rows[0]!.start_at.toISOString(),
          page.rows[0]!.end_at.toISOString(),
        ]),
        (error: unknown) => uniqueViolation(error) !== undefined,
      );
    });

    it('refuses a bad template or time zone when a schedule is created', async () => {
      const practitionerId = await repo.createPractitioner({ name: { family: 'Bad' } });
      const base = { practitionerId, serviceType: 'gp', serviceDisplay: 'GP', channels: ['Video'] as const };
      await assert.rejects(
        repo.createSchedule({ ...base, template: { slotMinutes: 1, sessions: {} }, timeZone: LONDON }),
        /slotMinutes/,
      );
      await assert.rejects(
        repo.createSchedule({ ...base, template: WEEKDAYS_9_TO_12, timeZone: 'Mars/Base' }),
        /timeZone/,
      );
    });

    describe('slots, patients and appointments', () => {
      let scheduleId: number;
      let practitionerId: number;
      let appointment: (slotId: number, overrides?: Partial<NewAppointment>) => Promise<number>;

      before(async () => {
        const ids = await createPractitioners(storage, {
          practitioners: 1,
          template: WEEKDAYS_9_TO_12,
          timeZone: LONDON,
        });
        scheduleId = ids[0]!;
        practitionerId = (await repo.schedule(scheduleId))!.practitioner_id;
        await generateSlotsFor(storage, { from: '2026-05-04', to: '2026-05-09', scheduleIds: [scheduleId] });
        let n = 0;
        appointment = async (slotId, overrides = {}) => {
          const slot = (await repo.slot(slotId))!;
          n++;
          return repo.insertAppointment({
            status: 'pending',
            slotId,
            scheduleId,
            practitionerId,
            patientId: await repo.upsertPatient(patient(`db${n}@example.org`), new Date()),
            start: slot.start_at,
            end: slot.end_at,
            channel: 'Video',
            bookingReference: `CK-TEST-${String(n).padStart(4, '0')}-${engine.name.slice(0, 4).toUpperCase()}`,
            idempotencyKey: null,
            requestDigest: 'x',
            patientDetails: patient(`db${n}@example.org`),
            now: new Date(),
            ...overrides,
          });
        };
      });

      const slotsOn = async (date: string) =>
        (
          await repo.searchSlots({
            scheduleIds: [scheduleId],
            from: Date.parse(`${date}T00:00:00Z`),
            to: Date.parse(`${date}T23:59:59Z`),
            count: 100,
            total: false,
          })
        ).rows;

      it('takes a slot only when it is free', async () => {
        const [slot] = await slotsOn('2026-05-04');
        assert.equal(await repo.takeSlot(slot!.id, 'busy-tentative', new Date()), true);
        assert.equal(await repo.takeSlot(slot!.id, 'busy-tentative', new Date()), false);
        assert.equal((await repo.slot(slot!.id))!.status, 'busy-tentative');
      });

      it('of 50 transactions taking one slot at once, exactly one gets it', async () => {
        const [, slot] = await slotsOn('2026-05-04');
        const results = await Promise.all(
          Array.from({ length: 50 }, () =>
            storage.transaction((tx) => new BookingRepository(tx).takeSlot(slot!.id, 'busy-tentative', new Date())),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1);
      });

      it('the database refuses a second live appointment on a slot (partial unique index)', async () => {
        const [, , slot] = await slotsOn('2026-05-05');
        const first = await appointment(slot!.id);
        await assert.rejects(
          appointment(slot!.id),
          (error: unknown) => uniqueViolation(error) === 'appointment_live_slot',
        );
        await storage.query(`UPDATE appointment SET status = 'cancelled' WHERE id = $1`, [first]);
        const second = await appointment(slot!.id);
        assert.notEqual(second, first, 'once cancelled, the slot can hold another appointment');
        assert.equal(await repo.liveAppointmentsOnSlot(slot!.id), 1);
        await assert.rejects(
          storage.query(`UPDATE appointment SET status = 'noshow' WHERE id = $1`, [first]),
          (error: unknown) => uniqueViolation(error) === 'appointment_live_slot',
          'reviving the cancelled one is refused too',
        );
      });

      it('refuses duplicate booking references and idempotency keys, and unknown statuses', async () => {
        const [a, b, c] = await slotsOn('2026-05-06');
        await appointment(a!.id, { bookingReference: 'CK-SAME-SAME-SAME', idempotencyKey: 'k1' });
        await assert.rejects(
          appointment(b!.id, { bookingReference: 'CK-SAME-SAME-SAME' }),
          (error: unknown) => uniqueViolation(error) === 'appointment_booking_reference',
        );
        await assert.rejects(
          appointment(c!.id, { idempotencyKey: 'k1' }),
          (error: unknown) => uniqueViolation(error) === 'appointment_idempotency_key',
        );
        await assert.rejects(appointment(c!.id, { status: 'waitlist' as 'pending' }), /check constraint/);
      });

      it('keeps one patient per e-mail (any case), birth date and name; a phone is filled in', async () => {
        const first = await repo.upsertPatient(patient('Same@Example.org', 'First'), new Date());
        const again = await repo.upsertPatient(
          { ...patient('same@example.ORG', 'first'), phone: '07700 900001' },
          new Date(),
        );
        assert.equal(again, first);
        const row = (await repo.patient(first))!;
        assert.deepEqual(row.name, [{ given: ['First'], family: 'Lovelace' }]);
        assert.equal(row.phone, '07700 900001');
        const twin = await repo.upsertPatient(patient('same@example.org', 'Second'), new Date());
        assert.notEqual(twin, first, 'a twin booked with the same address and birth date is another patient');
        const other = await repo.upsertPatient(
          { ...patient('same@example.org', 'First'), birthDate: '1990-01-01' },
          new Date(),
        );
        assert.notEqual(other, first, 'another birth date is another patient');
      });

      it('searches slots by status and time, pages with "more", and counts', async () => {
        const all = await repo.searchSlots({ scheduleIds: [scheduleId], count: 500, total: true });
        assert.equal(all.total, 5 * 18);
        const starts = all.rows.map((r) => r.start_at.getTime());
        assert.deepEqual(
          starts,
          [...starts].sort((x, y) => x - y),
          'in start order',
        );
        const free = await repo.searchSlots({
          scheduleIds: [scheduleId],
          statuses: ['free'],
          count: 500,
          total: false,
        });
        const eightieth = free.rows[79]!;
        const page = await repo.searchSlots({
          scheduleIds: [scheduleId],
          statuses: ['free'],
          count: 10,
          after: { start: eightieth.start_at.getTime(), id: eightieth.id },
          total: true,
        });
        assert.deepEqual(
          page.rows.map((r) => r.id),
          free.rows.slice(80, 90).map((r) => r.id),
          'the page after the 80th row by keyset is rows 81 to 90',
        );
        assert.equal(
          page.total,
          5 * 18 -
            (
              await repo.searchSlots({
                scheduleIds: [scheduleId],
                statuses: ['busy-tentative', 'busy'],
                count: 0,
                total: true,
              })
            ).total!,
        );
        assert.equal(page.more, page.total! > 90);
        const none = await repo.searchSlots({ scheduleIds: [], count: 10, total: true });
        assert.deepEqual([none.rows.length, none.total], [0, 0]);
        const window = await repo.searchSlots({
          scheduleIds: [scheduleId],
          from: Date.parse('2026-05-07T08:00:00Z'),
          to: Date.parse('2026-05-07T08:30:00Z'),
          count: 10,
          total: false,
        });
        assert.deepEqual(
          window.rows.map((r) => r.start_at.toISOString()),
          ['2026-05-07T08:00:00.000Z', '2026-05-07T08:10:00.000Z', '2026-05-07T08:20:00.000Z'],
          '09:00 BST is 08:00 UTC',
        );
        assert.equal(window.total, undefined);
      });

      it('lists the outbox newest first', async () => {
        const when = (minute: number) => new Date(Date.UTC(2026, 4, 1, 9, minute));
        await repo.queueMail({ appointmentId: null, to: 'a@example.org', subject: 'older', body: '…', now: when(0) });
        await repo.queueMail({ appointmentId: null, to: 'b@example.org', subject: 'newer', body: '…', now: when(5) });
        const rows = await repo.outbox(2);
        assert.deepEqual(
          rows.map((r) => r.subject),
          ['newer', 'older'],
        );
      });
    });

    it('confirming a video booking asks the join-link hook inside the transaction and mails the link', async () => {
      const [scheduleId] = await createPractitioners(storage, {
        practitioners: 1,
        template: WEEKDAYS_9_TO_12,
        timeZone: LONDON,
      });
      await generateSlotsFor(storage, { from: '2026-06-01', to: '2026-06-02', scheduleIds: [scheduleId!] });
      const now = Date.parse('2026-05-01T12:00:00Z');
      const asked: number[] = [];
      const service = new BookingService({
        storage,
        events: new BookingEvents(),
        composeConfirmation: (details) => ({ subject: 'confirmed', text: `join at ${details.joinUrl}` }),
        now: () => now,
        joinLink: async (appointment, tx) => {
          const rows = await tx.query<{ status: string }>('SELECT status FROM appointment WHERE id = $1', [
            appointment.id,
          ]);
          asked.push(appointment.id);
          return `https://join.example/${rows[0]!.status}`;
        },
      });
      const slot = (await repo.searchSlots({ scheduleIds: [scheduleId!], count: 1, total: false })).rows[0]!;
      const { appointment } = await service.book({
        slotId: slot.id,
        start: slot.start_at.getTime(),
        end: slot.end_at.getTime(),
        channel: 'Video',
        patient: patient('hook@example.org'),
      });
      await service.update(appointment.id, { kind: 'staff' }, { status: 'booked' }, 1);
      assert.deepEqual(asked, [appointment.id]);
      const [message] = await repo.outbox(1);
      assert.equal(message!.body, 'join at https://join.example/booked', 'the hook sees the confirmed row');
      assert.equal(message!.to_address, 'hook@example.org');
    });

    it('bulk-creates practitioners and a year of slots for a benchmark', async () => {
      const scheduleIds = await createPractitioners(storage, {
        practitioners: 3,
        template: WEEKDAYS_9_TO_12,
        timeZone: LONDON,
      });
      assert.equal(scheduleIds.length, 3);
      const made = await generateSlotsFor(storage, { from: '2027-01-01', to: '2028-01-01', scheduleIds });
      assert.equal(made, 3 * slotTimes(WEEKDAYS_9_TO_12, LONDON, '2027-01-01', '2028-01-01').starts.length);
      const counted = await repo.searchSlots({ scheduleIds, count: 0, total: true });
      assert.equal(counted.total, made);
    });
  });
}
