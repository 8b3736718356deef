import type { Rational } from '../events/index.js';
import { toDecimalString, toFixed } from '../events/index.js';

/** Percentages leave the projections as strings with 6 decimals, rounded half-even (SPEC §10). */
export const formatPercent = (value: Rational | null): string | null => (value === null ? null : toFixed(value, 6));

/** Money leaves the projections as strings with 2 decimals, rounded half-even (SPEC §10). */
export const formatMoney = (value: Rational | null): string | null => (value === null ? null : toFixed(value, 2));

/** Code-unit order: the same in every locale, so output is byte-identical everywhere. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A price per share: exact when it is a terminating decimal (every price given as input is),
 * else rounded half-even to 6 decimals (a consideration divided by shares, a converted price).
 */
export const formatPrice = (value: Rational | null): string | null =>
  value === null ? null : (toDecimalString(value) ?? toFixed(value, 6));

/**
 * part / whole × 100 as SPEC §10 prints it, or null when whole is 0. The same digits as
 * `formatPercent(percentOf(...))` without reducing the fraction first: a history prints two per
 * change, a million times.
 */
export const formatShareOf = (part: bigint, whole: bigint): string | null => (whole === 0n ? null : toFixed({ num: part * 100n, den: whole }, 6));
