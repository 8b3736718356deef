import fs from 'node:fs';
import Database from 'better-sqlite3';
import { type ClassId, type HolderId, instantOf, issuerOfStream } from '../../events/index.js';
import { END_OF_TIME, selectTimeline } from '../../projections/timeline.js';
import { evolveIssuer, initialIssuerState, positionsTouched, sharesOf } from '../../src/domain/issuerState.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { Prng } from '../../tests/support/ledgerGenerator/prng.js';
import { nowMs } from '../stats.js';
import { readAllByStream } from './storeEvents.js';

/**
 * The alternative a user would otherwise pick (issue 7): a plain table of share movements,
 * `transactions(issuer, holder, class, date, delta)`, with a covering index, holding the same data
 * as the ledger — one row per holding changed by each event that counts now (retracted events
 * left out, back-dated ones at their date, splits and conversions as per-holder deltas).
 */
const TRANSACTIONS_SCHEMA = `
  CREATE TABLE transactions (issuer TEXT NOT NULL, holder TEXT NOT NULL, class TEXT NOT NULL, date TEXT NOT NULL, delta INTEGER NOT NULL);
  CREATE INDEX transactions_by_position ON transactions (issuer, holder, class, date, delta);`;

export type QuerySamples = Readonly<{
  issuer: string;
  stake: Array<{ holder: string; class: string; date: string }>;
  capTable: Array<{ date: string }>;
}>;

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const buildTransactionsTable = async (args: {
  ledgerDb: string;
  txDb: string;
  samplesFile: string;
  seed: number;
  stakeSamples: number;
  capTableSamples: number;
}) => {
  const started = nowMs();
  const store = openSqliteStore(args.ledgerDb);
  const { streams } = await readAllByStream(store);
  await store.close();
  const db = new Database(args.txDb);
  db.pragma('journal_mode = WAL');
  db.exec(TRANSACTIONS_SCHEMA.split(';')[0]!);
  const insert = db.prepare('INSERT INTO transactions (issuer, holder, class, date, delta) VALUES (?, ?, ?, ?, ?)');
  const at = { asOf: END_OF_TIME, knownAt: instantOf(new Date()) };
  let rows = 0;
  let hot = { issuer: '', events: -1, first: '', last: '' };
  db.transaction(() => {
    for (const [stream, events] of streams) {
      const issuer = issuerOfStream(stream);
      if (!issuer) continue;
      const timeline = selectTimeline(events, at);
      if (timeline.length > hot.events)
        hot = { issuer, events: timeline.length, first: timeline[0]!.date, last: timeline[timeline.length - 1]!.date };
      const state = initialIssuerState(issuer);
      for (const e of timeline) {
        const positions = new Map<string, [ClassId, HolderId, bigint]>();
        for (const [cls, holder] of positionsTouched(state, e))
          positions.set(`${cls}\u0000${holder}`, [cls, holder, sharesOf(state, cls, holder)]);
        evolveIssuer(state, e);
        for (const [cls, holder, before] of positions.values()) {
          const delta = sharesOf(state, cls, holder) - before;
          if (delta !== 0n) {
            insert.run(issuer, holder, cls, e.date, delta);
            rows++;
          }
        }
      }
    }
  })();
  db.exec(TRANSACTIONS_SCHEMA.split(';')[1]!);
  db.exec('ANALYZE');
  // Random questions about the busiest issuer: holders that appear in it, dates over its life.
  const rng = new Prng(args.seed);
  const positions = db
    .prepare('SELECT DISTINCT holder, class FROM transactions WHERE issuer = ? ORDER BY holder, class')
    .raw()
    .all(hot.issuer) as Array<[string, string]>;
  const span = Math.round((Date.parse(hot.last) - Date.parse(hot.first)) / 86_400_000);
  const randomDate = (): string => addDays(hot.first, rng.int(0, span));
  const samples: QuerySamples = {
    issuer: hot.issuer,
    stake: Array.from({ length: args.stakeSamples }, () => {
      const [holder, cls] = rng.pick(positions);
      return { holder, class: cls, date: randomDate() };
    }),
    capTable: Array.from({ length: args.capTableSamples }, () => ({ date: randomDate() })),
  };
  db.close();
  fs.writeFileSync(args.samplesFile, JSON.stringify(samples));
  return { rows, ms: nowMs() - started, hotIssuer: hot.issuer, hotIssuerEvents: hot.events, positions: positions.length };
};
