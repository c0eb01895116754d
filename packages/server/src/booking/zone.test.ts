import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDays,
  canonicalTimeZone,
  dateIn,
  daysBetween,
  firstInstantAt,
  formatInstant,
  instantsAt,
  offsetMinutes,
  parseDate,
  startOfDay,
  wallClock,
  wallTimesToInstants,
  weekdayOf,
} from './zone.js';

const LONDON = 'Europe/London';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const hm = (h: number, m = 0) => h * 60 + m;

describe('time zones (Intl only)', () => {
  describe('offsets around the 2026 UK clock changes', () => {
    it('GMT in winter, BST in summer', () => {
      assert.equal(offsetMinutes(at('2026-01-15T12:00:00Z'), LONDON), 0);
      assert.equal(offsetMinutes(at('2026-07-15T12:00:00Z'), LONDON), 60);
    });

    it('BST begins at 01:00 UTC on 29 March 2026', () => {
      assert.equal(offsetMinutes(at('2026-03-29T00:59:59Z'), LONDON), 0);
      assert.equal(offsetMinutes(at('2026-03-29T01:00:00Z'), LONDON), 60);
    });

    it('BST ends at 01:00 UTC on 25 October 2026', () => {
      assert.equal(offsetMinutes(at('2026-10-25T00:59:59Z'), LONDON), 60);
      assert.equal(offsetMinutes(at('2026-10-25T01:00:00Z'), LONDON), 0);
    });

    it('other zones: New York, Kolkata (+05:30), Lord Howe (30-minute DST)', () => {
      assert.equal(offsetMinutes(at('2026-01-15T12:00:00Z'), 'America/New_York'), -300);
      assert.equal(offsetMinutes(at('2026-07-15T12:00:00Z'), 'America/New_York'), -240);
      assert.equal(offsetMinutes(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata'), 330);
      assert.equal(offsetMinutes(at('2026-01-15T12:00:00Z'), 'Australia/Lord_Howe'), 660);
      assert.equal(offsetMinutes(at('2026-07-15T12:00:00Z'), 'Australia/Lord_Howe'), 630);
    });
  });

  describe('wall-clock time to instants', () => {
    it('an ordinary winter and summer day: one instant', () => {
      assert.deepEqual(instantsAt('2026-11-24', hm(9, 10), LONDON).map(iso), ['2026-11-24T09:10:00.000Z']);
      assert.deepEqual(instantsAt('2026-06-24', hm(9, 10), LONDON).map(iso), ['2026-06-24T08:10:00.000Z']);
    });

    it('29 March 2026: 01:00 to 01:59 do not exist; 00:59 is GMT and 02:00 is BST', () => {
      assert.deepEqual(instantsAt('2026-03-29', hm(0, 59), LONDON).map(iso), ['2026-03-29T00:59:00.000Z']);
      for (const minutes of [hm(1), hm(1, 30), hm(1, 59)]) {
        assert.deepEqual(instantsAt('2026-03-29', minutes, LONDON), [], `${minutes} should be skipped`);
        assert.equal(firstInstantAt('2026-03-29', minutes, LONDON), undefined);
      }
      assert.deepEqual(instantsAt('2026-03-29', hm(2), LONDON).map(iso), ['2026-03-29T01:00:00.000Z']);
      assert.deepEqual(instantsAt('2026-03-29', hm(9), LONDON).map(iso), ['2026-03-29T08:00:00.000Z']);
    });

    it('25 October 2026: 01:00 to 01:59 happen twice (BST, then GMT); 02:00 once', () => {
      assert.deepEqual(instantsAt('2026-10-25', hm(1), LONDON).map(iso), [
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T01:00:00.000Z',
      ]);
      assert.deepEqual(instantsAt('2026-10-25', hm(1, 30), LONDON).map(iso), [
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T01:30:00.000Z',
      ]);
      assert.equal(iso(firstInstantAt('2026-10-25', hm(1, 30), LONDON)!), '2026-10-25T00:30:00.000Z');
      assert.deepEqual(instantsAt('2026-10-25', hm(0, 59), LONDON).map(iso), ['2026-10-24T23:59:00.000Z']);
      assert.deepEqual(instantsAt('2026-10-25', hm(2), LONDON).map(iso), ['2026-10-25T02:00:00.000Z']);
      assert.deepEqual(instantsAt('2026-10-25', hm(9), LONDON).map(iso), ['2026-10-25T09:00:00.000Z']);
    });

    it('09:00 is 09:00 on the wall clock either side of both changes', () => {
      for (const date of ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-24', '2026-10-25', '2026-10-26']) {
        const instant = firstInstantAt(date, hm(9), LONDON)!;
        const wall = wallClock(instant, LONDON);
        assert.deepEqual([dateIn(instant, LONDON), wall.hour, wall.minute], [date, 9, 0]);
      }
    });

    it('24:00 is the next midnight', () => {
      assert.deepEqual(instantsAt('2026-06-24', hm(24), LONDON).map(iso), ['2026-06-24T23:00:00.000Z']);
    });
  });

  describe('a day of wall-clock times at once', () => {
    const everyTenMinutes = (from: number, to: number) =>
      Array.from({ length: (to - from) / 10 }, (_, i) => from + i * 10);

    it('leaves the skipped hour out on 29 March 2026', () => {
      const times = everyTenMinutes(hm(0), hm(3));
      const instants = wallTimesToInstants('2026-03-29', times, LONDON);
      assert.equal(instants.length, times.length - 6);
      const hours = instants.map((ms) => wallClock(ms, LONDON).hour);
      assert.ok(!hours.includes(1), 'no slot in 01:00–01:59');
      assert.equal(iso(instants[6]!), '2026-03-29T01:00:00.000Z', '02:00 BST follows 00:50 GMT');
    });

    it('makes the repeated hour once on 25 October 2026', () => {
      const times = everyTenMinutes(hm(0), hm(3));
      const instants = wallTimesToInstants('2026-10-25', times, LONDON);
      assert.equal(instants.length, times.length);
      assert.equal(new Set(instants).size, instants.length);
      assert.equal(iso(instants[6]!), '2026-10-25T00:00:00.000Z', '01:00 is the first (BST) 01:00');
      assert.equal(iso(instants[12]!), '2026-10-25T02:00:00.000Z');
      for (let i = 1; i < instants.length; i++) assert.ok(instants[i]! > instants[i - 1]!, 'increasing');
    });

    it('agrees with the time-by-time answer on every day of 2026, in zones with odd rules', () => {
      const zones = [
        LONDON,
        'America/New_York',
        'Australia/Lord_Howe',
        'America/Santiago',
        'Asia/Kolkata',
        'Pacific/Chatham',
      ];
      const times = everyTenMinutes(hm(0), hm(24)).filter((m) => m % 30 === 0);
      for (const zone of zones) {
        for (let date = '2026-01-01'; date < '2027-01-01'; date = addDays(date, 1)) {
          const expected = times
            .map((m) => firstInstantAt(date, m, zone))
            .filter((ms): ms is number => ms !== undefined);
          assert.deepEqual(wallTimesToInstants(date, times, zone), expected, `${zone} ${date}`);
        }
      }
    });
  });

  describe('days', () => {
    it('starts a day at local midnight, even on the days the clocks change', () => {
      assert.equal(iso(startOfDay('2026-03-29', LONDON)), '2026-03-29T00:00:00.000Z');
      assert.equal(iso(startOfDay('2026-03-30', LONDON)), '2026-03-29T23:00:00.000Z');
      assert.equal(iso(startOfDay('2026-10-25', LONDON)), '2026-10-24T23:00:00.000Z');
      assert.equal(iso(startOfDay('2026-10-26', LONDON)), '2026-10-26T00:00:00.000Z');
      // 29 March 2026 lasts 23 hours, 25 October 25 hours.
      assert.equal(startOfDay('2026-03-30', LONDON) - startOfDay('2026-03-29', LONDON), 23 * 3600_000);
      assert.equal(startOfDay('2026-10-26', LONDON) - startOfDay('2026-10-25', LONDON), 25 * 3600_000);
    });

    it('starts a day whose midnight is skipped at the jump (Santiago, 6 September 2026)', () => {
      const date = '2026-09-06';
      assert.deepEqual(instantsAt(date, 0, 'America/Santiago'), [], 'midnight is skipped there');
      const start = startOfDay(date, 'America/Santiago');
      assert.equal(dateIn(start, 'America/Santiago'), date);
      assert.equal(wallClock(start, 'America/Santiago').hour, 1);
      assert.equal(dateIn(start - 1000, 'America/Santiago'), '2026-09-05');
    });

    it('knows the local date of an instant', () => {
      assert.equal(dateIn(at('2026-03-28T23:30:00Z'), LONDON), '2026-03-28');
      assert.equal(dateIn(at('2026-06-30T23:30:00Z'), LONDON), '2026-07-01');
      assert.equal(dateIn(at('2026-06-30T23:30:00Z'), 'America/New_York'), '2026-06-30');
    });

    it('adds days across months, years and leap days; counts days; names weekdays', () => {
      assert.equal(addDays('2026-12-31', 1), '2027-01-01');
      assert.equal(addDays('2028-02-28', 1), '2028-02-29');
      assert.equal(addDays('2026-03-01', -1), '2026-02-28');
      assert.equal(addDays('2026-03-28', 56), '2026-05-23');
      assert.equal(daysBetween('2026-01-01', '2027-01-01'), 365);
      assert.equal(daysBetween('2026-03-30', '2026-03-29'), -1);
      assert.equal(weekdayOf('2026-03-29'), 'sun');
      assert.equal(weekdayOf('2026-10-25'), 'sun');
      assert.equal(weekdayOf('2026-11-24'), 'tue');
    });

    it('accepts only real calendar dates', () => {
      assert.deepEqual(parseDate('2028-02-29'), { year: 2028, month: 2, day: 29 });
      for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '26-01-01', '2026-01-32', 'x']) {
        assert.equal(parseDate(bad), undefined, bad);
      }
      assert.throws(() => addDays('2026-02-30', 1), RangeError);
    });
  });

  describe('formatting and names', () => {
    it('formats an instant with the local offset', () => {
      assert.equal(formatInstant(at('2026-06-24T08:10:00Z'), LONDON), '2026-06-24T09:10:00+01:00');
      assert.equal(formatInstant(at('2026-11-24T09:10:00Z'), LONDON), '2026-11-24T09:10:00+00:00');
      assert.equal(formatInstant(at('2026-11-24T14:10:00Z'), 'America/New_York'), '2026-11-24T09:10:00-05:00');
      assert.equal(formatInstant(at('2026-11-24T03:40:00Z'), 'Asia/Kolkata'), '2026-11-24T09:10:00+05:30');
      assert.equal(formatInstant(at('2026-10-25T00:30:00Z'), LONDON), '2026-10-25T01:30:00+01:00');
      assert.equal(formatInstant(at('2026-10-25T01:30:00Z'), LONDON), '2026-10-25T01:30:00+00:00');
      for (const text of ['2026-10-25T01:30:00+01:00', '2026-03-29T02:00:00+01:00', '2026-01-01T00:00:00+00:00']) {
        assert.equal(formatInstant(Date.parse(text), LONDON), text, 'round trip');
      }
    });

    it('formats every ten minutes across both 2026 changes with the offset in force (cached or not)', () => {
      for (const day of ['2026-03-28T12:00:00Z', '2026-10-24T12:00:00Z']) {
        for (let pass = 0; pass < 2; pass++) {
          for (let ms = Date.parse(day); ms < Date.parse(day) + 24 * 3600_000; ms += 600_000) {
            const offset = offsetMinutes(ms, LONDON);
            assert.ok(
              formatInstant(ms, LONDON).endsWith(offset === 60 ? '+01:00' : '+00:00'),
              new Date(ms).toISOString(),
            );
            assert.equal(Date.parse(formatInstant(ms, LONDON)), ms);
          }
        }
      }
    });

    it('formats as the offset and the wall clock say, in odd zones, odd seconds and before 1970', () => {
      const zones = ['Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu', 'America/St_Johns', 'UTC', LONDON];
      const reference = (ms: number, zone: string) => {
        const offset = offsetMinutes(ms, zone);
        const wall = iso(Math.floor(ms / 1000) * 1000 + offset * 60_000).slice(0, 19);
        const abs = Math.abs(offset);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${wall}${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
      };
      let seed = 12;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 3000; i++) {
        // 1951 to 2076, any millisecond; each instant twice (the second from what was remembered).
        const ms = Math.floor((random() * 2 - 0.3) * 2e12);
        const zone = zones[i % zones.length]!;
        assert.equal(formatInstant(ms, zone), reference(ms, zone), `${iso(ms)} in ${zone}`);
        assert.equal(formatInstant(ms, zone), reference(ms, zone), `${iso(ms)} in ${zone}, again`);
      }
    });

    it('knows IANA names and nothing else', () => {
      assert.equal(canonicalTimeZone('Europe/London'), 'Europe/London');
      assert.equal(canonicalTimeZone('Mars/Olympus_Mons'), undefined);
    });
  });
});
