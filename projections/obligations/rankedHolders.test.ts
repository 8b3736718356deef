import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HolderId } from '../../events/index.js';
import { RankedHolders } from './rankedHolders.js';

const holder = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `h${i}` as HolderId));
const shares = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 50n }), fc.bigInt({ min: 1n, max: 10n ** 20n }));
const op = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(fc.constant('set' as const), holder, shares) },
  // A register: each holder once.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constant('reset' as const), fc.uniqueArray(fc.tuple(holder, shares), { maxLength: 12, selector: ([h]) => h })),
  },
);

describe('RankedHolders', () => {
  it('finds exactly the holders at or above any share count, after any sets and resets', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(shares, { minLength: 1, maxLength: 5 }), (ops, bounds) => {
        const ranked = new RankedHolders();
        const model = new Map<HolderId, bigint>();
        for (const o of ops) {
          if (o[0] === 'set') {
            ranked.set(o[1], o[2]);
            if (o[2] === 0n) model.delete(o[1]);
            else model.set(o[1], o[2]);
          } else {
            ranked.reset(o[1]);
            model.clear();
            for (const [h, s] of o[1])
              if (s !== 0n) model.set(h, s);
              else model.delete(h);
          }
          expect(ranked.size).toBe(model.size);
        }
        for (const bound of bounds) {
          const expected = [...model]
            .filter(([, s]) => s >= bound)
            .map(([h]) => h)
            .sort();
          expect([...ranked.reaching((s) => s >= bound)].sort()).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
