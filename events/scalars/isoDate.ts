import { patternString } from './pattern.js';

export type IsoDate = string & { readonly IsoDate: unique symbol };

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * Whether a string already matching YYYY-MM-DD names a real day. Date.UTC reads years 0-99 as
 * 1900-1999 (so 0000-02-29 was never accepted): the same reading is kept here, without the
 * split/map/Date of the first version (this runs for every imported line).
 */
export const isCalendarDate = (s: string): boolean => {
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (m < 1 || m > 12 || d < 1) return false;
  const year = y < 100 ? y + 1900 : y;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
};

export const IsoDate = patternString<IsoDate>('a calendar date YYYY-MM-DD', /^\d{4}-\d{2}-\d{2}$/, isCalendarDate);

export const isIsoDate = (s: string): s is IsoDate => IsoDate.is(s);

/** Today's date in UTC for the given instant. */
export const utcDateOf = (instant: Date): IsoDate => instant.toISOString().slice(0, 10) as IsoDate;
