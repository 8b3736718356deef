// rational.js directly, not the events index: the index loads every codec (io-ts), which a table does not need.
import { roundDecimalText } from '../events/scalars/rational.js';

/**
 * How numbers look to people, in the CLI's tables and in the audit reports (src/integrity): the exact
 * strings of the projections, grouped and rounded for reading.
 */

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "2400000000" → "2,400,000,000"; "-1234.5" → "-1,234.5". Text that is not a plain decimal passes unchanged. */
export const groupThousands = (value: string): string => {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(value);
  return m ? `${m[1]}${group(m[2]!)}${m[3] ?? ''}` : value;
};

const NOT_AVAILABLE = 'n/a';

/**
 * A percentage for people: two decimals (half-even, like every rounding here), "<0.01%" for a
 * holding too small to show that way, "n/a" when undefined (nothing outstanding).
 */
export const showPercent = (value: string | null | undefined): string => {
  if (value === null || value === undefined) return NOT_AVAILABLE;
  const rounded = roundDecimalText(value, 2);
  if (rounded === undefined) return `${value}%`;
  // Not zero, yet rounded to it (the sign is that of the value).
  if (/^-?0\.00$/.test(rounded) && /[1-9]/.test(value)) return value.startsWith('-') ? '>-0.01%' : '<0.01%';
  return `${groupThousands(rounded)}%`;
};

/** Money with two decimals and grouped thousands; "n/a" for a missing amount (e.g. no FX rate). */
export const showMoney = (value: string | null | undefined): string => {
  if (value === null || value === undefined) return NOT_AVAILABLE;
  const rounded = roundDecimalText(value, 2);
  return rounded === undefined ? value : groupThousands(rounded);
};

/** A price as given (it may have more than two decimals), grouped. */
export const showPrice = (value: string | null | undefined): string =>
  value === null || value === undefined ? NOT_AVAILABLE : groupThousands(value);

export const showShares = (value: string | bigint): string => groupThousands(typeof value === 'bigint' ? value.toString() : value);

/** "+557,000,000" / "-557,000,000". */
export const showDelta = (before: bigint, after: bigint): string => {
  const d = after - before;
  return `${d > 0n ? '+' : ''}${groupThousands(d.toString())}`;
};
