import type { HolderId, IssuerId } from '../events/index.js';
import { HOLDERS_STREAM, issuerOfStream, toIssuerStreamId } from '../events/index.js';
import { ALL_KNOWN, END_OF_TIME, type PointInTime } from '../projections/timeline.js';
import { evolveIssuer, initialIssuerState, type IssuerState } from './domain/issuerState.js';
import type { PlacedEvent } from './domain/timeline.js';
import { checkHolderKnown, checkIssuerKnown } from './knownNames.js';
import type { DerivedReads, Retraction, SnapshotRow, TimelineEntry } from './store/derivedReads.js';
import type { EventStore } from './store/eventStore.js';
import { decodeState, encodeState, SnapshotStateError } from './store/snapshotState.js';

/**
 * Persisted projection snapshots, kept by a store that offers derived reads (EventStore.derivedReads:
 * the SQLite store): an issuer's state at the end of a date D, so a cold `stake` or `cap-table`
 * reads one snapshot and the timeline after D instead of the whole stream.
 *
 * A snapshot (stream, D, revision R, recordedAt M) folds every event of the stream dated ≤ D that
 * is not retracted, as the ledger stood at revision R. Why it answers exactly:
 * - Nothing appended after R affects a date ≤ D: the append of an event dated ≤ D, or of a
 *   retraction of one, deletes the stream's snapshots dated ≥ that date in the same write, and a
 *   snapshot is kept only if the stream is still at R when it is stored (DerivedReads.saveSnapshots;
 *   SQLite does both in one transaction, which a crash loses whole, never half of).
 * - M is the latest recordedAt among the events it folds or skips as retracted, and their
 *   retractions. A question as known at K ≥ M saw all of them and the same retractions, so the
 *   part of its timeline dated ≤ D is the snapshot's; for K < M the snapshot is not used.
 * A question (asOf, knownAt) takes the latest usable snapshot dated ≤ asOf and folds the events
 * dated in (D, asOf] that it knows of, which is the rest of the full replay's timeline, in order.
 *
 * Snapshots are written as a by-product of a fold that covers more than `snapshotPolicy.every` events
 * with full knowledge (nothing recorded after knownAt, no retraction unknown at knownAt): at each
 * date boundary past every `every` events, and at its end. A query therefore leaves
 * snapshots behind on its first long fold, and `refreshSnapshots` (after an import) takes them for
 * every issuer. The store keeps them without waiting: a read-only or busy store simply gets none.
 */

/**
 * `every`: events folded between two snapshots (bounds the tail a cold question folds); `end`: a
 * fold's end is snapshotted when it folded at least this many since the last one. Mutable so
 * tests can take snapshots of small ledgers.
 */
export const snapshotPolicy = { every: 10_000, end: 5_000 };

export type Fold = {
  state: IssuerState;
  /** Timeline rows read after the snapshot used (or from the start). */
  read: number;
  snapshots: SnapshotRow[];
};

/**
 * Every retraction of the stream: the retracted event → the earliest recordedAt of a retraction
 * of it. Keyed by the target's revision when every target is an earlier event of the stream (a
 * number is cheaper to look up than a UUID a million times), else by id.
 */
type Retracted = { byRevision: true; at: Map<number, string> } | { byRevision: false; at: Map<string, string> };

const retractionsOf = (reads: DerivedReads, stream: string, head: number): Retracted => {
  const rows = reads.retractions(stream).filter((r) => r.revision <= head);
  const earliest = <K>(key: (r: Retraction) => K): Map<K, string> => {
    const at = new Map<K, string>();
    for (const r of rows) {
      const k = key(r);
      const known = at.get(k);
      if (known === undefined || r.recordedAt < known) at.set(k, r.recordedAt);
    }
    return at;
  };
  return rows.every((r) => r.targetRevision !== null)
    ? { byRevision: true, at: earliest((r) => r.targetRevision!) }
    : { byRevision: false, at: earliest((r) => r.target) };
};

const retractedAtOf = (retracted: Retracted, e: PlacedEvent): string | undefined =>
  retracted.at.size === 0 ? undefined : retracted.byRevision ? retracted.at.get(e.revision) : retracted.at.get(e.id);

/**
 * The events of a stream dated in (after, at.asOf] that count at `at` (recorded by knownAt, not
 * retracted by a retraction recorded by knownAt, retractions themselves left out), in timeline
 * order: the replay's timeline (projections/timeline.ts selectTimeline) of those dates. `rows`:
 * a part of the stream's timeline rows of those dates to select from instead of all of them.
 */
export const selectRows = function* (
  reads: DerivedReads,
  stream: string,
  after: string,
  at: PointInTime,
  rows: Iterable<TimelineEntry> = reads.timeline(stream, after, at.asOf),
): Generator<PlacedEvent> {
  const head = reads.head(stream);
  const retracted = retractionsOf(reads, stream, head);
  for (const { event: e, recordedAt } of rows) {
    if (e.type === 'EventRetracted' || recordedAt > at.knownAt || e.revision > head) continue;
    const retractedAt = retractedAtOf(retracted, e);
    if (retractedAt !== undefined && retractedAt <= at.knownAt) continue;
    yield e;
  }
};

/**
 * Folds an issuer's timeline from `start` (a snapshot, or the beginning) to the end of at.asOf,
 * and takes snapshots on the way when `collect` is set (see the module comment). Synchronous:
 * run it inside `reads.consistent`.
 */
export const foldIssuer = (
  reads: DerivedReads,
  issuer: IssuerId,
  at: PointInTime,
  start: SnapshotRow | undefined,
  head: number,
  collect: boolean,
): Fold => {
  const stream = toIssuerStreamId(issuer);
  const state = start ? decodeState(issuer, start.state) : initialIssuerState(issuer);
  const after = start?.date ?? '';
  const retracted = retractionsOf(reads, stream, head);
  const snapshots: SnapshotRow[] = [];
  const knownAt = at.knownAt;
  let complete = true;
  let latest = start?.recordedAt ?? '';
  let folded = start?.events ?? 0;
  let since = 0;
  let read = 0;
  let lastDate = after;
  const take = (date: string): void => {
    snapshots.push({ date, revision: head, recordedAt: latest, events: folded, state: encodeState(state) });
    since = 0;
  };
  for (const { event: e, recordedAt } of reads.timeline(stream, after, at.asOf)) {
    const date = e.date;
    if (date !== lastDate) {
      if (collect && complete && since >= snapshotPolicy.every) take(lastDate);
      lastDate = date;
    }
    read++;
    // A row past the head is what a cut at the stream's end leaves: not an event any more.
    if (e.type === 'EventRetracted' || e.revision > head) continue;
    if (recordedAt > knownAt) {
      complete = false;
      continue;
    }
    const retractedAt = retractedAtOf(retracted, e);
    if (retractedAt !== undefined) {
      if (retractedAt <= knownAt) {
        if (recordedAt > latest) latest = recordedAt;
        if (retractedAt > latest) latest = retractedAt;
        continue;
      }
      // Counted at knownAt, retracted since: this fold is not the ledger's final word on the date.
      complete = false;
    }
    evolveIssuer(state, e);
    if (recordedAt > latest) latest = recordedAt;
    folded++;
    since++;
  }
  if (collect && complete && since >= snapshotPolicy.end) take(lastDate);
  return { state, read, snapshots };
};

/** What a stake or cap-table question needs from the derived reads, read consistently. */
export type FastOwnership = Readonly<{ state: IssuerState; holdersTimeline: PlacedEvent[] | undefined }>;

/** `holder`: the holder asked about (checked as known); `holders`: whether the holders timeline is needed too. */
export type OwnershipNeeds = Readonly<{ holder?: HolderId; holders: boolean }>;

/**
 * The issuer's state at `at` (and the holders timeline when asked), from snapshots and the derived
 * timeline; undefined when the store's derived reads do not cover the streams (damaged at
 * migration): then the caller replays the envelopes. Checks the issuer and the holder with the
 * replaying path's own checks (src/knownNames.ts).
 */
export const fastOwnership = (reads: DerivedReads, issuer: IssuerId, at: PointInTime, needs: OwnershipNeeds): FastOwnership | undefined => {
  const stream = toIssuerStreamId(issuer);
  const answer = reads.consistent(() => {
    if (reads.isDamaged(stream) || reads.isDamaged(HOLDERS_STREAM)) return undefined;
    const head = reads.head(stream);
    checkIssuerKnown(issuer, { registered: reads.isRegistered(stream, at.knownAt), hasEvents: head >= 0 }, at.knownAt);
    if (needs.holder !== undefined)
      checkHolderKnown(
        needs.holder,
        (holder, knownAt) => reads.isNamed([stream, HOLDERS_STREAM], holder, knownAt),
        at.knownAt,
        `of ${issuer}`,
      );
    let start = reads.snapshotFor(stream, at.asOf, at.knownAt, head);
    let fold: Fold;
    try {
      fold = foldIssuer(reads, issuer, at, start, head, true);
    } catch (e) {
      if (!(e instanceof SnapshotStateError)) throw e;
      // A damaged snapshot is only a lost shortcut: fold from the beginning.
      start = undefined;
      fold = foldIssuer(reads, issuer, at, undefined, head, true);
    }
    const holdersTimeline = needs.holders ? [...selectRows(reads, HOLDERS_STREAM, '', at)] : undefined;
    return { head, fold, holdersTimeline };
  });
  if (!answer) return undefined;
  reads.saveSnapshots(stream, answer.head, answer.fold.snapshots);
  return { state: answer.fold.state, holdersTimeline: answer.holdersTimeline };
};

/**
 * Takes snapshots of every issuer of a store that keeps them (one with derived reads), or of the
 * streams in `only`, with full knowledge, from each one's latest snapshot to its last date (e.g.
 * after an import, so the first cold query is fast too). Returns how many were stored; 0 for
 * other stores.
 */
export const refreshSnapshots = async (store: EventStore, only?: Iterable<string>): Promise<number> => {
  const reads = store.derivedReads;
  if (!reads) return 0;
  let stored = 0;
  const wanted = only === undefined ? undefined : new Set(only);
  for (const stream of reads.streams()) {
    if (wanted !== undefined && !wanted.has(stream)) continue;
    const issuer = issuerOfStream(stream);
    if (!issuer) continue;
    const taken = reads.consistent(() => {
      if (reads.isDamaged(stream)) return undefined;
      const head = reads.head(stream);
      const at: PointInTime = { asOf: END_OF_TIME, knownAt: ALL_KNOWN };
      let start = reads.latestSnapshot(stream);
      try {
        return { head, fold: foldIssuer(reads, issuer, at, start, head, true) };
      } catch (e) {
        if (!(e instanceof SnapshotStateError)) throw e;
        start = undefined;
        return { head, fold: foldIssuer(reads, issuer, at, undefined, head, true) };
      }
    });
    if (taken && reads.saveSnapshots(stream, taken.head, taken.fold.snapshots)) stored += taken.fold.snapshots.length;
  }
  return stored;
};
