/**
 * Pure helpers for a patient choosing a time: the free slots grouped by day and by part of the
 * day, filtered by clinician, type and way to consult, the first available, the days of a day
 * chooser. No I/O, no DOM. A module apart from `slots.ts` (shared with the booking desk, which
 * needs none of these) so that each page loads only what it uses (decision 46); exported from
 * `@consultkit/core/booking` as before.
 */
import { addDays, byStart, formatter, localDate } from './slots.js';
import type { BookableSlot, DeliveryChannel, PractitionerRef } from './types.js';

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

/** A local date (`YYYY-MM-DD`) in short words for a day button: "Tue 2" in English, the locale's own elsewhere. */
export function formatShortDate(date: string, locale?: string): string {
  return formatter(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric' }).format(new Date(`${date}T12:00Z`));
}
