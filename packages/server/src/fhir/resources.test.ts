import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleRow, SlotRow } from '../booking/repository.js';
import {
  scheduleJson,
  scheduleResource,
  searchBundle,
  searchBundleJson,
  slotJson,
  slotResource,
  type BundlePage,
} from './resources.js';

const schedule = (id: number, zone: string, display: string): ScheduleRow => ({
  id,
  practitioner_id: id + 10,
  practitioner_name: { prefix: ['Dr'], given: ['Zoë "Zed"'], family: 'O\u2019Brien \\ Ngũgĩ' },
  service_type: 'gp',
  service_display: display,
  channels: ['Video', 'Telephone'],
  template: { slotMinutes: 10, sessions: {} },
  time_zone: zone,
  active: true,
  updated_at: new Date('2026-11-01T10:00:00.123Z'),
});

const slot = (id: number, of: ScheduleRow, start: string): SlotRow => ({
  id,
  schedule_id: of.id,
  start_at: new Date(start),
  end_at: new Date(Date.parse(start) + 600_000),
  status: 'free',
  updated_at: new Date('2026-11-02T11:00:00Z'),
  service_type: of.service_type,
  service_display: of.service_display,
  time_zone: of.time_zone,
});

describe('searchBundleJson', () => {
  it('writes the very text JSON.stringify(searchBundle(…)) writes, in summer and winter, with odd names', () => {
    const london = schedule(1, 'Europe/London', 'GP appointment');
    const york = schedule(2, 'America/New_York', 'Nurse "clinic" \u2028 line');
    const rows = [
      slot(7, london, '2026-06-24T08:10:00Z'),
      slot(8, york, '2026-12-24T14:00:00Z'),
      slot(9, london, '2026-10-25T00:30:00Z'),
    ];
    const schedules = new Map([london, york].map((row) => [row.id, row]));
    for (const extra of [
      { total: undefined, more: false, warning: undefined, paging: { cursor: undefined, next: undefined } },
      {
        total: 3,
        more: true,
        warning: 'Ignored (Prefer: handling=lenient): foo',
        paging: { cursor: 'abc', next: 'de_f' },
      },
    ]) {
      const page: Omit<BundlePage, 'matches' | 'included'> = {
        base: 'https://consult.example/fhir',
        type: 'Slot',
        params: [
          ['status', 'free'],
          ['start', 'ge2026-06-01'],
          ['_include', 'Slot:schedule'],
        ],
        count: 100,
        ...extra,
      };
      const expected = JSON.stringify(
        searchBundle({
          ...page,
          matches: rows.map(slotResource),
          included: [london, york].map(scheduleResource),
        }),
      );
      const text = searchBundleJson({
        ...page,
        matches: rows.map((row) => slotJson(row, schedules.get(row.schedule_id)!)),
        included: [london, york].map(scheduleJson),
      });
      assert.equal(text, expected);
      assert.doesNotThrow(() => JSON.parse(text));
    }
  });
});
