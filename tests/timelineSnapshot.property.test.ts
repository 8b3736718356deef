import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventId } from '../events/index.js';
import { evolveIssuer, initialIssuerState } from '../src/domain/issuerState.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import { indexStream, type PlacedEvent } from '../src/domain/timeline.js';
import { ACME, acceptedStream, op, toDraft } from './support/randomOps.js';

describe('an issuer timeline started from a snapshot (src/tailSnapshots.ts)', () => {
  it('decides every event dated on or after the snapshot, and every retraction of a tail event, as the whole stream does', () => {
    let decided = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 50 }),
        fc.nat(),
        fc.array(op, { minLength: 1, maxLength: 25 }),
        (ops, split, more) => {
          const stored = acceptedStream(ops);
          const revision = split % stored.length;
          const folded = stored.slice(0, revision + 1);
          const tail = stored.slice(revision + 1);
          let date = '';
          for (const e of folded) if (e.type !== 'EventRetracted' && e.date > date) date = e.date;
          // only a tail that continues the snapshot (what readSnapshotView accepts)
          const tailIds = new Set<string>();
          for (const e of tail) {
            if (e.type === 'EventRetracted' ? !tailIds.has(e.data.eventId) : e.date < date) return;
            tailIds.add(e.id);
          }
          const state = initialIssuerState(ACME);
          for (const e of indexStream(folded).active) evolveIssuer(state, e);
          const fast = IssuerTimeline.fromSnapshot(ACME, { state, revision }, tail);
          const full = IssuerTimeline.of(ACME, stored);
          for (const o of more) {
            const d = toDraft(o, [...tailIds]);
            if (!d || (d.type !== 'EventRetracted' && d.date < date)) continue;
            const e = { ...d, id: randomUUID() as EventId, revision: full.nextRevision } as PlacedEvent;
            expect(fast.nextRevision).toBe(full.nextRevision);
            const expected = full.add(e);
            const outcome = fast.add({ ...e });
            decided++;
            if ('problem' in expected) {
              refused++;
              expect('problem' in outcome && outcome.problem.kind).toBe(expected.problem.kind);
            } else {
              expect(outcome).toEqual(expected);
              tailIds.add(e.id);
            }
          }
          expect(fast.endState).toEqual(full.endState);
        },
      ),
      { numRuns: 300 },
    );
    expect(decided).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(20);
  });
});
