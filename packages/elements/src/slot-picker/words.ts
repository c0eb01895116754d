/**
 * The picker's own plural sentences: the day chooser's counts and Show more. Only `<slot-picker>`
 * says them, so they are not in the words every element shares (`internal/patient-words.ts`), which
 * the CDN build puts in the chunk every page loads (decision 46).
 */
import { msg, str } from '@lit/localize';
import { plural } from '../internal/patient-words.js';

/** The day button's words for screen readers: "Tuesday 24 November 2026, 3 times". */
export function dayTimes(day: string, n: number): string {
  if (!n) return msg(str`${day}, no times`);
  return plural(n, {
    zero: () => msg(str`${day}, ${n} times`, { id: 'day-times-zero' }),
    one: () => msg(str`${day}, ${n} time`, { id: 'day-times-one' }),
    two: () => msg(str`${day}, ${n} times`, { id: 'day-times-two' }),
    few: () => msg(str`${day}, ${n} times`, { id: 'day-times-few' }),
    many: () => msg(str`${day}, ${n} times`, { id: 'day-times-many' }),
    other: () => msg(str`${day}, ${n} times`, { id: 'day-times-other' }),
  });
}

/** The button that shows a part of the day's other times: "Show 12 more times". */
export function showMoreTimes(n: number): string {
  return plural(n, {
    zero: () => msg(str`Show ${n} more times`, { id: 'show-more-times-zero' }),
    one: () => msg(str`Show ${n} more time`, { id: 'show-more-times-one' }),
    two: () => msg(str`Show ${n} more times`, { id: 'show-more-times-two' }),
    few: () => msg(str`Show ${n} more times`, { id: 'show-more-times-few' }),
    many: () => msg(str`Show ${n} more times`, { id: 'show-more-times-many' }),
    other: () => msg(str`Show ${n} more times`, { id: 'show-more-times-other' }),
  });
}
