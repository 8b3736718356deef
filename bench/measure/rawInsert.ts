import Database from 'better-sqlite3';
import { nowMs } from '../stats.js';

type Row = [string, number, string, string];

/**
 * The import baseline: the very rows the ledger stored (stream, revision, id, envelope text),
 * INSERTed with one prepared statement in one transaction, with the store's durability settings
 * (WAL, synchronous=FULL). `plain`: a table with no constraint; `indexed`: the store's own schema
 * (UNIQUE id, UNIQUE (stream, revision)), to show what the indexes alone cost.
 */
export const rawInsert = (args: { from: string; db: string; schema: 'plain' | 'indexed' }) => {
  const source = new Database(args.from, { readonly: true });
  const rows = source.prepare('SELECT stream, revision, id, envelope FROM events ORDER BY position').raw().all() as Row[];
  source.close();
  const db = new Database(args.db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -65536');
  db.exec(
    args.schema === 'plain'
      ? 'CREATE TABLE events (stream TEXT, revision INTEGER, id TEXT, envelope TEXT)'
      : `CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, revision INTEGER NOT NULL,
           id TEXT NOT NULL UNIQUE, envelope TEXT NOT NULL, UNIQUE (stream, revision))`,
  );
  const insert = db.prepare('INSERT INTO events (stream, revision, id, envelope) VALUES (?, ?, ?, ?)');
  const insertAll = db.transaction((all: Row[]) => {
    for (const r of all) insert.run(r[0], r[1], r[2], r[3]);
  });
  const started = nowMs();
  insertAll.immediate(rows);
  const ms = nowMs() - started;
  db.close();
  return { rows: rows.length, ms, perSec: rows.length / (ms / 1000) };
};
