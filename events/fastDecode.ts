import type * as t from 'io-ts';

/** What a fast decoder returns when it cannot decode: the io-ts path then runs and explains why. */
export const FAIL: unique symbol = Symbol('fast decode failed');
export type Fast = (u: unknown) => unknown;

const fastDecoders = new WeakMap<t.Mixed, Fast>();

/**
 * Gives a codec a decoder without io-ts contexts (no array of context entries per field, no
 * Either): on the import path every line is valid, and building contexts only pays off for the
 * error message. Contract: when the fast decoder returns a value, `codec.validate` succeeds with
 * an equal value; on anything unusual it returns FAIL and the caller runs `codec.validate`, which
 * stays the single definition of what is accepted and of every message.
 */
export const withFast = <C extends t.Mixed>(codec: C, fast: Fast): C => {
  fastDecoders.set(codec, fast);
  return codec;
};

const EMPTY: t.Context = [];

/** The fast decoder of a codec, or its io-ts validation without contexts when it has none. */
export const fastOf = (codec: t.Mixed): Fast =>
  fastDecoders.get(codec) ??
  ((u) => {
    const r = codec.validate(u, EMPTY);
    return r._tag === 'Right' ? r.right : FAIL;
  });
