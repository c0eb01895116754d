import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bankHolidaysEnglandAndWales, easterSunday, isHoliday } from './holidays.js';

/** The bank holidays of England and Wales as GOV.UK lists them (gov.uk/bank-holidays). */
const GOV_UK: Record<number, string[]> = {
  2020: [
    '2020-01-01',
    '2020-04-10',
    '2020-04-13',
    '2020-05-08',
    '2020-05-25',
    '2020-08-31',
    '2020-12-25',
    '2020-12-28',
  ],
  2021: [
    '2021-01-01',
    '2021-04-02',
    '2021-04-05',
    '2021-05-03',
    '2021-05-31',
    '2021-08-30',
    '2021-12-27',
    '2021-12-28',
  ],
  2022: [
    '2022-01-03',
    '2022-04-15',
    '2022-04-18',
    '2022-05-02',
    '2022-06-02',
    '2022-06-03',
    '2022-08-29',
    '2022-09-19',
    '2022-12-26',
    '2022-12-27',
  ],
  2023: [
    '2023-01-02',
    '2023-04-07',
    '2023-04-10',
    '2023-05-01',
    '2023-05-08',
    '2023-05-29',
    '2023-08-28',
    '2023-12-25',
    '2023-12-26',
  ],
  2024: [
    '2024-01-01',
    '2024-03-29',
    '2024-04-01',
    '2024-05-06',
    '2024-05-27',
    '2024-08-26',
    '2024-12-25',
    '2024-12-26',
  ],
  2025: [
    '2025-01-01',
    '2025-04-18',
    '2025-04-21',
    '2025-05-05',
    '2025-05-26',
    '2025-08-25',
    '2025-12-25',
    '2025-12-26',
  ],
  2026: [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28',
  ],
  2027: [
    '2027-01-01',
    '2027-03-26',
    '2027-03-29',
    '2027-05-03',
    '2027-05-31',
    '2027-08-30',
    '2027-12-27',
    '2027-12-28',
  ],
};

describe('bank holidays of England and Wales, computed', () => {
  for (const [year, expected] of Object.entries(GOV_UK)) {
    it(`${year} as GOV.UK lists it`, () => {
      assert.deepEqual(bankHolidaysEnglandAndWales(Number(year)), expected);
    });
  }

  it('Easter Sunday by the Gregorian computus, across the range of its dates', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22', // the earliest possible
      1943: '1943-04-25', // the latest possible
      2000: '2000-04-23',
      2019: '2019-04-21',
      2038: '2038-04-25',
      2285: '2285-03-22',
    };
    for (const [year, date] of Object.entries(known)) assert.equal(easterSunday(Number(year)), date, year);
  });

  it('substitutes weekdays for fixed holidays at a weekend, without doubling up', () => {
    // New Year's Day on a Saturday (2033) and a Sunday (2034); Christmas on a Saturday (2032).
    assert.ok(bankHolidaysEnglandAndWales(2033).includes('2033-01-03'), 'Saturday 1 January → Monday 3');
    assert.ok(bankHolidaysEnglandAndWales(2034).includes('2034-01-02'), 'Sunday 1 January → Monday 2');
    const christmas2032 = bankHolidaysEnglandAndWales(2032).filter((d) => d.startsWith('2032-12'));
    assert.deepEqual(christmas2032, ['2032-12-27', '2032-12-28']);
    for (const year of [2030, 2031, 2032, 2033, 2034, 2035]) {
      assert.equal(bankHolidaysEnglandAndWales(year).length, 8, `${year}: eight bank holidays`);
    }
  });

  it('answers by date, and only for the calendar it knows', () => {
    assert.equal(isHoliday('england-and-wales', '2026-12-28'), true);
    assert.equal(isHoliday('england-and-wales', '2026-12-26'), false, 'a Saturday is not itself the holiday');
    assert.equal(isHoliday('england-and-wales', '2026-04-03'), true);
    assert.equal(isHoliday('england-and-wales', '2026-04-07'), false);
  });
});
