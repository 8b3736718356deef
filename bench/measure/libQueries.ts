import fs from 'node:fs';
import type { HolderId, IssuerId } from '../../events/index.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { WarmReader } from '../warm/warmReader.js';
import { latencyOf, nowMs } from '../stats.js';
import { WARM_PASSES } from './sqlQueries.js';
import type { QuerySamples } from './transactionsTable.js';

/**
 * shareledger's warm as-of answers: a WarmReader (bench/warm/warmReader.ts) on an open store — the
 * issuer's as-of index built once (warmUpMs), then every question answered by binary search, as
 * a long-running process would. The answers are checked against the SQL baseline's. While one
 * query takes long the run stops after `budgetMs` (at least `minSamples`); `n` says how many.
 */
export const libQueries = async (args: {
  db: string;
  samplesFile: string;
  sqlAnswers?: string[];
  budgetMs: number;
  minSamples: number;
}) => {
  const samples = JSON.parse(fs.readFileSync(args.samplesFile, 'utf8')) as QuerySamples;
  const store = openSqliteStore(args.db);
  const issuer = samples.issuer as IssuerId;
  const warmStarted = nowMs();
  const reader = await WarmReader.open(store);
  await reader.warm(issuer);
  const warmUpMs = nowMs() - warmStarted;
  // Synchronous once warm, like the SQL side's prepared statements: no promise per question.
  const stakeOf = (s: QuerySamples['stake'][number]): string =>
    reader.stake(issuer, s.holder as HolderId, s.date).classes.find((c) => c.class === s.class)?.shares ?? '0';
  const capTableOf = (s: QuerySamples['capTable'][number]): number => reader.capTable(issuer, s.date).holders.length;

  // The same warm-up the SQL side gets, right before each kind is timed (every stake sample
  // WARM_PASSES times, every cap-table sample once): optimised code and caches, as a long-running
  // process has them. Cut short when a question is slow (the index is not in use).
  let warmupStarted = nowMs();
  for (let pass = 0; pass < WARM_PASSES; pass++) for (const s of samples.stake) if (nowMs() - warmupStarted < args.budgetMs) stakeOf(s);

  const stakeMs: number[] = [];
  let mismatches = 0;
  let started = nowMs();
  for (let i = 0; i < samples.stake.length; i++) {
    if (i >= args.minSamples && nowMs() - started > args.budgetMs) break;
    const t0 = nowMs();
    const shares = stakeOf(samples.stake[i]!);
    stakeMs.push(nowMs() - t0);
    if (args.sqlAnswers && args.sqlAnswers[i] !== shares) mismatches++;
  }
  warmupStarted = nowMs();
  for (const s of samples.capTable) if (nowMs() - warmupStarted < args.budgetMs) capTableOf(s);
  const capMs: number[] = [];
  started = nowMs();
  for (let i = 0; i < samples.capTable.length; i++) {
    if (i >= args.minSamples && nowMs() - started > args.budgetMs) break;
    const t0 = nowMs();
    capTableOf(samples.capTable[i]!);
    capMs.push(nowMs() - t0);
  }
  await store.close();
  return { stake: latencyOf(stakeMs), capTable: latencyOf(capMs), warmUpMs, mismatches, checked: args.sqlAnswers ? stakeMs.length : 0 };
};
