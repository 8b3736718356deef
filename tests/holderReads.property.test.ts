import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClassId, HolderId, Instant, IsoDate, IssuerId } from '../events/index.js';
import { decodeDraft, toIssuerStreamId } from '../events/index.js';
import { replayIssuer } from '../projections/ownership.js';
import { END_OF_TIME, selectTimeline } from '../projections/timeline.js';
import { disposalCachePolicy } from '../src/disposalCache.js';
import { isLedgerError } from '../src/domain/problem.js';
import { Ledger } from '../src/ledger.js';
import { queryHistory, queryProceeds } from '../src/queries.js';
import type { EventStore } from '../src/store/eventStore.js';
import { openSqliteStore } from '../src/store/sqliteStore.js';
import { withoutDerivedReads } from './derivedReadsContract.js';

/**
 * `proceeds` and `history` of one holder read from the SQLite store's derived rows (only the
 * issuers and rows the holder's answer depends on, src/holderReads.ts) give the replay's answer
 * (the same store without derived reads), word for word, errors included: on random ledgers of
 * two issuers with free transfers (lots passed on), sales in two currencies, FX rates, control
 * groups, splits, conversions, IPOs and retractions, for random questions.
 */

const ISSUERS = ['acme', 'beta'] as const;
const HOLDERS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'public'] as const;
const CLASSES = ['A', 'B'] as const;
const CURRENCIES = ['USD', 'EUR'] as const;

const issuer = fc.constantFrom(...ISSUERS);
const holder = fc.constantFrom(...HOLDERS);
const named = fc.constantFrom('h1', 'h2', 'h3', 'h4', 'h5', 'h6');
const cls = fc.constantFrom(...CLASSES);
const currency = fc.constantFrom(...CURRENCIES);
const price = fc.constantFrom('0', '1', '1.5', '2.25', '3.1');
const portion = fc.integer({ min: 1, max: 1000 }).map((n) => `portion:${n}`);
const dateOf = (d: number) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10);
const early = fc.integer({ min: 0, max: 150 }).map(dateOf);
const late = fc.integer({ min: 100, max: 364 }).map(dateOf);
const day = fc.integer({ min: 0, max: 364 }).map(dateOf);

type Input = { type: string; issuer?: string; date: string; data: Record<string, unknown> };
type Op = Input | { retract: number };

const on = (type: string, i: string, date: string, data: Record<string, unknown>): Input => ({ type, issuer: i, date, data });

const ops = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({ i: issuer, date: early, holder, cls, price, currency, n: fc.integer({ min: 1, max: 1000 }) }).map((o) =>
        on('SharesIssued', o.i, o.date, {
          holder: o.holder,
          class: o.cls,
          shares: String(o.n),
          pricePerShare: o.price,
          currency: o.currency,
        }),
      ),
    },
    {
      weight: 6,
      arbitrary: fc
        .record({
          i: issuer,
          date: late,
          seller: holder,
          buyer: fc.option(holder, { nil: undefined }),
          cls,
          shares: portion,
          price,
          currency,
          fees: fc.constantFrom(undefined, '1.25'),
        })
        .map((o) =>
          on('BlockSale', o.i, o.date, {
            seller: o.seller,
            ...(o.buyer ? { buyer: o.buyer } : {}),
            class: o.cls,
            shares: o.shares,
            pricePerShare: o.price,
            currency: o.currency,
            ...(o.fees ? { fees: o.fees } : {}),
          }),
        ),
    },
    {
      weight: 6,
      arbitrary: fc
        .record({
          i: issuer,
          date: day,
          from: named,
          to: holder,
          cls,
          shares: portion,
          paid: fc.option(fc.record({ amount: price, currency }), { nil: undefined }),
        })
        .map((o) =>
          on('SharesTransferred', o.i, o.date, {
            from: o.from,
            to: o.to,
            class: o.cls,
            shares: o.shares,
            ...(o.paid ? { consideration: o.paid } : {}),
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          i: issuer,
          date: late,
          holder: fc.option(holder, { nil: undefined }),
          cls,
          shares: portion,
          price: fc.option(price, { nil: undefined }),
        })
        .map((o) =>
          on('SharesRepurchased', o.i, o.date, {
            ...(o.holder ? { holder: o.holder } : {}),
            class: o.cls,
            shares: o.shares,
            ...(o.price ? { pricePerShare: o.price, currency: 'USD' } : {}),
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          i: issuer,
          date: day,
          cls: fc.option(cls, { nil: undefined }),
          numerator: fc.integer({ min: 1, max: 3 }),
          denominator: fc.integer({ min: 1, max: 2 }),
        })
        .map((o) =>
          on('StockSplit', o.i, o.date, { ...(o.cls ? { class: o.cls } : {}), numerator: o.numerator, denominator: o.denominator }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ i: issuer, date: late, holder, from: cls, shares: portion, ratio: fc.constantFrom('1', '2', '0.5') })
        .map((o) =>
          on('SharesConverted', o.i, o.date, {
            holder: o.holder,
            fromClass: o.from,
            toClass: o.from === 'A' ? 'B' : 'A',
            shares: o.shares,
            ratio: o.ratio,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          i: issuer,
          date: early,
          price,
          allocations: fc.array(fc.record({ holder, shares: fc.integer({ min: 1, max: 500 }).map(String) }), {
            minLength: 1,
            maxLength: 3,
          }),
        })
        .map((o) =>
          on('FundingRoundClosed', o.i, o.date, {
            round: 'R',
            class: 'A',
            pricePerShare: o.price,
            currency: 'EUR',
            allocations: o.allocations,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          i: issuer,
          date: day,
          newShares: fc.integer({ min: 0, max: 500 }).map(String),
          convert: fc.boolean(),
          sales: fc.array(fc.record({ seller: named, shares: fc.integer({ min: 1, max: 300 }).map(String) }), { maxLength: 2 }),
        })
        .map((o) =>
          on('IPOCompleted', o.i, o.date, {
            exchange: 'X',
            ticker: 'T',
            class: 'B',
            offerPrice: '2.5',
            currency: 'USD',
            newShares: o.newShares,
            ...(o.convert ? { conversions: [{ fromClass: 'A', toClass: 'B', ratio: '1' }] } : {}),
            secondarySales: o.sales,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.record({ date: day, holder: named, parent: fc.option(named, { nil: undefined }) }).map((o): Input => ({
        type: 'HolderRegistered',
        date: o.date,
        data: { holder: o.holder, name: o.holder.toUpperCase(), ...(o.parent && o.parent !== o.holder ? { controlledBy: o.parent } : {}) },
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ date: day, rate: fc.constantFrom('0.9', '1.1', '1.25') })
        .map((o): Input => ({ type: 'FxRateRecorded', date: o.date, data: { base: 'EUR', quote: 'USD', rate: o.rate } })),
    },
    { weight: 1, arbitrary: fc.nat().map((n): Op => ({ retract: n })) },
  ),
  { minLength: 20, maxLength: 60 },
);

const registration = (i: string): Input =>
  on('IssuerRegistered', i, '2020-01-01', {
    name: i,
    currency: 'USD',
    classes: [
      { class: 'A', votesPerShare: 10 },
      { class: 'B', votesPerShare: 1 },
    ],
  });

/**
 * A `portion:N` share count becomes N thousandths (at least 1) of what the seller holds on the
 * date; a seller with nothing of the class is swapped for one that has some (and a buyer that is
 * then the seller for another holder), so that most generated disposals are possible.
 */
const sized = async (store: EventStore, input: Input): Promise<Input> => {
  const d = input.data;
  if (typeof d['shares'] !== 'string' || !d['shares'].startsWith('portion:')) return input;
  const portion = BigInt(d['shares'].slice('portion:'.length));
  const field = 'seller' in d ? 'seller' : 'from' in d ? 'from' : 'holder';
  const state = replayIssuer(
    input.issuer as IssuerId,
    selectTimeline(await store.readStream(toIssuerStreamId(input.issuer as IssuerId)), {
      asOf: input.date as IsoDate,
      knownAt: END_OF_TIME as unknown as Instant,
    }),
  );
  const byHolder = state.holdings.get((d['class'] ?? d['fromClass']) as ClassId) ?? new Map<HolderId, bigint>();
  let who = (d[field] ?? 'public') as HolderId;
  // `public` only when no one else has shares: a free transfer from `public` makes every lot matter.
  const holding = [...byHolder.keys()].filter((h) => h !== 'public').sort();
  if (!byHolder.has(who) && holding.length > 0) who = holding[Number(portion) % holding.length]!;
  else if (!byHolder.has(who) && byHolder.size > 0) who = 'public' as HolderId;
  const counterpart = 'buyer' in d ? 'buyer' : 'to' in d ? 'to' : undefined;
  const moved = counterpart && d[counterpart] === who ? { [counterpart]: HOLDERS.find((h) => h !== who) } : {};
  const n = ((byHolder.get(who) ?? 0n) * portion) / 1000n;
  return { ...input, data: { ...d, [field]: who, ...moved, shares: String(n > 0n ? n : 1n) } };
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-holder-reads-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A ledger in a fresh SQLite file, one minute per append; returns how many minutes it took. */
const build = async (generated: ReadonlyArray<Op>) => {
  const store = openSqliteStore(path.join(dir, `ledger-${++files}.db`));
  let minutes = 0;
  const ledger = new Ledger({ store, actor: 'property', now: () => new Date(Date.UTC(2024, 0, 1, 0, minutes)) });
  const appended: string[] = [];
  const append = async (input: Input): Promise<void> => {
    minutes += 1;
    const decoded = decodeDraft(await sized(store, input));
    if (!decoded.ok) throw new Error(`generator made an invalid event: ${decoded.problems.map((p) => p.message).join('; ')}`);
    try {
      const report = await ledger.append([decoded.value]);
      if (input.type !== 'IssuerRegistered') appended.push(...report.events.map((e) => e.id));
    } catch (e) {
      if (!isLedgerError(e) || e.problem.kind === 'InvalidInput') throw e;
    }
  };
  for (const i of ISSUERS) await append(registration(i));
  for (const op of generated) {
    if ('retract' in op) {
      if (appended.length === 0) continue;
      minutes += 1;
      await ledger.retract(appended[op.retract % appended.length]! as never, 'property test').catch((e: unknown) => {
        if (!isLedgerError(e)) throw e;
      });
    } else await append(op);
  }
  return { store, minutes };
};

/** The answer, or the error's kind and message. */
const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    return { answer: await run() };
  } catch (e) {
    if (isLedgerError(e)) return { error: e.problem.kind, message: e.message };
    throw e;
  }
};

const NOW = new Date('2100-01-01T00:00:00.000Z');
const instant = (minutes: number) => new Date(Date.UTC(2024, 0, 1, 0, minutes)).toISOString();
const option = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined });

const proceedsQuestion = fc.record({
  holder: fc.oneof({ weight: 9, arbitrary: holder }, { weight: 1, arbitrary: fc.constant('nobody') }),
  issuer: fc.oneof({ weight: 9, arbitrary: option(issuer) }, { weight: 1, arbitrary: fc.constant('nope') }),
  method: fc.constantFrom('fifo', 'avg'),
  currency: option(currency),
  group: fc.boolean(),
  from: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: day }),
  to: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: late }),
  knownAt: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
});

const historyQuestion = fc.record({
  issuer: fc.constantFrom(...ISSUERS),
  holder: fc.oneof({ weight: 9, arbitrary: option(holder) }, { weight: 1, arbitrary: fc.constant('nobody') }),
  knownAt: option(fc.nat()),
});

/** The proceeds questions asked of random ledgers, each as `check` asks it (knownAt within the ledger's minutes, --from before --to). */
const everyProceedsQuestion = (check: (store: EventStore, query: Parameters<typeof queryProceeds>[1]) => Promise<void>, numRuns: number) =>
  fc.assert(
    fc.asyncProperty(ops, fc.array(proceedsQuestion, { minLength: 1, maxLength: 5 }), async (generated, questions) => {
      const { store, minutes } = await build(generated);
      try {
        for (const q of questions)
          await check(store, {
            ...q,
            knownAt: q.knownAt === undefined ? undefined : instant(q.knownAt % (minutes + 2)),
            ...(q.from !== undefined && q.to !== undefined && q.from > q.to ? { from: q.to, to: q.from } : {}),
          });
      } finally {
        await store.close();
      }
    }),
    { numRuns },
  );

const replayed = (store: EventStore, query: Parameters<typeof queryProceeds>[1]) =>
  outcome(() => queryProceeds(withoutDerivedReads(store), query, NOW));

describe('one holder from the derived rows', () => {
  it('proceeds equal the replay of every issuer (fifo and avg, --group, --currency, --from/--to, --known-at)', async () => {
    await everyProceedsQuestion(async (store, query) => {
      expect(await outcome(() => queryProceeds(store, query, NOW))).toEqual(await replayed(store, query));
    }, 40);
  });

  it('proceeds from disposal caches equal the replay, asked as the cache is taken and once it is kept', async () => {
    const minEvents = disposalCachePolicy.minEvents;
    disposalCachePolicy.minEvents = 0;
    try {
      await everyProceedsQuestion(async (store, query) => {
        const replay = await replayed(store, query);
        expect(await outcome(() => queryProceeds(store, query, NOW)), 'as the cache is taken').toEqual(replay);
        expect(await outcome(() => queryProceeds(store, query, NOW)), 'from the cache').toEqual(replay);
      }, 30);
    } finally {
      disposalCachePolicy.minEvents = minEvents;
    }
  });

  it('history equals the replay of the issuer, for one holder or all, at any --known-at', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.array(historyQuestion, { minLength: 1, maxLength: 6 }), async (generated, questions) => {
        const { store, minutes } = await build(generated);
        try {
          for (const q of questions) {
            const query = { ...q, knownAt: q.knownAt === undefined ? undefined : instant(q.knownAt % (minutes + 2)) };
            const indexed = await outcome(() => queryHistory(store, query, NOW));
            expect(indexed).toEqual(await outcome(() => queryHistory(withoutDerivedReads(store), query, NOW)));
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
