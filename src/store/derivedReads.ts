import type { EventType } from '../../events/index.js';
import type { PlacedEvent } from '../domain/timeline.js';

/** An event on its stream's timeline, and when the ledger recorded it. */
export type TimelineEntry = Readonly<{ event: PlacedEvent; recordedAt: string }>;

/** The envelope's own fields of an event that its timeline row does not carry. */
export type EventRecordFields = Readonly<{ actor: string; source: string | undefined; note: string | undefined }>;

/** A retraction stored in a stream. */
export type Retraction = Readonly<{
  /** The retraction's own revision. */
  revision: number;
  /** The id it retracts. */
  target: string;
  /** The target's revision when it is an earlier event of the same stream (always, for the ledger's own appends); else null, and readers match by id. */
  targetRevision: number | null;
  recordedAt: string;
}>;

/** A stored snapshot of an issuer's state at the end of `date` (see src/snapshots.ts). */
export type SnapshotRow = Readonly<{
  date: string;
  /** The stream's head when it was taken. */
  revision: number;
  /** The latest recordedAt of any event it depends on: usable only for a knownAt at or after it. */
  recordedAt: string;
  /** How many events it folds (for diagnostics). */
  events: number;
  /** The state, as src/snapshotState.ts encodes it: the store keeps it as given. */
  state: string;
}>;

/**
 * Where a fold hands its disposals, in fold order, a batch at a time as it makes them (a busy
 * issuer's are hundreds of MB at 10M events): each batch is written at once, and the cache is
 * usable only once `finish` records what the fold read. Writing stops for good (every call then
 * says false) when the stream moved, another process started the same cache, or the store cannot
 * write now (busy, read-only): a cache never waits and never fails a question.
 */
export type DisposalSink = Readonly<{
  /** A batch of disposals: each one's seller and stored form (projections/disposalRows.ts). */
  write(rows: ReadonlyArray<readonly [string, string]>): boolean;
  /** Records the fold (`recordedAt`: the latest of every event it read); whether the cache was kept. */
  finish(recordedAt: string): boolean;
}>;

/** A disposal cache at its stream's head. */
export type DisposalCache = Readonly<{
  /** The latest recordedAt of any event the fold read: only a question as known at or after it may use the cache. */
  recordedAt: string;
  /** The disposals of these sellers, as [seq, seller, body] in fold order (seq). */
  of(sellers: ReadonlyArray<string>): CachedDisposal[];
}>;

/** A cached disposal: its place in the fold, its seller and its stored form (projections/disposalRows.ts). */
export type CachedDisposal = readonly [seq: number, seller: string, body: string];

/**
 * An optional capability of an EventStore (`EventStore.derivedReads`): what the store derives from
 * each event as it appends it, so that a stake or cap-table question reads neither every envelope
 * nor folds from the beginning. The SQLite store has it (its derived tables); the memory and
 * EventStoreDB stores do not, and the queries replay envelopes there. Every answer is the one a
 * replay of the stream's envelopes gives (the store contract suite checks it), except for a stream
 * `isDamaged` reports, whose reads are not to be used.
 *
 * The reads are synchronous: run a question's reads inside one `consistent` call so that they all
 * see one state of the store, even while another process appends.
 */
export interface DerivedReads {
  consistent<A>(read: () => A): A;
  /** Whether the stream's derived rows are incomplete (some envelope did not decode when they were derived): read its envelopes instead. */
  isDamaged(stream: string): boolean;
  /** The stream's last revision, -1 when it has no events. */
  head(stream: string): number;
  /** Whether the stream holds an IssuerRegistered recorded by `knownAt`. */
  isRegistered(stream: string, knownAt: string): boolean;
  /**
   * Whether an event of one of `streams` recorded by `knownAt` names the holder, retracted or not
   * (as src/domain/mentions.ts tells it: `public` always is).
   */
  isNamed(streams: readonly [string] | readonly [string, string], holder: string, knownAt: string): boolean;
  /** Every retraction stored in the stream, in no particular order. */
  retractions(stream: string): Retraction[];
  /**
   * The stream's events dated in (after, upTo], retracted ones and retractions included, in
   * timeline order (date, then revision). An entry that does not decode is CorruptEvent.
   */
  timeline(stream: string, after: string, upTo: string): IterableIterator<TimelineEntry>;
  /**
   * `timeline`, each entry with its envelope's actor, source and note, read with its row: for a
   * reader that writes every event out (the audit's events table). An envelope that is not JSON,
   * or has no actor, is CorruptEvent.
   */
  timelineWithRecords(stream: string, after: string, upTo: string): IterableIterator<TimelineEntry & EventRecordFields>;
  /** The actor, source and note of the stream's event at `revision`, read on their own (CorruptEvent as above, or when there is none). */
  recordAt(stream: string, revision: number): EventRecordFields;
  /**
   * The latest snapshot dated ≤ asOf that a question as known at `knownAt` may use, of those
   * taken at a revision the stream still has (`head`).
   */
  snapshotFor(stream: string, asOf: string, knownAt: string, head: number): SnapshotRow | undefined;
  /** The latest snapshot of the stream, whatever its recordedAt (for a refresh with full knowledge). */
  latestSnapshot(stream: string): SnapshotRow | undefined;
  /**
   * Keeps snapshots taken while the stream's head was `head`, unless the stream moved since (then
   * they may be stale) or the store cannot take them now (busy, read-only): a cache never waits
   * and never fails a question. Returns whether they were kept. An append of an event dated on or
   * before a snapshot's date (or of a retraction of one) drops that snapshot in the same write.
   */
  saveSnapshots(stream: string, head: number, snapshots: ReadonlyArray<SnapshotRow>): boolean;
  /**
   * The stream's disposal cache (src/disposalCache.ts) under the cost method, when it holds one
   * folded at its current head (revision and id); else undefined.
   */
  disposalCache(stream: string, method: string): DisposalCache | undefined;
  /**
   * Starts keeping the stream's disposals under the method, as a fold with full knowledge at
   * `head` makes them (see DisposalSink), in place of the stream's cache under the method; undefined
   * when the store keeps no caches.
   */
  keepDisposals(stream: string, method: string, head: number): DisposalSink | undefined;
  /** Every stream name, sorted. */
  streams(): string[];
  /**
   * The streams with an event recorded by `knownAt` that names the holder (as `isNamed` tells it;
   * never for `public`), sorted: where a question about one holder needs to look. May name a
   * stream whose naming event is past its head (`isNamed` confirms).
   */
  streamsNaming(holder: string, knownAt: string): string[];
  /**
   * The entries of `timeline(stream, after, upTo)` that may name one of `holders` (in a holder
   * field or in the data's JSON) or are of one of `types`, retractions not included, in timeline
   * order: a superset picked by the rows' text without decoding them, so the caller still decides
   * on each event. `public` is often named implicitly (a BlockSale's default buyer): ask for the
   * whole timeline instead.
   */
  timelineTouching(
    stream: string,
    after: string,
    upTo: string,
    holders: ReadonlyArray<string>,
    types: ReadonlyArray<EventType>,
  ): IterableIterator<TimelineEntry>;
}
