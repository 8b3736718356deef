import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A file open for reading and writing that only this process can reach, and that nothing outlives. */
export type PrivateTempFile = Readonly<{ fd: number; close: () => void }>;

/**
 * Creates a file of a new random name in the system's temporary directory (`prefix` and `name`
 * name it), readable and writable by its owner only and created exclusively (never an existing
 * file or a link planted there), and unlinks it at once: the open descriptor is then the file's
 * only reference, so a process killed or interrupted leaves nothing behind. Only a kill landing
 * between those two system calls can leave the file; with a private directory made, filled and
 * removed, as before, the window spanned several calls, and the crash suite once caught a SIGKILL
 * in it. Where the system will not unlink an open file, `close` removes it.
 */
export const openPrivateTempFile = (prefix: string, name: string): PrivateTempFile => {
  const file = path.join(os.tmpdir(), `${prefix}${randomBytes(12).toString('hex')}-${name}`);
  const fd = fs.openSync(file, 'wx+', 0o600);
  let left: string | undefined;
  try {
    fs.unlinkSync(file);
  } catch {
    left = file;
  }
  return {
    fd,
    close: () => {
      fs.closeSync(fd);
      if (left !== undefined) fs.rmSync(left, { force: true });
    },
  };
};
