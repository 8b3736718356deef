import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClassId, CurrencyCode, EventId, HolderId, Instant, IsoDate, IssuerId, Rational } from '../events/index.js';
import { add, decodeDraft, FX_STREAM, HOLDERS_STREAM, HUNDRED, toIssuerStreamId, ZERO } from '../events/index.js';
import { historyOf } from '../projections/history.js';
import { capTableFromState, percentagesOf, projectCapTable, projectStake, replayIssuer } from '../projections/ownership.js';
import { type CostMethod, projectProceeds } from '../projections/proceeds.js';
import { END_OF_TIME, selectTimeline } from '../projections/timeline.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';

/**
 * Random ledgers built the way a user builds one: every generated event goes through
 * `Ledger.append` (so it is validated against the timeline, back-dated ones included), and the
 * ones the domain rejects are skipped.
 */

const ISSUER = 'acme' as IssuerId;
const HOLDERS = ['h1', 'h2', 'h3', 'public'] as const;
const CLASSES = ['A', 'B'] as const;
const PRICES = ['0', '1', '1.5', '2.25', '3.1'] as const;
const RUNS = { numRuns: 60 };

const holder = fc.constantFrom(...HOLDERS);
const cls = fc.constantFrom(...CLASSES);
const price = fc.constantFrom(...PRICES);
/** Shares leaving a holding: a portion (in thousandths) of what the holder has on that date, sized by `build`. */
const shares = fc.integer({ min: 1, max: 1000 }).map((n) => `portion:${n}`);
const dayIn = (min: number, max: number) =>
  fc.integer({ min, max }).map((d) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10));
const day = dayIn(0, 364);
/** Acquisitions lean early and disposals late, so that most sales find shares to sell. */
const early = dayIn(0, 200);
const late = dayIn(100, 364);

type Op = Record<string, unknown> | { retract: number };

const issuerEvent = (type: string, date: string, data: Record<string, unknown>) => ({ type, issuer: ISSUER, date, data });

const ops = (options: { freeMoves: boolean }) => {
  const common = [
    fc
      .record({ date: early, holder, cls, shares: fc.integer({ min: 1, max: 1000 }).map(String), price })
      .map((o) =>
        issuerEvent('SharesIssued', o.date, { holder: o.holder, class: o.cls, shares: o.shares, pricePerShare: o.price, currency: 'USD' }),
      ),
    fc
      .record({
        date: early,
        cls,
        price,
        allocations: fc.array(fc.record({ holder, shares: fc.integer({ min: 1, max: 1000 }).map(String) }), { minLength: 1, maxLength: 3 }),
      })
      .map((o) =>
        issuerEvent('FundingRoundClosed', o.date, {
          round: 'R',
          class: o.cls,
          pricePerShare: o.price,
          currency: 'USD',
          allocations: o.allocations,
        }),
      ),
    fc.record({ date: late, seller: holder, buyer: holder, cls, shares, price, fees: fc.constantFrom(undefined, '0', '1.25') }).map((o) =>
      issuerEvent('BlockSale', o.date, {
        seller: o.seller,
        buyer: o.buyer,
        class: o.cls,
        shares: o.shares,
        pricePerShare: o.price,
        currency: 'USD',
        ...(o.fees ? { fees: o.fees } : {}),
      }),
    ),
    fc.record({ date: late, from: holder, to: holder, cls, shares, amount: price }).map((o) =>
      issuerEvent('SharesTransferred', o.date, {
        from: o.from,
        to: o.to,
        class: o.cls,
        shares: o.shares,
        consideration: { amount: o.amount, currency: 'USD' },
      }),
    ),
    fc.record({ date: late, holder, cls, shares, price }).map((o) =>
      issuerEvent('SharesRepurchased', o.date, {
        holder: o.holder,
        class: o.cls,
        shares: o.shares,
        pricePerShare: o.price,
        currency: 'USD',
      }),
    ),
    fc
      .record({
        date: day,
        cls: fc.constantFrom(undefined, ...CLASSES),
        numerator: fc.integer({ min: 1, max: 3 }),
        denominator: fc.integer({ min: 1, max: 2 }),
      })
      .map((o) =>
        issuerEvent('StockSplit', o.date, { ...(o.cls ? { class: o.cls } : {}), numerator: o.numerator, denominator: o.denominator }),
      ),
    fc.record({ date: late, holder, from: cls, shares, ratio: fc.constantFrom('1', '2', '0.5') }).map((o) =>
      issuerEvent('SharesConverted', o.date, {
        holder: o.holder,
        fromClass: o.from,
        toClass: o.from === 'A' ? 'B' : 'A',
        shares: o.shares,
        ratio: o.ratio,
      }),
    ),
    fc
      .record({
        date: day,
        newShares: fc.integer({ min: 0, max: 500 }).map(String),
        convert: fc.boolean(),
        sales: fc.array(fc.record({ seller: holder, shares: fc.integer({ min: 1, max: 300 }).map(String) }), { maxLength: 2 }),
      })
      .map((o) =>
        issuerEvent('IPOCompleted', o.date, {
          exchange: 'X',
          ticker: 'ACME',
          class: 'B',
          offerPrice: '2.5',
          currency: 'USD',
          newShares: o.newShares,
          ...(o.convert ? { conversions: [{ fromClass: 'A', toClass: 'B', ratio: '1' }] } : {}),
          secondarySales: o.sales,
        }),
      ),
    fc.nat().map((n): Op => ({ retract: n })),
  ];
  const free = [
    fc
      .record({ date: late, from: holder, to: holder, cls, shares })
      .map((o) => issuerEvent('SharesTransferred', o.date, { from: o.from, to: o.to, class: o.cls, shares: o.shares })),
    fc
      .record({ date: late, holder, cls, shares })
      .map((o) => issuerEvent('SharesRepurchased', o.date, { holder: o.holder, class: o.cls, shares: o.shares })),
  ];
  return fc.array(fc.oneof(...common, ...(options.freeMoves ? free : [])), { minLength: 4, maxLength: 28 });
};

const registration = issuerEvent('IssuerRegistered', '2020-01-01', {
  name: 'Acme',
  currency: 'USD',
  classes: [
    { class: 'A', votesPerShare: 10 },
    { class: 'B', votesPerShare: 1 },
  ],
});

type IssuerInput = { date: string; data: Record<string, unknown> };

/**
 * Turns a `portion:N` share count into N thousandths (at least 1) of what the seller has on the
 * event's date; a seller with nothing of that class is swapped for one that has some, so that most
 * generated disposals are possible (the domain still rejects those a later event makes impossible).
 */
const sized = async (store: EventStore, input: IssuerInput): Promise<IssuerInput> => {
  const d = input.data;
  if (typeof d['shares'] !== 'string' || !d['shares'].startsWith('portion:')) return input;
  const portion = BigInt(d['shares'].slice('portion:'.length));
  const field = 'seller' in d ? 'seller' : 'from' in d ? 'from' : 'holder';
  const c = (d['class'] ?? d['fromClass']) as ClassId;
  const byHolder =
    replayIssuer(ISSUER, selectTimeline(await issuerEvents(store), at(input.date))).holdings.get(c) ?? new Map<HolderId, bigint>();
  let who = (d[field] ?? 'public') as HolderId;
  if (!byHolder.has(who) && byHolder.size > 0) who = [...byHolder.keys()].sort()[Number(portion) % byHolder.size]!;
  const counterpart = 'buyer' in d ? 'buyer' : 'to' in d ? 'to' : undefined;
  const moved = counterpart && d[counterpart] === who ? { [counterpart]: HOLDERS.find((h) => h !== who) } : {};
  const n = ((byHolder.get(who) ?? 0n) * portion) / 1000n;
  return { ...input, data: { ...d, [field]: who, ...moved, shares: String(n > 0n ? n : 1n) } };
};

/** A ledger and a clock that moves one minute per append (every event has its own recordedAt). */
const build = async (generated: ReadonlyArray<Op>) => {
  const store = createMemoryStore();
  let minutes = 0;
  const ledger = new Ledger({ store, actor: 'property', now: () => new Date(Date.UTC(2024, 0, 1, 0, minutes)) });
  const appended: EventId[] = [];
  const tryAppend = async (input: unknown): Promise<void> => {
    minutes += 1;
    const decoded = decodeDraft(await sized(store, input as IssuerInput));
    if (!decoded.ok) throw new Error(`generator made an invalid event: ${decoded.problems.map((p) => p.message).join('; ')}`);
    try {
      const report = await ledger.append([decoded.value]);
      appended.push(...report.events.map((e) => e.id));
    } catch (e) {
      if (!isLedgerError(e) || e.problem.kind === 'InvalidInput') throw e;
    }
  };
  await tryAppend(registration);
  for (const op of generated) {
    if ('retract' in op) {
      const target = appended.length > 1 ? appended[1 + ((op.retract as number) % (appended.length - 1))] : undefined;
      if (target === undefined) continue;
      minutes += 1;
      await ledger.retract(target, 'property test').catch((e: unknown) => {
        if (!isLedgerError(e)) throw e;
      });
    } else await tryAppend(op);
  }
  return {
    store,
    ledger,
    appended,
    clock: () => new Date(Date.UTC(2024, 0, 1, 0, minutes)).toISOString() as Instant,
    tick: () => (minutes += 1),
    tryAppend,
  };
};

const issuerEvents = (store: EventStore) => store.readStream(toIssuerStreamId(ISSUER));
const NOW = '2100-01-01T00:00:00.000Z' as Instant;
const at = (asOf: string = END_OF_TIME, knownAt: Instant = NOW) => ({ asOf: asOf as IsoDate, knownAt });

describe('ownership properties', () => {
  it('holdings are never negative, sum to outstanding, and % of class sums to exactly 100 — at every asOf', async () => {
    await fc.assert(
      fc.asyncProperty(ops({ freeMoves: true }), day, async (generated, asOf) => {
        const { store } = await build(generated);
        const state = replayIssuer(ISSUER, selectTimeline(await issuerEvents(store), at(asOf)));
        for (const [c, byHolder] of state.holdings) {
          const outstanding = state.outstanding.get(c) ?? 0n;
          let sum = 0n;
          let percent: Rational = ZERO;
          for (const [h, n] of byHolder) {
            expect(n > 0n).toBe(true);
            sum += n;
            percent = add(percent, percentagesOf(state, [h]).percentOfClass(c) ?? ZERO);
          }
          expect(sum).toBe(outstanding);
          if (outstanding > 0n) expect(percent).toEqual(HUNDRED);
        }
      }),
      RUNS,
    );
  });

  it('replay is deterministic: the same store and times give byte-identical JSON', async () => {
    await fc.assert(
      fc.asyncProperty(ops({ freeMoves: true }), async (generated) => {
        const { store } = await build(generated);
        const answers = async () => {
          const streams = { issuerEvents: await issuerEvents(store), holderEvents: await store.readStream(HOLDERS_STREAM) };
          const proceeds = projectProceeds(
            { issuerStreams: [streams.issuerEvents], holderEvents: streams.holderEvents, fxEvents: await store.readStream(FX_STREAM) },
            { holder: 'h1' as HolderId, method: 'fifo' },
            NOW,
          );
          return JSON.stringify([
            projectCapTable(streams, ISSUER, at('2020-07-01')),
            projectStake(streams, { issuer: ISSUER, holder: 'h2' as HolderId }, at()),
            historyOf(ISSUER, selectTimeline(streams.issuerEvents, at())),
            proceeds,
          ]);
        };
        expect(await answers()).toBe(await answers());
      }),
      RUNS,
    );
  });

  it('a retraction recorded after knownAt does not change any answer at knownAt', async () => {
    await fc.assert(
      fc.asyncProperty(ops({ freeMoves: true }), fc.nat(), async (generated, pick) => {
        const built = await build(generated);
        const knownAt = built.clock();
        const answers = async () => {
          const events = await issuerEvents(built.store);
          const streams = { issuerEvents: events, holderEvents: [] };
          return JSON.stringify([
            projectCapTable(streams, ISSUER, at(END_OF_TIME, knownAt)),
            historyOf(ISSUER, selectTimeline(events, at(END_OF_TIME, knownAt))),
            projectProceeds(
              { issuerStreams: [events], holderEvents: [], fxEvents: [] },
              { holder: 'h3' as HolderId, method: 'avg' },
              knownAt,
            ),
          ]);
        };
        const before = await answers();
        const candidates = built.appended.slice(1);
        if (candidates.length === 0) return;
        built.tick();
        await built.ledger.retract(candidates[pick % candidates.length]!, 'later').catch((e: unknown) => {
          if (!isLedgerError(e)) throw e;
        });
        expect(await answers()).toBe(before);
      }),
      RUNS,
    );
  });
});

describe('proceeds properties', () => {
  const totalGain = async (store: EventStore, h: HolderId, method: CostMethod) => {
    const events = await issuerEvents(store);
    const { proceeds } = projectProceeds({ issuerStreams: [events], holderEvents: [], fxEvents: [] }, { holder: h, method }, NOW);
    return proceeds.totals.map((t) => [t.currency, t.costBasis, t.gain]);
  };

  it('fifo and avg give the same total gain once a position is fully sold (one currency, no free moves)', async () => {
    await fc.assert(
      fc.asyncProperty(ops({ freeMoves: false }), holder, async (generated, h) => {
        const built = await build(generated);
        // Sell everything h still holds, after every other event.
        const state = replayIssuer(ISSUER, selectTimeline(await issuerEvents(built.store), at()));
        const table = capTableFromState(state, at(), new Map());
        const row = table.holders.find((r) => r.holder === h);
        for (const c of CLASSES) {
          const left = row?.classes[c as ClassId];
          if (left === undefined || left === '0') continue;
          await built.tryAppend(
            issuerEvent('BlockSale', '2021-06-01', {
              seller: h,
              buyer: h === 'h1' ? 'h2' : 'h1',
              class: c,
              shares: left,
              pricePerShare: '4',
              currency: 'USD' as CurrencyCode,
            }),
          );
        }
        const after = replayIssuer(ISSUER, selectTimeline(await issuerEvents(built.store), at()));
        for (const c of CLASSES) expect(after.holdings.get(c as ClassId)?.get(h as HolderId) ?? 0n).toBe(0n);
        expect(await totalGain(built.store, h as HolderId, 'fifo')).toEqual(await totalGain(built.store, h as HolderId, 'avg'));
      }),
      RUNS,
    );
  });
});
