import type { EventStore } from './eventStore.js';
import type { SqliteReads } from './sqliteReads.js';

// Kept apart from sqliteStore.ts so the query layer can ask without loading better-sqlite3.

/** The derived-table reads of the SQLite stores this process opened (the queries' fast path). */
const readsOfStore = new WeakMap<EventStore, SqliteReads>();
/**
 * The same, by description, for the stores still open: the CLI hands queries a wrapper of the
 * store (progress metering) that keeps its description. Two open stores on one file read the
 * same data, so either one's reads will do.
 */
const openByDescription = new Map<string, Set<SqliteReads>>();

export const registerSqliteReads = (store: EventStore, reads: SqliteReads): void => {
  readsOfStore.set(store, reads);
  let open = openByDescription.get(store.description);
  if (!open) openByDescription.set(store.description, (open = new Set()));
  open.add(reads);
};

export const unregisterSqliteReads = (store: EventStore): void => {
  const reads = readsOfStore.get(store);
  const open = openByDescription.get(store.description);
  if (!reads || !open) return;
  open.delete(reads);
  if (open.size === 0) openByDescription.delete(store.description);
};

/** The fast reads of `store` when it is an open SQLite store (schema v2), else undefined (memory, EventStoreDB). */
export const sqliteReadsOf = (store: EventStore): SqliteReads | undefined => {
  const own = readsOfStore.get(store);
  if (own) return own;
  const open = openByDescription.get(store.description);
  return open ? open.values().next().value : undefined;
};
