import type { Rational } from '../events/index.js';
import { toDecimalString, toFixed } from '../events/index.js';

/** Percentages leave the projections as strings with 6 decimals, rounded half-even (docs/cli.md). */
export const formatPercent = (value: Rational | null): string | null => (value === null ? null : toFixed(value, 6));

/** Money leaves the projections as strings with 2 decimals, rounded half-even (docs/cli.md). */
export const formatMoney = (value: Rational | null): string | null => (value === null ? null : toFixed(value, 2));

/**
 * The same text, copied out of the longer string it may have been cut from: V8 keeps the whole of
 * a string alive while a slice of it is, so an event id kept in a report line would otherwise keep
 * the stored row it was read from (~140 bytes more per line).
 */
export const detached = <T extends string>(text: T): T => JSON.parse(JSON.stringify(text)) as T;

/** Code-unit order: the same in every locale, so output is byte-identical everywhere. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A price per share: exact when it is a terminating decimal (every price given as input is),
 * else rounded half-even to 6 decimals (a consideration divided by shares, a converted price).
 */
export const formatPrice = (value: Rational | null): string | null =>
  value === null ? null : (toDecimalString(value) ?? toFixed(value, 6));

/**
 * part / whole × 100 as docs/cli.md prints it, or null when whole is 0. The same digits as
 * `formatPercent(percentOf(...))` without reducing the fraction first: a history prints two per
 * change, a million times.
 */
export const formatShareOf = (part: bigint, whole: bigint): string | null =>
  whole === 0n ? null : toFixed({ num: part * 100n, den: whole }, 6);

/** Below these, part × 100 and the remainders × 1000 stay exact integers in a double (< 2^52). */
const EXACT_PART = 45_035_996_273_704n;
export const EXACT_WHOLE = 4_503_599_627_370n;

/**
 * part / whole × 100 with six decimals, half to even, for whole numbers held exactly in doubles
 * with part × 100 < 2^52 and whole < 2^52 / 1000: exact integer arithmetic throughout (every
 * product and remainder stays below 2^53), so the digits are those of `formatShareOf`.
 */
export const percentOfDoubles = (part: number, whole: number): string | null => {
  if (whole === 0) return null;
  if (part === 0) return '0.000000';
  // part × 100 / whole = q + r / whole, then six decimals in two steps of three digits.
  const a = part * 100;
  let q = Math.floor(a / whole);
  let r = a - q * whole;
  if (r < 0) ((q -= 1), (r += whole));
  else if (r >= whole) ((q += 1), (r -= whole));
  let high = 0;
  let low = 0;
  for (let step = 0; step < 2; step++) {
    const x = r * 1000;
    let d = Math.floor(x / whole);
    r = x - d * whole;
    if (r < 0) ((d -= 1), (r += whole));
    else if (r >= whole) ((d += 1), (r -= whole));
    if (step === 0) high = d;
    else low = d;
  }
  // Round half to even on the sixth decimal (1e6 is even, so the parity is the last digit's).
  const twice = r * 2;
  if (twice > whole || (twice === whole && low % 2 === 1)) {
    if (++low === 1000) {
      low = 0;
      if (++high === 1000) ((high = 0), (q += 1));
    }
  }
  return q + '.' + THREE_DIGITS[high]! + THREE_DIGITS[low]!;
};

/** "000" … "999": six decimals are two table look-ups, not a padStart. */
const THREE_DIGITS: ReadonlyArray<string> = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * `formatShareOf` without BigInt division when both numbers are small enough (any real share
 * register: the same digits, see `percentOfDoubles`); `formatShareOf` otherwise. A cap table
 * prints two of these per holder.
 */
export const percentText = (part: bigint, whole: bigint): string | null => {
  if (whole === 0n) return null;
  if (part < 0n || whole < 0n || part > EXACT_PART || whole > EXACT_WHOLE) return formatShareOf(part, whole);
  return percentOfDoubles(Number(part), Number(whole));
};
