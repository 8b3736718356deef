import { isUtf8 } from 'node:buffer';
import type { DraftEvent } from '../events/index.js';
import { decodeDraft, decodeDraftFast, parseJson, parseJsonNumbersAsText } from '../events/index.js';
import { LedgerError, problem, type Problem } from './domain/problem.js';

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

const notUtf8 = (line: number): Problem => problem('InvalidInput', `line ${line}: not valid UTF-8 text (the file must be UTF-8)`, { line });
const tooLong = (line: number): Problem => problem('InvalidInput', `line ${line}: longer than ${MAX_LINE_BYTES} bytes`, { line });

/**
 * One line of a JSONL import (without its newline; a trailing CR is dropped): its draft, undefined
 * for a blank line, or why it is refused, naming the line, the field and the value.
 */
const decodeLine = (row: string, line: number): DraftEvent | undefined | Problem => {
  const raw = row.endsWith('\r') ? row.slice(0, -1) : row;
  if (raw.trim() === '') return undefined;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: count the bytes only for a line that could be too long.
  if (raw.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(raw, 'utf8') > MAX_LINE_BYTES) return tooLong(line);
  // The usual line: native parse and context-free decoding, no NumberLiteral; anything else
  // (or any doubt) goes the exact way below, which gives every message.
  const native = parseJsonNumbersAsText(raw);
  const quick = native === undefined ? undefined : decodeDraftFast(native);
  if (quick !== undefined) return quick;
  const parsed = parseJson(raw);
  if (!parsed.ok) return problem('InvalidInput', `line ${line}: ${parsed.message}`, { line });
  const decoded = decodeDraft(parsed.value);
  if (!decoded.ok)
    return problem('InvalidInput', `line ${line}: ${decoded.problems.map((p) => p.message).join('; ')}`, {
      line,
      problems: decoded.problems,
    });
  return decoded.value;
};

const isProblem = (d: DraftEvent | Problem): d is Problem => 'kind' in d;

/** The lines of `text` (numbered from `first`), decoded one by one; each is garbage once decoded. */
function* linesOf(text: string, first: number): Generator<ParsedLine, number> {
  let line = first;
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const draft = decodeLine(text.slice(start, end), line);
    start = end + 1;
    if (draft === undefined) continue;
    if (isProblem(draft)) throw new LedgerError(draft);
    yield { line, draft };
  }
  return line;
}

/**
 * Reads a JSONL import (docs/events.md#streams: one envelope per line; blank lines are skipped). The first bad
 * line rejects the file, naming the line, the field and the value.
 */
export const parseJsonl = (input: string | Uint8Array): { ok: true; lines: ParsedLine[] } | { ok: false; problem: Problem } => {
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    return { ok: false, problem: notUtf8(firstNonUtf8Line(input as Uint8Array)) };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, lines: [...linesOf(text, 1)] };
  } catch (e) {
    if (e instanceof LedgerError) return { ok: false, problem: e.problem };
    throw e;
  }
};

/**
 * A JSONL import read as it arrives (a file read in pieces, stdin): its lines decoded, in groups of
 * `linesPerGroup` (the last may be shorter), so no more than a group and a piece are held at once.
 * Throws a LedgerError at the first bad line, as parseJsonl refuses it.
 */
export async function* jsonlGroups(
  pieces: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  linesPerGroup: number,
): AsyncGenerator<ParsedLine[]> {
  let group: ParsedLine[] = [];
  /** The bytes after the last newline so far: the start of a line. */
  let pending: Buffer = Buffer.alloc(0);
  let next = 1;
  let first = true;
  /** Decodes whole lines of text, filling and passing on groups. */
  const take = function* (text: string): Generator<ParsedLine[]> {
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    const lines = linesOf(text, next);
    for (;;) {
      const r = lines.next();
      if (r.done) {
        // The text ends with a newline: the line after it starts the next piece.
        next = r.value;
        return;
      }
      group.push(r.value);
      if (group.length >= linesPerGroup) {
        yield group;
        group = [];
      }
    }
  };
  /** Whole lines of bytes as text, or the line that is not UTF-8. */
  const textOf = (bytes: Buffer): string => {
    if (!isUtf8(bytes)) throw new LedgerError(notUtf8(next - 1 + firstNonUtf8Line(bytes)));
    return bytes.toString('utf8');
  };
  for await (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    const cut = bytes.lastIndexOf(0x0a);
    if (cut < 0) {
      pending = pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([pending, bytes]);
      if (pending.length > MAX_LINE_BYTES + 1) throw new LedgerError(tooLong(next));
      continue;
    }
    const whole = pending.length === 0 ? bytes.subarray(0, cut + 1) : Buffer.concat([pending, bytes.subarray(0, cut + 1)]);
    // A copy: the rest must not keep the whole piece alive.
    pending = Buffer.from(bytes.subarray(cut + 1));
    yield* take(textOf(whole));
  }
  if (pending.length > 0) {
    const text = textOf(pending);
    // The last line has no newline: linesOf sees it as the whole text.
    yield* take(text);
  }
  if (group.length > 0) yield group;
}
