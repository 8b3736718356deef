import { openSqliteStore, type SqliteStore } from '../../src/store/sqliteStore.js';

/** Opens a store on a file, runs `use`, and closes it even when `use` fails. */
export const withStore = async <A>(file: string, use: (store: SqliteStore) => Promise<A>): Promise<A> => {
  const store = openSqliteStore(file);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
};
