import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DraftEvent, EventId } from '../events/index.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { accepts, acceptsCorrection, replayChecked } from '../src/domain/writeModel.js';
import { draft } from './support/decideHarness.js';
import { ACME, acmeRegistration, op, toDraft } from './support/randomOps.js';

type Retraction = Extract<PlacedEvent, { type: 'EventRetracted' }>;

/**
 * tests/timeline.property.test.ts for IssuerTimeline.correct: on random streams, a correction (a
 * retraction and its replacement, judged together) is accepted exactly when the write model's
 * definition (acceptsCorrection) accepts it, and the timeline then equals the checked replay.
 */
describe('corrections on the incremental issuer timeline', () => {
  it('accepts and rejects exactly as the write model (src/domain/writeModel.ts) does', () => {
    let corrected = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ op, correct: fc.nat({ max: 1 }), pick: fc.nat() }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (steps, checkpointEvery) => {
          const timeline = IssuerTimeline.of(ACME, [], { checkpointEvery });
          const stored: PlacedEvent[] = [];
          const placed = (d: DraftEvent, revision: number) => ({ ...d, id: randomUUID() as EventId, revision }) as PlacedEvent;
          const add = (d: DraftEvent) => {
            const e = placed(d, timeline.nextRevision);
            const expected = accepts(ACME, stored, e) === undefined;
            expect('changes' in timeline.add(e)).toBe(expected);
            if (expected) stored.push(e);
          };
          add(acmeRegistration());
          for (const { op: o, correct, pick } of steps) {
            const targets = stored.filter((s) => s.type !== 'IssuerRegistered').map((s) => s.id);
            const d = toDraft(o, targets);
            if (!d) continue;
            if (correct !== 0 || targets.length === 0) {
              add(d);
              continue;
            }
            // A target picked among every event but the registration: some already retracted, some retractions.
            const r = placed(
              draft({
                type: 'EventRetracted',
                issuer: 'acme',
                date: d.date,
                data: { eventId: targets[pick % targets.length], reason: 'fix' },
              }),
              timeline.nextRevision,
            ) as Retraction;
            const n = placed(d, timeline.nextRevision + 1);
            const expected = acceptsCorrection(ACME, stored, r, n) === undefined;
            expect('changes' in timeline.correct(r, n)).toBe(expected);
            if (expected) {
              stored.push(r, n);
              corrected++;
            } else {
              refused++;
            }
          }
          const reference = replayChecked(ACME, stored);
          expect(reference.ok).toBe(true);
          expect(timeline.endState).toEqual(reference.state);
          expect(timeline.events.map((e) => e.id)).toEqual(reference.active.map((e) => e.id));
          expect(timeline.nextRevision).toBe(stored.length);
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes must be common, or the property proves little.
    expect(corrected).toBeGreaterThan(60);
    expect(refused).toBeGreaterThan(100);
  });
});
