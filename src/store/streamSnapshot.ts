import type { IdFilter } from './idFilter.js';

/**
 * A snapshot of a whole issuer stream as far as revision `revision` (src/tailSnapshots.ts): what a
 * store without derived reads (EventStoreDB) keeps so that a question or an append reads this one
 * record and the events after it (the tail) instead of the whole stream.
 */
export type StreamSnapshot = Readonly<{
  stream: string;
  /** The last revision it folds: every event 0..revision, retractions applied. */
  revision: number;
  /** The hash of the event at `revision`: a snapshot of another stream of the same name is not used. */
  hash: string;
  /** The latest effective date of any event it folds (retracted ones included): its state is the state at the end of that date. */
  date: string;
  /** The latest recordedAt of any event it folds: usable for a knownAt at or after it. */
  recordedAt: string;
  /** The issuer state, as src/store/snapshotState.ts encodes it. */
  state: string;
  /** The ids of the events 0..revision. */
  ids: IdFilter;
}>;

/**
 * An optional capability of an EventStore (`EventStore.snapshots`): one latest snapshot per issuer
 * stream, kept by the store. A cache: reading a missing or unreadable one gives undefined, and
 * saving never fails a command (a store that cannot save now simply keeps none).
 */
export interface StreamSnapshots {
  latest(stream: string): Promise<StreamSnapshot | undefined>;
  save(snapshot: StreamSnapshot): Promise<void>;
}
