import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slotStartsOn, slotTimes, TemplateError, validateTemplate, type WeeklyTemplate } from './template.js';
import { formatInstant } from './zone.js';

const LONDON = 'Europe/London';
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('weekly templates', () => {
  it('fills sessions with whole slots and leaves breaks out', () => {
    const template: WeeklyTemplate = {
      slotMinutes: 10,
      sessions: { mon: ['09:00-10:00', '14:00-14:25'] },
      breaks: ['09:20-09:35'],
    };
    assert.deepEqual(slotStartsOn(template, 'mon').map(hhmm), ['09:00', '09:10', '09:35', '09:45', '14:00', '14:10']);
    assert.deepEqual(slotStartsOn(template, 'tue'), []);
  });

  it('makes slots on the right weekdays in wall-clock time, GMT and BST alike', () => {
    const template: WeeklyTemplate = { slotMinutes: 15, sessions: { tue: ['09:00-09:30'] } };
    const { starts, ends } = slotTimes(template, LONDON, '2026-03-23', '2026-04-06');
    assert.deepEqual(
      starts.map((ms) => formatInstant(ms, LONDON)),
      [
        '2026-03-24T09:00:00+00:00',
        '2026-03-24T09:15:00+00:00',
        '2026-03-31T09:00:00+01:00',
        '2026-03-31T09:15:00+01:00',
      ],
    );
    assert.deepEqual(
      ends.map((ms, i) => ms - starts[i]!),
      [900_000, 900_000, 900_000, 900_000],
    );
  });

  it('29 March 2026: no slot in the skipped hour', () => {
    const night: WeeklyTemplate = { slotMinutes: 30, sessions: { sun: ['00:00-04:00'] } };
    const { starts } = slotTimes(night, LONDON, '2026-03-29', '2026-03-30');
    assert.deepEqual(
      starts.map((ms) => formatInstant(ms, LONDON)),
      [
        '2026-03-29T00:00:00+00:00',
        '2026-03-29T00:30:00+00:00',
        '2026-03-29T02:00:00+01:00',
        '2026-03-29T02:30:00+01:00',
        '2026-03-29T03:00:00+01:00',
        '2026-03-29T03:30:00+01:00',
      ],
    );
  });

  it('25 October 2026: the repeated hour is made once', () => {
    const night: WeeklyTemplate = { slotMinutes: 30, sessions: { sun: ['00:00-03:00'] } };
    const { starts, ends } = slotTimes(night, LONDON, '2026-10-25', '2026-10-26');
    assert.deepEqual(
      starts.map((ms) => formatInstant(ms, LONDON)),
      [
        '2026-10-25T00:00:00+01:00',
        '2026-10-25T00:30:00+01:00',
        '2026-10-25T01:00:00+01:00',
        '2026-10-25T01:30:00+01:00',
        '2026-10-25T02:00:00+00:00',
        '2026-10-25T02:30:00+00:00',
      ],
    );
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! >= ends[i - 1]!, 'no slot overlaps the one before');
  });

  it('a day session is the same on the change days as on others', () => {
    const day: WeeklyTemplate = { slotMinutes: 10, sessions: { sun: ['08:00-20:00'] } };
    for (const date of ['2026-03-22', '2026-03-29', '2026-10-25', '2026-11-01']) {
      const next = `${date.slice(0, 8)}${String(Number(date.slice(8)) + 1).padStart(2, '0')}`;
      const { starts } = slotTimes(day, LONDON, date, next);
      assert.equal(starts.length, 72, date);
      assert.match(formatInstant(starts[0]!, LONDON), new RegExp(`^${date}T08:00:00`));
      assert.match(formatInstant(starts[71]!, LONDON), new RegExp(`^${date}T19:50:00`));
    }
  });

  it('generates a year of a busy practice quickly enough to be a non-issue', () => {
    const template: WeeklyTemplate = {
      slotMinutes: 10,
      sessions: {
        mon: ['08:00-18:00'],
        tue: ['08:00-18:00'],
        wed: ['08:00-18:00'],
        thu: ['08:00-18:00'],
        fri: ['08:00-18:00'],
      },
    };
    const { starts } = slotTimes(template, LONDON, '2026-01-01', '2027-01-01');
    assert.equal(starts.length, 261 * 60);
    assert.equal(new Set(starts).size, starts.length);
  });

  const bad: [unknown, RegExp][] = [
    [null, /expected an object/],
    [{ sessions: {}, slotMinutes: 3 }, /slotMinutes: a whole number of minutes from 5 to 240/],
    [{ sessions: {}, slotMinutes: 10.5 }, /slotMinutes/],
    [{ slotMinutes: 10 }, /sessions: expected an object/],
    [{ sessions: { monday: ['09:00-10:00'] } }, /unknown day "monday"/],
    [{ sessions: { mon: '09:00-10:00' } }, /sessions.mon: expected a list/],
    [{ sessions: { mon: ['9-10'] } }, /sessions.mon: expected "HH:MM-HH:MM"/],
    [{ sessions: { mon: ['10:00-09:00'] } }, /does not end after it starts/],
    [{ sessions: { mon: ['09:00-24:30'] } }, /does not end after it starts|expected "HH:MM-HH:MM"/],
    [{ sessions: { mon: ['09:00-11:00', '10:00-12:00'] } }, /sessions overlap/],
    [{ sessions: {}, breaks: '12:00-13:00' }, /breaks: expected a list/],
    [{ sessions: {}, holidays: 'scotland' }, /holidays: expected one of england-and-wales/],
  ];
  for (const [value, message] of bad) {
    it(`refuses ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => validateTemplate(value),
        (error: unknown) => error instanceof TemplateError && message.test(error.message),
      );
    });
  }

  it('accepts a good template, with a default slot length', () => {
    assert.deepEqual(validateTemplate({ sessions: { mon: ['09:00-12:30'], sat: ['09:00–12:00'] } }), {
      slotMinutes: 10,
      sessions: { mon: ['09:00-12:30'], sat: ['09:00–12:00'] },
    });
  });

  it('closes on the bank holidays of England and Wales when the template says so', () => {
    const weekdays = ['09:00-09:20'];
    const template = validateTemplate({
      slotMinutes: 10,
      sessions: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays },
      holidays: 'england-and-wales',
    });
    assert.equal(template.holidays, 'england-and-wales');
    // Easter 2026: Good Friday 3 April and Easter Monday 6 April.
    const days = (t: WeeklyTemplate) => [
      ...new Set(
        slotTimes(t, LONDON, '2026-04-01', '2026-04-09').starts.map((ms) => formatInstant(ms, LONDON).slice(0, 10)),
      ),
    ];
    assert.deepEqual(days(template), ['2026-04-01', '2026-04-02', '2026-04-07', '2026-04-08']);
    const { holidays: _holidays, ...open } = template;
    assert.deepEqual(days(open), ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-06', '2026-04-07', '2026-04-08']);
  });
});
