import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventId } from '../events/index.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { ACME, acceptedStream, op, toDraft } from './support/randomOps.js';

describe('an issuer timeline with its earlier events folded (IssuerTimeline.foldedBefore, the import)', () => {
  it('decides every event dated on or after the fold, and every retraction of an event it holds, as the whole timeline does', () => {
    let decided = 0;
    let refused = 0;
    let retractions = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.array(op, { minLength: 1, maxLength: 25 }),
        (ops, pick, more) => {
          const stored = acceptedStream(ops);
          const full = IssuerTimeline.of(ACME, stored);
          const date = stored[pick % stored.length]!.date;
          const folded = IssuerTimeline.of(ACME, stored).foldedBefore(date);
          if (!folded) {
            // nothing dated before the fold date: only then is there nothing to fold
            expect(full.events.every((e) => e.date >= date)).toBe(true);
            return;
          }
          expect(folded.foldDate).toBe(date);
          expect(folded.events).toEqual(full.events.filter((e) => e.date >= date));
          expect(folded.endState).toEqual(full.endState);
          expect(folded.nextRevision).toBe(full.nextRevision);
          for (const o of more) {
            const held = folded.events.map((e) => e.id);
            const d = toDraft(o, held);
            if (!d || (d.type !== 'EventRetracted' && d.date < date)) continue;
            if (d.type === 'EventRetracted') retractions++;
            const e = { ...d, id: randomUUID() as EventId, revision: full.nextRevision } as PlacedEvent;
            const expected = full.add(e);
            const outcome = folded.add({ ...e });
            decided++;
            if ('problem' in expected) {
              refused++;
              expect('problem' in outcome && outcome.problem).toEqual(expected.problem);
            } else expect(outcome).toEqual(expected);
          }
          expect(folded.endState).toEqual(full.endState);
          expect(folded.events).toEqual(full.events.filter((e) => e.date >= date));
        },
      ),
      { numRuns: 400 },
    );
    // What the runs covered (about 720, 330 and 140 on average; the bounds leave room for the seed).
    expect(decided).toBeGreaterThan(400);
    expect(refused).toBeGreaterThan(100);
    expect(retractions).toBeGreaterThan(40);
  });
});
