import { parseDecimal, type Rational, toDecimalString, toFixed } from '../../events/index.js';

/** An OCF Numeric (`^[+-]?[0-9]+(\.[0-9]{1,10})?$`, leading zeros allowed) as an exact rational. */
export const numericOf = (text: string): Rational | undefined => {
  const m = /^([+-]?)0*([0-9]+(?:\.[0-9]+)?)$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.startsWith('.') ? `0${m[2]}` : m[2]!;
  return parseDecimal(`${m[1] === '-' ? '-' : ''}${body}`);
};

/** A whole number of shares from an OCF Numeric, if it is one. */
export const wholeOf = (text: string): bigint | undefined => {
  const r = numericOf(text);
  return r && r.den === 1n ? r.num : undefined;
};

/** A non-negative decimal as shareledger reads it ("1.50" → "1.5"), if the Numeric is one. */
export const decimalOf = (text: string): string | undefined => {
  const r = numericOf(text);
  return r && r.num >= 0n ? toDecimalString(r) : undefined;
};

/** An exact rational as an OCF Numeric: exact when it fits 10 decimals, else rounded half-even to 10. */
export const toNumeric = (r: Rational): string => {
  const exact = toDecimalString(r);
  if (exact !== undefined && !/\.[0-9]{11,}$/.test(exact)) return exact;
  return toFixed(r, 10)
    .replace(/(\.[0-9]*?)0+$/, '$1')
    .replace(/\.$/, '');
};
