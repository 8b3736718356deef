import type * as t from 'io-ts';

/** Surrogate code units: a lone one makes canonicalize throw, so any of them leaves it to canonicalize. */
const SURROGATE = /[\uD800-\uDFFF]/;
/** What JSON.stringify would escape in a string (or a surrogate): absent in ids, dates, hashes and most text. */
const NEEDS_CARE = /[\u0000-\u001f"\\\uD800-\uDFFF]/;
const MAX_DEPTH = 64;

/** A string as RFC 8785 writes it, or undefined when it holds a surrogate (canonicalize decides then). */
export const canonicalString = (s: string): string | undefined =>
  !NEEDS_CARE.test(s) ? `"${s}"` : SURROGATE.test(s) ? undefined : JSON.stringify(s);

/**
 * RFC 8785 for plain JSON values (strings, finite numbers, booleans, null, arrays, plain objects):
 * keys sorted by UTF-16 code units, strings and numbers as JSON.stringify writes them (the
 * canonicalize package does exactly this for such values). Undefined for anything else, which
 * the package then handles, errors included.
 */
export const fastCanonical = (value: unknown, depth = 0): string | undefined => {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) {
          const x: unknown = value[i];
          const part = x === undefined ? 'null' : fastCanonical(x, depth + 1);
          if (part === undefined) return undefined;
          text += i === 0 ? part : ',' + part;
        }
        return text + ']';
      }
      const o = value as Record<string, unknown>;
      let text = '{';
      let first = true;
      for (const key of Object.keys(o).sort()) {
        const x = o[key];
        if (x === undefined) continue;
        const part = fastCanonical(x, depth + 1);
        const name = canonicalString(key);
        if (part === undefined || name === undefined) return undefined;
        text += (first ? '' : ',') + name + ':' + part;
        first = false;
      }
      return text + '}';
    }
    default:
      return undefined;
  }
};

/** Writes a decoded value as the canonical JSON of its encoding; undefined when the general path must decide. */
export type CanonicalWriter = (a: unknown) => string | undefined;

const writers = new WeakMap<t.Mixed, CanonicalWriter>();

/**
 * Gives a codec a writer straight from decoded values to canonical JSON, skipping the encoded
 * copy and the key sort. Contract: it returns `fastCanonical(codec.encode(a))` (or undefined).
 */
export const withCanonical = <C extends t.Mixed>(codec: C, writer: CanonicalWriter): C => {
  writers.set(codec, writer);
  return codec;
};

export const canonicalOf = (codec: t.Mixed): CanonicalWriter => writers.get(codec) ?? ((a) => fastCanonical(codec.encode(a)));

/** What JSON.stringify escapes in a string: control characters, quote, backslash and (lone) surrogates. */
const JSON_ESCAPES = /[\u0000-\u001f"\\\uD800-\uDFFF]/;

/** JSON.stringify of a string, without the call for the usual string that needs no escape. */
export const jsonString = (s: string): string => (JSON_ESCAPES.test(s) ? JSON.stringify(s) : `"${s}"`);

/** Writes a decoded value as `JSON.stringify(codec.encode(a))` (fields in codec order), or undefined when that call must decide. */
export type JsonWriter = (a: unknown) => string | undefined;

const jsonWriters = new WeakMap<t.Mixed, JsonWriter>();

export const withJsonWriter = <C extends t.Mixed>(codec: C, writer: JsonWriter): C => {
  jsonWriters.set(codec, writer);
  return codec;
};

/** A string or a number as JSON.stringify writes it; undefined for anything else. */
const jsonScalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? jsonString(v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

export const jsonWriterOf = (codec: t.Mixed): JsonWriter => jsonWriters.get(codec) ?? ((a) => jsonScalar(codec.encode(a)));
