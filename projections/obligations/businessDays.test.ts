import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IsoDate } from '../../events/index.js';
import { LedgerError } from '../../src/domain/problem.js';
import { addBusinessDays, businessDaysAfter, isBusinessDay, parseHolidays, WEEKDAYS_ONLY, type BusinessCalendar } from './businessDays.js';

const d = (s: string) => s as IsoDate;

describe('business days', () => {
  it('are Monday to Friday: three business days after a Thursday is the Tuesday', () => {
    expect(addBusinessDays(WEEKDAYS_ONLY, d('2023-07-06'), 3)).toBe('2023-07-11');
    expect(addBusinessDays(WEEKDAYS_ONLY, d('2023-07-08'), 1)).toBe('2023-07-10'); // from a Saturday
    expect(isBusinessDay(WEEKDAYS_ONLY, d('2023-07-09'))).toBe(false);
  });

  it('skip the listed holidays', () => {
    const hk = parseHolidays('2023-06-22\n2023-07-03\n', 'hk.txt');
    expect(addBusinessDays(hk, d('2023-06-21'), 3)).toBe('2023-06-27');
    expect(addBusinessDays(hk, d('2023-06-29'), 2)).toBe('2023-07-04');
  });

  it('count the days after a date up to and including another', () => {
    expect(businessDaysAfter(WEEKDAYS_ONLY, d('2023-06-05'), d('2023-07-05'))).toBe(22);
    expect(businessDaysAfter(WEEKDAYS_ONLY, d('2023-07-07'), d('2023-07-09'))).toBe(0);
    expect(businessDaysAfter(WEEKDAYS_ONLY, d('2023-07-07'), d('2023-07-07'))).toBe(0);
  });
});

describe('businessDaysAfter', () => {
  // The count it must give: every day after `from` up to `to` walked, the business ones counted.
  const walked = (calendar: BusinessCalendar, from: IsoDate, to: IsoDate): number => {
    let count = 0;
    for (let at = addBusinessDays(calendar, from, 1); at <= to; at = addBusinessDays(calendar, at, 1)) count++;
    return count;
  };
  const DAY = 86_400_000;
  const plus = (date: IsoDate, days: number): IsoDate => new Date(Date.parse(date) + days * DAY).toISOString().slice(0, 10) as IsoDate;
  const day = fc.integer({ min: Date.UTC(1960, 0, 1) / DAY, max: Date.UTC(2040, 11, 31) / DAY }).map((n) => plus(d('1970-01-01'), n));
  // Holidays as offsets from `from`: some inside the range, some on weekends, some outside it.
  const offsets = fc.array(fc.integer({ min: -10, max: 3010 }), { maxLength: 8 });

  it('counts what walking the days counts, with and without holidays, before 1970 too', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -20, max: 3000 }), offsets, (from, span, listed) => {
        const to = plus(from, span);
        for (const calendar of [WEEKDAYS_ONLY, { holidays: new Set(listed.map((o) => plus(from, o))) }])
          expect(businessDaysAfter(calendar, from, to)).toBe(walked(calendar, from, to));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the holidays file', () => {
  it('is one date a line, with blank lines and # comments', () => {
    const c = parseHolidays('\uFEFF# HK 2023\n\n2023-12-25  # Christmas\r\n2023-12-26\n   \n', 'h.txt');
    expect([...c.holidays]).toEqual(['2023-12-25', '2023-12-26']);
  });

  it('rejects an invalid date naming the file, the line and the value', () => {
    const attempt = () => parseHolidays('2023-12-25\n# x\n2023-02-30\n', 'holidays.txt');
    expect(attempt).toThrow(LedgerError);
    expect(attempt).toThrow('--holidays holidays.txt: line 3: expected a date YYYY-MM-DD, got "2023-02-30"');
  });
});
