import type { Instant, IsoDate } from '../events/index.js';
import { isIsoDate } from '../events/index.js';
import { fail } from './domain/problem.js';

/**
 * The times a query is asked about, read from what a person or a script typed (`--as-of`,
 * `--known-at`, `--from`, `--to`, or the same options of the library's queries). The projections
 * take the decided PointInTime (projections/timeline.ts); reading and explaining bad input happens
 * here, once, above them.
 */

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d+))?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/;

/**
 * Reads a knownAt: an ISO 8601 instant with a time zone (normalised to UTC with
 * milliseconds), or a date meaning the end of that day in UTC. Anything else is invalid input
 * naming the flag and the value.
 */
export const parseKnownAt = (input: string, flag = '--known-at'): Instant => {
  const text = input.trim();
  if (isIsoDate(text)) return `${text}T23:59:59.999Z` as Instant;
  const m = INSTANT.exec(text);
  if (m && isIsoDate(m[1]!)) {
    // Digits beyond milliseconds are truncated: recordedAt has millisecond precision.
    const fraction = (m[5] ?? '').slice(0, 3).padEnd(3, '0');
    const normalised = `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${fraction}${m[6] === 'Z' ? 'Z' : m[6]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`;
    const ms = Date.parse(normalised);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString() as Instant;
  }
  return fail(
    'InvalidInput',
    `${flag}: expected an ISO 8601 instant with a time zone (2023-07-06T09:30:00Z) or a date (2023-07-06), got ${JSON.stringify(input)}`,
    { flag, value: input },
  );
};

/** Reads a calendar date given for `flag` (asOf, from, to). */
export const parseDate = (input: string, flag: string): IsoDate => {
  const text = input.trim();
  if (isIsoDate(text)) return text;
  return fail('InvalidInput', `${flag}: expected a calendar date YYYY-MM-DD, got ${JSON.stringify(input)}`, { flag, value: input });
};
