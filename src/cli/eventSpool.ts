import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { PlannedEvent } from '../domain/decide.js';
import { openPrivateTempFile, type PrivateTempFile } from '../privateTempFile.js';
import { appendedEventJson } from './views/appendReport.js';

type Sink = { write(chunk: string): unknown; once?(event: 'drain', listener: () => void): unknown };

/** Bytes gathered before they are written to the spool file. */
const FLUSH_AT = 1 << 20;

/**
 * The `events` of an import's JSON report, kept on disk as they are decided (one JSON object a
 * line, in a private temporary file) rather than as millions of objects, and written out after the
 * commit. An import killed or interrupted leaves nothing in the temporary directory
 * (openPrivateTempFile).
 */
export class EventSpool {
  private readonly file: PrivateTempFile = openPrivateTempFile('shareledger-import-', 'events.jsonl');
  private pending: string[] = [];
  private pendingBytes = 0;
  private count = 0;

  add(p: PlannedEvent): void {
    const text = `${this.count === 0 ? '' : ',\n'}    ${JSON.stringify(appendedEventJson(p))}`;
    this.count += 1;
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    fs.writeSync(this.file.fd, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes `head`, then the events as a JSON array's members, then `tail`, waiting for the sink to drain. */
  async writeTo(sink: Sink, head: string, tail: string): Promise<void> {
    this.flush();
    const write = async (chunk: string): Promise<void> => {
      if (sink.write(chunk) === false && sink.once) await new Promise<void>((resolve) => sink.once!('drain', resolve));
    };
    await write(head);
    const buffer = Buffer.alloc(FLUSH_AT);
    // A character cut at the buffer's end is completed by the next read.
    const utf8 = new StringDecoder('utf8');
    for (let position = 0; ;) {
      const n = fs.readSync(this.file.fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      position += n;
      await write(utf8.write(buffer.subarray(0, n)));
    }
    await write(utf8.end() + tail);
  }

  close(): void {
    this.file.close();
  }
}
