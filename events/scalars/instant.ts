import { patternString } from './pattern.js';

/** A UTC instant with milliseconds, as the ledger records it: 2023-07-06T09:30:00.000Z. */
export type Instant = string & { readonly Instant: unique symbol };

const valid = (s: string): boolean => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;

export const Instant = patternString<Instant>(
  'a UTC instant YYYY-MM-DDTHH:MM:SS.sssZ',
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  valid,
);

export const instantOf = (d: Date): Instant => d.toISOString() as Instant;
