import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClassId, EventId, HolderId, IssuerId } from '../events/index.js';
import { applyEffect, effectOf } from '../src/domain/additiveEffect.js';
import { checkIssuerEvent } from '../src/domain/issuerChecks.js';
import {
  cloneIssuerState,
  evolveIssuer,
  initialIssuerState,
  type IssuerState,
  positionsTouched,
  sharesOf,
} from '../src/domain/issuerState.js';
import { holdersNamedBy } from '../src/domain/mentions.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { draft } from './support/decideHarness.js';
import { acmeRegistration, op, toDraft } from './support/randomOps.js';

/**
 * Every reader of an event's steps must agree with the state change: the positions evolve changes
 * are among those `positionsTouched` names, the holders whose shares change are among those the
 * event names, and an additive effect applied to the state gives exactly what evolve gives.
 */

const registration = acmeRegistration();

/** Every (class, holder) whose shares differ between two states. */
const changedPositions = (before: IssuerState, after: IssuerState): Array<[ClassId, HolderId]> => {
  const changed: Array<[ClassId, HolderId]> = [];
  for (const cls of after.classes.keys()) {
    const holders = new Set([...(before.holdings.get(cls)?.keys() ?? []), ...(after.holdings.get(cls)?.keys() ?? [])]);
    for (const h of holders) if (sharesOf(before, cls, h) !== sharesOf(after, cls, h)) changed.push([cls, h]);
  }
  return changed;
};

const plain = (s: IssuerState) => ({
  holdings: [...s.holdings].map(([c, m]) => [c, [...m].sort(([a], [b]) => (a < b ? -1 : 1))]),
  outstanding: [...s.outstanding],
});

describe('the readers of event steps', () => {
  it('agree with evolve: positions touched, holders named and additive effects', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const state = initialIssuerState('acme' as IssuerId);
        const accepted: string[] = [];
        let revision = 0;
        const place = (d: ReturnType<typeof draft>): PlacedEvent =>
          ({ ...d, id: randomUUID() as EventId, revision: revision++ }) as PlacedEvent;
        evolveIssuer(state, place(registration));
        // In date order, so every event meets the state at its own point of the timeline.
        for (const o of [...ops].sort((a, b) => a.date - b.date)) {
          if (o.kind === 'retract') continue;
          const d = toDraft(o, accepted);
          if (!d) continue;
          const e = place(d);
          if (checkIssuerEvent(state, e)) continue;
          const before = cloneIssuerState(state);
          evolveIssuer(state, e);
          const changed = changedPositions(before, state);

          const touched = new Set(positionsTouched(before, e).map(([c, h]) => `${c}/${h}`));
          for (const [c, h] of changed) expect(touched, `${e.type} changed ${c}/${h}`).toContain(`${c}/${h}`);

          const effect = effectOf(e);
          expect(effect.kind, e.type).toBe(e.type === 'StockSplit' ? 'scaling' : 'additive');
          if (effect.kind === 'additive') {
            const named = holdersNamedBy(e);
            for (const [, h] of changed) expect(named, `${e.type} moved ${h}`).toContain(h);
            const viaEffect = cloneIssuerState(before);
            applyEffect(viaEffect, effect, 1n);
            expect(plain(viaEffect)).toEqual(plain(state));
          }
          accepted.push(e.id);
        }
      }),
      { numRuns: 150 },
    );
  });
});
