import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventId } from '../events/index.js';
import { evolveIssuer, initialIssuerState } from '../src/domain/issuerState.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { accepts, replayChecked } from '../src/domain/writeModel.js';
import { ACME, acmeRegistration, op, toDraft } from './support/randomOps.js';

describe('the incremental issuer timeline', () => {
  it('accepts and rejects exactly as the write model (src/domain/writeModel.ts) does, and its states equal its checked replay', async () => {
    let backDatedSeen = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (ops, probes) => {
        const timeline = IssuerTimeline.of(ACME);
        const stored: PlacedEvent[] = [];
        const add = (d: EventEnvelope) => {
          const e = { ...d, revision: timeline.nextRevision } as PlacedEvent;
          const expected = accepts(ACME, stored, e) === undefined;
          const outcome = timeline.add(e);
          expect('changes' in outcome).toBe(expected);
          if (expected) stored.push(e);
        };
        add({
          ...acmeRegistration(),
          id: randomUUID() as EventId,
        });
        let lastDate = '';
        for (const o of ops) {
          const d = toDraft(
            o,
            stored.filter((s) => s.type !== 'IssuerRegistered').map((s) => s.id),
          );
          if (!d) continue;
          if (d.date < lastDate) backDatedSeen++;
          lastDate = d.date > lastDate ? d.date : lastDate;
          add({ ...d, id: randomUUID() as EventId });
        }
        const reference = replayChecked(ACME, stored);
        expect(reference.ok).toBe(true);
        expect(timeline.endState).toEqual(reference.state);
        expect(timeline.events.map((e) => e.id)).toEqual(reference.active.map((e) => e.id));
        for (const probe of probes) {
          const index = probe % (reference.active.length + 1);
          const prefix = initialIssuerState(ACME);
          for (const e of reference.active.slice(0, index)) evolveIssuer(prefix, e);
          expect(timeline.stateAt(index)).toEqual(prefix);
        }
      }),
      { numRuns: 300 },
    );
    expect(backDatedSeen).toBeGreaterThan(100);
  });
});
