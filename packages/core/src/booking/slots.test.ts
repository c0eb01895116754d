import { expect } from '@open-wc/testing';
import { addDays, formatDate, formatTime, formatTimeZone, localDate } from './slots.js';
import {
  dayChoices,
  filterChoices,
  filterSlots,
  firstAvailable,
  formatShortDate,
  groupByPartOfDay,
  groupSlotsByDay,
} from './slot-choice.js';
import { groupByPractitioner, startOfLocalDay } from './diary.js';
import type { BookableSlot, Booking } from './types.js';

const slot = (id: string, start: string, who?: string): BookableSlot => ({
  id,
  start,
  end: start,
  status: 'free',
  schedule: 'Schedule/1',
  practitioner: who ? { reference: `Practitioner/${who}`, display: `Dr ${who}` } : undefined,
  serviceType: 'gp',
  deliveryChannels: ['Video'],
  resource: { resourceType: 'Slot', schedule: {}, status: 'free', start, end: start },
});

describe('booking: slots and dates', () => {
  it('finds the local date of an instant in a time zone', () => {
    // 23:30 UTC on 31 March 2026 is already 1 April in London (BST).
    expect(localDate('2026-03-31T23:30:00Z', 'Europe/London')).to.equal('2026-04-01');
    expect(localDate('2026-11-24T23:30:00Z', 'Europe/London')).to.equal('2026-11-24');
    expect(localDate('2026-11-24T23:30:00Z', 'Asia/Tokyo')).to.equal('2026-11-25');
    expect(localDate('2026-11-24T03:00:00Z', 'America/New_York')).to.equal('2026-11-23');
  });

  it('adds calendar days across months and years', () => {
    expect(addDays('2026-11-24', 7)).to.equal('2026-12-01');
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
    expect(addDays('2026-03-01', -1)).to.equal('2026-02-28');
  });

  it('finds when a local day starts, on the days the clocks change too', () => {
    expect(startOfLocalDay('2026-11-24', 'Europe/London').toISOString()).to.equal('2026-11-24T00:00:00.000Z');
    expect(startOfLocalDay('2026-07-01', 'Europe/London').toISOString()).to.equal('2026-06-30T23:00:00.000Z');
    // Clocks go forward at 01:00 on 29 March 2026: the day still starts at midnight GMT.
    expect(startOfLocalDay('2026-03-29', 'Europe/London').toISOString()).to.equal('2026-03-29T00:00:00.000Z');
    // And back at 02:00 BST on 25 October: midnight is still BST.
    expect(startOfLocalDay('2026-10-25', 'Europe/London').toISOString()).to.equal('2026-10-24T23:00:00.000Z');
    expect(startOfLocalDay('2026-11-24', 'Asia/Kolkata').toISOString()).to.equal('2026-11-23T18:30:00.000Z');
  });

  it('groups slots by local day, then by clinician, each in time order', () => {
    const days = groupSlotsByDay(
      [
        slot('c', '2026-11-25T09:00:00Z', 'B'),
        slot('a', '2026-11-24T09:10:00Z', 'A'),
        slot('b', '2026-11-24T09:00:00Z', 'B'),
        slot('d', '2026-11-24T09:20:00Z', 'A'),
        // 23:30 UTC in June is the next day in London.
        slot('e', '2026-06-30T23:30:00Z', 'A'),
      ],
      'Europe/London',
    );
    expect(days.map((d) => d.date)).to.deep.equal(['2026-07-01', '2026-11-24', '2026-11-25']);
    const tuesday = days[1]!;
    expect(tuesday.practitioners.map((p) => p.practitioner?.display)).to.deep.equal(['Dr B', 'Dr A']);
    expect(tuesday.practitioners[1]!.slots.map((s) => s.id)).to.deep.equal(['a', 'd']);
  });

  it('finds the first available time of all clinicians, and none when there are no times', () => {
    const first = firstAvailable([
      slot('b', '2026-11-24T09:10:00Z', 'B'),
      slot('a', '2026-11-24T09:00:00Z', 'A'),
      slot('c', '2026-11-24T09:00:00Z', 'C'),
      slot('d', '2026-11-25T08:00:00Z', 'A'),
    ]);
    // The earliest; of two at the same time, the one listed first.
    expect(first?.id).to.equal('a');
    expect(firstAvailable([])).to.equal(undefined);
  });

  it('lists the days of a day chooser, days without times too, each with its number of times', () => {
    const days = groupSlotsByDay(
      [
        slot('a', '2026-11-24T09:00:00Z', 'A'),
        slot('b', '2026-11-24T09:10:00Z', 'B'),
        slot('c', '2026-11-26T09:00:00Z', 'A'),
        // After the last day chosen: not counted.
        slot('d', '2026-11-28T09:00:00Z', 'A'),
      ],
      'Europe/London',
    );
    expect(dayChoices(days, '2026-11-23', 4)).to.deep.equal([
      { date: '2026-11-23', count: 0 },
      { date: '2026-11-24', count: 2 },
      { date: '2026-11-25', count: 0 },
      { date: '2026-11-26', count: 1 },
    ]);
    expect(dayChoices([], '2026-12-31', 2).map((d) => d.date)).to.deep.equal(['2026-12-31', '2027-01-01']);
    expect(formatShortDate('2026-12-01', 'en-GB')).to.equal('Tue 1');
  });

  it('groups a day’s times by part of the day in local time: morning, afternoon, evening', () => {
    const groups = groupByPartOfDay(
      [
        slot('e', '2026-07-01T16:00:00Z', 'A'), // 17:00 BST: evening
        slot('a', '2026-07-01T07:00:00Z', 'A'), // 08:00 BST
        slot('b', '2026-07-01T10:50:00Z', 'B'), // 11:50 BST
        slot('c', '2026-07-01T11:00:00Z', 'B'), // 12:00 BST: afternoon
        slot('d', '2026-07-01T15:50:00Z', 'A'), // 16:50 BST
      ],
      'Europe/London',
    );
    expect(groups.map((g) => [g.part, g.slots.map((s) => s.id)])).to.deep.equal([
      ['morning', ['a', 'b']],
      ['afternoon', ['c', 'd']],
      ['evening', ['e']],
    ]);
    // Empty parts are left out; midnight is morning.
    expect(groupByPartOfDay([slot('m', '2026-11-24T00:00:00Z')], 'Europe/London').map((g) => g.part)).to.deep.equal([
      'morning',
    ]);
    expect(groupByPartOfDay([], 'Europe/London')).to.deep.equal([]);
  });

  it('filters times by clinician, type and channel, and lists the choices each filter has', () => {
    const nurse = {
      ...slot('n', '2026-11-24T09:00:00Z', 'Shah'),
      serviceType: 'nurse',
      deliveryChannels: ['In-person' as const],
    };
    const gp = {
      ...slot('g', '2026-11-24T09:10:00Z', 'Evans'),
      deliveryChannels: ['Video' as const, 'Telephone' as const],
    };
    const other = slot('o', '2026-11-24T09:20:00Z', 'Adams');
    const all = [nurse, gp, other];
    expect(filterSlots(all, {}).map((s) => s.id)).to.deep.equal(['n', 'g', 'o']);
    expect(filterSlots(all, { practitioner: 'Practitioner/Evans' }).map((s) => s.id)).to.deep.equal(['g']);
    expect(filterSlots(all, { serviceType: 'gp' }).map((s) => s.id)).to.deep.equal(['g', 'o']);
    expect(filterSlots(all, { channel: 'Video' }).map((s) => s.id)).to.deep.equal(['g', 'o']);
    expect(filterSlots(all, { serviceType: 'gp', channel: 'Telephone' }).map((s) => s.id)).to.deep.equal(['g']);
    expect(filterSlots(all, { practitioner: '', serviceType: '', channel: undefined })).to.have.length(3);
    const choices = filterChoices(all);
    expect(choices.practitioners.map((p) => p.display)).to.deep.equal(['Dr Adams', 'Dr Evans', 'Dr Shah']);
    expect(choices.serviceTypes).to.deep.equal(['nurse', 'gp']);
    expect(choices.channels).to.deep.equal(['In-person', 'Video', 'Telephone']);
  });

  it('groups bookings by clinician, by name, each in time order', () => {
    const booking = (id: string, start: string, who: string) =>
      ({ id, start, practitioner: { reference: `Practitioner/${who}`, display: `Dr ${who}` } }) as Booking;
    const groups = groupByPractitioner([
      booking('1', '2026-11-24T10:00:00Z', 'Zed'),
      booking('2', '2026-11-24T09:00:00Z', 'Ann'),
      booking('3', '2026-11-24T08:00:00Z', 'Zed'),
    ]);
    expect(groups.map((g) => g.practitioner?.display)).to.deep.equal(['Dr Ann', 'Dr Zed']);
    expect(groups[1]!.bookings.map((b) => b.id)).to.deep.equal(['3', '1']);
  });

  it('says dates and times the GOV.UK way in English, and the locale’s way elsewhere', () => {
    expect(formatDate('2026-11-24', 'en-GB')).to.equal('Tuesday 24 November 2026');
    expect(formatTime('2026-11-24T09:10:00Z', 'Europe/London', 'en-GB')).to.equal('9:10am');
    expect(formatTime('2026-11-24T14:05:00Z', 'Europe/London', 'en-GB')).to.equal('2:05pm');
    expect(formatTime('2026-07-24T09:10:00Z', 'Europe/London', 'en-GB')).to.equal('10:10am');
    expect(formatTime('2026-11-24T14:05:00Z', 'Europe/London', 'de-DE')).to.equal('14:05');
    expect(formatDate('2026-11-24', 'fr-FR')).to.equal('mardi 24 novembre 2026');
    expect(formatTimeZone('Europe/London', 'en-GB')).to.equal('United Kingdom Time');
  });
});
