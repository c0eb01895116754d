/**
 * Pure helpers for showing slots and bookings: local days in a time zone and formatting with
 * `Intl`. No I/O, no DOM. Grouping and filtering the free times a patient chooses from is in
 * `slot-choice.ts`, bookings by clinician in `diary.ts` (decision 46).
 */

/** The practice time zone when none is given. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An `Intl.DateTimeFormat`, made once per locale and options. */
export function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) formatters.set(key, (made = new Intl.DateTimeFormat(locale, options)));
  return made;
}

/**
 * The local date (`YYYY-MM-DD`) of `instant` in `timeZone` (Swedish dates are ISO dates). The
 * contract's `dateIn` in one `Intl` call, for the slot picker's size budget (contract.test.ts
 * checks that the two agree); the same for `addDays`. See docs/decisions/0014-one-contract.md.
 */
export function localDate(instant: Date | string | number, timeZone: string): string {
  return formatter('sv-SE', { timeZone }).format(new Date(instant));
}

/** `date` (`YYYY-MM-DD`) moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Orders by start (bookings or slots). */
export const byStart = (a: { start?: string | undefined }, b: { start?: string | undefined }) =>
  Date.parse(a.start ?? '') - Date.parse(b.start ?? '');

const english = (locale: string | undefined) => /^en\b/i.test(locale ?? 'en');

/**
 * A local date (`YYYY-MM-DD`) in words: "Tuesday 24 November 2026" in English (GOV.UK style, no
 * comma), the locale's own full form elsewhere.
 */
export function formatDate(date: string, locale?: string): string {
  const text = formatter(locale, { timeZone: 'UTC', dateStyle: 'full' }).format(new Date(`${date}T12:00Z`));
  return english(locale) ? text.replace(',', '') : text;
}

/** The local time of `instant` in `timeZone`: "9:10am" in English (GOV.UK style), the locale's own elsewhere. */
export function formatTime(instant: string | Date, timeZone: string, locale?: string): string {
  const en = english(locale);
  const text = formatter(locale, { timeZone, hour: 'numeric', minute: '2-digit', ...(en && { hour12: true }) }).format(
    new Date(instant),
  );
  return en ? text.replace(/\s/, '').toLowerCase() : text;
}

/** The name of `timeZone` in words, e.g. "United Kingdom Time" (the IANA name if Intl has none). */
export function formatTimeZone(timeZone: string, locale?: string): string {
  return (
    formatter(locale, { timeZone, timeZoneName: 'longGeneric' })
      .formatToParts()
      .find((part) => part.type === 'timeZoneName')?.value ?? timeZone
  );
}
