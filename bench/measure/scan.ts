import Database from 'better-sqlite3';
import { nowMs } from '../stats.js';

/** The replay baseline: `SELECT envelope FROM events`, iterated, nothing decoded. */
export const rawScan = (args: { db: string }) => {
  const db = new Database(args.db, { readonly: true });
  const select = db.prepare('SELECT envelope FROM events ORDER BY position').pluck();
  const started = nowMs();
  let rows = 0;
  let chars = 0;
  for (const envelope of select.iterate() as IterableIterator<string>) {
    rows++;
    chars += envelope.length;
  }
  const ms = nowMs() - started;
  db.close();
  return { rows, chars, ms, perSec: rows / (ms / 1000) };
};
