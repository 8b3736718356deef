import fs from 'node:fs';
import { fail } from '../domain/problem.js';

const reasons: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** The whole of FILE (or stdin for "-"), read before anything is decided: a failed read changes nothing. */
export const readWholeInput = async (file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> => {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks);
  }
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return fail('InvalidInput', `cannot read ${file}: ${reasons[code] ?? (e as Error).message}`, { file, code });
  }
};

/** Non-blank lines of a JSONL text: the size of an import, for its progress bar. */
export const countLines = (bytes: Buffer): number => {
  let lines = 0;
  let blank = true;
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
