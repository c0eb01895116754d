/**
 * Weekly schedule templates and the slot times they make. Times are wall-clock times in the
 * schedule's time zone: a 09:00 slot is at 09:00 in GMT and in BST; on the days the clocks change,
 * a slot in the skipped hour is not made and a slot in the repeated hour is made once (the first
 * time the clocks show it).
 */
import { HOLIDAY_CALENDARS, isHoliday, type HolidayCalendar } from './holidays.js';
import { addDays, WEEKDAYS, wallTimesToInstants, weekdayOf, type Weekday } from './zone.js';

export type { Weekday } from './zone.js';

export interface WeeklyTemplate {
  /** Length of a slot in minutes (10 by default). */
  slotMinutes: number;
  /** Sessions per day of the week, as wall-clock ranges `"HH:MM-HH:MM"` (`24:00` ends at midnight). */
  sessions: Partial<Record<Weekday, string[]>>;
  /** Breaks on every day, `"HH:MM-HH:MM"`: no slot overlaps one. */
  breaks?: string[];
  /** Closed on the bank holidays of this calendar (`england-and-wales`): no slots those days. */
  holidays?: HolidayCalendar;
}

/** A problem with a template, in words fit for an error message. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

const RANGE = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Parses `"HH:MM-HH:MM"` into minutes past midnight. */
function parseRange(text: string, where: string): [number, number] {
  const match = RANGE.exec(text.replace(/\s+/g, '').replace('–', '-'));
  if (!match) throw new TemplateError(`${where}: expected "HH:MM-HH:MM", got ${JSON.stringify(text)}`);
  const from = Number(match[1]) * 60 + Number(match[2]);
  const to = Number(match[3]) * 60 + Number(match[4]);
  if (from >= to || to > 24 * 60) throw new TemplateError(`${where}: ${text} does not end after it starts`);
  return [from, to];
}

/** Checks a template from outside (JSON) and returns it typed; throws `TemplateError`. */
export function validateTemplate(value: unknown): WeeklyTemplate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TemplateError('template: expected an object with slotMinutes and sessions');
  }
  const raw = value as Record<string, unknown>;
  const slotMinutes = raw['slotMinutes'] ?? 10;
  if (typeof slotMinutes !== 'number' || !Number.isInteger(slotMinutes) || slotMinutes < 5 || slotMinutes > 240) {
    throw new TemplateError('slotMinutes: a whole number of minutes from 5 to 240');
  }
  const sessionsRaw = raw['sessions'];
  if (typeof sessionsRaw !== 'object' || sessionsRaw === null || Array.isArray(sessionsRaw)) {
    throw new TemplateError('sessions: expected an object keyed by mon, tue, wed, thu, fri, sat, sun');
  }
  const sessions: Partial<Record<Weekday, string[]>> = {};
  for (const [day, ranges] of Object.entries(sessionsRaw)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw new TemplateError(`sessions: unknown day "${day}"`);
    if (!Array.isArray(ranges) || !ranges.every((r) => typeof r === 'string')) {
      throw new TemplateError(`sessions.${day}: expected a list of "HH:MM-HH:MM"`);
    }
    const parsed = ranges.map((r) => parseRange(r, `sessions.${day}`)).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < parsed.length; i++) {
      if (parsed[i]![0] < parsed[i - 1]![1]) throw new TemplateError(`sessions.${day}: sessions overlap`);
    }
    sessions[day as Weekday] = [...ranges];
  }
  const breaksRaw = raw['breaks'] ?? [];
  if (!Array.isArray(breaksRaw) || !breaksRaw.every((r) => typeof r === 'string')) {
    throw new TemplateError('breaks: expected a list of "HH:MM-HH:MM"');
  }
  breaksRaw.forEach((r) => parseRange(r, 'breaks'));
  const holidays = raw['holidays'];
  if (holidays !== undefined && !(HOLIDAY_CALENDARS as readonly unknown[]).includes(holidays)) {
    throw new TemplateError(
      `holidays: expected one of ${HOLIDAY_CALENDARS.join(', ')}, got ${JSON.stringify(holidays)}`,
    );
  }
  return {
    slotMinutes,
    sessions,
    ...(breaksRaw.length ? { breaks: [...breaksRaw] } : {}),
    ...(holidays !== undefined ? { holidays: holidays as HolidayCalendar } : {}),
  };
}

/** The wall-clock start times (minutes past midnight) of the slots on one day of the week. */
export function slotStartsOn(template: WeeklyTemplate, day: Weekday): number[] {
  const breaks = (template.breaks ?? []).map((r) => parseRange(r, 'breaks'));
  const starts: number[] = [];
  for (const range of template.sessions[day] ?? []) {
    // The session minus the breaks, each part filled with whole slots from its start.
    let parts = [parseRange(range, `sessions.${day}`)];
    for (const [breakFrom, breakTo] of breaks) {
      parts = parts.flatMap(([from, to]): [number, number][] =>
        breakTo <= from || breakFrom >= to
          ? [[from, to]]
          : (
              [
                [from, breakFrom],
                [breakTo, to],
              ] as [number, number][]
            ).filter(([a, b]) => b > a),
      );
    }
    for (const [from, to] of parts) {
      for (let start = from; start + template.slotMinutes <= to; start += template.slotMinutes) starts.push(start);
    }
  }
  return starts.sort((a, b) => a - b);
}

export interface SlotTimes {
  /** Slot starts, epoch milliseconds, increasing. */
  starts: number[];
  /** Slot ends: start plus the slot length. */
  ends: number[];
}

/**
 * The slots a template makes in `zone` on the days from `from` (inclusive) to `to` (exclusive),
 * `YYYY-MM-DD`. A slot lasts `slotMinutes` of real time from its start.
 */
export function slotTimes(template: WeeklyTemplate, zone: string, from: string, to: string): SlotTimes {
  const perDay = new Map<Weekday, number[]>(WEEKDAYS.map((day) => [day, slotStartsOn(template, day)]));
  const length = template.slotMinutes * 60_000;
  const starts: number[] = [];
  for (let date = from; date < to; date = addDays(date, 1)) {
    const minutes = perDay.get(weekdayOf(date))!;
    if (minutes.length === 0) continue;
    if (template.holidays && isHoliday(template.holidays, date)) continue;
    for (const start of wallTimesToInstants(date, minutes, zone)) starts.push(start);
  }
  return { starts, ends: starts.map((start) => start + length) };
}
