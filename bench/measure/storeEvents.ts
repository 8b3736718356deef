import type { StoredEvent } from '../../events/index.js';
import type { EventStore } from '../../src/store/eventStore.js';

/** Every stored event grouped by stream (each stream in revision order), through the store's own readAll. */
export const readAllByStream = async (store: EventStore): Promise<{ streams: Map<string, StoredEvent[]>; count: number }> => {
  const streams = new Map<string, StoredEvent[]>();
  let count = 0;
  for await (const e of store.readAll()) {
    let events = streams.get(e.stream);
    if (!events) streams.set(e.stream, (events = []));
    events.push(e);
    count++;
  }
  return { streams, count };
};
