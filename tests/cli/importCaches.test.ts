import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposalCachePolicy } from '../../src/disposalCache.js';
import { writeLedger } from '../support/ledgerGenerator/generate.js';
import { parseJsonOut, runCli, tempDir } from './harness.js';

/**
 * After an import, the busy issuers' disposal caches are taken (docs/proceeds.md#cache): the first
 * proceeds question reads them instead of folding the issuer. One issuer just past the policy's
 * length, and a few holders, so that the file stays small.
 */

const dir = tempDir();
const ledger = path.join(dir, 'busy.jsonl');
const STREAM = 'issuer-co-0000';

const cacheFolds = (file: string): Array<{ stream: string; method: string; revision: number }> => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'disposal_folds'").get();
    return table === undefined ? [] : (db.prepare('SELECT stream, method, revision FROM disposal_folds').all() as never);
  } finally {
    db.close();
  }
};

beforeAll(() => {
  const stats = writeLedger(
    ledger,
    { name: 'busy', events: disposalCachePolicy.minEvents + 1_500, issuers: 1, holders: 60, groups: 2, hotIssuerShare: 1, spanDays: 3650 },
    11,
  );
  expect(stats.hotIssuerEvents).toBeGreaterThanOrEqual(disposalCachePolicy.minEvents);
});

describe('import', () => {
  it('takes the disposal cache of an issuer long enough to keep one, and a dry run takes none', async () => {
    const dry = path.join(dir, 'dry.db');
    expect((await runCli(['--store', `sqlite:${dry}`, 'import', ledger, '--dry-run'])).code).toBe(0);
    expect(fs.existsSync(dry) ? cacheFolds(dry) : []).toEqual([]);

    const file = path.join(dir, 'busy.db');
    const imported = await runCli(['--store', `sqlite:${file}`, '--json', 'import', ledger]);
    expect(imported.code).toBe(0);
    const counts = parseJsonOut<{ streams: Array<{ stream: string; appended: number }> }>(imported).streams;
    const head = counts.find((s) => s.stream === STREAM)!.appended - 1;
    expect(cacheFolds(file)).toEqual([{ stream: STREAM, method: 'fifo', revision: head }]);

    // The answer from the cache is the fold's: a copy without the cache folds the issuer.
    const bare = path.join(dir, 'bare.db');
    fs.copyFileSync(file, bare);
    const db = new Database(bare);
    db.exec('DELETE FROM disposals; DELETE FROM disposal_folds');
    db.close();
    const question = ['--json', 'proceeds', '--holder', 'holder-7'];
    const fromCache = await runCli(['--store', `sqlite:${file}`, ...question]);
    const folded = await runCli(['--store', `sqlite:${bare}`, ...question]);
    expect(fromCache.code).toBe(0);
    expect(parseJsonOut(fromCache)).toEqual(parseJsonOut(folded));
    expect(parseJsonOut<{ disposals: unknown[] }>(fromCache).disposals.length).toBeGreaterThan(0);
  });
});
