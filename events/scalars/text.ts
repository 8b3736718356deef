import * as t from 'io-ts';
import { FAIL, withFast, withStoredForm } from '../fastDecode.js';

const valid = (s: string, max: number): boolean => s.trim().length > 0 && s.length <= max;

/**
 * Free text (names, reasons, sources, notes): non-empty after trimming, at most `max` characters.
 * Stored form: the text itself (without U+001F, see StoredForm).
 */
export const Text = (max: number): t.Type<string, string, unknown> =>
  withStoredForm(
    withFast(
      new t.Type<string, string, unknown>(
        `non-empty text of at most ${max} characters`,
        (u): u is string => typeof u === 'string' && u.trim().length > 0 && u.length <= max,
        (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= max ? t.success(u) : t.failure(u, c)),
        (s) => s,
      ),
      (u) => (typeof u === 'string' && u.trim().length > 0 && u.length <= max ? u : FAIL),
    ),
    { source: '[^\\u001f]+', check: (s) => valid(s, max) },
  );

export const ShortText = Text(200);
export const LongText = Text(4000);
