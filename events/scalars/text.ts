import * as t from 'io-ts';

/** Free text (names, reasons, sources, notes): non-empty after trimming, at most `max` characters. */
export const Text = (max: number): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    `non-empty text of at most ${max} characters`,
    (u): u is string => typeof u === 'string' && u.trim().length > 0 && u.length <= max,
    (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= max ? t.success(u) : t.failure(u, c)),
    (s) => s,
  );

export const ShortText = Text(200);
export const LongText = Text(4000);
