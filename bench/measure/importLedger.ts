import fs from 'node:fs';
import { Ledger } from '../../src/ledger.js';
import { refreshSnapshots } from '../../src/snapshots.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { nowMs } from '../stats.js';

/**
 * The figure under test: `Ledger.import` of the whole JSONL file into a fresh SQLite store, with
 * every line decoded and validated against its timeline, sealed (hash chain) and written in one
 * transaction. Timed from reading the file to the committed transaction; the snapshots the CLI
 * takes after the commit are timed apart (`snapshotsMs`).
 */
export const importLedger = async (args: { file: string; db: string }) => {
  const store = openSqliteStore(args.db);
  const ledger = new Ledger({ store, actor: 'bench' });
  const started = nowMs();
  const report = await ledger.import(fs.readFileSync(args.file));
  const ms = nowMs() - started;
  // What `shareledger import` does next, after the commit: snapshots for the first cold query.
  const snapshotsStarted = nowMs();
  const snapshots = await refreshSnapshots(store);
  const snapshotsMs = nowMs() - snapshotsStarted;
  await store.close();
  return { events: report.appended, ms, perSec: report.appended / (ms / 1000), snapshots, snapshotsMs };
};
