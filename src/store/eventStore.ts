import type { EventId, EventType, Instant, StoredEvent } from '../../events/index.js';
import type { DerivedReads } from './derivedReads.js';
import type { StreamSnapshots } from './streamSnapshot.js';

/** The revision a stream is expected to be at before an append: the last revision, or -1 when empty. */
export type ExpectedRevision = number;
export const NO_STREAM: ExpectedRevision = -1;

/**
 * Events for one stream, fully sealed by the ledger (revision, recordedAt, actor, prevHash, hash):
 * the store keeps envelopes exactly as given, so a copy between stores preserves them.
 */
export type AppendBatch = Readonly<{ stream: string; expectedRevision: ExpectedRevision; events: ReadonlyArray<StoredEvent> }>;

export type StreamHead = Readonly<{ stream: string; revision: number; hash: string }>;

/** An event's record-keeping fields: when and by whom it was recorded, from what source, with what note (EventStore.iterateRecords). */
export type EventRecord = Readonly<{
  revision: number;
  /** The type the envelope names (an event that does not decode may name any). */
  type: string;
  recordedAt: Instant;
  actor: string;
  source: string | undefined;
  note: string | undefined;
  /** The whole event, where its type is one of those asked for whole (and wherever the store decoded it anyway). */
  event: StoredEvent | undefined;
}>;

/**
 * The port every store implements (memory, SQLite, EventStoreDB) and the shared contract suite
 * checks. Failures are thrown as LedgerError with kind VersionConflict (a stream is not at its
 * expected revision), DuplicateEventId (an id already stored), StoreUnavailable or CorruptEvent
 * (a stored row that does not decode).
 *
 * Optional members are capabilities: a store offers them when it can do better than the required
 * reads, callers use them when present and fall back otherwise, and a store that wraps another
 * (metering, tests) passes on those the inner store offers.
 */
export interface EventStore {
  /** Where the store lives, with any credentials redacted: safe to print and log. */
  readonly description: string;
  /** Every event of a stream in revision order; [] for a stream that does not exist. */
  readStream(stream: string): Promise<StoredEvent[]>;
  /**
   * The stream's events from revision `fromRevision` on, in revision order, read a page at a time
   * (memory bounded by the page, not the stream); nothing for a stream that does not exist.
   */
  iterateStream(stream: string, fromRevision?: number): AsyncIterable<StoredEvent>;
  /** Every event of every stream in append order (so each stream in revision order). */
  readAll(): AsyncIterable<StoredEvent>;
  /** The head (last revision and hash) of every stream, sorted by stream name. */
  heads(): Promise<StreamHead[]>;
  /**
   * The stored event with this id, if any. `stream` is where the event must be if it is stored at
   * all (an event's stream follows from its content; a retraction's is its target's): memory and
   * SQLite look ids up in the whole ledger and ignore it; EventStoreDB, which has no index by id,
   * looks only there, and without it answers only for `holders` and `fx` and otherwise fails with
   * a LedgerError naming the id and asking for the issuer.
   */
  findEvent(id: EventId, stream?: string): Promise<StoredEvent | undefined>;
  /**
   * Optional bulk form of findEvent: the stored events among `ids`, keyed by lower-case id (ids
   * not stored are absent); `stream` as for findEvent. The ledger asks up to 500 ids at a time.
   */
  findEvents?(ids: ReadonlyArray<EventId>, stream?: string): Promise<Map<string, StoredEvent>>;
  /**
   * Optional: the stream's events from the first in revision order as their records (EventRecord),
   * whole only where their type is one of `whole`: a pass over a large stream that needs those
   * fields without decoding every envelope (the audit's). An event whose record fields do not
   * decode is CorruptEvent, as in iterateStream; the rest of an envelope not read whole is not
   * checked here (verify does). SQLite offers it (reading the fields by SQL); elsewhere `recordsOf`
   * gives the same from iterateStream.
   */
  iterateRecords?(stream: string, whole: ReadonlyArray<EventType>): AsyncIterable<EventRecord>;
  /**
   * Optional: reads of what the store derives from each event as it appends it (timelines in
   * effective order, who each event names, retractions, snapshots of issuer state), so that stake
   * and cap-table questions need not replay envelopes. Answers as a replay would. SQLite offers it;
   * memory and EventStoreDB do not.
   */
  readonly derivedReads?: DerivedReads;
  /**
   * Optional: a latest snapshot per issuer stream (src/tailSnapshots.ts), so that a question or an
   * append reads it and the events after it instead of the whole stream. EventStoreDB offers it;
   * SQLite has its derived reads instead, memory needs neither.
   */
  readonly snapshots?: StreamSnapshots;
  /**
   * Appends batches. Memory and SQLite apply all batches of one call atomically (all or nothing);
   * EventStoreDB applies each stream's batch atomically. Nothing is written for a batch whose
   * stream is not at `expectedRevision`, or that contains an id already stored.
   */
  append(batches: ReadonlyArray<AppendBatch>): Promise<void>;
  /**
   * Optional: runs `work` so that every append it makes is one atomic unit with the others,
   * committed when `work` resolves and undone when it rejects (or the process dies). A chunked
   * import uses it to stay all or nothing. Appends inside see each other; other readers see none of
   * them until the commit. SQLite and memory offer it; EventStoreDB cannot (each append is atomic
   * per stream only).
   */
  transaction?<A>(work: () => Promise<A>): Promise<A>;
  /**
   * A catch-up subscription: every event of `stream` (or of every stream when absent) from the
   * beginning, then each new one as it is appended, until `signal` aborts (then the iterable ends).
   */
  subscribe(options: Readonly<{ stream?: string; signal: AbortSignal }>): AsyncIterable<StoredEvent>;
  close(): Promise<void>;
}

/** The record of an event read whole. */
export const recordOfEvent = (event: StoredEvent): EventRecord => {
  const { revision, type, recordedAt, actor, source, note } = event;
  return { revision, type, recordedAt, actor, source, note, event };
};

/** A stream's records (EventStore.iterateRecords), by the store's own read where it has one. */
export const recordsOf = (store: EventStore, stream: string, whole: ReadonlyArray<EventType>): AsyncIterable<EventRecord> =>
  store.iterateRecords?.(stream, whole) ??
  (async function* () {
    for await (const event of store.iterateStream(stream)) yield recordOfEvent(event);
  })();
