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

/**
 * The canonical text of a scalar: the form the ledger itself writes (lower-case ids, decimals as
 * `toDecimalString` prints them, share counts as digit strings), in a stored envelope's JSON and
 * in a column of an SQLite timeline row. Each scalar codec states it once, next to its codec.
 */
export type StoredForm = Readonly<{
  /**
   * Regular-expression source of the canonical text, without anchors or capturing groups. It never
   * matches U+001F (the timeline row's separator): a text holding one takes the general path.
   */
  source: string;
  /** Further checks of a text that matches `source` (length, range, calendar). */
  check?: (text: string) => boolean;
  /** The decoded value of a canonical text (default: the text itself). */
  decode?: (text: string) => unknown;
  /** The JSON form is a number whose text is the canonical text (votes per share); else a string. */
  jsonNumber?: boolean;
}>;

/** A stored form compiled once: its anchored pattern, and a check and decode that are always there. */
export type StoredScalar = Readonly<{
  source: string;
  pattern: RegExp;
  check: (text: string) => boolean;
  decode: (text: string) => unknown;
  jsonNumber: boolean;
}>;

const storedScalars = new WeakMap<t.Mixed, StoredScalar>();
const storedDecoders = new WeakMap<t.Mixed, Fast>();
const always = (): boolean => true;
const itself = (text: string): unknown => text;

/** The decoded value of a text in its canonical form, or FAIL. */
export const readStored = (s: StoredScalar, text: string): unknown => (s.pattern.test(text) && s.check(text) ? s.decode(text) : FAIL);

/**
 * Gives a scalar codec its stored form. Contract: a text that `readStored` takes is accepted by
 * `codec.validate` (as a string, or as a number for `jsonNumber`) with an equal value.
 */
export const withStoredForm = <C extends t.Mixed>(codec: C, form: StoredForm): C => {
  if (new RegExp(`${form.source}|`).exec('')!.length !== 1) throw new Error(`stored form ${form.source} has a capturing group`);
  const scalar: StoredScalar = {
    source: form.source,
    pattern: new RegExp(`^(?:${form.source})$`),
    check: form.check ?? always,
    decode: form.decode ?? itself,
    jsonNumber: form.jsonNumber === true,
  };
  storedScalars.set(codec, scalar);
  storedDecoders.set(
    codec,
    scalar.jsonNumber
      ? (u) => (typeof u === 'number' ? readStored(scalar, String(u)) : FAIL)
      : (u) => (typeof u === 'string' ? readStored(scalar, u) : FAIL),
  );
  return codec;
};

/** The stored form of a scalar codec, if it has one. */
export const storedScalarOf = (codec: t.Mixed): StoredScalar | undefined => storedScalars.get(codec);

/**
 * Gives a codec a decoder of its stored JSON form only (see StoredForm): FAIL on anything else,
 * including valid but unusual forms, which the caller hands to the codec. Same contract as withFast.
 */
export const withStoredDecoder = <C extends t.Mixed>(codec: C, decoder: Fast): C => {
  storedDecoders.set(codec, decoder);
  return codec;
};

/** The stored-form decoder of a codec, or its fast decoder when it has none. */
export const storedDecoderOf = (codec: t.Mixed): Fast => storedDecoders.get(codec) ?? fastOf(codec);
