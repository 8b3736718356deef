import * as t from 'io-ts';
import { FAIL, withFast, withStoredForm } from '../fastDecode.js';
import { numericText } from './numberLiteral.js';

const DIGITS = /^(0|[1-9][0-9]*)$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Reads a whole number given as a decimal string of any size, or as a JSON integer up to 2^53-1
 * (beyond that a JSON number has already lost digits in most tools, so it is refused).
 */
const readWhole = (u: unknown): bigint | undefined => {
  if (typeof u === 'string') return DIGITS.test(u) ? BigInt(u) : undefined;
  const text = numericText(u);
  if (text === undefined || !DIGITS.test(text)) return undefined;
  const n = BigInt(text);
  return n <= MAX_SAFE ? n : undefined;
};

/** Stored form: the decimal digits, no leading zero (what bigint's toString prints). */
const wholeNumber = (expectation: string, min: bigint): t.Type<bigint, string, unknown> =>
  withStoredForm(
    withFast(
      new t.Type<bigint, string, unknown>(
        expectation,
        (u): u is bigint => typeof u === 'bigint' && u >= min,
        (u, c) => {
          if (typeof u === 'bigint') return u >= min ? t.success(u) : t.failure(u, c);
          const n = readWhole(u);
          return n !== undefined && n >= min ? t.success(n) : t.failure(u, c);
        },
        (n) => n.toString(),
      ),
      (u) => {
        if (typeof u === 'bigint') return u >= min ? u : FAIL;
        const n = readWhole(u);
        return n !== undefined && n >= min ? n : FAIL;
      },
    ),
    { source: min > 0n ? '[1-9][0-9]*' : '0|[1-9][0-9]*', decode: BigInt },
  );

/** A positive number of shares. */
export const ShareCount = wholeNumber('a positive whole number', 1n);
export type ShareCount = t.TypeOf<typeof ShareCount>;

/** A number of shares that may be zero (IPO newShares). */
export const NonNegativeShareCount = wholeNumber('a whole number ≥ 0', 0n);

/** A positive integer such as a split's numerator or denominator. */
export const PositiveInteger = wholeNumber('a positive whole number', 1n);

/** Votes per share of a class: a non-negative integer, carried as a JSON number (its digits in a timeline row). */
export const VotesPerShare = withStoredForm(
  withFast(
    new t.Type<number, number, unknown>(
      'a whole number ≥ 0',
      (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
      (u, c) => {
        const n = readWhole(u);
        return n !== undefined && n <= BigInt(Number.MAX_SAFE_INTEGER) ? t.success(Number(n)) : t.failure(u, c);
      },
      (n) => n,
    ),
    (u) => {
      const n = readWhole(u);
      return n !== undefined && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : FAIL;
    },
  ),
  { source: '0|[1-9][0-9]*', check: (text) => Number.isSafeInteger(Number(text)), decode: Number, jsonNumber: true },
);
