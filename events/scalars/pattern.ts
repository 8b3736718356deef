import * as t from 'io-ts';
import { FAIL, withFast } from '../fastDecode.js';

/**
 * A string codec checked against a pattern (and optionally a further predicate). The codec's name
 * is the expectation shown to people by the reporter ("expected a date YYYY-MM-DD, got ...").
 */
export const patternString = <B extends string>(
  expectation: string,
  pattern: RegExp,
  valid: (s: string) => boolean = () => true,
  normalize: (s: string) => string = (s) => s,
): t.Type<B, string, unknown> =>
  withFast(
    new t.Type<B, string, unknown>(
      expectation,
      (u): u is B => typeof u === 'string' && pattern.test(u) && valid(u),
      (u, c) => (typeof u === 'string' && pattern.test(u) && valid(u) ? t.success(normalize(u) as B) : t.failure(u, c)),
      (b) => b,
    ),
    (u) => (typeof u === 'string' && pattern.test(u) && valid(u) ? normalize(u) : FAIL),
  );
