import type { StoredEvent } from '../events/index.js';
import { verifyLedger, type VerifyResult } from './integrity/verify.js';
import { fail } from './domain/problem.js';
import type { AppendBatch, EventStore, StreamHead } from './store/eventStore.js';

/** Events per batch: EventStoreDB appends each batch atomically and bounds the size of one append. */
const BATCH_EVENTS = 500;

/**
 * Where the target stands: empty, or holding an earlier (interrupted) copy of this ledger, which
 * the copy continues. Anything else is refused before a single event is written.
 */
const resumePoints = async (
  source: EventStore,
  target: EventStore,
  sourceHeads: ReadonlyArray<StreamHead>,
): Promise<Map<string, number>> => {
  const heads = new Map(sourceHeads.map((h) => [h.stream, h]));
  const points = new Map<string, number>();
  for (const t of await target.heads()) {
    const s = heads.get(t.stream);
    const event = s && s.revision >= t.revision ? (await source.readStream(t.stream))[t.revision] : undefined;
    if (!event || event.hash !== t.hash)
      fail(
        'VerificationFailed',
        `the target ${target.description} already holds a different ledger (stream ${t.stream} at revision ${t.revision} differs from the source): copy into an empty store`,
        {
          stream: t.stream,
          revision: t.revision,
        },
      );
    points.set(t.stream, t.revision);
  }
  return points;
};

const batchesOf = (events: ReadonlyArray<StoredEvent>, from: Map<string, number>): AppendBatch[] => {
  const tips = new Map(from);
  const open = new Map<string, StoredEvent[]>();
  const batches: AppendBatch[] = [];
  const close = (stream: string) => {
    const pending = open.get(stream);
    if (!pending?.length) return;
    const expectedRevision = tips.get(stream) ?? -1;
    batches.push({ stream, expectedRevision, events: pending });
    tips.set(stream, expectedRevision + pending.length);
    open.delete(stream);
  };
  for (const e of events) {
    if (e.revision <= (from.get(e.stream) ?? -1)) continue;
    const pending = open.get(e.stream) ?? [];
    pending.push(e);
    open.set(e.stream, pending);
    if (pending.length >= BATCH_EVENTS) close(e.stream);
  }
  for (const stream of [...open.keys()]) close(stream);
  return batches;
};

const sameHeads = (a: ReadonlyArray<StreamHead>, b: ReadonlyArray<StreamHead>): boolean =>
  a.length === b.length && a.every((h, i) => h.stream === b[i]!.stream && h.revision === b[i]!.revision && h.hash === b[i]!.hash);

export type CopyResult = Readonly<{
  from: string;
  to: string;
  copied: number;
  alreadyPresent: number;
  streams: number;
  headsMatch: boolean;
  verify: VerifyResult;
}>;

export type CopyProgress = Readonly<{
  read?: (events: number) => void;
  phase?: (title: string) => void;
  verified?: (events: number) => void;
}>;

/**
 * Copies a whole ledger (docs/stores.md `copy`): every stored envelope unchanged — recordedAt, actor and
 * hashes included — in append order, in batches per stream at their expected revision, then
 * verifies the target (every chain and invariant) and compares its stream heads with the source.
 * The target must be empty or hold an earlier copy of this ledger, which the copy continues.
 * Memory and SQLite targets receive all batches in one atomic append.
 */
export const copyLedger = async (source: EventStore, target: EventStore, progress: CopyProgress = {}): Promise<CopyResult> => {
  const sourceHeads = await source.heads();
  const from = await resumePoints(source, target, sourceHeads);
  const events: StoredEvent[] = [];
  for await (const e of source.readAll()) {
    events.push(e);
    progress.read?.(events.length);
  }
  const batches = batchesOf(events, from);
  const copied = batches.reduce((n, b) => n + b.events.length, 0);
  progress.phase?.(`writing ${copied.toLocaleString('en-US')} events`);
  if (batches.length) await target.append(batches);
  progress.phase?.('verifying');
  const verified = await verifyLedger(target, progress.verified ? { onProgress: progress.verified } : {});
  const result: CopyResult = {
    from: source.description,
    to: target.description,
    copied,
    alreadyPresent: events.length - copied,
    streams: sourceHeads.length,
    headsMatch: sameHeads(sourceHeads, await target.heads()),
    verify: verified,
  };
  if (!result.headsMatch || !verified.ok)
    fail(
      'VerificationFailed',
      `the copy in ${target.description} does not verify: ${verified.problems[0]?.message ?? 'its stream heads differ from the source'}`,
      result,
    );
  return result;
};
