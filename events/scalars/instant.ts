import { isCalendarPrefix } from './isoDate.js';
import { patternString } from './pattern.js';

/** A UTC instant with milliseconds, as the ledger records it: 2023-07-06T09:30:00.000Z. */
export type Instant = string & { readonly Instant: unique symbol };

const valid = (s: string): boolean => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;

// Instants repeat from row to row (one recordedAt per append): the last one that passed is not checked again.
let lastInstant = '';

/**
 * Stored form: what `new Date(s).toISOString()` gives back unchanged, checked without a Date:
 * hours 00-23, minutes and seconds 00-59, a real day of the year as written (years 0-9999).
 */
export const Instant = patternString<Instant>(
  'a UTC instant YYYY-MM-DDTHH:MM:SS.sssZ',
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  valid,
  undefined,
  {
    source: '\\d{4}-\\d{2}-\\d{2}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}Z',
    check: (s) => s === lastInstant || (isCalendarPrefix(s) && ((lastInstant = s), true)),
  },
);

export const instantOf = (d: Date): Instant => d.toISOString() as Instant;
