import { parse } from 'lossless-json';
import { NumberLiteral } from './scalars/numberLiteral.js';

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Deeper than this, the fast path gives up (its walk recurses) and lossless-json decides. */
const MAX_FAST_DEPTH = 64;

/** Replaces every number by its NumberLiteral in place; false when the value is too deep to walk. */
const literalNumbers = (value: unknown, depth: number): boolean => {
  if (depth > MAX_FAST_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'number') value[i] = new NumberLiteral(String(v));
      else if (typeof v === 'object' && v !== null && !literalNumbers(v, depth + 1)) return false;
    }
    return true;
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (typeof v === 'number') o[key] = new NumberLiteral(String(v));
    else if (typeof v === 'object' && v !== null && !literalNumbers(v, depth + 1)) return false;
  }
  return true;
};

/**
 * The fast path: native JSON.parse, taken only when re-serialising the result gives back the very
 * same text. That proves the line has no whitespace, no duplicate key (JSON.parse would have kept
 * one), no escape written differently, and only number literals that are the shortest text of
 * their double ("1.82", "557000000": never "1e3", "1.50" or a digit beyond 2^53, which would not
 * round-trip). For such a number `String(n)` is exactly its literal, so the NumberLiteral made
 * from it equals the one lossless-json makes. Anything else returns undefined and goes through
 * lossless-json, which keeps deciding every error message.
 */
const parseFast = (text: string): unknown => {
  const value = parseJsonNumbersAsText(text);
  return value !== undefined && literalNumbers(value, 0) ? value : undefined;
};

/**
 * parseFast without the NumberLiterals: an object whose numbers are JS numbers, each one's
 * `String(n)` being exactly its literal (the text round-trips), or undefined. For a decoder that
 * reads numbers by their text (numericText) and falls back to parseJson on any failure.
 */
export const parseJsonNumbersAsText = (text: string): object | undefined => {
  // `__proto__` keys: lossless-json defines them as own properties; not worth reasoning about here.
  if (text.charCodeAt(0) !== 0x7b || text.includes('__proto__')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (JSON.stringify(value) !== text) return undefined;
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null ? value : undefined;
};

/** lossless-json alone: every number as its literal text (kept for tests comparing the two paths). */
export const parseJsonLossless = (text: string): JsonParseResult => {
  try {
    return { ok: true, value: parse(text, null, (literal: string) => new NumberLiteral(literal)) };
  } catch (e) {
    return { ok: false, message: `invalid JSON: ${(e as Error).message}` };
  }
};

/**
 * Parses JSON keeping every number as its literal text (NumberLiteral), so money and share counts
 * are never routed through a binary float. Duplicate keys are rejected by the parser. Compact
 * lines (what tools write) take a native fast path that gives the same value (see parseFast).
 */
export const parseJson = (text: string): JsonParseResult => {
  const fast = parseFast(text);
  return fast !== undefined ? { ok: true, value: fast } : parseJsonLossless(text);
};
