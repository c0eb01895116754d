/**
 * The staff's side of the slot helpers (`slots.ts`): the instant a local day begins (with the
 * contract's time-zone maths) and bookings grouped by clinician. A module apart so that a page
 * with the slot picker alone, which needs neither, does not load them (decision 46). Exported
 * from `@consultkit/core/booking` as before.
 */
import { startOfDay } from '../contract/zone.js';
import { byStart } from './slots.js';
import type { Booking, PractitionerRef } from './types.js';

/**
 * The instant local midnight begins on `date` (`YYYY-MM-DD`) in `timeZone`, across clock changes:
 * the contract's `startOfDay` (packages/core/src/contract/zone.ts), the server's too.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return new Date(startOfDay(date, timeZone));
}

/** Bookings grouped by clinician (by name), each list by start. */
export function groupByPractitioner(
  bookings: readonly Booking[],
): { practitioner: PractitionerRef | undefined; bookings: Booking[] }[] {
  const groups = new Map<string, { practitioner: PractitionerRef | undefined; bookings: Booking[] }>();
  for (const booking of [...bookings].sort(byStart)) {
    const key = booking.practitioner?.reference ?? '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { practitioner: booking.practitioner, bookings: [] }));
    group.bookings.push(booking);
  }
  return [...groups.values()].sort((a, b) =>
    (a.practitioner?.display ?? '').localeCompare(b.practitioner?.display ?? ''),
  );
}
