/**
 * Bank holidays of England and Wales, computed from the rules (not fetched): New Year's Day, Good
 * Friday, Easter Monday, the early May and spring bank holidays (first and last Mondays of May),
 * the summer bank holiday (last Monday of August), Christmas Day and Boxing Day, with substitute
 * weekdays when a fixed holiday falls at a weekend. One-off proclamations (a jubilee, a coronation,
 * a state funeral, a moved early May holiday) cannot be computed: they are listed below as they
 * are announced.
 */
import { addDays, formatDate, weekdayOf } from './zone.js';

/** The calendars a schedule template can close on (`holidays` in the template). */
export const HOLIDAY_CALENDARS = ['england-and-wales'] as const;
export type HolidayCalendar = (typeof HOLIDAY_CALENDARS)[number];

/** Proclaimed changes to the rules: dates added, and dates the rules give that were moved away. */
const PROCLAIMED: Record<number, { add: string[]; remove: string[] }> = {
  2020: { add: ['2020-05-08'], remove: ['2020-05-04'] },
  2022: { add: ['2022-06-02', '2022-06-03', '2022-09-19'], remove: ['2022-05-30'] },
  2023: { add: ['2023-05-08'], remove: [] },
};

/** Easter Sunday of `year` (Gregorian; the anonymous "Meeus/Jones/Butcher" algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatDate(year, month, day);
}

/** The first Monday on or after `date`. */
function mondayFrom(date: string): string {
  let day = date;
  while (weekdayOf(day) !== 'mon') day = addDays(day, 1);
  return day;
}

/** The last Monday of the month `date` is in (given its last day). */
function lastMondayUpTo(lastDay: string): string {
  let day = lastDay;
  while (weekdayOf(day) !== 'mon') day = addDays(day, -1);
  return day;
}

/** The bank holidays of England and Wales in `year`, `YYYY-MM-DD`, in date order. */
export function bankHolidaysEnglandAndWales(year: number): string[] {
  const days = new Set<string>();
  const weekend = (date: string) => weekdayOf(date) === 'sat' || weekdayOf(date) === 'sun';
  // New Year's Day, or the Monday after when it falls at a weekend.
  const newYear = formatDate(year, 1, 1);
  days.add(weekend(newYear) ? mondayFrom(newYear) : newYear);
  const easter = easterSunday(year);
  days.add(addDays(easter, -2));
  days.add(addDays(easter, 1));
  days.add(mondayFrom(formatDate(year, 5, 1)));
  days.add(lastMondayUpTo(formatDate(year, 5, 31)));
  days.add(lastMondayUpTo(formatDate(year, 8, 31)));
  // Christmas Day and Boxing Day; at a weekend, the next weekdays not already holidays.
  const christmas = formatDate(year, 12, 25);
  const boxing = formatDate(year, 12, 26);
  const taken = new Set<string>();
  for (const date of [christmas, boxing]) {
    let day = date;
    while (weekend(day) || taken.has(day)) day = addDays(day, 1);
    taken.add(day);
    days.add(day);
  }
  const proclaimed = PROCLAIMED[year];
  for (const date of proclaimed?.remove ?? []) days.delete(date);
  for (const date of proclaimed?.add ?? []) days.add(date);
  return [...days].sort();
}

const cache = new Map<number, ReadonlySet<string>>();

/** Whether `date` (`YYYY-MM-DD`) is a holiday in `calendar`. */
export function isHoliday(calendar: HolidayCalendar, date: string): boolean {
  const year = Number(date.slice(0, 4));
  let days = cache.get(year);
  if (!days) {
    days = new Set(bankHolidaysEnglandAndWales(year));
    cache.set(year, days);
  }
  return calendar === 'england-and-wales' && days.has(date);
}
