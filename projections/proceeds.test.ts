import { describe, expect, it } from 'vitest';
import type { CurrencyCode, HolderId, Instant, IsoDate } from '../events/index.js';
import { FX_STREAM, HOLDERS_STREAM } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { type CostMethod, projectProceeds } from './proceeds.js';

const LATER = '2100-01-01T00:00:00.000Z' as Instant;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type Input = Record<string, unknown>;
const registered = (issuer = 'acme', date = '2020-01-01', currency = 'USD'): Input => ({
  type: 'IssuerRegistered',
  issuer,
  date,
  data: {
    name: issuer.toUpperCase(),
    currency,
    classes: [
      { class: 'A', votesPerShare: 10 },
      { class: 'B', votesPerShare: 1 },
    ],
  },
});
const issued = (date: string, holder: string, shares: string, price: string, more: Input = {}): Input => ({
  type: 'SharesIssued',
  issuer: 'acme',
  date,
  data: { holder, class: 'B', shares, pricePerShare: price, currency: 'USD', ...more },
});
const blockSale = (date: string, seller: string, shares: string, price: string, more: Input = {}): Input => ({
  type: 'BlockSale',
  issuer: 'acme',
  date,
  data: { seller, class: 'B', shares, pricePerShare: price, currency: 'USD', ...more },
});
const transferred = (date: string, from: string, to: string, shares: string, more: Input = {}): Input => ({
  type: 'SharesTransferred',
  issuer: 'acme',
  date,
  data: { from, to, class: 'B', shares, ...more },
});

/** Given these events (imported in order, recorded at `recordedAt`), a store holding them. */
const ledgerOf = async (events: Input[], recordedAt = '2024-01-01T00:00:00.000Z'): Promise<EventStore> => {
  const store = createMemoryStore();
  const ledger = new Ledger({ store, actor: 'test', now: () => new Date(recordedAt) });
  await ledger.import(events.map((e, i) => JSON.stringify({ id: id(i + 1), ...e })).join('\n'));
  return store;
};

const proceeds = async (
  store: EventStore,
  request: { holder: string; method?: CostMethod; from?: string; to?: string; currency?: string; group?: boolean },
  knownAt = LATER,
) => {
  const issuerStreams = [];
  for (const head of await store.heads()) if (head.stream.startsWith('issuer-')) issuerStreams.push(await store.readStream(head.stream));
  return projectProceeds(
    { issuerStreams, holderEvents: await store.readStream(HOLDERS_STREAM), fxEvents: await store.readStream(FX_STREAM) },
    {
      holder: request.holder as HolderId,
      method: request.method ?? 'fifo',
      ...(request.from ? { from: request.from as IsoDate } : {}),
      ...(request.to ? { to: request.to as IsoDate } : {}),
      ...(request.currency ? { currency: request.currency as CurrencyCode } : {}),
      ...(request.group ? { group: true } : {}),
    },
    knownAt,
  );
};

/** Two lots of alice (1000 at 1.00, 1000 at 2.00), then two block sales. */
const twoLotsTwoSales = [
  registered(),
  issued('2020-01-10', 'alice', '1000', '1.00'),
  issued('2020-02-10', 'alice', '1000', '2.00'),
  blockSale('2020-03-10', 'alice', '1500', '3.00', { buyer: 'bob', fees: '10' }),
  blockSale('2020-04-10', 'alice', '500', '4.00'),
];

describe('realized proceeds (docs/proceeds.md)', () => {
  it('the seed fact: 557,000,000 shares at HKD 1.82 gross HKD 1,013,740,000.00', async () => {
    const store = await ledgerOf([
      registered('sensetime', '2018-05-30', 'HKD'),
      {
        type: 'SharesIssued',
        issuer: 'sensetime',
        date: '2018-06-01',
        data: { holder: 'taobao-holding', class: 'B', shares: '2400000000', pricePerShare: '0', currency: 'HKD' },
      },
      {
        type: 'BlockSale',
        issuer: 'sensetime',
        date: '2023-07-06',
        data: { seller: 'taobao-holding', class: 'B', shares: '557000000', pricePerShare: '1.82', currency: 'HKD' },
      },
    ]);
    const { proceeds: p, warnings } = await proceeds(store, { holder: 'taobao-holding' });
    expect(warnings).toEqual([]);
    expect(p).toEqual({
      holder: 'taobao-holding',
      method: 'fifo',
      currency: null,
      disposals: [
        {
          eventId: id(3),
          issuer: 'sensetime',
          date: '2023-07-06',
          type: 'BlockSale',
          class: 'B',
          shares: '557000000',
          pricePerShare: '1.82',
          currency: 'HKD',
          gross: '1013740000.00',
          fees: '0.00',
          net: '1013740000.00',
          costBasis: '0.00',
          gain: '1013740000.00',
        },
      ],
      totals: [{ currency: 'HKD', gross: '1013740000.00', fees: '0.00', net: '1013740000.00', costBasis: '0.00', gain: '1013740000.00' }],
    });
  });

  it('fifo: the oldest lots leave first, a lot is split pro rata; fees reduce the net', async () => {
    const { proceeds: p } = await proceeds(await ledgerOf(twoLotsTwoSales), { holder: 'alice' });
    // 1500 = lot 1 (1000, cost 1000) + 500 of lot 2 (cost 1000); then the other 500 of lot 2 (cost 1000).
    expect(p.disposals.map((d) => [d.gross, d.fees, d.net, d.costBasis, d.gain])).toEqual([
      ['4500.00', '10.00', '4490.00', '2000.00', '2490.00'],
      ['2000.00', '0.00', '2000.00', '1000.00', '1000.00'],
    ]);
    expect(p.totals).toEqual([{ currency: 'USD', gross: '6500.00', fees: '10.00', net: '6490.00', costBasis: '3000.00', gain: '3490.00' }]);
  });

  it('avg: every share leaves at the pooled average cost (1.50)', async () => {
    const { proceeds: p } = await proceeds(await ledgerOf(twoLotsTwoSales), { holder: 'alice', method: 'avg' });
    expect(p.method).toBe('avg');
    expect(p.disposals.map((d) => [d.costBasis, d.gain])).toEqual([
      ['2250.00', '2240.00'],
      ['750.00', '1250.00'],
    ]);
    expect(p.totals[0]!.gain).toBe('3490.00');
  });

  it('each funding round allocation is a lot at the round price', async () => {
    const store = await ledgerOf([
      registered(),
      {
        type: 'FundingRoundClosed',
        issuer: 'acme',
        date: '2020-01-10',
        data: {
          round: 'Series A',
          class: 'B',
          pricePerShare: '0.5',
          currency: 'USD',
          allocations: [
            { holder: 'alice', shares: '100' },
            { holder: 'bob', shares: '50' },
          ],
        },
      },
      issued('2020-02-10', 'alice', '100', '2.5'),
      blockSale('2020-03-10', 'alice', '150', '3'),
      blockSale('2020-03-11', 'bob', '50', '3'),
    ]);
    // alice fifo: 100 × 0.5 + 50 × 2.5 = 175; avg: 150 × 1.5 = 225. bob: 50 × 0.5 = 25.
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals[0]).toMatchObject({
      gross: '450.00',
      costBasis: '175.00',
      gain: '275.00',
    });
    expect((await proceeds(store, { holder: 'alice', method: 'avg' })).proceeds.disposals[0]).toMatchObject({
      costBasis: '225.00',
      gain: '225.00',
    });
    expect((await proceeds(store, { holder: 'bob' })).proceeds.disposals[0]).toMatchObject({ costBasis: '25.00', gain: '125.00' });
  });

  it('the buyer of a block sale gets a lot at the sale price', async () => {
    const store = await ledgerOf([...twoLotsTwoSales, blockSale('2020-05-01', 'bob', '1000', '5.00', { buyer: 'carol' })]);
    const { proceeds: p } = await proceeds(store, { holder: 'bob' });
    expect(p.disposals.map((d) => [d.shares, d.gross, d.costBasis, d.gain])).toEqual([['1000', '5000.00', '3000.00', '2000.00']]);
  });

  it('--from/--to select disposals by effective date, the lots still come from everything before', async () => {
    const store = await ledgerOf(twoLotsTwoSales);
    const { proceeds: p } = await proceeds(store, { holder: 'alice', from: '2020-04-01', to: '2020-04-30' });
    expect(p.disposals.map((d) => [d.date, d.costBasis])).toEqual([['2020-04-10', '1000.00']]);
    const { proceeds: none } = await proceeds(store, { holder: 'alice', to: '2020-03-09' });
    expect(none).toEqual({ holder: 'alice', method: 'fifo', currency: null, disposals: [], totals: [] });
  });

  it("a split changes the lots' shares, not their cost", async () => {
    const store = await ledgerOf([
      registered(),
      issued('2020-01-10', 'alice', '100', '3'),
      issued('2020-02-10', 'alice', '100', '6'),
      { type: 'StockSplit', issuer: 'acme', date: '2020-03-01', data: { class: 'B', numerator: 3, denominator: 2 } },
      blockSale('2020-04-01', 'alice', '200', '5'),
    ]);
    // fifo: 150 (cost 300) + 50 of 150 (cost 600 × 50/150 = 200); avg: 900 / 300 × 200 = 600.
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals[0]).toMatchObject({
      gross: '1000.00',
      costBasis: '500.00',
      gain: '500.00',
    });
    expect((await proceeds(store, { holder: 'alice', method: 'avg' })).proceeds.disposals[0]).toMatchObject({
      costBasis: '600.00',
      gain: '400.00',
    });
  });

  it('a transfer without consideration moves lots with their cost and acquisition point (fifo tacks)', async () => {
    const store = await ledgerOf([
      registered(),
      issued('2020-01-10', 'alice', '100', '1'),
      issued('2020-02-01', 'bob', '100', '5'),
      transferred('2020-03-01', 'alice', 'bob', '100'),
      blockSale('2020-04-01', 'bob', '100', '10'),
    ]);
    // fifo: alice's lot of 2020-01-10 is bob's oldest now; avg: bob's pool is 200 shares costing 600.
    expect((await proceeds(store, { holder: 'bob' })).proceeds.disposals[0]).toMatchObject({ costBasis: '100.00', gain: '900.00' });
    expect((await proceeds(store, { holder: 'bob', method: 'avg' })).proceeds.disposals[0]).toMatchObject({
      costBasis: '300.00',
      gain: '700.00',
    });
    // The transfer itself is no disposal.
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals).toEqual([]);
  });

  it("under avg, transferred shares carry the giver's average cost; under fifo its oldest lots", async () => {
    const store = await ledgerOf([
      registered(),
      issued('2020-01-10', 'alice', '100', '1'),
      issued('2020-02-01', 'alice', '100', '3'),
      transferred('2020-03-01', 'alice', 'bob', '100'),
      blockSale('2020-04-01', 'bob', '100', '10'),
      blockSale('2020-04-02', 'alice', '100', '10'),
    ]);
    expect((await proceeds(store, { holder: 'bob', method: 'avg' })).proceeds.disposals[0]).toMatchObject({ costBasis: '200.00' });
    expect((await proceeds(store, { holder: 'alice', method: 'avg' })).proceeds.disposals[0]).toMatchObject({ costBasis: '200.00' });
    expect((await proceeds(store, { holder: 'bob' })).proceeds.disposals[0]).toMatchObject({ costBasis: '100.00' });
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals[0]).toMatchObject({ costBasis: '300.00' });
  });

  it('a transfer with consideration is a disposal for the giver and a lot for the receiver', async () => {
    const store = await ledgerOf([
      registered(),
      issued('2020-01-10', 'alice', '300', '1'),
      transferred('2020-03-01', 'alice', 'bob', '300', { consideration: { amount: '1000', currency: 'USD' } }),
      blockSale('2020-04-01', 'bob', '300', '4'),
    ]);
    const alice = (await proceeds(store, { holder: 'alice' })).proceeds.disposals[0]!;
    // 1000 / 300 does not terminate: a derived price is rounded half-even to 6 decimals.
    expect(alice).toMatchObject({
      type: 'SharesTransferred',
      shares: '300',
      pricePerShare: '3.333333',
      gross: '1000.00',
      costBasis: '300.00',
      gain: '700.00',
    });
    expect((await proceeds(store, { holder: 'bob' })).proceeds.disposals[0]).toMatchObject({ costBasis: '1000.00', gain: '200.00' });
  });

  it('a repurchase with a price is a disposal; without one the shares leave by the cost method', async () => {
    const store = await ledgerOf([
      registered(),
      issued('2020-01-10', 'alice', '100', '1'),
      issued('2020-02-10', 'alice', '100', '2'),
      { type: 'SharesRepurchased', issuer: 'acme', date: '2020-03-01', data: { holder: 'alice', class: 'B', shares: '100' } },
      {
        type: 'SharesRepurchased',
        issuer: 'acme',
        date: '2020-04-01',
        data: { holder: 'alice', class: 'B', shares: '50', pricePerShare: '3', currency: 'USD' },
      },
    ]);
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals).toEqual([
      {
        eventId: id(5),
        issuer: 'acme',
        date: '2020-04-01',
        type: 'SharesRepurchased',
        class: 'B',
        shares: '50',
        pricePerShare: '3',
        currency: 'USD',
        gross: '150.00',
        fees: '0.00',
        net: '150.00',
        costBasis: '100.00',
        gain: '50.00',
      },
    ]);
    // avg: the unpriced buyback took 100 at 1.50; 50 more at 1.50.
    expect((await proceeds(store, { holder: 'alice', method: 'avg' })).proceeds.disposals[0]).toMatchObject({
      costBasis: '75.00',
      gain: '75.00',
    });
  });

  it('an IPO converts lots with their basis, issues a lot to public and sells secondary shares at the offer price', async () => {
    const store = await ledgerOf([
      registered(),
      {
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2020-01-10',
        data: { holder: 'alice', class: 'A', shares: '100', pricePerShare: '2', currency: 'USD' },
      },
      {
        type: 'IPOCompleted',
        issuer: 'acme',
        date: '2021-01-01',
        data: {
          exchange: 'NYSE',
          ticker: 'ACME',
          class: 'B',
          offerPrice: '5',
          currency: 'USD',
          newShares: '1000',
          conversions: [{ fromClass: 'A', toClass: 'B', ratio: '2' }],
          secondarySales: [{ seller: 'alice', shares: '50' }],
        },
      },
      {
        type: 'SharesRepurchased',
        issuer: 'acme',
        date: '2021-02-01',
        data: { class: 'B', shares: '1000', pricePerShare: '6', currency: 'USD' },
      },
    ]);
    // alice: 100 A costing 200 became 200 B; 50 sold at 5 carry 50.
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals).toEqual([
      expect.objectContaining({
        type: 'IPOCompleted',
        class: 'B',
        shares: '50',
        pricePerShare: '5',
        gross: '250.00',
        fees: '0.00',
        costBasis: '50.00',
        gain: '200.00',
      }),
    ]);
    // public: 1000 new at 5 and 50 bought from alice at 5; the buyback of 1000 at 6 takes the IPO lot.
    expect((await proceeds(store, { holder: 'public' })).proceeds.disposals).toEqual([
      expect.objectContaining({ type: 'SharesRepurchased', gross: '6000.00', costBasis: '5000.00', gain: '1000.00' }),
    ]);
  });

  it('SharesConverted carries basis into the new class at the ratio', async () => {
    const store = await ledgerOf([
      registered(),
      {
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2020-01-10',
        data: { holder: 'alice', class: 'A', shares: '100', pricePerShare: '3', currency: 'USD' },
      },
      issued('2020-06-01', 'alice', '100', '10'),
      {
        type: 'SharesConverted',
        issuer: 'acme',
        date: '2020-07-01',
        data: { holder: 'alice', fromClass: 'A', toClass: 'B', shares: '100', ratio: '0.5' },
      },
      blockSale('2020-08-01', 'alice', '50', '20'),
    ]);
    // the 50 converted B keep the A lot's date (2020-01-10): fifo sells them first, at cost 300.
    expect((await proceeds(store, { holder: 'alice' })).proceeds.disposals[0]).toMatchObject({ costBasis: '300.00', gain: '700.00' });
    // avg: 150 B costing 1300, 50 of them cost 433.333… → 433.33.
    expect((await proceeds(store, { holder: 'alice', method: 'avg' })).proceeds.disposals[0]).toMatchObject({
      costBasis: '433.33',
      gain: '566.67',
    });
  });

  it('every issuer counts when none is given; disposals in date order, totals per currency', async () => {
    const store = await ledgerOf([
      ...twoLotsTwoSales,
      registered('zeta', '2020-01-01', 'HKD'),
      {
        type: 'SharesIssued',
        issuer: 'zeta',
        date: '2020-01-05',
        data: { holder: 'alice', class: 'B', shares: '10', pricePerShare: '1', currency: 'HKD' },
      },
      {
        type: 'BlockSale',
        issuer: 'zeta',
        date: '2020-03-20',
        data: { seller: 'alice', class: 'B', shares: '10', pricePerShare: '2', currency: 'HKD' },
      },
    ]);
    const { proceeds: p } = await proceeds(store, { holder: 'alice' });
    expect(p.disposals.map((d) => [d.issuer, d.date, d.currency])).toEqual([
      ['acme', '2020-03-10', 'USD'],
      ['zeta', '2020-03-20', 'HKD'],
      ['acme', '2020-04-10', 'USD'],
    ]);
    expect(p.totals.map((t) => [t.currency, t.gain])).toEqual([
      ['HKD', '10.00'],
      ['USD', '3490.00'],
    ]);
  });

  it('--group sums the disposals of every member while it belonged to the group', async () => {
    const store = await ledgerOf([
      ...twoLotsTwoSales,
      { type: 'HolderRegistered', date: '2020-01-01', data: { holder: 'parent', name: 'Parent Co' } },
      { type: 'HolderRegistered', date: '2020-01-01', data: { holder: 'alice', name: 'Alice Ltd', controlledBy: 'parent' } },
      // alice leaves the group before her second sale
      { type: 'HolderRegistered', date: '2020-04-01', data: { holder: 'alice', name: 'Alice Ltd' } },
    ]);
    const { proceeds: p } = await proceeds(store, { holder: 'parent', group: true });
    expect(p.holders).toEqual(['alice', 'parent']);
    expect(p.disposals.map((d) => d.date)).toEqual(['2020-03-10']);
  });
});

describe('currencies (docs/proceeds.md#currency)', () => {
  const usdLotHkdSale = [
    registered(),
    issued('2020-01-10', 'alice', '100', '1'),
    {
      type: 'BlockSale',
      issuer: 'acme',
      date: '2020-03-01',
      data: { seller: 'alice', class: 'B', shares: '100', pricePerShare: '10', currency: 'HKD' },
    },
  ];

  it('a lot in another currency than the sale converts at its acquisition date; a missing rate is null and a warning', async () => {
    const { proceeds: p, warnings } = await proceeds(await ledgerOf(usdLotHkdSale), { holder: 'alice' });
    expect(p.disposals[0]).toMatchObject({ currency: 'HKD', gross: '1000.00', net: '1000.00', costBasis: null, gain: null });
    expect(p.totals).toEqual([{ currency: 'HKD', gross: '1000.00', fees: '0.00', net: '1000.00', costBasis: null, gain: null }]);
    expect(warnings).toEqual([expect.stringContaining('no USD/HKD exchange rate on or before 2020-01-10')]);
  });

  it('uses the latest rate of the pair or its inverse on or before the date', async () => {
    const store = await ledgerOf([
      ...usdLotHkdSale,
      { type: 'FxRateRecorded', date: '2019-06-01', data: { base: 'USD', quote: 'HKD', rate: '7.0' } },
      { type: 'FxRateRecorded', date: '2020-01-01', data: { base: 'HKD', quote: 'USD', rate: '0.125' } },
      { type: 'FxRateRecorded', date: '2020-01-11', data: { base: 'USD', quote: 'HKD', rate: '9' } },
    ]);
    const { proceeds: p, warnings } = await proceeds(store, { holder: 'alice' });
    expect(warnings).toEqual([]);
    // 100 USD at 1/0.125 = 8 HKD per USD (2020-01-01, the latest on or before 2020-01-10).
    expect(p.disposals[0]).toMatchObject({ costBasis: '800.00', gain: '200.00' });
  });

  it('--currency converts proceeds at the disposal date and lots at their acquisition date', async () => {
    const store = await ledgerOf([
      ...usdLotHkdSale,
      { type: 'FxRateRecorded', date: '2020-01-01', data: { base: 'USD', quote: 'HKD', rate: '8' } },
      { type: 'FxRateRecorded', date: '2020-02-01', data: { base: 'USD', quote: 'HKD', rate: '7.8' } },
      { type: 'FxRateRecorded', date: '2020-02-01', data: { base: 'EUR', quote: 'HKD', rate: '8.5' } },
    ]);
    const { proceeds: p, warnings } = await proceeds(store, { holder: 'alice', currency: 'USD' });
    expect(warnings).toEqual([]);
    // 1000 HKD / 7.8 = 128.205128… USD; the lot cost 100 USD.
    expect(p.currency).toBe('USD');
    expect(p.disposals[0]).toMatchObject({
      currency: 'USD',
      pricePerShare: '1.282051',
      gross: '128.21',
      costBasis: '100.00',
      gain: '28.21',
    });
    // No triangulation: EUR needs an EUR/HKD rate (there is one) and an EUR/USD rate (there is none).
    const eur = await proceeds(store, { holder: 'alice', currency: 'EUR' });
    expect(eur.proceeds.disposals[0]).toMatchObject({ currency: 'EUR', gross: '117.65', costBasis: null, gain: null });
    expect(eur.warnings).toEqual([expect.stringContaining('no USD/EUR exchange rate on or before 2020-01-10')]);
  });
});

describe('bitemporal proceeds', () => {
  it('a sale recorded after knownAt does not count at knownAt; its retraction recorded later still does not undo it before', async () => {
    const store = createMemoryStore();
    let clock = new Date('2024-01-01T00:00:00.000Z');
    const ledger = new Ledger({ store, actor: 'test', now: () => clock });
    await ledger.import(
      twoLotsTwoSales
        .slice(0, 3)
        .map((e, i) => JSON.stringify({ id: id(i + 1), ...e }))
        .join('\n'),
    );
    clock = new Date('2024-02-01T00:00:00.000Z');
    await ledger.import(JSON.stringify({ id: id(10), ...twoLotsTwoSales[3] }));
    clock = new Date('2024-03-01T00:00:00.000Z');
    await ledger.retract(id(10) as never, 'entered twice');
    const at = async (knownAt: string) => (await proceeds(store, { holder: 'alice' }, knownAt as Instant)).proceeds.disposals.length;
    expect(await at('2024-01-15T00:00:00.000Z')).toBe(0);
    expect(await at('2024-02-15T00:00:00.000Z')).toBe(1);
    expect(await at('2024-03-15T00:00:00.000Z')).toBe(0);
  });
});
