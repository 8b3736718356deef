/**
 * Exact rational numbers over bigint. Money, prices, ratios and percentages are computed with
 * these and rounded (half-even) only when formatted for output.
 */
export type Rational = Readonly<{ num: bigint; den: bigint }>;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

const gcd = (a: bigint, b: bigint): bigint => {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

export const rational = (num: bigint, den: bigint = 1n): Rational => {
  if (den === 0n) throw new RangeError('rational with zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
};

export const ZERO: Rational = { num: 0n, den: 1n };
export const ONE: Rational = { num: 1n, den: 1n };
export const HUNDRED: Rational = { num: 100n, den: 1n };

export const add = (a: Rational, b: Rational): Rational =>
  a.den === b.den ? rational(a.num + b.num, a.den) : rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => add(a, { num: -b.num, den: b.den });
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => {
  if (b.num === 0n) throw new RangeError('division by zero');
  return rational(a.num * b.den, a.den * b.num);
};
export const compare = (a: Rational, b: Rational): -1 | 0 | 1 => {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const isZero = (a: Rational): boolean => a.num === 0n;
export const fromBigint = (n: bigint): Rational => ({ num: n, den: 1n });
export const sum = (xs: Iterable<Rational>): Rational => {
  let total = ZERO;
  for (const x of xs) total = add(total, x);
  return total;
};

/** a / b × 100, or null when b is zero (docs/queries.md#stake). */
export const percentOf = (part: Rational, whole: Rational): Rational | null => (whole.num === 0n ? null : mul(div(part, whole), HUNDRED));

const DECIMAL = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Parses a plain decimal literal ("1.82", "-3", "0.000001"); no exponents, no leading "+". */
export const parseDecimal = (text: string): Rational | undefined => {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  const magnitude = BigInt((m[2] ?? '0') + fraction);
  return rational(m[1] ? -magnitude : magnitude, 10n ** BigInt(fraction.length));
};

/**
 * A plain decimal literal rounded to `places` decimals, half to even: what
 * `toFixed(parseDecimal(text), places)` gives, worked out on the digits (no bigint, no gcd: the
 * reports round hundreds of thousands of percentages). Undefined when `text` is not one.
 */
export const roundDecimalText = (text: string, places: number): string | undefined => {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  // The digits kept, as an integer scaled by 10^places, and whether the rest rounds it up.
  let kept = m[2]! + fraction.slice(0, places).padEnd(places, '0');
  const rest = fraction.slice(places);
  const first = rest.length > 0 ? rest.charCodeAt(0) - 48 : 0;
  const up = first > 5 || (first === 5 && (/[1-9]/.test(rest.slice(1)) || (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1));
  if (up) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === '9') i--;
    kept = (i < 0 ? '1' : kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1)) + '0'.repeat(kept.length - 1 - i);
  }
  const digits = kept.replace(/^0+(?=\d)/, '').padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const frac = places > 0 ? '.' + digits.slice(digits.length - places) : '';
  return (m[1] && /[1-9]/.test(digits) ? '-' : '') + whole + frac;
};

/** Rounds to `places` decimals, half to even, and prints it as a plain decimal string. */
export const toFixed = (value: Rational, places: number): string => {
  const scale = 10n ** BigInt(places);
  const scaled = value.num * scale;
  const negative = scaled < 0n;
  const n = abs(scaled);
  let q = n / value.den;
  const r = n % value.den;
  const twice = r * 2n;
  if (twice > value.den || (twice === value.den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const frac = places > 0 ? '.' + digits.slice(digits.length - places) : '';
  return (negative && q !== 0n ? '-' : '') + whole + frac;
};

/** The shortest exact decimal string of a rational whose denominator divides a power of ten. */
export const toDecimalString = (value: Rational): string | undefined => {
  let den = value.den;
  let places = 0;
  while (den % 10n === 0n) {
    den /= 10n;
    places++;
  }
  let twos = 0;
  let fives = 0;
  while (den % 2n === 0n) {
    den /= 2n;
    twos++;
  }
  while (den % 5n === 0n) {
    den /= 5n;
    fives++;
  }
  if (den !== 1n) return undefined;
  return toFixed(value, places + Math.max(twos, fives));
};
