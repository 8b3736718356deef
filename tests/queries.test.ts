import { describe, expect, it } from 'vitest';
import type { EventId } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import { LedgerError, type ProblemKind } from '../src/domain/problem.js';
import { queryCapTable, queryHistory, queryProceeds, queryStake } from '../src/queries.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as EventId;
const NOW = new Date('2024-06-30T12:00:00.000Z');

type Input = Record<string, unknown>;
const registered = (issuer: string, currency = 'HKD'): Input => ({
  type: 'IssuerRegistered',
  issuer,
  date: '2018-05-30',
  data: {
    name: issuer,
    currency,
    classes: [
      { class: 'A', votesPerShare: 10 },
      { class: 'B', votesPerShare: 1 },
    ],
  },
});

/** A small SenseTime-like ledger, recorded on 2024-01-01; a clock the test moves for later appends. */
const sensetime = async () => {
  const store = createMemoryStore();
  let clock = new Date('2024-01-01T00:00:00.000Z');
  const ledger = new Ledger({ store, actor: 'test', now: () => clock });
  const events: Input[] = [
    registered('sensetime'),
    {
      type: 'SharesIssued',
      issuer: 'sensetime',
      date: '2018-06-01',
      data: { holder: 'taobao-holding', class: 'B', shares: '2400000000', pricePerShare: '1', currency: 'HKD' },
    },
    {
      type: 'SharesIssued',
      issuer: 'sensetime',
      date: '2018-06-01',
      data: { holder: 'public', class: 'B', shares: '7600000000', pricePerShare: '1', currency: 'HKD' },
    },
    {
      type: 'BlockSale',
      issuer: 'sensetime',
      date: '2023-07-06',
      data: { seller: 'taobao-holding', class: 'B', shares: '557000000', pricePerShare: '1.82', currency: 'HKD' },
    },
    { type: 'HolderRegistered', date: '2018-01-01', data: { holder: 'alibaba', name: 'Alibaba Group' } },
    { type: 'HolderRegistered', date: '2018-01-01', data: { holder: 'taobao-holding', name: 'Taobao Holding', controlledBy: 'alibaba' } },
    { type: 'HolderRegistered', date: '2018-01-01', data: { holder: 'idle', name: 'Registered, never held' } },
  ];
  await ledger.import(events.map((e, i) => JSON.stringify({ id: id(i + 1), ...e })).join('\n'));
  return { store, ledger, setClock: (iso: string) => (clock = new Date(iso)) };
};

const rejection = async (promise: Promise<unknown>): Promise<{ kind: ProblemKind; message: string }> => {
  try {
    await promise;
  } catch (e) {
    if (e instanceof LedgerError) return { kind: e.problem.kind, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('queryStake', () => {
  it('defaults asOf to today in UTC and knownAt to now', async () => {
    const { store } = await sensetime();
    const { result, warnings } = await queryStake(store, { issuer: 'sensetime', holder: 'taobao-holding' }, NOW);
    expect(warnings).toEqual([]);
    expect(result).toMatchObject({ asOf: '2024-06-30', knownAt: '2024-06-30T12:00:00.000Z', shares: '1843000000' });
  });

  it('answers as of a date and as known at a time', async () => {
    const { store } = await sensetime();
    const before = await queryStake(
      store,
      { issuer: 'sensetime', holder: 'taobao-holding', asOf: '2023-07-05', knownAt: '2024-01-02' },
      NOW,
    );
    expect(before.result).toMatchObject({
      asOf: '2023-07-05',
      knownAt: '2024-01-02T23:59:59.999Z',
      shares: '2400000000',
      percentOfTotal: '24.000000',
    });
    // nothing was recorded yet on 2023-12-31
    const unknown = await rejection(queryStake(store, { issuer: 'sensetime', holder: 'taobao-holding', knownAt: '2023-12-31' }, NOW));
    expect(unknown.kind).toBe('UnknownIssuer');
  });

  it('sums the control group with --group', async () => {
    const { store } = await sensetime();
    const { result } = await queryStake(store, { issuer: 'sensetime', holder: 'alibaba', asOf: '2023-07-07', group: true }, NOW);
    expect(result).toMatchObject({ holder: 'alibaba', shares: '1843000000', holders: ['alibaba', 'taobao-holding'] });
  });

  it('a registered holder with no shares is an answer of 0; a holder nobody ever named is UnknownHolder', async () => {
    const { store } = await sensetime();
    expect((await queryStake(store, { issuer: 'sensetime', holder: 'idle' }, NOW)).result.shares).toBe('0');
    expect((await queryStake(store, { issuer: 'sensetime', holder: 'public' }, NOW)).result.shares).toBe('8157000000');
    const r = await rejection(queryStake(store, { issuer: 'sensetime', holder: 'nobody' }, NOW));
    expect(r).toEqual({ kind: 'UnknownHolder', message: expect.stringContaining('nobody') });
  });

  it('an issuer without registration is UnknownIssuer', async () => {
    const { store } = await sensetime();
    expect((await rejection(queryStake(store, { issuer: 'megvii', holder: 'public' }, NOW))).kind).toBe('UnknownIssuer');
  });

  it.each([
    [{ issuer: 'Bad Issuer', holder: 'public' }, '--issuer'],
    [{ issuer: 'sensetime', holder: 'UPPER' }, '--holder'],
    [{ issuer: 'sensetime', holder: 'public', asOf: '2023-02-30' }, '--as-of'],
    [{ issuer: 'sensetime', holder: 'public', knownAt: 'tomorrow' }, '--known-at'],
  ])('rejects bad input %j naming %s', async (query, flag) => {
    const r = await rejection(queryStake(createMemoryStore(), query, NOW));
    expect(r.kind).toBe('InvalidInput');
    expect(r.message).toContain(flag);
  });

  it('bitemporal: a retraction recorded after knownAt does not change the answer at knownAt', async () => {
    const { store, ledger, setClock } = await sensetime();
    setClock('2024-03-01T00:00:00.000Z');
    await ledger.retract(id(4), 'recorded in error');
    const q = { issuer: 'sensetime', holder: 'taobao-holding', asOf: '2023-12-31' };
    expect((await queryStake(store, { ...q, knownAt: '2024-02-29T23:59:59Z' }, NOW)).result.shares).toBe('1843000000');
    expect((await queryStake(store, { ...q, knownAt: '2024-03-01' }, NOW)).result.shares).toBe('2400000000');
  });

  it('bitemporal: a back-dated event is visible only for knownAt after its recordedAt', async () => {
    const { store, ledger, setClock } = await sensetime();
    setClock('2024-04-01T10:00:00.000Z');
    await ledger.import(
      JSON.stringify({
        id: id(20),
        type: 'BlockSale',
        issuer: 'sensetime',
        date: '2022-01-03',
        data: { seller: 'taobao-holding', class: 'B', shares: '100000000', pricePerShare: '5', currency: 'HKD' },
      }),
    );
    const q = { issuer: 'sensetime', holder: 'taobao-holding', asOf: '2022-12-31' };
    expect((await queryStake(store, { ...q, knownAt: '2024-04-01T09:59:59.999Z' }, NOW)).result.shares).toBe('2400000000');
    expect((await queryStake(store, { ...q, knownAt: '2024-04-01T18:00:00+08:00' }, NOW)).result.shares).toBe('2300000000');
  });
});

describe('queryCapTable and queryHistory', () => {
  it('cap table of the issuer as of a date', async () => {
    const { store } = await sensetime();
    const { result } = await queryCapTable(store, { issuer: 'sensetime', asOf: '2023-07-07' }, NOW);
    expect(result.totalShares).toBe('10000000000');
    expect(result.holders.map((h) => [h.holder, h.name, h.shares])).toEqual([
      ['public', 'Public (free float)', '8157000000'],
      ['taobao-holding', 'Taobao Holding', '1843000000'],
    ]);
  });

  it('history of one holder over every date, as known now', async () => {
    const { store } = await sensetime();
    const { result } = await queryHistory(store, { issuer: 'sensetime', holder: 'taobao-holding' }, NOW);
    expect(result).toEqual({
      issuer: 'sensetime',
      entries: [
        expect.objectContaining({ date: '2018-06-01', sharesBefore: '0', sharesAfter: '2400000000', percentOfClassAfter: '100.000000' }),
        expect.objectContaining({
          date: '2023-07-06',
          eventId: id(4),
          type: 'BlockSale',
          sharesBefore: '2400000000',
          sharesAfter: '1843000000',
          percentOfClassBefore: '24.000000',
          percentOfClassAfter: '18.430000',
        }),
      ],
    });
    expect((await rejection(queryHistory(store, { issuer: 'sensetime', holder: 'nobody' }, NOW))).kind).toBe('UnknownHolder');
  });
});

describe('queryProceeds', () => {
  it('the seed fact, across every issuer by default', async () => {
    const { store } = await sensetime();
    const { result, warnings } = await queryProceeds(store, { holder: 'taobao-holding' }, NOW);
    expect(warnings).toEqual([]);
    expect(result).toMatchObject({ holder: 'taobao-holding', method: 'fifo', currency: null });
    expect(result.disposals).toEqual([
      expect.objectContaining({
        issuer: 'sensetime',
        shares: '557000000',
        gross: '1013740000.00',
        costBasis: '557000000.00',
        gain: '456740000.00',
      }),
    ]);
  });

  it('--group counts the members, --method avg, --issuer one issuer', async () => {
    const { store } = await sensetime();
    const { result } = await queryProceeds(store, { holder: 'alibaba', group: true, method: 'avg', issuer: 'sensetime' }, NOW);
    expect(result).toMatchObject({ holder: 'alibaba', method: 'avg', holders: ['alibaba', 'taobao-holding'] });
    expect(result.totals).toEqual([
      { currency: 'HKD', gross: '1013740000.00', fees: '0.00', net: '1013740000.00', costBasis: '557000000.00', gain: '456740000.00' },
    ]);
  });

  it('a holder known only from another issuer has no disposals in this one (not an error)', async () => {
    const { store, ledger } = await sensetime();
    await ledger.import(
      [
        { id: id(30), ...registered('megvii') },
        {
          id: id(31),
          type: 'SharesIssued',
          issuer: 'megvii',
          date: '2019-01-01',
          data: { holder: 'megvii-only', class: 'B', shares: '5', pricePerShare: '1', currency: 'HKD' },
        },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const { result } = await queryProceeds(store, { holder: 'megvii-only', issuer: 'sensetime' }, NOW);
    expect(result).toEqual({ holder: 'megvii-only', method: 'fifo', currency: null, disposals: [], totals: [] });
  });

  it('returns missing FX rates as warnings, not in the JSON', async () => {
    const { store } = await sensetime();
    const { result, warnings } = await queryProceeds(store, { holder: 'taobao-holding', currency: 'USD' }, NOW);
    expect(result.disposals[0]).toMatchObject({ currency: 'USD', gross: null, costBasis: null, gain: null });
    expect(warnings).toEqual([expect.stringContaining('HKD/USD'), expect.stringContaining('HKD/USD')]);
  });

  it.each([
    [{ holder: 'taobao-holding', method: 'lifo' }, 'InvalidInput', '--method'],
    [{ holder: 'taobao-holding', currency: 'hkd' }, 'InvalidInput', '--currency'],
    [{ holder: 'taobao-holding', from: '2023-13-01' }, 'InvalidInput', '--from'],
    [{ holder: 'taobao-holding', from: '2023-08-01', to: '2023-07-01' }, 'InvalidInput', '--from'],
    [{ holder: 'nobody' }, 'UnknownHolder', 'nobody'],
    [{ holder: 'taobao-holding', issuer: 'megvii' }, 'UnknownIssuer', 'megvii'],
  ])('rejects %j as %s', async (query, kind, text) => {
    const { store } = await sensetime();
    const r = await rejection(queryProceeds(store, query, NOW));
    expect(r.kind).toBe(kind);
    expect(r.message).toContain(text);
  });
});

describe('reads only what it needs', () => {
  it('a stake reads the issuer and holders streams, never the whole log', async () => {
    const { store } = await sensetime();
    const read: string[] = [];
    const spy: EventStore = {
      ...store,
      readStream: (s) => {
        read.push(s);
        return store.readStream(s);
      },
      readAll: () => {
        throw new Error('readAll is not for queries');
      },
    };
    await queryStake(spy, { issuer: 'sensetime', holder: 'public' }, NOW);
    expect(read.sort()).toEqual(['holders', 'issuer-sensetime']);
  });
});
