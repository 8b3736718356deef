import { patternString } from './pattern.js';

export type IsoDate = string & { readonly IsoDate: unique symbol };

const isCalendarDate = (s: string): boolean => {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
};

export const IsoDate = patternString<IsoDate>('a calendar date YYYY-MM-DD', /^\d{4}-\d{2}-\d{2}$/, isCalendarDate);

export const isIsoDate = (s: string): s is IsoDate => IsoDate.is(s);

/** Today's date in UTC for the given instant. */
export const utcDateOf = (instant: Date): IsoDate => instant.toISOString().slice(0, 10) as IsoDate;
