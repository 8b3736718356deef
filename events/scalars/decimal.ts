import * as t from 'io-ts';
import { FAIL, withFast, withStoredForm } from '../fastDecode.js';
import { numericText } from './numberLiteral.js';
import { compare, parseDecimal, type Rational, toDecimalString } from './rational.js';

/** An exact decimal in canonical text ("1.82"); arithmetic goes through `toRational`. */
export type Decimal = string & { readonly Decimal: unique symbol };

const PLAIN = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const MAX_LENGTH = 64;

const readDecimal = (u: unknown): Rational | undefined => {
  const text = typeof u === 'string' ? u : numericText(u);
  if (text === undefined || text.length > MAX_LENGTH || !PLAIN.test(text)) return undefined;
  return parseDecimal(text);
};

/**
 * The canonical text of a plain decimal without going through a Rational: a whole number is its
 * own canonical text (PLAIN has no leading zeros) and so is a fraction not ending in 0. Anything
 * else (trailing zeros to strip) returns undefined and takes the exact path.
 */
const canonicalPlain = (text: string): string | undefined =>
  text.indexOf('.') < 0 || text.charCodeAt(text.length - 1) !== 0x30 ? text : undefined;

/** Whether a plain decimal is > 0: some digit is not 0. */
const NONZERO_DIGIT = /[1-9]/;

/** The canonical text: what toDecimalString prints (no trailing fractional zeros, no needless leading zero). */
const CANONICAL = '(?:0|[1-9][0-9]*)(?:\\.[0-9]*[1-9])?';

const decimal = (
  expectation: string,
  accept: (r: Rational) => boolean,
  /** The same test as `accept` on the plain text, when one exists: the fast path then skips the Rational. */
  acceptText: ((text: string) => boolean) | undefined,
  /** The same test as `accept` on the canonical text. */
  acceptCanonical: (text: string) => boolean,
): t.Type<Decimal, string, unknown> => {
  const type = new t.Type<Decimal, string, unknown>(
    expectation,
    (u): u is Decimal => typeof u === 'string' && readDecimal(u) !== undefined,
    (u, c) => {
      const r = readDecimal(u);
      return r !== undefined && accept(r) ? t.success(toDecimalString(r) as Decimal) : t.failure(u, c);
    },
    (d) => d,
  );
  withStoredForm(type, { source: CANONICAL, check: (text) => text.length <= MAX_LENGTH && acceptCanonical(text) });
  return withFast(type, (u) => {
    const text = typeof u === 'string' ? u : numericText(u);
    if (acceptText && text !== undefined && text.length <= MAX_LENGTH && PLAIN.test(text)) {
      const canonical = canonicalPlain(text);
      if (canonical !== undefined) return acceptText(text) ? canonical : FAIL;
    }
    const r = readDecimal(u);
    return r !== undefined && accept(r) ? toDecimalString(r) : FAIL;
  });
};

const ZERO = { num: 0n, den: 1n };
const HUNDRED = { num: 100n, den: 1n };

export const NonNegativeDecimal = decimal(
  'a decimal ≥ 0 such as "1.82" (no exponent)',
  () => true,
  () => true,
  () => true,
);
export const PositiveDecimal = decimal(
  'a decimal > 0 such as "1.82" (no exponent)',
  (r) => compare(r, ZERO) > 0,
  (text) => NONZERO_DIGIT.test(text),
  (text) => text !== '0',
);
/** At most 100, in canonical text: a whole part of up to two digits, or exactly 100 (no fraction). */
const AT_MOST_100 = /^\d{1,2}(\.|$)/;
export const Percent = decimal(
  'a percentage from 0 to 100 such as "5.3"',
  (r) => compare(r, HUNDRED) <= 0,
  undefined,
  (text) => AT_MOST_100.test(text) || text === '100',
);

export const toRational = (d: Decimal): Rational => {
  const r = parseDecimal(d);
  if (!r) throw new Error(`not a canonical decimal: ${d}`);
  return r;
};
