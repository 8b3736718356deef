import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FxTimeline, HolderRegistryTimeline } from '../src/domain/registryTimelines.js';
import type { PlacedEvent } from '../src/domain/timeline.js';

/**
 * The registries' timelines with their earlier events folded (HolderRegistryTimeline.foldedBefore,
 * FxTimeline.foldedBefore), as the import keeps them: every event they are left to decide (dated
 * on or after the fold, any rate, the retraction of an event they hold) is decided as the whole
 * timeline decides it.
 */

const HOLDERS = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'];
const CURRENCIES = ['EUR', 'USD', 'GBP'];
const date = (day: number) => new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);

/** A holders or fx event to try, or the retraction of the `pick`-th event tried before it. */
type Op = { kind: 'event'; day: number; a: number; b: number; controlled: boolean } | { kind: 'retract'; day: number; pick: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('event' as const), day: fc.nat(40), a: fc.nat(5), b: fc.nat(5), controlled: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retract' as const), day: fc.nat(40), pick: fc.nat() }) },
);

let ids = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

/** The event `o` makes for a stream of kind `kind`, with revision `revision`, among the events tried before it. */
const eventOf = (kind: 'holders' | 'fx', o: Op, revision: number, tried: ReadonlyArray<PlacedEvent>): PlacedEvent | undefined => {
  if (o.kind === 'retract') {
    const target = tried[o.pick % Math.max(1, tried.length)];
    if (!target) return undefined;
    return {
      id: nextId(),
      type: 'EventRetracted',
      date: date(o.day),
      data: { eventId: target.id, reason: 'wrong' },
      revision,
    } as PlacedEvent;
  }
  if (kind === 'fx')
    return {
      id: nextId(),
      type: 'FxRateRecorded',
      date: date(o.day),
      data: { base: CURRENCIES[o.a % 3], quote: CURRENCIES[o.b % 3], rate: '1.1' },
      revision,
    } as PlacedEvent;
  const data = { holder: HOLDERS[o.a], name: `Holder ${o.a}`, ...(o.controlled ? { controlledBy: HOLDERS[o.b] } : {}) };
  return { id: nextId(), type: 'HolderRegistered', date: date(o.day), data, revision } as PlacedEvent;
};

type Registry = HolderRegistryTimeline | FxTimeline;
const timelineFor = (kind: 'holders' | 'fx', events: PlacedEvent[]): Registry =>
  kind === 'holders' ? new HolderRegistryTimeline(events) : new FxTimeline(events);

describe.each(['holders', 'fx'] as const)('the %s timeline with its earlier events folded (the import)', (kind) => {
  it('decides every event it is left to decide as the whole timeline does', () => {
    let decided = 0;
    let refused = 0;
    let retractions = 0;
    let cycles = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.nat(40),
        fc.array(op, { minLength: 1, maxLength: 25 }),
        (ops, foldDay, more) => {
          // The stream: the events of `ops` that the timeline accepts, in revision order.
          const full = timelineFor(kind, []);
          const stored: PlacedEvent[] = [];
          for (const o of ops) {
            const e = eventOf(kind, o, full.nextRevision, stored);
            if (e && !('problem' in full.add(e))) stored.push(e);
          }
          const fold = date(foldDay);
          const folded = timelineFor(kind, stored).foldedBefore(fold);
          if (!folded) {
            expect(full.events.every((e) => e.date >= fold)).toBe(true);
            return;
          }
          expect(folded.foldDate).toBe(fold);
          expect(folded.events).toEqual(full.events.filter((e) => e.date >= fold));
          expect(folded.nextRevision).toBe(full.nextRevision);
          /** A rate dated before the fold joins the folded fx timeline too: rates are independent. */
          const added = new Set<string>();
          for (const o of more) {
            const e = eventOf(kind, o, full.nextRevision, stored);
            if (!e) continue;
            if (e.type === 'EventRetracted' ? folded.find(e.data.eventId) === undefined : kind === 'holders' && e.date < fold) continue;
            if (e.type === 'EventRetracted') retractions++;
            const expected = full.add(e);
            const outcome = folded.add({ ...e });
            decided++;
            if ('problem' in expected) {
              refused++;
              if (expected.problem.kind === 'ControlCycle') cycles++;
              expect('problem' in outcome && outcome.problem).toEqual(expected.problem);
            } else {
              expect(outcome).toEqual(expected);
              stored.push(e);
              added.add(e.id);
            }
          }
          expect(folded.events).toEqual(full.events.filter((e) => e.date >= fold || added.has(e.id)));
        },
      ),
      { numRuns: 300 },
    );
    // What the runs covered: not vacuous, and refusals (cycles, equal currencies, retracted twice) among them.
    // (about 450 or 950, 50 or 300, 70 or 90 on average: the bounds leave room for the seed)
    expect(decided).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(25);
    expect(retractions).toBeGreaterThan(40);
    if (kind === 'holders') expect(cycles).toBeGreaterThan(10);
  });
});
