import * as t from 'io-ts';
import { FAIL, type StoredForm, withFast, withStoredForm } from '../fastDecode.js';

/**
 * A string codec checked against a pattern (and optionally a further predicate). The codec's name
 * is the expectation shown to people by the reporter ("expected a date YYYY-MM-DD, got ...").
 * Its stored form (the canonical text) is the pattern and predicate themselves unless `stored`
 * says otherwise, which it must when `normalize` changes some accepted texts.
 */
export const patternString = <B extends string>(
  expectation: string,
  pattern: RegExp,
  valid: (s: string) => boolean = () => true,
  normalize: (s: string) => string = (s) => s,
  stored: StoredForm = { source: sourceOf(pattern), check: valid },
): t.Type<B, string, unknown> =>
  withStoredForm(
    withFast(
      new t.Type<B, string, unknown>(
        expectation,
        (u): u is B => typeof u === 'string' && pattern.test(u) && valid(u),
        (u, c) => (typeof u === 'string' && pattern.test(u) && valid(u) ? t.success(normalize(u) as B) : t.failure(u, c)),
        (b) => b,
      ),
      (u) => (typeof u === 'string' && pattern.test(u) && valid(u) ? normalize(u) : FAIL),
    ),
    stored,
  );

/** A whole-string pattern's source without its anchors. */
const sourceOf = (pattern: RegExp): string => {
  const s = pattern.source;
  if (!s.startsWith('^') || !s.endsWith('$') || pattern.flags !== '') throw new Error(`not a plain whole-string pattern: ${pattern}`);
  return s.slice(1, -1);
};
