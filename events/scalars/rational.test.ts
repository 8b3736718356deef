import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, div, parseDecimal, percentOf, rational, roundDecimalText, toDecimalString, toFixed } from './rational.js';

describe('Rational', () => {
  it('parses plain decimals exactly and refuses exponents', () => {
    expect(parseDecimal('1.82')).toEqual({ num: 91n, den: 50n });
    expect(parseDecimal('0.1')).toEqual({ num: 1n, den: 10n });
    expect(parseDecimal('1e3')).toBeUndefined();
    expect(parseDecimal('01.5')).toBeUndefined();
    expect(parseDecimal('NaN')).toBeUndefined();
  });
  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(add(parseDecimal('0.1')!, parseDecimal('0.2')!)).toEqual(parseDecimal('0.3'));
  });
  it('rounds half to even, only when asked', () => {
    expect(toFixed(rational(5n, 2n), 0)).toBe('2');
    expect(toFixed(rational(7n, 2n), 0)).toBe('4');
    expect(toFixed(rational(-5n, 2n), 0)).toBe('-2');
    expect(toFixed(parseDecimal('0.125')!, 2)).toBe('0.12');
    expect(toFixed(parseDecimal('0.135')!, 2)).toBe('0.14');
    expect(toFixed(div(rational(1n), rational(3n)), 6)).toBe('0.333333');
    expect(toFixed(rational(-1n, 1000n), 2)).toBe('0.00');
  });
  it('rounds decimal text as toFixed rounds the parsed value, half to even', () => {
    const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{0,${max}}$`));
    // Plain decimals, with runs of 9s, 5s and 0s where the carries and ties are.
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,12}$/), fc.constantFrom('9', '99', '999')),
        digits(10),
      )
      .chain(([negative, whole, fraction]) =>
        fc
          .oneof(fc.constant(fraction), fc.constantFrom('5', '50', '05', '995', '9950', '005', '0000'))
          .map((f) => `${negative ? '-' : ''}${whole}${f === '' ? '' : `.${f}`}`),
      );
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 8 }), (text, places) => {
        expect(roundDecimalText(text, places)).toBe(toFixed(parseDecimal(text)!, places));
      }),
      { numRuns: 2000 },
    );
    for (const [text, places, rounded] of [
      ['0.125', 2, '0.12'],
      ['0.135', 2, '0.14'],
      ['99.995', 2, '100.00'],
      ['-0.004', 2, '0.00'],
      ['-0.005', 2, '0.00'],
      ['-0.0051', 2, '-0.01'],
      ['2.5', 0, '2'],
      ['3.5', 0, '4'],
      ['7', 3, '7.000'],
    ] as const)
      expect(roundDecimalText(text, places)).toBe(rounded);
    expect(roundDecimalText('1e3', 2)).toBeUndefined();
    expect(roundDecimalText('01.5', 2)).toBeUndefined();
  });
  it('gives null percentages on a zero denominator', () => {
    expect(percentOf(rational(1n), rational(0n))).toBeNull();
    expect(percentOf(rational(1n), rational(4n))).toEqual(rational(25n));
  });
  it('prints terminating fractions exactly', () => {
    expect(toDecimalString(rational(1013740000n))).toBe('1013740000');
    expect(toDecimalString(rational(1n, 8n))).toBe('0.125');
    expect(toDecimalString(rational(1n, 3n))).toBeUndefined();
  });
  it('keeps every value in lowest terms with a positive denominator', () => {
    const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
    const nonZero = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).filter((d) => d !== 0n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.oneof(nonZero, fc.constantFrom(1n, -1n)), (num, den) => {
        const r = rational(num, den);
        expect(r.den > 0n).toBe(true);
        expect(gcd(r.num, r.den)).toBe(1n);
        expect(r.num * den).toBe(num * r.den);
      }),
    );
    expect(rational(0n, -7n)).toEqual({ num: 0n, den: 1n });
    expect(rational(6n, -4n)).toEqual({ num: -3n, den: 2n });
  });
});
