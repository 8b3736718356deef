import { describe, expect, it } from 'vitest';
import type { HolderId, Instant, IssuerId } from '../events/index.js';
import { toIssuerStreamId } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { projectHistory } from './history.js';

const KNOWN_AT = '2100-01-01T00:00:00.000Z' as Instant;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const historyOf = async (events: Array<Record<string, unknown>>, holder?: string) => {
  const store = createMemoryStore();
  const ledger = new Ledger({ store, actor: 'test', now: () => new Date('2024-01-01T00:00:00.000Z') });
  await ledger.import(events.map((e, i) => JSON.stringify({ id: id(i + 1), ...e })).join('\n'));
  return projectHistory(
    await store.readStream(toIssuerStreamId('acme' as IssuerId)),
    'acme' as IssuerId,
    KNOWN_AT,
    holder as HolderId | undefined,
  );
};

const registered = {
  type: 'IssuerRegistered',
  issuer: 'acme',
  date: '2020-01-01',
  data: {
    name: 'Acme',
    currency: 'USD',
    classes: [
      { class: 'A', votesPerShare: 10 },
      { class: 'B', votesPerShare: 1 },
    ],
  },
};
const events = [
  registered,
  {
    type: 'SharesIssued',
    issuer: 'acme',
    date: '2020-01-02',
    data: { holder: 'founder', class: 'A', shares: '100', pricePerShare: '0', currency: 'USD' },
  },
  {
    type: 'FundingRoundClosed',
    issuer: 'acme',
    date: '2020-02-01',
    data: {
      round: 'Seed',
      class: 'B',
      pricePerShare: '1',
      currency: 'USD',
      allocations: [
        { holder: 'bob', shares: '100' },
        { holder: 'alice', shares: '300' },
      ],
    },
  },
  { type: 'StakeDisclosed', issuer: 'acme', date: '2020-02-15', data: { holder: 'alice', percent: '75' } },
  {
    type: 'BlockSale',
    issuer: 'acme',
    date: '2020-03-01',
    data: { seller: 'alice', buyer: 'carol', class: 'B', shares: '50', pricePerShare: '2', currency: 'USD' },
  },
  { type: 'StockSplit', issuer: 'acme', date: '2020-04-01', data: { class: 'B', numerator: 2, denominator: 1 } },
  { type: 'SharesRepurchased', issuer: 'acme', date: '2020-05-01', data: { holder: 'bob', class: 'B', shares: '200' } },
];

const entry = (
  n: number,
  date: string,
  type: string,
  holder: string,
  cls: string,
  before: string,
  after: string,
  pb: string | null,
  pa: string | null,
) => ({
  date,
  eventId: id(n),
  type,
  holder,
  class: cls,
  sharesBefore: before,
  sharesAfter: after,
  percentOfClassBefore: pb,
  percentOfClassAfter: pa,
});

describe('history (docs/queries.md#history)', () => {
  it('lists every change of every holding with % of its class before and after, then by class and holder', async () => {
    expect(await historyOf(events)).toEqual({
      issuer: 'acme',
      entries: [
        entry(2, '2020-01-02', 'SharesIssued', 'founder', 'A', '0', '100', null, '100.000000'),
        entry(3, '2020-02-01', 'FundingRoundClosed', 'alice', 'B', '0', '300', null, '75.000000'),
        entry(3, '2020-02-01', 'FundingRoundClosed', 'bob', 'B', '0', '100', null, '25.000000'),
        entry(5, '2020-03-01', 'BlockSale', 'alice', 'B', '300', '250', '75.000000', '62.500000'),
        entry(5, '2020-03-01', 'BlockSale', 'carol', 'B', '0', '50', '0.000000', '12.500000'),
        entry(6, '2020-04-01', 'StockSplit', 'alice', 'B', '250', '500', '62.500000', '62.500000'),
        entry(6, '2020-04-01', 'StockSplit', 'bob', 'B', '100', '200', '25.000000', '25.000000'),
        entry(6, '2020-04-01', 'StockSplit', 'carol', 'B', '50', '100', '12.500000', '12.500000'),
        // the buyback cancels bob's shares: everyone else's % of class grows, but only bob's holding changed
        entry(7, '2020-05-01', 'SharesRepurchased', 'bob', 'B', '200', '0', '25.000000', '0.000000'),
      ],
    });
  });

  it("for one holder, only that holder's changes", async () => {
    expect((await historyOf(events, 'carol')).entries.map((e) => [e.type, e.sharesBefore, e.sharesAfter])).toEqual([
      ['BlockSale', '0', '50'],
      ['StockSplit', '50', '100'],
    ]);
  });

  it("follows an IPO's chained conversions, new shares and secondary sales", async () => {
    const ipo = {
      type: 'IPOCompleted',
      issuer: 'acme',
      date: '2021-01-01',
      data: {
        exchange: 'X',
        ticker: 'ACME',
        class: 'C',
        offerPrice: '1',
        currency: 'USD',
        newShares: '10',
        conversions: [
          { fromClass: 'A', toClass: 'B', ratio: '1' },
          { fromClass: 'B', toClass: 'C', ratio: '2' },
        ],
        secondarySales: [{ seller: 'founder', shares: '20' }],
      },
    };
    const result = await historyOf([
      registered,
      { type: 'ShareClassAdded', issuer: 'acme', date: '2020-01-01', data: { class: 'C', votesPerShare: 1 } },
      events[1]!,
      ipo,
    ]);
    expect(result.entries.filter((e) => e.type === 'IPOCompleted').map((e) => [e.class, e.holder, e.sharesBefore, e.sharesAfter])).toEqual([
      ['A', 'founder', '100', '0'],
      ['C', 'founder', '0', '180'],
      ['C', 'public', '0', '30'],
    ]);
  });
});
