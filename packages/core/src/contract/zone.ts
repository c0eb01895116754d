/**
 * Wall-clock arithmetic in an IANA time zone with nothing but `Intl` (no time-zone library).
 *
 * Dates are `YYYY-MM-DD` strings (a calendar day, no zone); instants are epoch milliseconds.
 * The one primitive is {@link offsetMinutes}: what the zone's clocks read minus UTC at an instant,
 * asked of `Intl.DateTimeFormat`. Everything else is arithmetic on top of it.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WallClock {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The canonical name of `zone` if the platform knows it, else `undefined`. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** What the clocks in `zone` read at instant `ms` (to the second). */
export function wallClock(ms: number, zone: string): WallClock {
  const fields: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) fields[part.type] = part.value;
  const yearOfEra = Number(fields['year']);
  return {
    year: fields['era'] === 'BC' || fields['era'] === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields['month']),
    day: Number(fields['day']),
    hour: Number(fields['hour']) % 24,
    minute: Number(fields['minute']),
    second: Number(fields['second']),
  };
}

/** The zone's offset from UTC at instant `ms`, in minutes (`60` for BST, `0` for GMT). */
export function offsetMinutes(ms: number, zone: string): number {
  const wall = wallClock(ms, zone);
  const asUtc = utc(wall.year, wall.month, wall.day, wall.hour * 60 + wall.minute) + wall.second * 1000;
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
}

/** `Date.UTC` that also takes years 0–99 literally. */
function utc(year: number, month: number, day: number, minutes: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(0, minutes, 0, 0);
  return date.getTime();
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD`; `undefined` unless it is a real calendar day. */
export function parseDate(date: string): { year: number; month: number; day: number } | undefined {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 0, 0)).getUTCDate();
}

function requireDate(date: string): { year: number; month: number; day: number } {
  const parsed = parseDate(date);
  if (!parsed) throw new RangeError(`not a calendar date (YYYY-MM-DD): "${date}"`);
  return parsed;
}

/** Formats a calendar day as `YYYY-MM-DD`. */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The calendar day `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const { year, month, day } = requireDate(date);
  const shifted = new Date(utc(year, month, day, 0) + days * DAY);
  return formatDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = requireDate(from);
  const b = requireDate(to);
  return Math.round((utc(b.year, b.month, b.day, 0) - utc(a.year, a.month, a.day, 0)) / DAY);
}

/** The day of the week of a calendar day. */
export function weekdayOf(date: string): Weekday {
  const { year, month, day } = requireDate(date);
  return WEEKDAYS[new Date(utc(year, month, day, 0)).getUTCDay()]!;
}

/** The calendar day in `zone` at instant `ms`. */
export function dateIn(ms: number, zone: string): string {
  const wall = wallClock(ms, zone);
  return formatDate(wall.year, wall.month, wall.day);
}

/**
 * The instants at which the clocks in `zone` show `minutes` past midnight on `date`, earliest
 * first: one on an ordinary day, none when the clocks skip that time (spring forward), two when
 * they show it twice (fall back). `minutes` may be 1440 (24:00, the next midnight).
 */
export function instantsAt(date: string, minutes: number, zone: string): number[] {
  const { year, month, day } = requireDate(date);
  const naive = utc(year, month, day, minutes);
  // Every offset in force within a day either side; a zone changes its clocks at most once in that span.
  const offsets = new Set([
    offsetMinutes(naive - DAY, zone),
    offsetMinutes(naive, zone),
    offsetMinutes(naive + DAY, zone),
  ]);
  const found: number[] = [];
  for (const offset of offsets) {
    const candidate = naive - offset * MINUTE;
    if (offsetMinutes(candidate, zone) === offset && !found.includes(candidate)) found.push(candidate);
  }
  return found.sort((a, b) => a - b);
}

/** The first instant the clocks in `zone` show that time, or `undefined` when they skip it. */
export function firstInstantAt(date: string, minutes: number, zone: string): number | undefined {
  return instantsAt(date, minutes, zone)[0];
}

/**
 * The instant `date` begins in `zone`: local midnight, or, in the few zones that move their clocks
 * at midnight and skip it, the moment the clocks jump past it.
 */
export function startOfDay(date: string, zone: string): number {
  const first = firstInstantAt(date, 0, zone);
  if (first !== undefined) return first;
  const { year, month, day } = requireDate(date);
  const naive = utc(year, month, day, 0);
  // Skipped midnight: the day begins at the jump, which is midnight by the offset before it.
  return naive - offsetMinutes(naive - DAY, zone) * MINUTE;
}

/**
 * For each wall-clock time (minutes past midnight) on `date`, the first instant the clocks show
 * it; times the clocks skip are left out. Fast on ordinary days (one offset for the whole day).
 */
export function wallTimesToInstants(date: string, minutes: readonly number[], zone: string): number[] {
  const { year, month, day } = requireDate(date);
  const midnight = utc(year, month, day, 0);
  // The local day lies within 14 hours either side of the naive UTC day: if the offset is the same
  // well before, in the middle and well after it, the clocks do not change that day.
  const offset = offsetMinutes(midnight + 12 * 60 * MINUTE, zone);
  if (
    offsetMinutes(midnight - 15 * 60 * MINUTE, zone) === offset &&
    offsetMinutes(midnight + DAY + 15 * 60 * MINUTE, zone) === offset
  ) {
    return minutes.map((m) => midnight + (m - offset) * MINUTE);
  }
  const out: number[] = [];
  for (const m of minutes) {
    const first = firstInstantAt(date, m, zone);
    if (first !== undefined) out.push(first);
  }
  return out;
}

const BUCKET = 6 * 60 * MINUTE;
/** `00` to `59`. */
const TWO_DIGITS = /* @__PURE__ */ Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** A six-hour stretch's offset, and the offset as `instant` text (`+01:00`). */
interface Steady {
  offset: number;
  suffix: string;
}
/** Zone → stretch → its offset, when the offset is the same at both ends of the stretch. */
const steadyOffsets = new Map<string, Map<number, Steady>>();
let steadyCount = 0;

function offsetSuffix(offset: number): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${TWO_DIGITS[abs % 60]}`;
}

/**
 * {@link offsetMinutes}, remembered per six-hour stretch in which the offset does not change (the
 * same at both ends: zones change their clocks months apart); `undefined` for a stretch in which
 * the clocks change. Formatting a page of slots asks the same few stretches over and over.
 */
function steadyOffset(ms: number, zone: string): Steady | undefined {
  const bucket = Math.floor(ms / BUCKET);
  let stretches = steadyOffsets.get(zone);
  const known = stretches?.get(bucket);
  if (known !== undefined) return known;
  const start = offsetMinutes(bucket * BUCKET, zone);
  if (start !== offsetMinutes((bucket + 1) * BUCKET - 1, zone)) return undefined;
  if (steadyCount >= 10_000) {
    steadyOffsets.clear();
    steadyCount = 0;
    stretches = undefined;
  }
  if (!stretches) steadyOffsets.set(zone, (stretches = new Map()));
  const steady = { offset: start, suffix: offsetSuffix(start) };
  stretches.set(bucket, steady);
  steadyCount++;
  return steady;
}

/** Day number (days since 1970-01-01) → its `YYYY-MM-DD`, for the days formatted lately. */
const dayTexts = new Map<number, string>();

function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    const date = new Date(day * DAY);
    text = formatDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    if (dayTexts.size >= 4096) dayTexts.clear();
    dayTexts.set(day, text);
  }
  return text;
}

/**
 * An instant as FHIR `instant` text with the zone's offset: `2026-06-24T09:10:00+01:00`. Called
 * twice per Slot of every search page: the offset, its text and the day's text are remembered,
 * the time of day is arithmetic (decision 0048).
 */
export function formatInstant(ms: number, zone: string): string {
  const steady = steadyOffset(ms, zone);
  const offset = steady ? steady.offset : offsetMinutes(ms, zone);
  const local = Math.floor(ms / 1000) * 1000 + offset * MINUTE;
  const day = Math.floor(local / DAY);
  const seconds = (local - day * DAY) / 1000;
  return (
    `${dayText(day)}T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:` +
    `${TWO_DIGITS[seconds % 60]}${steady ? steady.suffix : offsetSuffix(offset)}`
  );
}
