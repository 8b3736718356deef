import * as t from 'io-ts';
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

const decimal = (expectation: string, accept: (r: Rational) => boolean): t.Type<Decimal, string, unknown> =>
  new t.Type<Decimal, string, unknown>(
    expectation,
    (u): u is Decimal => typeof u === 'string' && readDecimal(u) !== undefined,
    (u, c) => {
      const r = readDecimal(u);
      return r !== undefined && accept(r) ? t.success(toDecimalString(r) as Decimal) : t.failure(u, c);
    },
    (d) => d,
  );

const ZERO = { num: 0n, den: 1n };
const HUNDRED = { num: 100n, den: 1n };

export const NonNegativeDecimal = decimal('a decimal ≥ 0 such as "1.82" (no exponent)', () => true);
export const PositiveDecimal = decimal('a decimal > 0 such as "1.82" (no exponent)', (r) => compare(r, ZERO) > 0);
export const Percent = decimal('a percentage from 0 to 100 such as "5.3"', (r) => compare(r, HUNDRED) <= 0);

export const toRational = (d: Decimal): Rational => {
  const r = parseDecimal(d);
  if (!r) throw new Error(`not a canonical decimal: ${d}`);
  return r;
};
