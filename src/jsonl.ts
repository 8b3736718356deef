import type { DraftEvent } from '../events/index.js';
import { decodeDraft, decodeDraftFast, parseJson, parseJsonNumbersAsText } from '../events/index.js';
import { problem, type Problem } from './domain/problem.js';

/** Longest accepted import line: a guard against a runaway or hostile file. */
const MAX_LINE_BYTES = 1024 * 1024;

export type ParsedLine = Readonly<{ line: number; draft: DraftEvent }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The first line that is not UTF-8 (a newline byte never occurs inside a multi-byte character). */
const firstNonUtf8Line = (bytes: Uint8Array): number => {
  for (let line = 1, start = 0; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    try {
      utf8.decode(bytes.subarray(start, end < 0 ? bytes.length : end));
    } catch {
      return line;
    }
    if (end < 0) return line;
    start = end + 1;
  }
};

/**
 * Reads a JSONL import (docs/events.md#streams: one envelope per line; blank lines are skipped). The first bad
 * line rejects the file, naming the line, the field and the value.
 */
export const parseJsonl = (input: string | Uint8Array): { ok: true; lines: ParsedLine[] } | { ok: false; problem: Problem } => {
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    const line = firstNonUtf8Line(input as Uint8Array);
    return { ok: false, problem: problem('InvalidInput', `line ${line}: not valid UTF-8 text (the file must be UTF-8)`, { line }) };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines: ParsedLine[] = [];
  // Line by line without splitting the whole text first: each line is garbage once decoded.
  for (let i = 0, start = 0; start <= text.length; i++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const row = text.slice(start, end);
    start = end + 1;
    const raw = row.endsWith('\r') ? row.slice(0, -1) : row;
    const line = i + 1;
    if (raw.trim() === '') continue;
    // A UTF-16 code unit is at most 3 UTF-8 bytes: count the bytes only for a line that could be too long.
    if (raw.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(raw, 'utf8') > MAX_LINE_BYTES)
      return { ok: false, problem: problem('InvalidInput', `line ${line}: longer than ${MAX_LINE_BYTES} bytes`, { line }) };
    // The usual line: native parse and context-free decoding, no NumberLiteral; anything else
    // (or any doubt) goes the exact way below, which gives every message.
    const native = parseJsonNumbersAsText(raw);
    const quick = native === undefined ? undefined : decodeDraftFast(native);
    if (quick !== undefined) {
      lines.push({ line, draft: quick });
      continue;
    }
    const parsed = parseJson(raw);
    if (!parsed.ok) return { ok: false, problem: problem('InvalidInput', `line ${line}: ${parsed.message}`, { line }) };
    const decoded = decodeDraft(parsed.value);
    if (!decoded.ok)
      return {
        ok: false,
        problem: problem('InvalidInput', `line ${line}: ${decoded.problems.map((p) => p.message).join('; ')}`, {
          line,
          problems: decoded.problems,
        }),
      };
    lines.push({ line, draft: decoded.value });
  }
  return { ok: true, lines };
};
