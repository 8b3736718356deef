import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClassId, EventId, HolderId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { compare, parseDecimal, rational } from '../events/index.js';
import { findRegime, projectObligations } from '../projections/obligations/index.js';
import { projectStake } from '../projections/ownership.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { draft } from './support/decideHarness.js';
import { ACME, acmeRegistration, type Op, op, toDraft } from './support/randomOps.js';
import { accepts } from '../src/domain/writeModel.js';

/**
 * Every notice's level change is real: the interest before and after it, recomputed by the stake
 * query at the end of the day before and of its date, gives the same percentages, and the kind
 * agrees with them. A passive crossing is a day on which the holder's own shares did not move.
 */

const KNOWN_AT = '2100-01-01T00:00:00.000Z' as Instant;
const AS_OF = '2030-12-31' as IsoDate;
const RECORDED = '2024-01-01T00:00:00.000Z';
const FIVE = rational(5n);

const dayBefore = (date: string) => new Date(Date.parse(date) - 86_400_000).toISOString().slice(0, 10) as IsoDate;

/** A random issuer stream of accepted events, optionally with a listing (new class B shares to the public). */
const ledger = fc.record({
  ops: fc.array(op, { minLength: 1, maxLength: 50 }),
  ipo: fc.option(fc.record({ day: fc.integer({ min: 0, max: 1500 }), newShares: fc.integer({ min: 0, max: 400 }) })),
});

const build = ({ ops, ipo: listing }: { ops: Op[]; ipo: { day: number; newShares: number } | null }): StoredEvent[] => {
  const stored: PlacedEvent[] = [];
  const add = (d: ReturnType<typeof draft>) => {
    const e = { ...d, id: randomUUID() as EventId, revision: stored.length } as PlacedEvent;
    if (accepts(ACME, stored, e) === undefined) stored.push(e);
  };
  add(acmeRegistration());
  ops.forEach((o, i) => {
    if (listing && i === Math.floor(ops.length / 2))
      add(
        draft({
          type: 'IPOCompleted',
          issuer: 'acme',
          date: new Date(Date.UTC(2019, 0, 1) + listing.day * 86_400_000).toISOString().slice(0, 10),
          data: { exchange: 'X', ticker: 'ACME', class: 'B', offerPrice: '1', currency: 'USD', newShares: String(listing.newShares) },
        }),
      );
    const d = toDraft(
      o,
      stored.filter((s) => s.type !== 'IssuerRegistered' && s.type !== 'IPOCompleted').map((s) => s.id),
    );
    if (d) add(d);
  });
  return stored.map(
    (e) => ({ ...e, stream: 'issuer-acme', recordedAt: RECORDED, actor: 't', prevHash: '', hash: '' }) as unknown as StoredEvent,
  );
};

const classStake = (issuerEvents: StoredEvent[], holder: HolderId, cls: ClassId, asOf: IsoDate) => {
  const s = projectStake({ issuerEvents, holderEvents: [] }, { issuer: ACME, holder }, { asOf, knownAt: KNOWN_AT });
  const c = s.classes.find((k) => k.class === cls)!;
  return { shares: c.shares, percent: c.percentOfClass };
};

const above = (p: string | null, inclusive: boolean) => {
  const c = compare(parseDecimal(p ?? '0')!, FIVE);
  return inclusive ? c >= 0 : c > 0;
};

describe('obligations (property)', () => {
  it('every notice and passive crossing is a real change of interest, recomputed from stake', () => {
    let notices = 0;
    let passive = 0;
    fc.assert(
      fc.property(ledger, (l) => {
        const issuerEvents = build(l);
        for (const regime of ['hk', 'us']) {
          const o = projectObligations(
            { issuerEvents, holderEvents: [] },
            { issuer: ACME, regime: findRegime(regime)! },
            { asOf: AS_OF, knownAt: KNOWN_AT },
          );
          for (const n of o.notices) {
            notices++;
            const after = classStake(issuerEvents, n.holder, n.class, n.date);
            expect(n.percentAfter).toBe(after.percent);
            if (n.percentBefore !== null) {
              const before = classStake(issuerEvents, n.holder, n.class, dayBefore(n.date));
              expect(n.percentBefore).toBe(before.percent);
              expect(before.shares).not.toBe(after.shares);
            }
            const [b, a] = [n.percentBefore, n.percentAfter];
            const level = (p: string | null) => Math.floor(Number(p ?? '0'));
            switch (n.kind) {
              case 'became':
                expect([b === null || !above(b, true), above(a, true)]).toEqual([true, true]);
                break;
              case 'crossed':
                expect([above(b, true), above(a, true), level(b) !== level(a)]).toEqual([true, true, true]);
                break;
              case 'ceased':
                expect([above(b, true), above(a, true)]).toEqual([true, false]);
                break;
              case 'initial':
              case 'amendment':
                expect(above(a, false)).toBe(true);
                break;
              case 'exit':
                expect(above(a, false)).toBe(false);
                break;
              default:
                throw new Error(`unexpected kind ${n.kind}`);
            }
          }
          for (const p of o.passive) {
            passive++;
            const after = classStake(issuerEvents, p.holder, p.class, p.date);
            const before = classStake(issuerEvents, p.holder, p.class, dayBefore(p.date));
            expect([p.percentBefore, p.percentAfter]).toEqual([before.percent, after.percent]);
            expect(before.shares).toBe(after.shares);
            expect(p.percentBefore).not.toBe(p.percentAfter);
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(notices).toBeGreaterThan(100);
    expect(passive).toBeGreaterThan(10);
  });
});
