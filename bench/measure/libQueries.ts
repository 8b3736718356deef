import fs from 'node:fs';
import { queryCapTable, queryStake } from '../../src/queries.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { latencyOf, nowMs } from '../stats.js';
import type { QuerySamples } from './transactionsTable.js';

/**
 * shareledger's warm as-of answers: the library's query functions on an open store, after one
 * warm-up query of each kind. While one query takes seconds the run stops after `budgetMs`
 * (at least `minSamples`), so the 1M sizes finish; `n` says how many were measured.
 */
export const libQueries = async (args: { db: string; samplesFile: string; sqlAnswers?: string[]; budgetMs: number; minSamples: number }) => {
  const samples = JSON.parse(fs.readFileSync(args.samplesFile, 'utf8')) as QuerySamples;
  const store = openSqliteStore(args.db);
  const now = new Date();
  const stakeOf = async (s: QuerySamples['stake'][number]): Promise<string> => {
    const { result } = await queryStake(store, { issuer: samples.issuer, holder: s.holder, asOf: s.date }, now);
    return result.classes.find((c) => c.class === s.class)?.shares ?? '0';
  };
  const capTableOf = async (s: QuerySamples['capTable'][number]): Promise<number> =>
    (await queryCapTable(store, { issuer: samples.issuer, asOf: s.date }, now)).result.holders.length;

  const warmStarted = nowMs();
  await stakeOf(samples.stake[0]!);
  await capTableOf(samples.capTable[0]!);
  const warmUpMs = nowMs() - warmStarted;

  const stakeMs: number[] = [];
  let mismatches = 0;
  let started = nowMs();
  for (let i = 0; i < samples.stake.length; i++) {
    if (i >= args.minSamples && nowMs() - started > args.budgetMs) break;
    const t0 = nowMs();
    const shares = await stakeOf(samples.stake[i]!);
    stakeMs.push(nowMs() - t0);
    if (args.sqlAnswers && args.sqlAnswers[i] !== shares) mismatches++;
  }
  const capMs: number[] = [];
  started = nowMs();
  for (let i = 0; i < samples.capTable.length; i++) {
    if (i >= args.minSamples && nowMs() - started > args.budgetMs) break;
    const t0 = nowMs();
    await capTableOf(samples.capTable[i]!);
    capMs.push(nowMs() - t0);
  }
  await store.close();
  return { stake: latencyOf(stakeMs), capTable: latencyOf(capMs), warmUpMs, mismatches, checked: args.sqlAnswers ? stakeMs.length : 0 };
};
