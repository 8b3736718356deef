import fs from 'node:fs';
import { fail } from '../domain/problem.js';

const reasons: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

const cannotRead = (file: string, e: unknown): never => {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return fail('InvalidInput', `cannot read ${file}: ${reasons[code] ?? (e as Error).message}`, { file, code });
};

/** Bytes read at a time. */
const PIECE = 1 << 20;

/** A file's bytes a piece at a time, from an open descriptor, which it closes at the end. */
function* piecesOf(file: string, fd: number): Generator<Buffer> {
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(PIECE);
      let n: number;
      try {
        n = fs.readSync(fd, buffer, 0, PIECE, null);
      } catch (e) {
        return cannotRead(file, e);
      }
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * FILE (or stdin for "-") as it is read, a piece at a time. A file that cannot be opened fails
 * here, before anything else is done.
 */
export const openInput = (file: string, stdin: NodeJS.ReadableStream = process.stdin): Iterable<Buffer> | AsyncIterable<Buffer> => {
  if (file === '-') return stdin as AsyncIterable<Buffer>;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      return cannotRead(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    }
  } catch (e) {
    return cannotRead(file, e);
  }
  return piecesOf(file, fd);
};

/** Non-blank lines of a JSONL file, read a piece at a time: the size of an import, for its progress bar. */
export const countLines = (file: string): number => {
  let lines = 0;
  let blank = true;
  for (const bytes of openInput(file) as Iterable<Buffer>)
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === 0x0a) {
        if (!blank) lines++;
        blank = true;
      } else if (b !== 0x20 && b !== 0x0d && b !== 0x09) blank = false;
    }
  return blank ? lines : lines + 1;
};

/**
 * Writes a file completely or not at all: a temporary file beside it, renamed over the target.
 * A reader never sees half an export.
 */
export const writeFileAtomically = (path: string, text: string): void => {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text, { mode: 0o600 });
    fs.renameSync(temp, path);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? '';
    fail('InvalidInput', `cannot write ${path}: ${reasons[code] ?? (e as Error).message}`, { file: path, code });
  }
};
