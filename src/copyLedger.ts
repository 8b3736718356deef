import type { StoredEvent } from '../events/index.js';
import { verifyLedger, type VerifyResult } from './integrity/verify.js';
import { fail } from './domain/problem.js';
import type { AppendBatch, EventStore, StreamHead } from './store/eventStore.js';

/** Events per batch: EventStoreDB appends each batch atomically and bounds the size of one append. */
const BATCH_EVENTS = 500;
/** Events read before they are written: memory bounded by the chunk, not the ledger. */
const CHUNK_EVENTS = 5_000;

/** The event of `stream` at `revision` in the source, read alone. */
const eventAt = async (store: EventStore, stream: string, revision: number): Promise<StoredEvent | undefined> => {
  for await (const e of store.iterateStream(stream, revision)) return e.revision === revision ? e : undefined;
  return undefined;
};

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
    const event = s && s.revision >= t.revision ? await eventAt(source, t.stream, t.revision) : undefined;
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

/**
 * Reads the source in append order and appends what the target lacks, a chunk at a time, in
 * batches per stream at their expected revision. Returns the events written and those already there.
 */
const copyEvents = async (
  source: EventStore,
  target: EventStore,
  from: ReadonlyMap<string, number>,
  read: (events: number) => void,
): Promise<{ copied: number; alreadyPresent: number }> => {
  const tips = new Map(from);
  const open = new Map<string, StoredEvent[]>();
  let batches: AppendBatch[] = [];
  let pending = 0;
  let copied = 0;
  let seen = 0;
  const close = (stream: string) => {
    const events = open.get(stream);
    if (!events?.length) return;
    const expectedRevision = tips.get(stream) ?? -1;
    batches.push({ stream, expectedRevision, events });
    tips.set(stream, expectedRevision + events.length);
    open.delete(stream);
  };
  const flush = async () => {
    for (const stream of [...open.keys()]) close(stream);
    if (batches.length) await target.append(batches);
    copied += pending;
    batches = [];
    pending = 0;
  };
  for await (const e of source.readAll()) {
    read((seen += 1));
    if (e.revision <= (from.get(e.stream) ?? -1)) continue;
    const events = open.get(e.stream) ?? [];
    events.push(e);
    open.set(e.stream, events);
    pending += 1;
    if (events.length >= BATCH_EVENTS) close(e.stream);
    if (pending >= CHUNK_EVENTS) await flush();
  }
  await flush();
  return { copied, alreadyPresent: seen - copied };
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
 * The source is read and written a chunk at a time; a target that offers transactions (memory,
 * SQLite) receives every chunk in one, so a copy that fails leaves it as it was.
 */
export const copyLedger = async (source: EventStore, target: EventStore, progress: CopyProgress = {}): Promise<CopyResult> => {
  const sourceHeads = await source.heads();
  const from = await resumePoints(source, target, sourceHeads);
  const copy = () => copyEvents(source, target, from, (n) => progress.read?.(n));
  const { copied, alreadyPresent } = target.transaction ? await target.transaction(copy) : await copy();
  progress.phase?.('verifying');
  const verified = await verifyLedger(target, progress.verified ? { onProgress: progress.verified } : {});
  const result: CopyResult = {
    from: source.description,
    to: target.description,
    copied,
    alreadyPresent,
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
