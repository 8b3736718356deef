import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A file open for reading and writing that only this process can reach, and that nothing outlives. */
export type PrivateTempFile = Readonly<{ fd: number; close: () => void }>;

/**
 * Opens `name` in a new private directory of the system's temporary directory (`prefix` names it)
 * and unlinks it at once, so that a process killed or interrupted leaves nothing behind: the open
 * descriptor is then the file's only reference. Where the system will not unlink an open file,
 * `close` removes it.
 */
export const openPrivateTempFile = (prefix: string, name: string): PrivateTempFile => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const fd = fs.openSync(path.join(dir, name), 'w+', 0o600);
  let left: string | undefined;
  try {
    fs.rmSync(dir, { recursive: true });
  } catch {
    left = dir;
  }
  return {
    fd,
    close: () => {
      fs.closeSync(fd);
      if (left !== undefined) fs.rmSync(left, { recursive: true, force: true });
    },
  };
};
