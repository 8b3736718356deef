import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventId } from '../events/index.js';
import { evolveIssuer, initialIssuerState } from '../src/domain/issuerState.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { accepts, replayChecked } from '../src/domain/writeModel.js';
import { ACME, acmeRegistration, op, toDraft } from './support/randomOps.js';

/**
 * tests/timeline.property.test.ts with a checkpoint every few events instead of every few thousand: the
 * back-dated and retraction paths then start from many different checkpoints (and the ones taken
 * right after each split), and the timeline built from a stored stream is checked too.
 */

describe('the incremental issuer timeline with frequent checkpoints', () => {
  it('accepts and rejects exactly as the write model (src/domain/writeModel.ts) does, from any checkpoint', () => {
    let backDatedSeen = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(),
        (ops, checkpointEvery, reloadAt) => {
          let timeline = IssuerTimeline.of(ACME, [], { checkpointEvery });
          const stored: PlacedEvent[] = [];
          const add = (d: EventEnvelope) => {
            const e = { ...d, revision: timeline.nextRevision } as PlacedEvent;
            const expected = accepts(ACME, stored, e) === undefined;
            expect('changes' in timeline.add(e)).toBe(expected);
            if (expected) stored.push(e);
          };
          add({
            ...acmeRegistration(),
            id: randomUUID() as EventId,
          });
          let lastDate = '';
          ops.forEach((o, i) => {
            // Once, rebuild the timeline from what is stored, as the ledger does when it reads a stream.
            if (i === reloadAt % ops.length) timeline = IssuerTimeline.of(ACME, stored, { checkpointEvery });
            const d = toDraft(
              o,
              stored.filter((s) => s.type !== 'IssuerRegistered').map((s) => s.id),
            );
            if (!d) return;
            if (d.date < lastDate) backDatedSeen++;
            lastDate = d.date > lastDate ? d.date : lastDate;
            add({ ...d, id: randomUUID() as EventId });
          });
          const reference = replayChecked(ACME, stored);
          expect(reference.ok).toBe(true);
          expect(timeline.endState).toEqual(reference.state);
          expect(timeline.events.map((e) => e.id)).toEqual(reference.active.map((e) => e.id));
          for (let index = 0; index <= reference.active.length; index++) {
            const prefix = initialIssuerState(ACME);
            for (const e of reference.active.slice(0, index)) evolveIssuer(prefix, e);
            expect(timeline.stateAt(index)).toEqual(prefix);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(backDatedSeen).toBeGreaterThan(100);
  });
});
