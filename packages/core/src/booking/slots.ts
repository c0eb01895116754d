/**
 * Pure helpers for showing slots and bookings: local days in a time zone, grouping by day and
 * clinician, and formatting with `Intl`. No I/O, no DOM.
 */
import type { BookableSlot, DeliveryChannel, PractitionerRef } from './types.js';

/** The practice time zone when none is given. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

/** Slots of one clinician on one local day. */
export interface PractitionerSlots {
  practitioner: PractitionerRef | undefined;
  slots: BookableSlot[];
}

/** The slots of one local day, by clinician. */
export interface SlotDay {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  practitioners: PractitionerSlots[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An `Intl.DateTimeFormat`, made once per locale and options. */
function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
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

/** The first available time: the earliest of `slots`, or `undefined` when there are none. */
export function firstAvailable(slots: readonly BookableSlot[]): BookableSlot | undefined {
  return slots.reduce<BookableSlot | undefined>(
    (first, slot) => (first && byStart(first, slot) <= 0 ? first : slot),
    undefined,
  );
}

/** Slots grouped by local day in `timeZone`, then by clinician; days and times in order. */
export function groupSlotsByDay(slots: readonly BookableSlot[], timeZone: string): SlotDay[] {
  const days = new Map<string, Map<string, PractitionerSlots>>();
  for (const slot of [...slots].sort(byStart)) {
    const date = localDate(slot.start, timeZone);
    let day = days.get(date);
    if (!day) days.set(date, (day = new Map()));
    const key = slot.practitioner?.reference ?? '';
    let group = day.get(key);
    if (!group) day.set(key, (group = { practitioner: slot.practitioner, slots: [] }));
    group.slots.push(slot);
  }
  // Clinicians in the order of their first time that day.
  return [...days].map(([date, day]) => ({ date, practitioners: [...day.values()] }));
}

/** What a patient can narrow the times to: one clinician, one type of appointment, one way to consult. */
export interface SlotFilter {
  /** `Practitioner/{id}`. */
  practitioner?: string | undefined;
  /** A service type code, e.g. `gp`. */
  serviceType?: string | undefined;
  channel?: DeliveryChannel | undefined;
}

/** The slots that match `filter` (an empty or missing field matches all). */
export function filterSlots(slots: readonly BookableSlot[], filter: SlotFilter): BookableSlot[] {
  return slots.filter(
    (slot) =>
      (!filter.practitioner || slot.practitioner?.reference === filter.practitioner) &&
      (!filter.serviceType || slot.serviceType === filter.serviceType) &&
      (!filter.channel || slot.deliveryChannels.includes(filter.channel)),
  );
}

/** The choices a filter can offer for `slots`: clinicians by name, service types and channels as first met. */
export function filterChoices(slots: readonly BookableSlot[]): {
  practitioners: PractitionerRef[];
  serviceTypes: string[];
  channels: DeliveryChannel[];
} {
  const practitioners = new Map<string, PractitionerRef>();
  const serviceTypes = new Set<string>();
  const channels = new Set<DeliveryChannel>();
  for (const slot of slots) {
    if (slot.practitioner) practitioners.set(slot.practitioner.reference, slot.practitioner);
    if (slot.serviceType) serviceTypes.add(slot.serviceType);
    slot.deliveryChannels.forEach((channel) => channels.add(channel));
  }
  return {
    practitioners: [...practitioners.values()].sort((a, b) => a.display.localeCompare(b.display)),
    serviceTypes: [...serviceTypes],
    channels: [...channels],
  };
}

/** A part of the day: morning (before noon), afternoon (noon to 5pm) or evening (from 5pm). */
export type PartOfDay = 'morning' | 'afternoon' | 'evening';

/** The times of one part of a day. */
export interface PartOfDaySlots {
  part: PartOfDay;
  slots: BookableSlot[];
}

/** Slots grouped by the part of the day they start in, in `timeZone`: in order, empty parts left out. */
export function groupByPartOfDay(slots: readonly BookableSlot[], timeZone: string): PartOfDaySlots[] {
  const hours = formatter('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' });
  const groups: PartOfDaySlots[] = [];
  for (const slot of [...slots].sort(byStart)) {
    const hour = Number(hours.format(new Date(slot.start)));
    const part = hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening';
    if (groups.at(-1)?.part !== part) groups.push({ part, slots: [] });
    groups.at(-1)!.slots.push(slot);
  }
  return groups;
}

/** A day of a day chooser: its local date and how many free times it has (0: none, not choosable). */
export interface DayChoice {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  count: number;
}

/** The `length` days from `from` (`YYYY-MM-DD`), days without times too, each with its number of times in `days`. */
export function dayChoices(days: readonly SlotDay[], from: string, length: number): DayChoice[] {
  return Array.from({ length }, (_, i) => {
    const date = addDays(from, i);
    const day = days.find((d) => d.date === date);
    return { date, count: day ? day.practitioners.reduce((n, group) => n + group.slots.length, 0) : 0 };
  });
}

const english = (locale: string | undefined) => /^en\b/i.test(locale ?? 'en');

/**
 * A local date (`YYYY-MM-DD`) in words: "Tuesday 24 November 2026" in English (GOV.UK style, no
 * comma), the locale's own full form elsewhere.
 */
export function formatDate(date: string, locale?: string): string {
  const text = formatter(locale, { timeZone: 'UTC', dateStyle: 'full' }).format(new Date(`${date}T12:00Z`));
  return english(locale) ? text.replace(',', '') : text;
}

/** A local date (`YYYY-MM-DD`) in short words for a day button: "Tue 2" in English, the locale's own elsewhere. */
export function formatShortDate(date: string, locale?: string): string {
  return formatter(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric' }).format(new Date(`${date}T12:00Z`));
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
