import * as t from 'io-ts';
import { FAIL, withFast } from '../fastDecode.js';

/** Free text (names, reasons, sources, notes): non-empty after trimming, at most `max` characters. */
export const Text = (max: number): t.Type<string, string, unknown> =>
  withFast(
    new t.Type<string, string, unknown>(
      `non-empty text of at most ${max} characters`,
      (u): u is string => typeof u === 'string' && u.trim().length > 0 && u.length <= max,
      (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= max ? t.success(u) : t.failure(u, c)),
      (s) => s,
    ),
    (u) => (typeof u === 'string' && u.trim().length > 0 && u.length <= max ? u : FAIL),
  );

export const ShortText = Text(200);
export const LongText = Text(4000);
