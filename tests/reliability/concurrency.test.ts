import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng, uniqueUuid } from '../support/ledgerGenerator/prng.js';
import { verifyLedger } from '../../src/integrity/verify.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { runCli, scaled, SEED, seconds, storedEvents, tempDir } from './support.js';

/**
 * Given one SQLite file where `seller` holds FIRST shares from 2020-01-01 and FIRST + SECOND from
 * 2020-07-01, when WRITERS processes each append PER_WRITER BlockSales of `seller`'s shares at
 * once (random sizes and dates in 2020, so many are back-dated against each other), then every
 * acknowledged append is stored, no rejected one is, the chain verifies, no holding is ever
 * negative on the timeline, and what was sold is exactly the acknowledged sales and never more
 * than was held.
 */

const WRITERS = 4;
const PER_WRITER = scaled(25, 500);
const MAX_SALE = 20;
/** About half of what all writers ask for: plenty of sales succeed, plenty are refused. */
const FIRST = BigInt(Math.round((WRITERS * PER_WRITER * MAX_SALE) / 8));
const SECOND = FIRST / 2n;
const ISSUER = 'race';
const STREAM = `issuer-${ISSUER}`;

type Sale = Readonly<{ id: string; writer: number; date: string; shares: bigint }>;
type Attempt = Readonly<{ sale: Sale; code: number | null; errorCode?: string; stderr: string }>;

let dir: string;
let file: string;

const dayOf2020 = (day: number): string => new Date(Date.UTC(2020, 0, 2) + day * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  dir = tempDir('concurrency');
  file = path.join(dir, 'race.db');
  const setup = path.join(dir, 'setup.jsonl');
  const line = (o: unknown) => JSON.stringify(o);
  fs.writeFileSync(
    setup,
    [
      line({
        type: 'IssuerRegistered',
        issuer: ISSUER,
        date: '2020-01-01',
        data: { name: 'Race Ltd', currency: 'USD', classes: [{ class: 'A', votesPerShare: 1 }] },
      }),
      line({
        type: 'SharesIssued',
        issuer: ISSUER,
        date: '2020-01-01',
        data: { holder: 'seller', class: 'A', shares: FIRST.toString(), pricePerShare: '1', currency: 'USD' },
      }),
      line({
        type: 'SharesIssued',
        issuer: ISSUER,
        date: '2020-07-01',
        data: { holder: 'seller', class: 'A', shares: SECOND.toString(), pricePerShare: '2', currency: 'USD' },
      }),
    ].join('\n'),
  );
  const run = await runCli(['--store', `sqlite:${file}`, 'import', setup]);
  if (run.code !== 0) throw new Error(`setup failed: ${run.stderr}`);
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const salesOf = (writer: number): Sale[] => {
  const rng = new Prng(SEED + writer);
  return Array.from({ length: PER_WRITER }, (_, i) => ({
    id: uniqueUuid(rng, writer * 1_000_000 + i, SEED),
    writer,
    date: dayOf2020(rng.int(0, 360)),
    shares: BigInt(rng.int(1, MAX_SALE)),
  }));
};

const append = async (sale: Sale): Promise<Attempt> => {
  const run = await runCli([
    '--store',
    `sqlite:${file}`,
    '--actor',
    `writer-${sale.writer}`,
    '--json',
    'append',
    'BlockSale',
    '--id',
    sale.id,
    '--issuer',
    ISSUER,
    '--date',
    sale.date,
    '--seller',
    'seller',
    '--buyer',
    `buyer-${sale.writer}`,
    '--class',
    'A',
    '--shares',
    sale.shares.toString(),
    '--price-per-share',
    '3',
    '--currency',
    'USD',
  ]);
  let errorCode: string | undefined;
  if (run.code !== 0) {
    try {
      errorCode = (JSON.parse(run.stderr) as { error: { code: string } }).error.code;
    } catch {
      errorCode = undefined;
    }
  }
  return { sale, code: run.code, stderr: run.stderr, ...(errorCode !== undefined ? { errorCode } : {}) };
};

/** The seller's holding after every event of the issuer's timeline, ordered by (date, revision). */
const sellerHoldings = (events: Awaited<ReturnType<typeof storedEvents>>): bigint[] => {
  const timeline = events
    .filter((e) => e.stream === STREAM)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.revision - b.revision));
  let held = 0n;
  const after: bigint[] = [];
  for (const e of timeline) {
    if (e.type === 'SharesIssued' && e.data.holder === 'seller') held += e.data.shares;
    if (e.type === 'BlockSale' && e.data.seller === 'seller') held -= e.data.shares;
    after.push(held);
  }
  return after;
};

describe(`${WRITERS} processes selling the same holder's shares at once (${PER_WRITER} appends each)`, () => {
  it('stores every acknowledged sale and no rejected one, never oversells, and the chain verifies', async () => {
    const started = performance.now();
    const attempts = (
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          const done: Attempt[] = [];
          for (const sale of salesOf(writer)) done.push(await append(sale));
          return done;
        }),
      )
    ).flat();
    const elapsed = performance.now() - started;
    const acknowledged = attempts.filter((a) => a.code === 0);
    const rejected = attempts.filter((a) => a.code === 1);
    const conflicting = attempts.filter((a) => a.code === 3);
    const other = attempts.filter((a) => a.code !== 0 && a.code !== 1 && a.code !== 3);

    const events = await storedEvents(file);
    const byId = new Map<string, (typeof events)[number]>(events.map((e) => [e.id, e]));
    const sold = events.filter((e) => e.type === 'BlockSale').reduce((n, e) => n + (e.type === 'BlockSale' ? e.data.shares : 0n), 0n);
    const acknowledgedShares = acknowledged.reduce((n, a) => n + a.sale.shares, 0n);
    const holdings = sellerHoldings(events);
    const store = openSqliteStore(file);
    const verified = await verifyLedger(store).finally(() => store.close());

    console.info(
      `concurrency: ${WRITERS} writers × ${PER_WRITER} appends in ${seconds(elapsed)}: ${acknowledged.length} acknowledged, ${rejected.length} rejected, ${conflicting.length} exit 3, ${other.length} other; sold ${sold} of ${FIRST + SECOND}`,
    );
    expect(
      conflicting.map((a) => a.stderr),
      'exit 3: still conflicting after retries',
    ).toEqual([]);
    expect(other.map((a) => `exit ${a.code}: ${a.stderr}`)).toEqual([]);
    expect(rejected.filter((a) => a.errorCode !== 'INSUFFICIENT_SHARES').map((a) => a.stderr)).toEqual([]);
    // The load is only a test if both outcomes happen often.
    expect(acknowledged.length).toBeGreaterThan(attempts.length / 5);
    expect(rejected.length).toBeGreaterThan(attempts.length / 5);

    const missing = acknowledged.filter((a) => {
      const e = byId.get(a.sale.id);
      return !(
        e &&
        e.type === 'BlockSale' &&
        e.date === a.sale.date &&
        e.data.shares === a.sale.shares &&
        e.actor === `writer-${a.sale.writer}`
      );
    });
    expect(
      missing.map((a) => a.sale.id),
      'acknowledged but not stored as sent',
    ).toEqual([]);
    expect(
      rejected.filter((a) => byId.has(a.sale.id)).map((a) => a.sale.id),
      'rejected but stored',
    ).toEqual([]);
    expect(events.filter((e) => e.type === 'BlockSale').length).toBe(acknowledged.length);
    expect(sold).toBe(acknowledgedShares);
    expect(sold <= FIRST + SECOND).toBe(true);
    expect(holdings.filter((h) => h < 0n)).toEqual([]);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    // The revisions are 0..n-1 with no gap: no append was lost or doubled under contention.
    const revisions = events.filter((e) => e.stream === STREAM).map((e) => e.revision);
    expect(revisions).toEqual(revisions.map((_, i) => i));
  });
});
