import type { IsoDate } from '../../events/index.js';
import { isIsoDate } from '../../events/index.js';
import { fail } from '../../src/domain/problem.js';

/**
 * Business days (docs/obligations.md): Monday to Friday, minus the listed holidays. Dates are
 * calendar dates; the arithmetic is done on UTC midnights, so no time zone can shift a day.
 */
export type BusinessCalendar = Readonly<{ holidays: ReadonlySet<IsoDate> }>;

export const WEEKDAYS_ONLY: BusinessCalendar = { holidays: new Set() };

const DAY = 86_400_000;

const nextDay = (date: IsoDate): IsoDate => new Date(Date.parse(date) + DAY).toISOString().slice(0, 10) as IsoDate;

/** Days since 1970-01-01 (a Thursday), and the weekday of such a day (0 Sunday … 6 Saturday, as getUTCDay). */
const dayNumber = (date: IsoDate): number => Date.parse(date) / DAY;
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;
const isWeekday = (day: number): boolean => weekdayOf(day) !== 0 && weekdayOf(day) !== 6;

export const isBusinessDay = (calendar: BusinessCalendar, date: IsoDate): boolean =>
  isWeekday(dayNumber(date)) && !calendar.holidays.has(date);

/** The `n`th business day after `date` (the date itself never counts). */
export const addBusinessDays = (calendar: BusinessCalendar, date: IsoDate, n: number): IsoDate => {
  let at = date;
  for (let counted = 0; counted < n;) {
    at = nextDay(at);
    if (isBusinessDay(calendar, at)) counted++;
  }
  return at;
};

/**
 * How many business days lie after `from` up to and including `to` (0 when `to` ≤ `from`):
 * five per whole week, the weekdays of the days left over, less the holidays on weekdays in the
 * range. Counted, not walked: a disclosure years late costs no more than one a day late.
 */
export const businessDaysAfter = (calendar: BusinessCalendar, from: IsoDate, to: IsoDate): number => {
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (last <= first) return 0;
  const weeks = Math.floor((last - first) / 7);
  let count = weeks * 5;
  for (let day = first + weeks * 7 + 1; day <= last; day++) if (isWeekday(day)) count++;
  for (const holiday of calendar.holidays) {
    const day = dayNumber(holiday);
    if (day > first && day <= last && isWeekday(day)) count--;
  }
  return count;
};

/**
 * Reads a holidays file: one ISO date (YYYY-MM-DD) per line; blank lines are skipped and `#`
 * starts a comment (a whole line, or after the date). Anything else is invalid input naming the
 * file, the line and the value.
 */
export const parseHolidays = (text: string, file: string): BusinessCalendar => {
  const holidays = new Set<IsoDate>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const value = raw.replace(/#.*$/, '').trim();
      if (value === '') return;
      if (!isIsoDate(value))
        fail('InvalidInput', `--holidays ${file}: line ${i + 1}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`, {
          flag: '--holidays',
          file,
          line: i + 1,
          value,
        });
      holidays.add(value as IsoDate);
    });
  return { holidays };
};
