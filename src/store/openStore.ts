import type { EventStore } from './eventStore.js';
import { createMemoryStore } from './memoryStore.js';
import { openSqliteStore } from './sqliteStore.js';
import { parseStoreUrl } from './storeUrl.js';

/** Opens the store a URL names (sqlite:PATH, memory:, esdb://… or kurrentdb://…). A URL of no known form is a usage error. */
export const openStore = async (url: string): Promise<EventStore> => {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite':
      return openSqliteStore(location.path);
    case 'esdb': {
      // Loaded only when asked for: the gRPC client would slow every CLI start.
      const { openEsdbStore } = await import('./esdb/esdbStore.js');
      return openEsdbStore(location.connectionString);
    }
    default: {
      const unknown: never = location;
      throw new Error(`bug: unhandled store location ${JSON.stringify(unknown)}`);
    }
  }
};
