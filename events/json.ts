import { parse } from 'lossless-json';
import { NumberLiteral } from './scalars/numberLiteral.js';

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses JSON keeping every number as its literal text (NumberLiteral), so money and share counts
 * are never routed through a binary float. Duplicate keys are rejected by the parser.
 */
export const parseJson = (text: string): JsonParseResult => {
  try {
    return { ok: true, value: parse(text, null, (literal: string) => new NumberLiteral(literal)) };
  } catch (e) {
    return { ok: false, message: `invalid JSON: ${(e as Error).message}` };
  }
};
