import type { EventId, StoredEvent } from '../events/index.js';
import { toIssuerStreamId } from '../events/index.js';
import { type StoredRef, streamOfDraft, type Submission } from './domain/decide.js';
import type { EventStore } from './store/eventStore.js';

/** Ids per bulk look-up, and the batch size from which an empty store is not asked at all. */
export const BULK = 500;

const toRef = (e: StoredEvent): StoredRef => ({ stream: e.stream, revision: e.revision, event: e });

/** Whether a store holds no event: the first event of readAll, if any (milliseconds even on a large store). */
export const isEmpty = async (store: EventStore): Promise<boolean> => {
  const events = store.readAll()[Symbol.asyncIterator]();
  try {
    return (await events.next()).done === true;
  } finally {
    await events.return?.();
  }
};

const addTo = <K, V>(groups: Map<K, Set<V>>, key: K, value: V): void => {
  const group = groups.get(key);
  if (group) group.add(value);
  else groups.set(key, new Set([value]));
};

/** Adds to `stored` the events among `wanted` (ids by the stream they would be in): 500 at a time from a store that finds ids in bulk. */
const findIn = async (
  store: EventStore,
  wanted: ReadonlyMap<string | undefined, ReadonlySet<EventId>>,
  stored: Map<EventId, StoredRef>,
): Promise<void> => {
  const findEvents = store.findEvents?.bind(store);
  for (const [stream, set] of wanted) {
    const all = [...set].filter((id) => !stored.has(id));
    if (findEvents) {
      for (let i = 0; i < all.length; i += BULK) {
        const found = await findEvents(all.slice(i, i + BULK), stream);
        for (const id of all.slice(i, i + BULK)) {
          const e = found.get(id.toLowerCase());
          if (e) stored.set(id, toRef(e));
        }
      }
      continue;
    }
    for (const id of all) {
      const found = await store.findEvent(id, stream);
      if (found) stored.set(id, toRef(found));
    }
  }
};

/**
 * The stored events among the submitted ids and retraction targets, each looked for in the stream
 * it would be in (a store without an index by id, EventStoreDB, looks only there): a retraction's
 * target in its issuer's stream when the retraction names one, then every submission in the
 * stream its content (or its target) puts it in.
 */
export const lookUpStored = async (store: EventStore, submissions: ReadonlyArray<Submission>): Promise<Map<EventId, StoredRef>> => {
  const stored = new Map<EventId, StoredRef>();
  // Retraction targets, and those among them submitted in this batch (found there, not looked up).
  const targeted = new Set<EventId>();
  for (const { draft } of submissions) if (draft.type === 'EventRetracted') targeted.add(draft.data.eventId);
  const submittedTargets = new Set<EventId>();
  if (targeted.size > 0) for (const s of submissions) if (targeted.has(s.id)) submittedTargets.add(s.id);
  const targets = new Map<string | undefined, Set<EventId>>();
  for (const { draft } of submissions)
    if (draft.type === 'EventRetracted' && !submittedTargets.has(draft.data.eventId))
      addTo(targets, draft.issuer === undefined ? undefined : toIssuerStreamId(draft.issuer), draft.data.eventId);
  await findIn(store, targets, stored);
  const ids = new Map<string | undefined, Set<EventId>>();
  const inBatch = new Map<EventId, string>();
  for (const s of submissions) {
    const where = streamOfDraft(s.draft, (id) => inBatch.get(id) ?? stored.get(id)?.stream);
    // A retraction of an unknown event: rejected by the decision, and so not stored either.
    if (!('stream' in where)) continue;
    if (targeted.has(s.id)) inBatch.set(s.id, where.stream);
    addTo(ids, where.stream, s.id);
  }
  await findIn(store, ids, stored);
  return stored;
};
