import { patternString } from './pattern.js';

export type IsoDate = string & { readonly IsoDate: unique symbol };

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Whether day `d` of month `m` (1-12) of year `y` (proleptic Gregorian) exists. */
export const isCalendarDay = (y: number, m: number, d: number): boolean => {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
};

/** The year, month and day digits of a string starting YYYY-MM-DD, checked as a day of the year as written. */
export const isCalendarPrefix = (s: string): boolean =>
  isCalendarDay(
    digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3),
    digit(s, 5) * 10 + digit(s, 6),
    digit(s, 8) * 10 + digit(s, 9),
  );

/**
 * Whether a string already matching YYYY-MM-DD names a real day. Date.UTC reads years 0-99 as
 * 1900-1999 (so 0000-02-29 was never accepted): the same reading is kept here, without the
 * split/map/Date of the first version (this runs for every imported line).
 */
export const isCalendarDate = (s: string): boolean => {
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  return isCalendarDay(y < 100 ? y + 1900 : y, digit(s, 5) * 10 + digit(s, 6), digit(s, 8) * 10 + digit(s, 9));
};

/** A string of exactly the form YYYY-MM-DD (ASCII digits) naming a real day, checked without a regular expression. */
export const isIsoDateText = (s: string): boolean => {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  for (const i of DIGIT_AT) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return isCalendarDate(s);
};
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9];

// Dates repeat from row to row: the last one that passed is not checked again.
let lastDate = '';

export const IsoDate = patternString<IsoDate>('a calendar date YYYY-MM-DD', /^\d{4}-\d{2}-\d{2}$/, isCalendarDate, undefined, {
  source: '\\d{4}-\\d{2}-\\d{2}',
  check: (s) => s === lastDate || (isCalendarDate(s) && ((lastDate = s), true)),
});

export const isIsoDate = (s: string): s is IsoDate => IsoDate.is(s);

/** Today's date in UTC for the given instant. */
export const utcDateOf = (instant: Date): IsoDate => instant.toISOString().slice(0, 10) as IsoDate;
