import fs from 'node:fs';
import Database from 'better-sqlite3';
import { latencyOf, nowMs } from '../stats.js';
import type { QuerySamples } from './transactionsTable.js';

const STAKE_SQL = 'SELECT COALESCE(SUM(delta), 0) FROM transactions WHERE issuer = ? AND holder = ? AND class = ? AND date <= ?';
const CAP_TABLE_SQL =
  'SELECT holder, class, SUM(delta) AS shares FROM transactions WHERE issuer = ? AND date <= ? GROUP BY holder, class HAVING shares <> 0';

/**
 * Passes over the stake samples before timing, on both sides (libQueries.ts uses the same): a warm
 * process has run its code enough for the JIT to optimise it (with 5 passes shareledger's p50 was
 * still ~2× its steady state), and SQLite has its pages and statements cached.
 */
export const WARM_PASSES = 50;

/** The baseline's warm as-of answers: prepared statements on an open connection, pages cached. */
export const sqlQueries = (args: { txDb: string; samplesFile: string }) => {
  const samples = JSON.parse(fs.readFileSync(args.samplesFile, 'utf8')) as QuerySamples;
  const db = new Database(args.txDb, { readonly: true });
  const stake = db.prepare(STAKE_SQL).pluck().safeIntegers(true);
  const capTable = db.prepare(CAP_TABLE_SQL).raw().safeIntegers(true);
  const plans = {
    stake: (db.prepare(`EXPLAIN QUERY PLAN ${STAKE_SQL}`).all('x', 'x', 'x', 'x') as Array<{ detail: string }>).map((r) => r.detail),
    capTable: (db.prepare(`EXPLAIN QUERY PLAN ${CAP_TABLE_SQL}`).all('x', 'x') as Array<{ detail: string }>).map((r) => r.detail),
  };
  const runStake = (s: QuerySamples['stake'][number]): bigint => stake.get(samples.issuer, s.holder, s.class, s.date) as bigint;
  const runCapTable = (s: QuerySamples['capTable'][number]): number => capTable.all(samples.issuer, s.date).length;
  // Warm right before each kind is timed: statements compiled, pages in cache, code optimised.
  for (let pass = 0; pass < WARM_PASSES; pass++) for (const s of samples.stake) runStake(s);
  const stakeMs: number[] = [];
  const answers: string[] = [];
  for (const s of samples.stake) {
    const t0 = nowMs();
    const shares = runStake(s);
    stakeMs.push(nowMs() - t0);
    answers.push(shares.toString());
  }
  for (const s of samples.capTable) runCapTable(s);
  const capMs: number[] = [];
  const capRows: number[] = [];
  for (const s of samples.capTable) {
    const t0 = nowMs();
    capRows.push(runCapTable(s));
    capMs.push(nowMs() - t0);
  }
  db.close();
  return { stake: latencyOf(stakeMs), capTable: latencyOf(capMs), answers, capTableRows: latencyOf(capRows), plans };
};
