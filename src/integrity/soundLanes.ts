import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pinned, type SoundStream } from './soundStream.js';
import type { LaneMessage, LaneRequest } from './soundWorker.js';

/**
 * The one-pass check of many streams in two lanes balanced by cost (events): one in the caller's thread,
 * one on a worker thread (soundWorker.ts), so on a multi-core machine `verify` proves streams at
 * about twice the speed of one thread, for the memory of one more thread. Only proofs cross
 * threads; `verify` still walks the streams in order and checks there, the exact way, every
 * stream a lane could not prove, so its report is the one a single thread gives (docs/integrity.md).
 */

/**
 * Below this many events, splitting the pass costs more than it saves: two threads side by side
 * each run slower on a two-core machine, and starting one costs ~0.1 s.
 */
export const PARALLEL_FROM = 100_000;
/** Below this many events, a pass on the worker while this thread does other work gains less than the worker costs to start. */
export const OFF_THREAD_FROM = 10_000;

/**
 * The worker's file beside this module: soundWorker.js in the library build, soundWorker.cjs
 * beside the CLI bundle (src/cli/bundle/build.ts). Undefined when running from the TypeScript
 * sources (tests): then everything is checked in the caller's thread.
 */
const workerFile = (): string | undefined =>
  ['./soundWorker.js', './soundWorker.cjs'].map((name) => fileURLToPath(new URL(name, import.meta.url))).find((f) => fs.existsSync(f));

/** A stream to prove, and what proving it costs (its events, weighted by what else its check folds). */
export type LaneStream = Readonly<{ stream: string; cost: number }>;

/** Splits streams into two lanes of about equal cost: the costliest first, each to the lighter lane. */
const lanesOf = (streams: ReadonlyArray<LaneStream>): [string[], string[]] => {
  type Lane = { cost: number; streams: string[] };
  const lanes: [Lane, Lane] = [
    { cost: 0, streams: [] },
    { cost: 0, streams: [] },
  ];
  for (const s of [...streams].sort((a, b) => b.cost - a.cost)) {
    const lighter = lanes[0].cost <= lanes[1].cost ? lanes[0] : lanes[1];
    lighter.cost += s.cost;
    lighter.streams.push(s.stream);
  }
  return [lanes[0].streams.sort(), lanes[1].streams.sort()];
};

const runLane = (file: string, request: LaneRequest, onRows: (n: number) => void, proofs: Map<string, SoundStream | undefined>) =>
  new Promise<void>((resolve, reject) => {
    // A small young generation: the lane's garbage is short-lived, and the thread's memory counts against the process.
    const worker = new Worker(file, { workerData: request, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.on('message', (m: LaneMessage) => {
      if (m.kind === 'rows') onRows(m.n);
      else {
        proofs.set(m.stream, m.events === undefined ? undefined : pinned(m.events, request.hashAt[m.stream], m.hash));
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a verify worker exited with code ${code}`))));
  });

/**
 * Tries to prove each stream sound, half of them (by cost) on a worker thread reading the
 * ledger's file, the other half here with `here`, or all of them on the worker when there is no
 * `here` (this thread stays free for other work): the proofs found. Undefined when no worker can
 * run (no worker file): the caller then checks every stream itself. A worker that fails proves
 * nothing; the caller checks its streams itself. `ledger`: the file, per stream the revision whose
 * hash a digest pins, and whether disposal caches are checked.
 */
export const proveInLanes = async (
  ledger: Omit<LaneRequest, 'streams'>,
  streams: ReadonlyArray<LaneStream>,
  onRows: (n: number) => void,
  here: ((stream: string) => SoundStream | undefined) | undefined,
): Promise<Map<string, SoundStream> | undefined> => {
  const worker = workerFile();
  if (worker === undefined) return undefined;
  const [mine, theirs] = here ? lanesOf(streams) : [[], streams.map((s) => s.stream)];
  const fromWorker = new Map<string, SoundStream | undefined>();
  const lane = runLane(worker, { ...ledger, streams: theirs }, onRows, fromWorker).then(
    () => true,
    () => false,
  );
  const proofs = new Map<string, SoundStream>();
  for (const stream of mine) {
    const proven = here?.(stream);
    if (proven) proofs.set(stream, proven);
    // Between streams, the worker's messages (its progress) are taken in.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (await lane) for (const [stream, proven] of fromWorker) if (proven) proofs.set(stream, proven);
  return proofs;
};
