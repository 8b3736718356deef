import type { StoredEvent } from '../../events/index.js';
import type { EventStore } from '../store/eventStore.js';
import { checkChain, type ChainBreak } from '../store/hashChain.js';
import type { Digest, DigestEntry } from './digest.js';
import { firstDerivedBreak } from './derivedCheck.js';
import { firstInvariantBreak } from './replayCheck.js';
import { IdIndex } from './idIndex.js';
import { OFF_THREAD_FROM, PARALLEL_FROM, proveInLanes } from './soundLanes.js';
import { soundStream, type SoundStream } from './soundStream.js';
import { storedRowsOf, type StoredRow, type StoredRows } from './storedRows.js';

export type VerifyProblemKind =
  | ChainBreak['kind']
  /** a stored row that does not decode */
  | 'corrupt'
  /** an event that would be rejected if it were appended now at its place (docs/invariants.md) */
  | 'invariant'
  | 'duplicateId'
  /** against a saved digest: a stream it lists is gone, shorter, or different at the digest's revision */
  | 'missingStream'
  | 'truncated'
  | 'rewritten'
  /** SQLite schema v2: a derived row (timeline, retraction, mention, snapshot) that disagrees with the envelopes */
  | 'derived';

export type VerifyProblem = Readonly<{ stream: string; revision: number; kind: VerifyProblemKind; message: string }>;

/** The docs/cli.md `verify` JSON document. */
export type VerifyResult = Readonly<{ ok: boolean; streams: number; events: number; problems: VerifyProblem[] }>;

export type VerifyOptions = Readonly<{
  /**
   * Only these streams (an audit verifies its issuer's stream and the `holders` and `fx` streams it
   * reads); every stream when absent. A named stream the ledger does not hold is not counted; the
   * digest is compared on the named streams only. The result counts the streams and events checked.
   */
  streams?: ReadonlyArray<string>;
  /** A saved digest the current log must extend (docs/integrity.md). */
  digest?: Digest;
  /** Called as streams are checked: events checked so far, and in all. */
  onProgress?: (checked: number, total: number) => void;
  /** Where the rows come from; by default straight from the store (see storedRowsOf). */
  rows?: StoredRows;
  /**
   * From how many events the one-pass check leaves this thread: in two lanes, one on a worker
   * thread (soundLanes.ts), from PARALLEL_FROM by default; all on the worker with `offThread`,
   * from OFF_THREAD_FROM by default.
   */
  parallelFrom?: number;
  /** Run the one-pass check on the worker thread only, leaving this one free meanwhile (the audit report builds its figures). */
  offThread?: boolean;
  /**
   * Whether the disposal caches (src/disposalCache.ts) are checked too (by default): each costs a
   * lot fold of its stream. The audit report reads none, and leaves them to `verify`.
   */
  disposalCaches?: boolean;
}>;

type Decoded = Extract<StoredRow, { event: StoredEvent }>;
const isDecoded = (row: StoredRow): row is Decoded => 'event' in row;

/**
 * The first place a stream's stored rows stop being a sound chain: a row that does not decode, a
 * row filed under a revision its event does not carry, or a break of the hash chain. Returns it
 * with the events before it, which are the ones worth replaying.
 */
const firstStructuralBreak = (stream: string, rows: ReadonlyArray<StoredRow>): { problem?: VerifyProblem; sound: StoredEvent[] } => {
  const corruptAt = rows.findIndex((row) => !isDecoded(row));
  const decoded = (corruptAt < 0 ? rows : rows.slice(0, corruptAt)) as Decoded[];
  const events = decoded.map((row) => row.event);
  const candidates: Array<{ index: number; problem: VerifyProblem }> = [];
  const chainBreak = checkChain(stream, events);
  if (chainBreak) candidates.push({ index: chainBreak.revision, problem: chainBreak });
  const misfiled = decoded.findIndex((row) => row.revision !== row.event.revision);
  if (misfiled >= 0) {
    const row = decoded[misfiled]!;
    candidates.push({
      index: misfiled,
      problem: {
        stream,
        revision: misfiled,
        kind: 'revision',
        message: `the row stored at revision ${row.revision} holds the event of revision ${row.event.revision} (${row.event.id})`,
      },
    });
  }
  if (corruptAt >= 0) {
    const row = rows[corruptAt] as Extract<StoredRow, { corrupt: string }>;
    candidates.push({
      index: corruptAt,
      problem:
        row.revision === corruptAt
          ? { stream, revision: corruptAt, kind: 'corrupt', message: `the stored event does not decode: ${row.corrupt}` }
          : {
              stream,
              revision: corruptAt,
              kind: 'revision',
              message: `expected revision ${corruptAt}, found a row at revision ${row.revision} (an event was deleted); it does not decode either: ${row.corrupt}`,
            },
    });
  }
  const first = candidates.reduce<(typeof candidates)[number] | undefined>(
    (a, b) => (a === undefined || b.index < a.index ? b : a),
    undefined,
  );
  return first ? { problem: first.problem, sound: events.slice(0, first.index) } : { sound: events };
};

/**
 * A row filed under another id than its event's: look-ups by id (the "already present" check of
 * append and import, retract, correct) would miss the event, so it could be appended twice.
 */
const misindexed = (stream: string, rows: ReadonlyArray<StoredRow>): VerifyProblem | undefined => {
  const at = rows.findIndex((row) => isDecoded(row) && row.indexedId !== undefined && row.indexedId !== row.event.id.toLowerCase());
  if (at < 0) return undefined;
  const row = rows[at] as Decoded;
  return {
    stream,
    revision: at,
    kind: 'corrupt',
    message: `the row is filed under id ${row.indexedId}, but its event is ${row.event.id}: look-ups by id would miss it`,
  };
};

/**
 * docs/integrity.md: the current log extends the digest when the stream reaches its revision with
 * the same hash there. `length`: the stream's rows; `hashAt`: the hash stored at a revision below
 * it (undefined when that row does not decode, which is reported already).
 */
const digestProblem = (entry: DigestEntry, length: number, hashAt: (revision: number) => string | undefined): VerifyProblem | undefined => {
  const { stream, revision, hash } = entry;
  if (length <= revision)
    return {
      stream,
      revision: length,
      kind: 'truncated',
      message: `the stream now ends at revision ${length - 1}, but the digest recorded revision ${revision}: events were removed`,
    };
  const stored = hashAt(revision);
  if (stored === undefined || stored === hash) return undefined;
  return {
    stream,
    revision,
    kind: 'rewritten',
    message: `the event at revision ${revision} has hash ${stored.slice(0, 12)}…, the digest recorded ${hash.slice(0, 12)}…: the history up to this revision was rewritten`,
  };
};

const byPlace = (a: VerifyProblem, b: VerifyProblem): number =>
  a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.revision - b.revision;

/**
 * Verifies the whole ledger, or the named streams (docs/integrity.md): recomputes every stream's hash
 * chain and reports where it first breaks; re-checks that every event passes its invariants;
 * checks event ids are unique across the ledger; and with a digest, that the log extends it.
 * Streams are checked one at a time. On SQLite a stream is first checked in one pass over its
 * rows, a page at a time (soundStream.ts); a stream that pass cannot prove sound, and every stream
 * of another store, is checked the exact way, which finds and words each problem. After a stream's
 * first break its later events are not re-checked: nothing after it can be trusted.
 */
export const verifyLedger = async (store: EventStore, options: VerifyOptions = {}): Promise<VerifyResult> => {
  const rows = options.rows ?? storedRowsOf(store, options.disposalCaches ?? true);
  try {
    const named = options.streams && new Set(options.streams);
    const streams = named ? (await rows.streams()).filter((s) => named.has(s)) : await rows.streams();
    const total = await rows.count(named && streams);
    const digest = new Map(
      (options.digest?.streams ?? []).filter((entry) => !named || named.has(entry.stream)).map((entry) => [entry.stream, entry]),
    );
    const ids = new IdIndex(streams, (stream, revision) => rows.idAt(stream, revision));
    const sound = new Set<string>();
    const misfiled: Array<{ stream: string; revision: number; id: string }> = [];
    const problems: VerifyProblem[] = [];
    // Progress never goes back: the lanes count the rows they read before the streams are walked.
    let shown = 0;
    const progress = (n: number) => {
      if (n > shown) options.onProgress?.((shown = n), total);
    };
    const proofs = await provenAhead(rows, streams, total, digest, options, progress);
    let checked = 0;
    for (const stream of streams) {
      let read = 0;
      // A stream a lane could not prove gets the pass again here, where the problem is found and worded.
      const paired = proofs?.has(stream) ? undefined : rows.pairedOf?.(stream);
      const proven =
        proofs?.get(stream) ??
        (paired &&
          soundStream(
            stream,
            paired,
            (n) => {
              read += n;
              progress(checked + read);
            },
            digest.get(stream)?.revision,
          ));
      if (proven) {
        sound.add(stream);
        checked += proven.events;
        const entry = digest.get(stream);
        const drift = entry && digestProblem(entry, proven.events, (revision) => proven.hashAt(revision));
        if (drift) problems.push(drift);
        continue;
      }
      const streamRows = await rows.rowsOf(stream);
      problems.push(...(await checkExactly(stream, streamRows, rows, ids, sound, misfiled, digest.get(stream))));
      checked += streamRows.length;
      progress(checked);
    }
    problems.push(...(await duplicatesOfMisfiled(misfiled, sound, rows)));
    const present = new Set(streams);
    for (const entry of digest.values())
      if (!present.has(entry.stream))
        problems.push({
          stream: entry.stream,
          revision: 0,
          kind: 'missingStream',
          message: `the digest lists the stream at revision ${entry.revision}, but it is gone`,
        });
    problems.sort(byPlace);
    return { ok: problems.length === 0, streams: streams.length, events: checked, problems };
  } finally {
    await rows.close();
  }
};

/**
 * The one-pass proofs of the streams, run ahead in two lanes (one on a worker thread), or all on
 * the worker (`offThread`), when the ledger is an SQLite file of enough events; undefined
 * otherwise, or when no worker can run.
 */
const provenAhead = async (
  rows: StoredRows,
  streams: ReadonlyArray<string>,
  total: number,
  digest: ReadonlyMap<string, DigestEntry>,
  options: VerifyOptions,
  progress: (n: number) => void,
): Promise<ReadonlyMap<string, SoundStream> | undefined> => {
  const from = options.parallelFrom ?? (options.offThread ? OFF_THREAD_FROM : PARALLEL_FROM);
  if (rows.file === undefined || rows.pairedOf === undefined || total < from || (streams.length < 2 && !options.offThread))
    return undefined;
  const sized = await Promise.all(
    streams.map(async (stream) => {
      const events = await rows.count([stream]);
      return { stream, events, cost: events * (1 + LOT_FOLD_COST * (rows.cachesAtHead?.(stream) ?? 0)) };
    }),
  );
  const hashAt = Object.fromEntries([...digest.values()].map((entry) => [entry.stream, entry.revision]));
  let read = 0;
  const onRows = (n: number) => progress((read += n));
  const pairedOf = rows.pairedOf;
  const here = (stream: string) => {
    const paired = pairedOf(stream);
    return paired && soundStream(stream, paired, onRows, hashAt[stream]);
  };
  const proofs = await proveInLanes(
    { file: rows.file, hashAt, disposalCaches: options.disposalCaches ?? true },
    sized,
    onRows,
    options.offThread ? undefined : here,
  );
  if (proofs === undefined) return undefined;
  // A proof counts only if it covers the stream as this thread's snapshot holds it (a writer may
  // have appended since); the others are dropped, and their streams checked here.
  const events = new Map(sized.map((s) => [s.stream, s.events]));
  return new Map([...proofs].filter(([stream, proof]) => proof.events === events.get(stream)));
};

/** What the lot fold of a disposal cache adds to the one-pass check of a stream, per event (measured on the bench's busiest issuer). */
const LOT_FOLD_COST = 0.8;

/**
 * One stream checked the exact way, its rows all read: structure and chain, invariants by replay
 * in revision order, ids, the digest, and the derived rows.
 */
const checkExactly = async (
  stream: string,
  streamRows: ReadonlyArray<StoredRow>,
  rows: StoredRows,
  ids: IdIndex,
  soundStreams: ReadonlySet<string>,
  misfiled: Array<{ stream: string; revision: number; id: string }>,
  entry: DigestEntry | undefined,
): Promise<VerifyProblem[]> => {
  const problems: VerifyProblem[] = [];
  const { problem, sound } = firstStructuralBreak(stream, streamRows);
  if (problem) problems.push(problem);
  const broken = firstInvariantBreak(stream, sound, sound.length < streamRows.length);
  if (broken) problems.push({ stream, revision: broken.revision, kind: 'invariant', message: broken.message });
  for (const e of sound) {
    const row = streamRows[e.revision];
    // Only a row filed under another id can share its id with an event of a stream proven sound
    // (the store's id index keeps the others unique): the earlier such events are looked up now,
    // the later ones once every stream is checked.
    const filedElsewhere = row !== undefined && isDecoded(row) && row.indexedId !== undefined && row.indexedId !== e.id.toLowerCase();
    const earlier = (await ids.placeOf(e.id)) ?? (filedElsewhere ? await earlierSound(e.id, stream, soundStreams, rows) : undefined);
    // A repeat within the stream is already the replay's DuplicateEventId at that revision.
    if (earlier && e.revision !== broken?.revision)
      problems.push({ stream, revision: e.revision, kind: 'duplicateId', message: `event id ${e.id} is also used at ${earlier}` });
    else ids.record(e.id, stream, e.revision);
    if (filedElsewhere) misfiled.push({ stream, revision: e.revision, id: e.id });
  }
  const wrongId = misindexed(stream, streamRows);
  // Reported when it is the stream's first break (an edited envelope id is a hash break already).
  if (wrongId && !problems.some((p) => p.revision <= wrongId.revision)) problems.push(wrongId);
  const head = streamRows.length === 0 ? -1 : streamRows[streamRows.length - 1]!.revision;
  const drift =
    entry &&
    digestProblem(entry, streamRows.length, (revision) => {
      const row = streamRows[revision]!;
      return isDecoded(row) ? row.event.hash : undefined; // an undecodable row is reported already
    });
  if (drift) problems.push(drift);
  // The fast reads (SQLite) trust the derived rows: they must say what the envelopes say. Told
  // only when nothing else is wrong with the stream: a broken chain explains them already.
  const derived = await rows.derivedOf?.(stream);
  const drifted = derived && firstDerivedBreak(stream, sound, derived, head);
  if (drifted && problems.length === 0) problems.push({ stream, revision: drifted.revision, kind: 'derived', message: drifted.message });
  return problems;
};

/** Where an event of a stream proven sound and checked before `stream` has this id (through the store's id index). */
const earlierSound = async (id: string, stream: string, sound: ReadonlySet<string>, rows: StoredRows): Promise<string | undefined> => {
  const other = ((await rows.filedUnder?.(id.toLowerCase())) ?? []).find((o) => o.stream < stream && sound.has(o.stream));
  return other && `${other.stream}@${other.revision}`;
};

/**
 * The rows filed under another id (in streams checked the exact way) against the events of streams
 * proven sound after them: the later of the two, in the order streams are checked, is reported.
 */
const duplicatesOfMisfiled = async (
  misfiled: ReadonlyArray<{ stream: string; revision: number; id: string }>,
  sound: ReadonlySet<string>,
  rows: StoredRows,
): Promise<VerifyProblem[]> => {
  const problems: VerifyProblem[] = [];
  for (const { stream, revision, id } of misfiled)
    for (const other of (await rows.filedUnder?.(id.toLowerCase())) ?? [])
      if (other.stream > stream && sound.has(other.stream))
        problems.push({
          ...other,
          kind: 'duplicateId',
          message: `event id ${(await rows.idAt(other.stream, other.revision)) ?? id} is also used at ${stream}@${revision}`,
        });
  return problems;
};
