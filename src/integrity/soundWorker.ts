import { parentPort, workerData } from 'node:worker_threads';
import { soundStream } from './soundStream.js';
import { openSqliteRows } from './storedRows.js';

/**
 * A worker thread's lane of the one-pass check (soundLanes.ts): it opens the SQLite file itself,
 * tries to prove each of its streams sound (soundStream.ts) and posts, per stream, how many events
 * the proof covered (none when the stream could not be proven) and the hash at the revision a
 * digest pins, with the rows read as it goes, for progress.
 */

/**
 * What a lane is given: the file, its streams, per stream the revision whose hash a digest pins,
 * and whether the disposal caches are checked.
 */
export type LaneRequest = Readonly<{
  file: string;
  streams: ReadonlyArray<string>;
  hashAt: Readonly<Record<string, number>>;
  disposalCaches: boolean;
}>;

export type LaneMessage =
  | Readonly<{ kind: 'rows'; n: number }>
  | Readonly<{ kind: 'stream'; stream: string; events: number | undefined; hash: string | undefined }>;

const prove = async (request: LaneRequest, post: (message: LaneMessage) => void): Promise<void> => {
  const rows = openSqliteRows(request.file, request.disposalCaches);
  try {
    for (const stream of request.streams) {
      const paired = rows.pairedOf?.(stream);
      const at = request.hashAt[stream];
      const proven = paired && soundStream(stream, paired, (n) => post({ kind: 'rows', n }), at);
      post({ kind: 'stream', stream, events: proven?.events, hash: proven && at !== undefined ? proven.hashAt(at) : undefined });
    }
  } finally {
    await rows.close();
  }
};

// An uncaught failure ends the thread with an 'error' event: the caller then checks in its own thread.
if (parentPort) {
  const port = parentPort;
  void prove(workerData as LaneRequest, (message) => port.postMessage(message)).then(() => port.close());
}
