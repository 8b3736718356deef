import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClassId, EventId, HolderId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { compare, rational, type Rational } from '../events/index.js';
import { noticesOf } from '../projections/obligations/index.js';
import { NoticeDisclosures } from '../projections/obligations/auditSection.js';
import { InterestWalk, interestSteps } from '../projections/obligations/interest.js';
import type { Disclosure } from '../projections/obligations/reconcile.js';
import { findRegime } from '../projections/obligations/regimes.js';
import { selectTimeline } from '../projections/timeline.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { accepts } from '../src/domain/writeModel.js';
import { draft } from './support/decideHarness.js';
import { interestSteps as referenceSteps } from './support/interestReference.js';
import { ACME, acmeRegistration, type Op, opsOver, toDraft } from './support/randomOps.js';

/**
 * The interest walk that reads only the holders whose shares can reach the threshold gives the
 * same steps as the reference walk that visits every holder, on random registers of up to 20
 * holders with buybacks, retracted issues (the outstanding shrinks), splits and conversions.
 */

const AT = { asOf: '2030-12-31' as IsoDate, knownAt: '2100-01-01T00:00:00.000Z' as Instant };
const holder = fc.integer({ min: 0, max: 19 }).map((n) => (n === 19 ? 'public' : `h${n}`));
const cls = fc.constantFrom('A', 'B');
/** Mostly small stakes, some large ones, so that some holders cross any threshold. */
const shares = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 100, max: 2000 }));
/** Days after the previous operation (the walk reads a timeline in date order; most operations then apply). */
const day = fc.integer({ min: 0, max: 2 });

const op = opsOver({ holder, cls, shares, day }, { issue: 5, sale: 3, transfer: 2, repurchase: 6, split: 1, convert: 1, retract: 2 });

const timelineOf = (ops: Op[]): PlacedEvent[] => {
  const stored: PlacedEvent[] = [];
  const add = (d: ReturnType<typeof draft>) => {
    const e = { ...d, id: randomUUID() as EventId, revision: stored.length } as PlacedEvent;
    if (accepts(ACME, stored, e) === undefined) stored.push(e);
  };
  add(acmeRegistration());
  let date = 0;
  /** Who received shares of each class, so that most buybacks name a holder who can sell. */
  const received = new Map<unknown, unknown[]>();
  for (const o of ops) {
    date += o.date;
    const seller = o.kind === 'repurchase' ? received.get(o['cls']) : undefined;
    if (o.kind === 'issue') received.set(o['cls'], [...(received.get(o['cls']) ?? []), o['holder']]);
    const d = toDraft(
      { ...o, date, ...(seller ? { holder: seller[(o['shares'] as number) % seller.length] } : {}) },
      stored.filter((s) => s.type !== 'IssuerRegistered').map((s) => s.id),
    );
    if (d) add(d);
  }
  const events = stored.map(
    (e) =>
      ({
        ...e,
        stream: 'issuer-acme',
        recordedAt: '2024-01-01T00:00:00.000Z',
        actor: 't',
        prevHash: '',
        hash: '',
      }) as unknown as StoredEvent,
  );
  return selectTimeline(events, AT);
};

describe('interest walk (property)', () => {
  it('gives the same steps as the walk over every holder', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 120, size: 'max' }),
        fc.nat(),
        fc.constantFrom(rational(5n), rational(3n), rational(1n, 2n), rational(10n), rational(50n), rational(100n, 3n)),
        fc.option(holder),
        (ops, startPick, threshold, only) => {
          const timeline = timelineOf(ops);
          const dates = [...new Set(timeline.map((e) => e.date))];
          const start = dates[startPick % dates.length]!;
          const subjects = only === null ? { group: false as const } : { group: false as const, holder: only as HolderId };
          expect(interestSteps(ACME, timeline, subjects, start, threshold)).toEqual(
            referenceSteps(ACME, timeline, subjects, start, threshold),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps, when asked for the crossable steps only, those at or above the threshold on a side, and the same notices', () => {
    const regime = findRegime('hk')!;
    const reaches = (r: Rational | null) => r !== null && compare(r, regime.threshold) >= 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120, size: 'max' }), fc.nat(), (ops, startPick) => {
        const timeline = timelineOf(ops);
        const dates = [...new Set(timeline.map((e) => e.date))];
        const start = dates[startPick % dates.length]!;
        const subjects = { group: false as const };
        const every = interestSteps(ACME, timeline, subjects, start, regime.threshold);
        const crossable = interestSteps(ACME, timeline, subjects, start, regime.threshold, 'crossable');
        expect(crossable).toEqual(every.filter((s) => reaches(s.before) || reaches(s.after)));
        const request = { regime, from: start };
        expect(noticesOf(crossable, [], request, '2030-12-31' as IsoDate)).toEqual(noticesOf(every, [], request, '2030-12-31' as IsoDate));
      }),
      { numRuns: 300 },
    );
  });

  it('matches the notices with the disclosures the audit keeps as it walks as with every disclosure', () => {
    const regime = findRegime('hk')!;
    let dropped = 0;
    let matched = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 120, size: 'max' }),
        // Disclosures: after which event of the timeline, by whom, of which class (or none).
        fc.array(fc.tuple(fc.nat(), holder, fc.option(cls)), { maxLength: 40 }),
        (ops, filed) => {
          const timeline = timelineOf(ops);
          const start = timeline[0]!.date;
          const after = new Map<number, Disclosure[]>();
          for (const [k, h, c] of filed) {
            const i = k % timeline.length;
            const d: Disclosure = {
              eventId: randomUUID() as EventId,
              date: timeline[i]!.date,
              holder: h as HolderId,
              class: (c ?? undefined) as ClassId | undefined,
            };
            after.set(i, [...(after.get(i) ?? []), d]);
          }
          // As the audit's fold: each event to the walk, then the disclosures filed with it.
          const walk = new InterestWalk(ACME, { group: false }, start, regime.threshold, 'crossable');
          const kept = new NoticeDisclosures(walk);
          const every: Disclosure[] = [];
          timeline.forEach((e, i) => {
            walk.add(e);
            for (const d of after.get(i) ?? []) {
              kept.add(d);
              every.push(d);
            }
          });
          const steps = walk.finish();
          const some = kept.finish();
          expect(every).toEqual(expect.arrayContaining(some));
          dropped += every.length - some.length;
          const request = { regime, from: start };
          const notices = noticesOf(steps, some, request, '2030-12-31' as IsoDate);
          expect(notices).toEqual(noticesOf(steps, every, request, '2030-12-31' as IsoDate));
          matched += notices.notices.filter((n) => n.disclosureEventId !== null).length;
        },
      ),
      { numRuns: 300 },
    );
    // The property is not vacuous: disclosures were left out, and notices were matched.
    expect(dropped).toBeGreaterThan(100);
    expect(matched).toBeGreaterThan(20);
  });
});
