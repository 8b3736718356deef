import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditReport } from '../../src/auditReport.js';
import { disposalCachePolicy, takeDisposalCaches } from '../../src/disposalCache.js';
import { verifyLedger } from '../../src/integrity/verify.js';
import { queryProceeds } from '../../src/queries.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { withoutDerivedReads } from '../derivedReadsContract.js';
import { copyOf, draftOf, fixtureFile, tamper } from './fixtureLedger.js';
import { Ledger } from '../../src/ledger.js';

/**
 * The disposal cache (src/disposalCache.ts) on the fixture ledger, every stream cached: proceeds
 * answer as the replay does, before and after the cache is taken and after an append moves the
 * head; verify proves a cache that is the replay's, in one pass and the exact way, and reports one
 * edited in any way the reads would trust.
 */

const ACME = 'issuer-acme';
const NOW = new Date('2100-01-01T00:00:00.000Z');
const QUESTIONS = [
  { holder: 'taobao-holding' },
  { holder: 'temasek', method: 'avg' },
  { holder: 'alibaba-group', group: true, currency: 'USD' },
  { holder: 'temasek', to: '2020-12-31' },
  { holder: 'taobao-holding', knownAt: '2000-01-01T00:00:00.000Z' },
] as const;

/** A sale by temasek in acme, after everything else: the stream's head moves. */
const appendSale = (store: EventStore) =>
  new Ledger({ store, actor: 'test', now: () => new Date('2024-06-01T00:00:00.000Z') }).append([
    draftOf({
      type: 'BlockSale',
      issuer: 'acme',
      date: '2024-05-31',
      data: { seller: 'temasek', class: 'B', shares: '1000', pricePerShare: '3', currency: 'HKD' },
    }),
  ]);

let cached: string;
const policy = { ...disposalCachePolicy };
/** Every stream cached, a disposal per batch (so a cache is written in several transactions). */
const cacheEverything = () => Object.assign(disposalCachePolicy, { minEvents: 0, batch: 1 });

const answers = async (file: string, replay = false) => {
  const store = openSqliteStore(file);
  try {
    const s = replay ? withoutDerivedReads(store) : store;
    const out: unknown[] = [];
    for (const q of QUESTIONS) out.push(await queryProceeds(s, { ...q }, NOW).catch((e: Error) => e.message));
    return out;
  } finally {
    await store.close();
  }
};

const cacheRows = (file: string) =>
  tamper(file, (db) => ({
    folds: db.prepare('SELECT stream, method, revision FROM disposal_folds ORDER BY stream, method').all(),
    disposals: db.prepare<[], number>('SELECT COUNT(*) FROM disposals').pluck().get(),
  }));

/** verify the exact way (from the sources) and in two lanes from the build (the one-pass check, soundStream.ts). */
const verifyBoth = async (file: string) => {
  const built = (await import(new URL('../../dist/src/integrity/verify.js', import.meta.url).href)) as {
    verifyLedger: typeof verifyLedger;
  };
  const results = [];
  for (const verify of [verifyLedger, (store: Parameters<typeof verifyLedger>[0]) => built.verifyLedger(store, { parallelFrom: 0 })]) {
    const store = openSqliteStore(file);
    try {
      results.push(await verify(store));
    } finally {
      await store.close();
    }
  }
  return results;
};

beforeAll(async () => {
  cacheEverything();
  cached = copyOf(await fixtureFile());
  await answers(cached);
});
afterEach(cacheEverything);
afterAll(() => {
  Object.assign(disposalCachePolicy, policy);
});

describe('the disposal cache', () => {
  it('is taken by a question, and answers as the replay does', async () => {
    const rows = cacheRows(cached);
    expect(rows.folds).toContainEqual({ stream: ACME, method: 'fifo', revision: expect.any(Number) });
    expect(rows.disposals).toBeGreaterThan(0);
    expect(await answers(cached)).toEqual(await answers(cached, true));
  });

  it('is kept under fifo only: an avg question folds, and an avg cache an earlier version left is neither read nor checked', async () => {
    expect(cacheRows(cached).folds.map((f) => (f as { method: string }).method)).not.toContain('avg');
    const file = copyOf(cached);
    // An avg cache at the head, as an earlier version kept it, but wrong: one disposal, of nothing.
    tamper(file, (db) => {
      db.prepare(
        `INSERT INTO disposal_folds (stream, method, revision, head_id, recorded_at)
           SELECT stream, 'avg', revision, head_id, recorded_at FROM disposal_folds WHERE stream = ? AND method = 'fifo'`,
      ).run(ACME);
      db.prepare("INSERT INTO disposals (stream, method, seq, seller, body) VALUES (?, 'avg', 0, 'temasek', 'not json')").run(ACME);
    });
    expect(await answers(file)).toEqual(await answers(file, true));
    for (const result of await verifyBoth(file)) expect(result.problems).toEqual([]);
  });

  it('is not used once an append moves the head, and the next question takes it again', async () => {
    const file = copyOf(cached);
    const store = openSqliteStore(file);
    await appendSale(store);
    const head = (await store.heads()).find((h) => h.stream === ACME)!.revision;
    await store.close();
    expect(cacheRows(file).folds).not.toContainEqual({ stream: ACME, method: 'fifo', revision: head });
    expect(await answers(file)).toEqual(await answers(file, true));
    expect(cacheRows(file).folds).toContainEqual({ stream: ACME, method: 'fifo', revision: head });
    for (const result of await verifyBoth(file)) expect(result.problems).toEqual([]);
  });

  it('leaves a question as known before its recordedAt to the fold, and is not taken again for it', async () => {
    const file = copyOf(cached);
    const store = openSqliteStore(file);
    try {
      // A sale recorded on 2024-06-01, and the cache taken after it: a question as known the day before must not see the sale.
      await appendSale(store);
      const query = { holder: 'temasek', issuer: 'acme' };
      const now = await queryProceeds(store, query, NOW);
      expect(store.derivedReads!.disposalCache(ACME, 'fifo')?.recordedAt).toBe('2024-06-01T00:00:00.000Z');
      const keep = vi.spyOn(store.derivedReads!, 'keepDisposals');
      const before = { ...query, knownAt: '2024-05-31T00:00:00.000Z' };
      const answer = await queryProceeds(store, before, NOW);
      expect(answer).toEqual(await queryProceeds(withoutDerivedReads(store), before, NOW));
      expect(answer.result.disposals.length).toBe(now.result.disposals.length - 1);
      expect(keep).not.toHaveBeenCalled();
    } finally {
      await store.close();
    }
  });

  it('is not taken of streams shorter than the policy asks', async () => {
    disposalCachePolicy.minEvents = 1_000_000;
    const file = copyOf(await fixtureFile());
    expect(await answers(file)).toEqual(await answers(file, true));
    expect(cacheRows(file)).toEqual({ folds: [], disposals: 0 });
  });

  it('is taken after an import of the long issuers it names, not of short, damaged or cached ones', async () => {
    const file = copyOf(await fixtureFile());
    const store = openSqliteStore(file);
    let long: string[] = [];
    try {
      const lengths = new Map((await store.heads()).map((h) => [h.stream, h.revision + 1]));
      const issuers = [...lengths.keys()].filter((s) => s.startsWith('issuer-'));
      // acme and the issuers at least as long are long enough; some issuer is not.
      disposalCachePolicy.minEvents = lengths.get(ACME)!;
      long = issuers.filter((s) => lengths.get(s)! >= lengths.get(ACME)!);
      expect(long.length).toBeLessThan(issuers.length);
      const reads = store.derivedReads!;
      expect(takeDisposalCaches(reads, [...issuers, 'holders', 'fx'])).toEqual(long);
      // Each is cached at its head now: nothing to take again.
      expect(takeDisposalCaches(reads, issuers)).toEqual([]);
    } finally {
      await store.close();
    }
    expect((cacheRows(file).folds as Array<{ stream: string }>).map((f) => f.stream)).toEqual(long);
    expect(await answers(file)).toEqual(await answers(file, true));
    for (const result of await verifyBoth(file)) expect(result.problems).toEqual([]);

    const damaged = copyOf(await fixtureFile());
    tamper(damaged, (db) => db.prepare('INSERT INTO damaged (stream) VALUES (?)').run(ACME));
    const again = openSqliteStore(damaged);
    try {
      disposalCachePolicy.minEvents = 0;
      expect(takeDisposalCaches(again.derivedReads!, [ACME])).toEqual([]);
    } finally {
      await again.close();
    }
    expect(cacheRows(damaged)).toEqual({ folds: [], disposals: 0 });
  });

  it('is taken on a file written before its tables existed', async () => {
    const file = copyOf(await fixtureFile());
    tamper(file, (db) => db.exec('DROP TABLE disposals; DROP TABLE disposal_folds'));
    expect(await answers(file)).toEqual(await answers(file, true));
    expect(cacheRows(file).disposals).toBeGreaterThan(0);
    for (const result of await verifyBoth(file)) expect(result.problems).toEqual([]);
  });

  it('left half-built (a process killed while writing it) is neither read nor reported, and is replaced', async () => {
    const file = copyOf(cached);
    tamper(file, (db) => {
      db.prepare("UPDATE disposal_folds SET head_id = 'building:killed', recorded_at = '' WHERE stream = ?").run(ACME);
      db.prepare('DELETE FROM disposals WHERE stream = ? AND seq > 0').run(ACME);
    });
    for (const result of await verifyBoth(file)) expect(result.problems).toEqual([]);
    expect(await answers(file)).toEqual(await answers(file, true));
    expect(tamper(file, (db) => db.prepare("SELECT COUNT(*) FROM disposal_folds WHERE head_id LIKE 'building:%'").pluck().get())).toBe(0);
    for (const result of await verifyBoth(file)) expect(result.problems).toEqual([]);
  });

  it('started by two processes at once is kept from the one that started last; the other stops', async () => {
    const file = copyOf(cached);
    const [first, second] = [openSqliteStore(file), openSqliteStore(file)];
    try {
      const head = (await first.heads()).find((h) => h.stream === ACME)!.revision;
      const a = first.derivedReads!.keepDisposals(ACME, 'fifo', head)!;
      const b = second.derivedReads!.keepDisposals(ACME, 'fifo', head)!;
      expect(a.write([['temasek', 'a0']])).toBe(true);
      expect(b.write([['temasek', 'b0']])).toBe(true);
      expect(a.write([['temasek', 'a1']])).toBe(false);
      expect(a.finish('2024-01-01T00:00:00.000Z')).toBe(false);
      expect(b.write([['founder', 'b1']])).toBe(true);
      expect(b.finish('2024-01-01T00:00:00.000Z')).toBe(true);
      const rows = second.derivedReads!.disposalCache(ACME, 'fifo')?.of(['temasek', 'founder']);
      expect(rows).toEqual([
        [0, 'temasek', 'b0'],
        [1, 'founder', 'b1'],
      ]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('is not kept when the stream moves while it is written', async () => {
    const file = copyOf(cached);
    const store = openSqliteStore(file);
    try {
      const head = (await store.heads()).find((h) => h.stream === ACME)!.revision;
      const sink = store.derivedReads!.keepDisposals(ACME, 'fifo', head)!;
      expect(sink.write([['temasek', 'x']])).toBe(true);
      await appendSale(store);
      expect(sink.finish('2024-01-01T00:00:00.000Z')).toBe(false);
      expect(store.derivedReads!.disposalCache(ACME, 'fifo')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('that does not decode is folded again and replaced', async () => {
    const file = copyOf(cached);
    tamper(file, (db) => db.prepare("UPDATE disposals SET body = 'not json' WHERE stream = ?").run(ACME));
    expect(await answers(file)).toEqual(await answers(file, true));
    expect(tamper(file, (db) => db.prepare<[], number>("SELECT COUNT(*) FROM disposals WHERE body = 'not json'").pluck().get())).toBe(0);
  });

  it('verifies when it is the replay of its stream', async () => {
    for (const result of await verifyBoth(cached)) expect(result).toMatchObject({ ok: true, problems: [] });
  });

  const EDITS: Record<string, (db: Database.Database) => void> = {
    'a cost edited': (db) =>
      db.prepare("UPDATE disposals SET body = replace(body, '\"HKD\",', '\"USD\",') WHERE stream = ? AND method = 'fifo'").run(ACME),
    'a seller edited': (db) => db.prepare("UPDATE disposals SET seller = 'temasek' WHERE stream = ? AND seller <> 'temasek'").run(ACME),
    'a disposal deleted': (db) => db.prepare('DELETE FROM disposals WHERE stream = ? AND seq = 0').run(ACME),
    'a disposal added': (db) =>
      db
        .prepare(
          'INSERT INTO disposals (stream, method, seq, seller, body) SELECT stream, method, seq + 100, seller, body FROM disposals WHERE stream = ? AND seq = 0',
        )
        .run(ACME),
    'its recordedAt moved back': (db) =>
      db.prepare("UPDATE disposal_folds SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE stream = ?").run(ACME),
  };

  it('is left to verify by the audit report, which reads none', async () => {
    const file = copyOf(cached);
    tamper(file, EDITS['a cost edited']!);
    const store = openSqliteStore(file);
    try {
      const report = await auditReport(store, { issuer: 'acme', now: NOW });
      expect(report.verification).toMatchObject({ ok: true, problems: [] });
    } finally {
      await store.close();
    }
    for (const result of await verifyBoth(file)) expect(result.ok).toBe(false);
  });

  for (const [name, edit] of Object.entries(EDITS))
    it(`is reported by verify when ${name}`, async () => {
      const file = copyOf(cached);
      tamper(file, edit);
      for (const result of await verifyBoth(file)) {
        expect(result.ok).toBe(false);
        expect(result.problems.map((p) => [p.stream, p.message])).toContainEqual([
          ACME,
          expect.stringMatching(/disposal cache is not the replay/),
        ]);
      }
      fs.rmSync(file);
    });
});
