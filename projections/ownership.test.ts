import { describe, expect, it } from 'vitest';
import type { HolderId, Instant, IsoDate, IssuerId } from '../events/index.js';
import { HOLDERS_STREAM, toIssuerStreamId } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { projectCapTable, projectStake } from './ownership.js';

const KNOWN_AT = '2100-01-01T00:00:00.000Z' as Instant;
const ACME = 'acme' as IssuerId;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type Input = Record<string, unknown>;
const ledgerOf = async (events: Input[]): Promise<EventStore> => {
  const store = createMemoryStore();
  const ledger = new Ledger({ store, actor: 'test', now: () => new Date('2024-01-01T00:00:00.000Z') });
  await ledger.import(events.map((e, i) => JSON.stringify({ id: id(i + 1), ...e })).join('\n'));
  return store;
};

/** Founder: 100 A (10 votes each); a round of 300 B to alice and 100 B to bob; alice sells 50 B to carol. */
const acme: Input[] = [
  {
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
  },
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
        { holder: 'alice', shares: '300' },
        { holder: 'bob', shares: '100' },
      ],
    },
  },
  {
    type: 'BlockSale',
    issuer: 'acme',
    date: '2020-03-01',
    data: { seller: 'alice', buyer: 'carol', class: 'B', shares: '50', pricePerShare: '2', currency: 'USD' },
  },
  { type: 'HolderRegistered', date: '2020-01-01', data: { holder: 'parent', name: 'Parent Holdings' } },
  { type: 'HolderRegistered', date: '2020-01-01', data: { holder: 'alice', name: 'Alice Ltd', controlledBy: 'parent' } },
  { type: 'HolderRegistered', date: '2020-01-01', data: { holder: 'carol', name: 'Carol SPV', controlledBy: 'alice' } },
  // from June 2020 carol answers to nobody
  { type: 'HolderRegistered', date: '2020-06-01', data: { holder: 'carol', name: 'Carol Independent' } },
];

const streamsOf = async (store: EventStore) => ({
  issuerEvents: await store.readStream(toIssuerStreamId(ACME)),
  holderEvents: await store.readStream(HOLDERS_STREAM),
});

const stake = async (store: EventStore, request: { holder: string; group?: boolean }, asOf: string) =>
  projectStake(
    await streamsOf(store),
    { issuer: ACME, ...request, holder: request.holder as HolderId },
    { asOf: asOf as IsoDate, knownAt: KNOWN_AT },
  );

describe('stake (docs/queries.md#stake)', () => {
  it('gives shares, % of class, % of all shares and % of votes, exactly and rounded half-even only at output', async () => {
    expect(await stake(await ledgerOf(acme), { holder: 'alice' }, '2020-03-31')).toEqual({
      issuer: 'acme',
      holder: 'alice',
      asOf: '2020-03-31',
      knownAt: KNOWN_AT,
      shares: '250',
      percentOfTotal: '50.000000',
      // 250 votes of 100 × 10 + 400 × 1
      votingPercent: '17.857143',
      classes: [
        { class: 'A', shares: '0', outstanding: '100', percentOfClass: '0.000000' },
        { class: 'B', shares: '250', outstanding: '400', percentOfClass: '62.500000' },
      ],
    });
  });

  it('is as of the effective date: before the sale alice held 300', async () => {
    const s = await stake(await ledgerOf(acme), { holder: 'alice' }, '2020-02-29');
    expect(s.classes[1]).toEqual({ class: 'B', shares: '300', outstanding: '400', percentOfClass: '75.000000' });
  });

  it('is null where the denominator is 0 (before any shares exist)', async () => {
    const s = await stake(await ledgerOf(acme), { holder: 'alice' }, '2020-01-01');
    expect(s).toMatchObject({ shares: '0', percentOfTotal: null, votingPercent: null });
    expect(s.classes).toEqual([
      { class: 'A', shares: '0', outstanding: '0', percentOfClass: null },
      { class: 'B', shares: '0', outstanding: '0', percentOfClass: null },
    ]);
  });

  it('rounds half to even at 6 decimals', async () => {
    const store = await ledgerOf([
      acme[0]!,
      {
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2020-01-02',
        data: { holder: 'one', class: 'B', shares: '1', pricePerShare: '0', currency: 'USD' },
      },
      {
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2020-01-02',
        data: { holder: 'three', class: 'B', shares: '3', pricePerShare: '0', currency: 'USD' },
      },
      {
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2020-01-02',
        data: { holder: 'rest', class: 'B', shares: '199999996', pricePerShare: '0', currency: 'USD' },
      },
    ]);
    // 1 / 200,000,000 × 100 = 0.0000005 → 0.000000; 3 / 200,000,000 × 100 = 0.0000015 → 0.000002
    expect((await stake(store, { holder: 'one' }, '2020-12-31')).percentOfTotal).toBe('0.000000');
    expect((await stake(store, { holder: 'three' }, '2020-12-31')).percentOfTotal).toBe('0.000002');
  });

  it('group view: the holder plus everyone whose controlledBy chain reaches it, as of asOf', async () => {
    const store = await ledgerOf(acme);
    expect(await stake(store, { holder: 'parent', group: true }, '2020-03-31')).toMatchObject({
      holder: 'parent',
      shares: '300',
      classes: [expect.anything(), { class: 'B', shares: '300', outstanding: '400', percentOfClass: '75.000000' }],
      holders: ['alice', 'carol', 'parent'],
    });
    // carol left the group on 2020-06-01
    expect(await stake(store, { holder: 'parent', group: true }, '2020-06-01')).toMatchObject({
      shares: '250',
      holders: ['alice', 'parent'],
    });
    // without --group the parent itself holds nothing
    expect((await stake(store, { holder: 'parent' }, '2020-03-31')).shares).toBe('0');
  });
});

describe('cap table (docs/queries.md#stake)', () => {
  it('lists holders with shares, by shares then holder id, named from the registry as of asOf', async () => {
    const store = await ledgerOf(acme);
    const table = projectCapTable(await streamsOf(store), ACME, { asOf: '2020-03-31' as IsoDate, knownAt: KNOWN_AT });
    expect(table).toEqual({
      issuer: 'acme',
      asOf: '2020-03-31',
      knownAt: KNOWN_AT,
      totalShares: '500',
      classes: [
        { class: 'A', votesPerShare: 10, outstanding: '100' },
        { class: 'B', votesPerShare: 1, outstanding: '400' },
      ],
      holders: [
        {
          holder: 'alice',
          name: 'Alice Ltd',
          shares: '250',
          percentOfTotal: '50.000000',
          votingPercent: '17.857143',
          classes: { A: '0', B: '250' },
        },
        {
          holder: 'bob',
          name: 'bob',
          shares: '100',
          percentOfTotal: '20.000000',
          votingPercent: '7.142857',
          classes: { A: '0', B: '100' },
        },
        {
          holder: 'founder',
          name: 'founder',
          shares: '100',
          percentOfTotal: '20.000000',
          votingPercent: '71.428571',
          classes: { A: '100', B: '0' },
        },
        {
          holder: 'carol',
          name: 'Carol SPV',
          shares: '50',
          percentOfTotal: '10.000000',
          votingPercent: '3.571429',
          classes: { A: '0', B: '50' },
        },
      ],
    });
    const later = projectCapTable(await streamsOf(store), ACME, { asOf: '2020-07-01' as IsoDate, knownAt: KNOWN_AT });
    expect(later.holders.find((h) => h.holder === 'carol')?.name).toBe('Carol Independent');
  });

  it('names the free float', async () => {
    const store = await ledgerOf([
      acme[0]!,
      {
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2020-01-02',
        data: { holder: 'public', class: 'B', shares: '10', pricePerShare: '0', currency: 'USD' },
      },
    ]);
    const table = projectCapTable(await streamsOf(store), ACME, { asOf: '2020-12-31' as IsoDate, knownAt: KNOWN_AT });
    expect(table.holders).toEqual([
      {
        holder: 'public',
        name: 'Public (free float)',
        shares: '10',
        percentOfTotal: '100.000000',
        votingPercent: '100.000000',
        classes: { A: '0', B: '10' },
      },
    ]);
  });

  it('is byte-identical when replayed twice', async () => {
    const store = await ledgerOf(acme);
    const at = { asOf: '2020-03-31' as IsoDate, knownAt: KNOWN_AT };
    expect(JSON.stringify(projectCapTable(await streamsOf(store), ACME, at))).toBe(
      JSON.stringify(projectCapTable(await streamsOf(store), ACME, at)),
    );
  });
});
