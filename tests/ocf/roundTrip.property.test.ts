import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDraft, EVENT_TYPES, HOLDERS_STREAM, toIssuerStreamId, type EventId, type IssuerId } from '../../events/index.js';
import { mapLedgerToOcf } from '../../src/ocf/exportMapping.js';
import { planOcfImport } from '../../src/ocf/importPackage.js';
import { writePackage } from '../../src/ocf/writePackage.js';
import { Ledger } from '../../src/ledger.js';
import { isLedgerError } from '../../src/domain/problem.js';
import { queryCapTable } from '../../src/queries.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { op as coreOp, toDraft, type Op } from '../support/randomOps.js';

/**
 * Export then import gives the same cap table (shares per holder and class) as of every effective
 * date, for random ledgers with every event type: the core random operations (issues, block
 * sales, transfers, repurchases, splits, conversions, retractions) and funding rounds, IPOs with
 * conversions and secondary sales, priced repurchases, transfers for a consideration, a class
 * added later, disclosures, holder names and control, FX rates.
 */
const NOW = new Date(Date.UTC(2026, 0, 1));
const day = fc.integer({ min: 0, max: 1500 });
const dateOf = (offset: number) => new Date(Date.UTC(2019, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
const holder = fc.constantFrom('a', 'b', 'c', 'public');
const cls = fc.constantFrom('A', 'B', 'C');
const shares = fc.integer({ min: 1, max: 500 });

type Extra = { kind: string; date: number; [k: string]: unknown };
const extra: fc.Arbitrary<Extra> = fc.oneof(
  fc.record({
    kind: fc.constant('round'),
    date: day,
    cls,
    allocations: fc.array(fc.record({ holder, shares }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('conversion'), date: day, holder, ratio: fc.constantFrom('1', '2', '0.5', '1.5'), shares }),
  fc.record({
    kind: fc.constant('ipo'),
    date: day,
    newShares: fc.integer({ min: 0, max: 300 }),
    convert: fc.boolean(),
    ratio: fc.constantFrom('1', '2', '0.5'),
    seller: fc.option(fc.record({ holder, shares })),
  }),
  fc.record({ kind: fc.constant('pricedRepurchase'), date: day, holder, cls, shares }),
  fc.record({ kind: fc.constant('paidTransfer'), date: day, holder, to: holder, cls, shares }),
  fc.record({ kind: fc.constant('classAdded'), date: day }),
  fc.record({ kind: fc.constant('disclosed'), date: day, holder, shares }),
  fc.record({ kind: fc.constant('named'), date: day, holder, boss: fc.option(holder) }),
  fc.record({ kind: fc.constant('fx'), date: day }),
);

const extraDraft = (o: Extra): Record<string, unknown> => {
  const base = { issuer: 'acme', date: dateOf(o.date) };
  switch (o.kind) {
    case 'round':
      return {
        ...base,
        type: 'FundingRoundClosed',
        data: { round: 'Seed', class: o['cls'], pricePerShare: '0.25', currency: 'USD', allocations: o['allocations'] },
      };
    case 'ipo': {
      const seller = o['seller'] as { holder: string; shares: number } | null;
      return {
        ...base,
        type: 'IPOCompleted',
        data: {
          exchange: 'XNYS',
          ticker: 'ACME',
          class: 'B',
          offerPrice: '3.85',
          currency: 'USD',
          newShares: o['newShares'],
          ...(o['convert'] ? { conversions: [{ fromClass: 'A', toClass: 'B', ratio: o['ratio'] }] } : {}),
          ...(seller ? { secondarySales: [{ seller: seller.holder, shares: seller.shares }] } : {}),
        },
      };
    }
    case 'conversion':
      return {
        ...base,
        type: 'SharesConverted',
        data: { holder: o['holder'], fromClass: 'A', toClass: 'B', shares: Math.ceil((o['shares'] as number) / 10) * 2, ratio: o['ratio'] },
      };
    case 'pricedRepurchase':
      return {
        ...base,
        type: 'SharesRepurchased',
        data: { holder: o['holder'], class: o['cls'], shares: o['shares'], pricePerShare: '1.5', currency: 'USD' },
      };
    case 'paidTransfer':
      return {
        ...base,
        type: 'SharesTransferred',
        data: { from: o['holder'], to: o['to'], class: o['cls'], shares: o['shares'], consideration: { amount: '10', currency: 'EUR' } },
      };
    case 'classAdded':
      return { ...base, type: 'ShareClassAdded', data: { class: 'C', votesPerShare: 0 } };
    case 'disclosed':
      return { ...base, type: 'StakeDisclosed', data: { holder: o['holder'], class: 'A', shares: o['shares'] } };
    case 'named':
      return {
        date: base.date,
        type: 'HolderRegistered',
        data: { holder: o['holder'], name: `Holder ${o['holder']}`, ...(o['boss'] ? { controlledBy: o['boss'] } : {}) },
      };
    default:
      return { date: base.date, type: 'FxRateRecorded', data: { base: 'EUR', quote: 'USD', rate: '1.1' } };
  }
};

const anyOp: fc.Arbitrary<Op | Extra> = fc.oneof({ weight: 1, arbitrary: coreOp }, { weight: 1, arbitrary: extra });

const REGISTRATION = {
  issuer: 'acme',
  type: 'IssuerRegistered',
  date: '2019-01-01',
  data: {
    name: 'Acme Inc.',
    currency: 'USD',
    classes: [
      { class: 'A', votesPerShare: 1 },
      { class: 'B', votesPerShare: 10 },
    ],
  },
};

const build = async (ops: ReadonlyArray<Op | Extra>): Promise<EventStore> => {
  const store = createMemoryStore();
  const ledger = new Ledger({ store, actor: 'property', now: () => NOW });
  const accepted: string[] = [];
  const tryAppend = async (envelope: Record<string, unknown> | undefined) => {
    if (!envelope) return;
    const decoded = decodeDraft(envelope);
    if (!decoded.ok) throw new Error(`generator made an invalid event: ${decoded.problems.map((p) => p.message).join('; ')}`);
    try {
      const report = await ledger.append([decoded.value]);
      if (decoded.value.type !== 'HolderRegistered' && decoded.value.type !== 'FxRateRecorded')
        accepted.push(...report.events.map((e) => e.id));
    } catch (e) {
      if (!isLedgerError(e) || e.problem.kind === 'InvalidInput') throw e;
    }
  };
  await tryAppend(REGISTRATION);
  // Every holder starts with shares of both classes, so most random moves find what they need.
  for (const h of ['a', 'b', 'c', 'public'])
    for (const c of ['A', 'B'])
      await tryAppend({
        issuer: 'acme',
        type: 'SharesIssued',
        date: '2019-01-02',
        data: { holder: h, class: c, shares: 1200, pricePerShare: '0.01', currency: 'USD' },
      });
  for (const o of ops) {
    if (o.kind === 'retract') {
      const targets = accepted.slice(1);
      if (targets.length === 0) continue;
      await ledger.retract(targets[(o['pick'] as number) % targets.length] as EventId, 'property test').catch((e: unknown) => {
        if (!isLedgerError(e)) throw e;
      });
    } else if (['issue', 'sale', 'transfer', 'repurchase', 'split', 'convert'].includes(o.kind)) {
      const d = toDraft(o as Op, accepted);
      await tryAppend(d && { ...d, data: d.data });
    } else await tryAppend(extraDraft(o));
  }
  return store;
};

/** Shares per holder and class, zeros left out. */
const holdings = async (store: EventStore, asOf: string): Promise<Record<string, string>> => {
  const { result } = await queryCapTable(store, { issuer: 'acme', asOf }, NOW);
  const out: Record<string, string> = {};
  for (const h of result.holders) for (const [c, n] of Object.entries(h.classes)) if (n !== '0') out[`${h.holder}/${c}`] = n;
  return out;
};

const seen = new Map<string, number>();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('OCF round trip', () => {
  it('export then import gives the same cap table as of every effective date', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyOp, { minLength: 1, maxLength: 60 }), fc.boolean(), async (ops, zip) => {
        const original = await build(ops);
        const events = await original.readStream(toIssuerStreamId('acme' as IssuerId));
        for (const e of [...events, ...(await original.readStream(HOLDERS_STREAM)), ...(await original.readStream('fx'))])
          seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
        const objects = mapLedgerToOcf({ issuer: 'acme', events, holders: await original.readStream(HOLDERS_STREAM), country: 'US' });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-ocf-rt-'));
        dirs.push(dir);
        const out = path.join(dir, zip ? 'acme.ocf.zip' : 'acme');
        await writePackage(objects, out, NOW);
        const plan = await planOcfImport(out);
        const copy = createMemoryStore();
        await new Ledger({ store: copy, actor: 'property', now: () => NOW }).import(plan.jsonl);
        const dates = [...new Set(events.map((e) => e.date))].sort();
        for (const date of dates) expect(await holdings(copy, date), `as of ${date}`).toEqual(await holdings(original, date));
        // A second import of the same package appends nothing.
        const again = await new Ledger({ store: copy, actor: 'property', now: () => NOW }).import(plan.jsonl);
        expect(again.appended).toBe(0);
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 50 },
    );
    // The generated ledgers do exercise every event type.
    expect([...seen.keys()].sort()).toEqual([...EVENT_TYPES].sort());
  }, 240_000);
});
