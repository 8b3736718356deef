import type { HolderId, IssuerId, StoredEvent } from '../events/index.js';
import { HOLDERS_STREAM, toIssuerStreamId } from '../events/index.js';
import { replayIssuer } from '../projections/ownership.js';
import { selectTimeline, type PointInTime } from '../projections/timeline.js';
import { cloneIssuerState, evolveIssuer, initialIssuerState, type IssuerState } from './domain/issuerState.js';
import { indexStream, type PlacedEvent } from './domain/timeline.js';
import { checkHolderKnown, checkIssuerKnown, isNamedIn, issuerFoundIn } from './knownNames.js';
import type { EventStore } from './store/eventStore.js';
import { emptyIdFilter, withIds } from './store/idFilter.js';
import { decodeState, encodeState, SnapshotStateError } from './store/snapshotState.js';
import type { StreamSnapshot, StreamSnapshots } from './store/streamSnapshot.js';

/**
 * Snapshots for a store that keeps one latest snapshot per issuer stream (EventStore.snapshots:
 * EventStoreDB, docs/eventstoredb.md), so that a question or an append reads the snapshot and the
 * events after it (the tail) instead of the whole stream.
 *
 * A snapshot (revision R, date D, recordedAt M) folds the whole stream 0..R with full knowledge
 * (every retraction among them applied); D is the latest date of any event it folds, M the latest
 * recordedAt. It continues into the tail exactly when every event of the tail that is not a
 * retraction is dated on or after D and every retraction of the tail targets a tail event: then
 * the stream's timeline is the snapshot's events followed by the tail's, in (date, revision)
 * order. A question may use it when it asks as of D or later and as known at M or later; anything
 * else (a back-dated event or a retraction of a folded event in the tail, an older question, a
 * snapshot whose hash no longer matches its stream, a state that does not decode) falls back to
 * the whole stream, which then leaves a new snapshot behind.
 *
 * A new snapshot is saved when a command read a tail of `tailPolicy.every` events or more (or a
 * whole stream that long): from the old one and the tail when the tail continues it and its id
 * filter has room, else from the whole stream.
 */

/** Tail length from which a new snapshot is saved. Mutable so tests can take snapshots of small streams. */
export const tailPolicy = { every: 5_000 };

/**
 * A snapshot's id filter is built for this many times the ids it holds, so that the snapshots
 * after it can add their tails' ids until it is full (then a whole read rebuilds it): a stream is
 * read whole about once each time it grows by half. 10 bits per id of room: about 2.5 bytes per
 * event in the snapshot's JSON (base64).
 */
const ID_FILTER_ROOM = 1.5;

/** A usable snapshot and the tail that continues it. */
export type SnapshotView = Readonly<{ snapshot: StreamSnapshot; state: IssuerState; tail: StoredEvent[] }>;

/** Whether `tail` continues a snapshot dated `date` (see the module comment). */
const continues = (date: string, tail: ReadonlyArray<StoredEvent>): boolean => {
  const ids = new Set<string>();
  for (const e of tail) {
    if (e.type === 'EventRetracted') {
      if (!ids.has(e.data.eventId.toLowerCase())) return false;
    } else if (e.date < date) return false;
    ids.add(e.id.toLowerCase());
  }
  return true;
};

/**
 * The latest snapshot of the issuer's stream and its tail (read from the snapshot's revision, whose
 * hash must match), or undefined when the store keeps none, there is none, or it cannot be used.
 */
export const readSnapshotView = async (store: EventStore, issuer: IssuerId): Promise<SnapshotView | undefined> => {
  const shelf = store.snapshots;
  if (!shelf) return undefined;
  const stream = toIssuerStreamId(issuer);
  const snapshot = await shelf.latest(stream);
  if (!snapshot) return undefined;
  const tail: StoredEvent[] = [];
  let matched = false;
  for await (const e of store.iterateStream(stream, snapshot.revision)) {
    if (!matched) {
      matched = e.revision === snapshot.revision && e.hash === snapshot.hash;
      if (!matched) return undefined;
      continue;
    }
    tail.push(e);
  }
  if (!matched || !continues(snapshot.date, tail)) return undefined;
  try {
    return { snapshot, state: decodeState(issuer, snapshot.state), tail };
  } catch (e) {
    if (e instanceof SnapshotStateError) return undefined;
    throw e;
  }
};

const latestOf = (events: ReadonlyArray<StoredEvent>, from: { date: string; recordedAt: string }) => {
  let { date, recordedAt } = from;
  for (const e of events) {
    if (e.type !== 'EventRetracted' && e.date > date) date = e.date;
    if (e.recordedAt > recordedAt) recordedAt = e.recordedAt;
  }
  return { date, recordedAt };
};

/** The snapshot of a whole stream (revision order, not empty). */
const snapshotOfStream = (issuer: IssuerId, events: ReadonlyArray<StoredEvent>): StreamSnapshot => {
  const state = initialIssuerState(issuer);
  for (const e of indexStream(events).active) evolveIssuer(state, e);
  const last = events[events.length - 1]!;
  return {
    stream: last.stream,
    revision: last.revision,
    hash: last.hash,
    ...latestOf(events, { date: '', recordedAt: '' }),
    state: encodeState(state),
    ids: withIds(
      emptyIdFilter(ID_FILTER_ROOM * events.length),
      events.map((e) => e.id),
    ),
  };
};

/** The view's snapshot moved to the end of its tail; undefined when its id filter is full (then a whole read rebuilds it). */
const extended = (view: SnapshotView): StreamSnapshot | undefined => {
  const { snapshot, tail } = view;
  const last = tail[tail.length - 1];
  if (!last || snapshot.ids.count + tail.length > snapshot.ids.capacity) return undefined;
  const state = cloneIssuerState(view.state);
  for (const e of indexStream(tail).active) evolveIssuer(state, e);
  return {
    stream: snapshot.stream,
    revision: last.revision,
    hash: last.hash,
    ...latestOf(tail, snapshot),
    state: encodeState(state),
    ids: withIds(
      snapshot.ids,
      tail.map((e) => e.id),
    ),
  };
};

const collect = async (events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> => {
  const all: StoredEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
};

/**
 * Saves a new snapshot of the issuer's stream when the command just read a long tail (`view`) or a
 * long whole stream (`events`, when there was no usable snapshot). Never fails the command.
 */
export const keepSnapshot = async (
  store: EventStore,
  issuer: IssuerId,
  read: Readonly<{ view: SnapshotView } | { events: ReadonlyArray<StoredEvent> }>,
): Promise<void> => {
  const shelf: StreamSnapshots | undefined = store.snapshots;
  if (!shelf) return;
  if ('view' in read) {
    if (read.view.tail.length < tailPolicy.every) return;
    const next = extended(read.view);
    if (next) return shelf.save(next);
    return shelf.save(snapshotOfStream(issuer, await collect(store.iterateStream(toIssuerStreamId(issuer)))));
  }
  if (read.events.length >= tailPolicy.every) await shelf.save(snapshotOfStream(issuer, read.events));
};

/** What a stake or cap-table question needs (the same as fastOwnership's answer, src/snapshots.ts). */
type TailOwnership = Readonly<{ state: IssuerState; holdersTimeline: PlacedEvent[] | undefined }>;

/**
 * The issuer's state at `at` (and the holders timeline when asked) on a store that keeps snapshots:
 * the snapshot and the tail when they answer the question, else the whole stream (which leaves a
 * snapshot behind). The same answer and the same name checks as the replay in src/queries.ts.
 */
export const tailOwnership = async (
  store: EventStore,
  issuer: IssuerId,
  at: PointInTime,
  needs: Readonly<{ holder?: HolderId; holders: boolean }>,
): Promise<TailOwnership> => {
  let holderEvents: StoredEvent[] | undefined;
  const holders = async () => (holderEvents ??= await store.readStream(HOLDERS_STREAM));
  const view = await readSnapshotView(store, issuer);
  if (view && view.snapshot.recordedAt <= at.knownAt && view.snapshot.date <= at.asOf) {
    const state = cloneIssuerState(view.state);
    const registered = state.registration !== undefined || issuerFoundIn(view.tail, at.knownAt).registered;
    checkIssuerKnown(issuer, { registered, hasEvents: true }, at.knownAt);
    const holder = needs.holder;
    const namedInSnapshot = holder !== undefined && [...state.holdings.values()].some((byHolder) => byHolder.has(holder));
    if (holder === undefined || namedInSnapshot || isNamedIn([view.tail, await holders()], holder, at.knownAt)) {
      for (const e of selectTimeline(view.tail, at)) evolveIssuer(state, e);
      const holdersTimeline = needs.holders ? selectTimeline(await holders(), at) : undefined;
      await keepSnapshot(store, issuer, { view });
      return { state, holdersTimeline };
    }
  }
  // The whole stream: the replay's own reads and checks.
  const events = await store.readStream(toIssuerStreamId(issuer));
  checkIssuerKnown(issuer, issuerFoundIn(events, at.knownAt), at.knownAt);
  if (needs.holder !== undefined) checkHolderKnown(needs.holder, [events, await holders()], at.knownAt, `of ${issuer}`);
  const state = replayIssuer(issuer, selectTimeline(events, at));
  const holdersTimeline = needs.holders ? selectTimeline(await holders(), at) : undefined;
  if (events.length > 0) await keepSnapshot(store, issuer, view ? { view } : { events });
  return { state, holdersTimeline };
};
