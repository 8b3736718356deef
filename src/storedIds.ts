import type { EventId, StoredEvent } from '../events/index.js';
import type { StoredRef } from './domain/decide.js';
import type { EventStore } from './store/eventStore.js';

/** Ids per bulk look-up. */
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

/** The stored events among `ids`: 500 at a time from a store that finds ids in bulk, else one by one. */
export const findStored = async (store: EventStore, ids: ReadonlySet<EventId>): Promise<Map<EventId, StoredRef>> => {
  const stored = new Map<EventId, StoredRef>();
  const findEvents = store.findEvents?.bind(store);
  if (findEvents) {
    const all = [...ids];
    for (let i = 0; i < all.length; i += BULK) {
      const found = await findEvents(all.slice(i, i + BULK));
      for (const id of all.slice(i, i + BULK)) {
        const e = found.get(id.toLowerCase());
        if (e) stored.set(id, toRef(e));
      }
    }
    return stored;
  }
  for (const id of ids) {
    const found = await store.findEvent(id);
    if (found) stored.set(id, toRef(found));
  }
  return stored;
};

/** The ids a batch of submissions names: their own, and the targets of its retractions. */
export const idsNamedBy = (submissions: ReadonlyArray<{ draft: { type: string; data: unknown }; id: EventId }>): Set<EventId> => {
  const ids = new Set<EventId>();
  for (const s of submissions) {
    ids.add(s.id);
    if (s.draft.type === 'EventRetracted') ids.add((s.draft.data as { eventId: EventId }).eventId);
  }
  return ids;
};
