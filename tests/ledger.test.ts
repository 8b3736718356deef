import { describe, expect, it } from 'vitest';
import { encodeStored, type EventId, type StoredEvent } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { blockSale, issued, registered } from './support/decideHarness.js';

const line = (o: object) => JSON.stringify(o);
const REG = {
  type: 'IssuerRegistered',
  issuer: 'sensetime',
  date: '2018-01-01',
  data: { name: 'SenseTime', currency: 'HKD', classes: [{ class: 'B', votesPerShare: 1 }] },
};
const ISSUE = {
  type: 'SharesIssued',
  issuer: 'sensetime',
  date: '2018-06-01',
  data: { holder: 'taobao-holding', class: 'B', shares: 1000, pricePerShare: '1', currency: 'HKD' },
};
const SALE = {
  type: 'BlockSale',
  issuer: 'sensetime',
  date: '2023-07-06',
  data: { seller: 'taobao-holding', class: 'B', shares: 600, pricePerShare: '1.82', currency: 'HKD' },
};

const everything = async (store: EventStore): Promise<string> => {
  const all: unknown[] = [];
  for await (const e of store.readAll()) all.push(encodeStored(e));
  return JSON.stringify(all);
};

const rejectionOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (isLedgerError(e)) return e.problem;
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('Ledger', () => {
  it('imports the same file twice and appends once', async () => {
    const ledger = new Ledger({ store: createMemoryStore(), actor: 'tester' });
    const file = [REG, ISSUE, SALE, ISSUE].map(line).join('\n') + '\n';
    const first = await ledger.import(file);
    expect(first).toMatchObject({ appended: 4, alreadyPresent: 0 });
    const second = await ledger.import(file);
    expect(second).toMatchObject({ appended: 0, alreadyPresent: 4 });
    expect(second.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    // Two identical lines are two events (a repeated issuance), with distinct derived ids.
    expect(new Set(first.events.map((e) => e.id)).size).toBe(4);
  });

  it('rejects an over-sale, names holder, class and shares, and leaves the store unchanged', async () => {
    const store = createMemoryStore();
    const ledger = new Ledger({ store, actor: 'tester' });
    await ledger.import([REG, ISSUE, SALE].map(line).join('\n'));
    const before = await everything(store);
    const over = await rejectionOf(ledger.append([blockSale('taobao-holding', '401', '2023-07-07')]));
    expect(over).toMatchObject({ kind: 'InsufficientShares' });
    expect(over.message).toBe('BlockSale 2023-07-07: taobao-holding holds 400 class B shares of sensetime (needs 401)');
    const backDated = await rejectionOf(ledger.append([blockSale('taobao-holding', '401', '2023-01-01')]));
    expect(backDated.message).toContain('BlockSale 2023-07-06: taobao-holding holds 599 class B shares of sensetime (needs 600)');
    expect(await everything(store)).toBe(before);
  });

  it('rejects an import with an invalid line, names the line and field, and appends nothing', async () => {
    const store = createMemoryStore();
    const ledger = new Ledger({ store, actor: 'tester' });
    const bad = { ...ISSUE, data: { ...ISSUE.data, shares: -5 } };
    const p = await rejectionOf(ledger.import([REG, ISSUE, bad].map(line).join('\n')));
    expect(p).toMatchObject({ kind: 'InvalidInput', details: { line: 3 } });
    expect(p.message).toBe('line 3: data.shares: expected a positive whole number, got -5');
    expect(await everything(store)).toBe('[]');
  });

  it('rejects an import whose later line breaks, naming that line, and appends nothing', async () => {
    const store = createMemoryStore();
    const ledger = new Ledger({ store, actor: 'tester' });
    const p = await rejectionOf(ledger.import([REG, SALE, ISSUE].map(line).join('\n')));
    expect(p).toMatchObject({ kind: 'InsufficientShares', details: { line: 2 } });
    expect(await everything(store)).toBe('[]');
  });

  it('seals events with revision, recordedAt, actor and a hash chain', async () => {
    const store = createMemoryStore();
    const now = new Date('2024-03-01T10:00:00.000Z');
    const ledger = new Ledger({ store, actor: 'secretary', now: () => now });
    await ledger.append([registered(), issued('a', '10')]);
    const events = await store.readStream('issuer-sensetime');
    expect(events.map((e) => [e.revision, e.recordedAt, e.actor])).toEqual([
      [0, '2024-03-01T10:00:00.000Z', 'secretary'],
      [1, '2024-03-01T10:00:00.000Z', 'secretary'],
    ]);
    expect(events[0]!.prevHash).toBe('0'.repeat(64));
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
  });

  it('re-reads, re-validates and retries when a concurrent writer appends first', async () => {
    const inner = createMemoryStore();
    const setup = new Ledger({ store: inner, actor: 'a' });
    await setup.append([registered(), issued('t', '1000')]);
    // A store that lets a rival writer in just before our first append lands.
    let rivalDone = false;
    const racing: EventStore = {
      ...inner,
      description: inner.description,
      readStream: (s) => inner.readStream(s),
      readAll: () => inner.readAll(),
      heads: () => inner.heads(),
      findEvent: (id: EventId) => inner.findEvent(id),
      subscribe: (o) => inner.subscribe(o),
      close: () => inner.close(),
      append: async (batches) => {
        if (!rivalDone) {
          rivalDone = true;
          await new Ledger({ store: inner, actor: 'rival' }).append([blockSale('t', '700', '2023-01-01')]);
        }
        return inner.append(batches);
      },
    };
    const ours = new Ledger({ store: racing, actor: 'us' });
    // After the rival's sale only 300 remain: our 400 must be re-validated and rejected, not lost or stored.
    const p = await rejectionOf(ours.append([blockSale('t', '400', '2023-02-01')]));
    expect(p).toMatchObject({ kind: 'InsufficientShares' });
    const fits = await ours.append([blockSale('t', '300', '2023-02-01')]);
    expect(fits.appended).toBe(1);
    const stream: StoredEvent[] = await inner.readStream('issuer-sensetime');
    expect(stream.map((e) => e.actor)).toEqual(['a', 'a', 'rival', 'us']);
  });

  it('retracts and corrects with a validated replacement', async () => {
    const store = createMemoryStore();
    const ledger = new Ledger({ store, actor: 'tester', now: () => new Date('2024-01-02T00:00:00.000Z') });
    const r = await ledger.import([REG, ISSUE, SALE].map(line).join('\n'));
    const issueId = r.events[1]!.id;
    const tooSmall = await rejectionOf(ledger.correct(issueId, { data: { shares: '500' } }, 'typo'));
    expect(tooSmall).toMatchObject({ kind: 'InsufficientShares' });
    const corrected = await ledger.correct(issueId, { data: { shares: '900' } }, 'typo');
    expect(corrected.appended).toBe(2);
    const stream = await store.readStream('issuer-sensetime');
    expect(stream.slice(3).map((e) => [e.type, e.date])).toEqual([
      ['EventRetracted', '2024-01-02'],
      ['SharesIssued', '2018-06-01'],
    ]);
    const saleId = r.events[2]!.id;
    await ledger.retract(saleId, 'never happened');
    expect((await rejectionOf(ledger.retract(saleId, 'again'))).kind).toBe('InvalidRetraction');
  });
});
