import fs from 'node:fs';
import { openPrivateTempFile, type PrivateTempFile } from './privateTempFile.js';

/** Characters of lines held in memory, over every list, before they are written to the file. */
const FLUSH_AT = 4 << 20;

/**
 * Many lists of one-line texts kept in one private temporary file (openPrivateTempFile) rather than
 * in memory: a list's lines are written a chunk at a time, and read back, in order, when it is
 * iterated. The audit report keeps each holder's disposals in one (1.4M lines at 10M events)
 * until it writes them. Lines must not contain a line break. `close` when done.
 */
export class LineSpool {
  private readonly file: PrivateTempFile = openPrivateTempFile('shareledger-lines-', 'lines');
  private readonly lists: SpooledLines[] = [];
  private position = 0;
  private pendingChars = 0;

  /** `flushAt`: characters held in memory before they are written (tests write often). */
  constructor(private readonly flushAt = FLUSH_AT) {}

  /** A new, empty list. */
  list(): SpooledLines {
    const list = new SpooledLines(this);
    this.lists.push(list);
    return list;
  }

  /** @internal A list's line was added: past the threshold, every list's pending lines go to the file. */
  added(chars: number): void {
    this.pendingChars += chars;
    if (this.pendingChars < this.flushAt) return;
    for (const list of this.lists) list.flush();
    this.pendingChars = 0;
  }

  /** @internal Appends `text` to the file: its offset and length in bytes. */
  write(text: string): [number, number] {
    const bytes = Buffer.from(text, 'utf8');
    for (let done = 0; done < bytes.length;) done += fs.writeSync(this.file.fd, bytes, done, bytes.length - done, this.position + done);
    const at = this.position;
    this.position += bytes.length;
    return [at, bytes.length];
  }

  /** @internal The text of `length` bytes at `offset`. */
  read(offset: number, length: number): string {
    const bytes = Buffer.allocUnsafe(length);
    for (let done = 0; done < length;) {
      const n = fs.readSync(this.file.fd, bytes, done, length - done, offset + done);
      if (n === 0) throw new Error(`line spool: ${length - done} bytes missing at ${offset + done}`);
      done += n;
    }
    return bytes.toString('utf8');
  }

  close(): void {
    this.file.close();
  }
}

/** One list of a LineSpool: its chunks in the file, then the lines not written yet. */
export class SpooledLines implements Iterable<string> {
  /** Offset and length of each chunk written, in order. */
  private readonly chunks: Array<[number, number]> = [];
  private pending: string[] = [];

  constructor(private readonly spool: LineSpool) {}

  push(line: string): void {
    if (line.includes('\n')) throw new Error('a spooled line cannot contain a line break');
    this.pending.push(line);
    this.spool.added(line.length);
  }

  /** @internal Writes the pending lines as one chunk. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(this.spool.write(this.pending.join('\n')));
    this.pending = [];
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const [offset, length] of this.chunks) yield* this.spool.read(offset, length).split('\n');
    yield* this.pending;
  }
}
