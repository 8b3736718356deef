import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IssuerId } from '../events/index.js';
import { checkIssuerEvent } from '../src/domain/issuerChecks.js';
import { evolveIssuer, initialIssuerState, type IssuerState } from '../src/domain/issuerState.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import { indexStream } from '../src/domain/timeline.js';
import { replayChecked } from '../src/domain/writeModel.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { draft } from './support/decideHarness.js';
import { ACME, acmeRegistration, type Op, op, toDraft } from './support/randomOps.js';

/** Builds a ledger from random operations, keeping those the ledger accepts. */
const buildLedger = async (ops: Op[]) => {
  const store = createMemoryStore();
  const ledger = new Ledger({ store, actor: 'prop' });
  await ledger.append([acmeRegistration()]);
  const accepted: string[] = [];
  let rejected = 0;
  for (const o of ops) {
    const d = toDraft(o, accepted);
    if (!d) continue;
    try {
      const r = await ledger.append([d]);
      accepted.push(r.events[0]!.id);
    } catch (e) {
      if (!isLedgerError(e)) throw e;
      rejected++;
    }
  }
  return { store, accepted, rejected };
};

const assertConsistent = (s: IssuerState) => {
  for (const [c, holders] of s.holdings) {
    let total = 0n;
    for (const [, n] of holders) {
      expect(n).toBeGreaterThan(0n);
      total += n;
    }
    expect(total).toBe(s.outstanding.get(c));
  }
};

describe('invariants over random ledgers', () => {
  const stats = { accepted: 0, rejected: 0 };
  it('no holding is ever negative and holdings sum to outstanding, at every point of the stored timeline', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const { store, accepted, rejected } = await buildLedger(ops);
        stats.accepted += accepted.length;
        stats.rejected += rejected;
        const { active } = indexStream(await store.readStream('issuer-acme'));
        const state = initialIssuerState('acme' as IssuerId);
        for (const e of active) {
          expect(checkIssuerEvent(state, e)).toBeUndefined();
          evolveIssuer(state, e);
          assertConsistent(state);
        }
      }),
      { numRuns: 150 },
    );
    // The generator must exercise both paths, or the property proves little.
    expect(stats.accepted).toBeGreaterThan(stats.rejected / 4);
    expect(stats.rejected).toBeGreaterThan(0);
  });

  it('replay is deterministic and the incremental timeline equals a full replay', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const { store } = await buildLedger(ops);
        const events = await store.readStream('issuer-acme');
        const a = IssuerTimeline.of('acme' as IssuerId, events).endState;
        const b = IssuerTimeline.of('acme' as IssuerId, events).endState;
        expect(a).toEqual(b);
        const full = replayChecked(ACME, events);
        expect(full.ok).toBe(true);
        expect(a).toEqual(full.state);
      }),
      { numRuns: 100 },
    );
  });

  it('a back-dated sale is accepted exactly when every later sale stays possible', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        async (issuedShares, later, backDated) => {
          fc.pre(later <= issuedShares);
          const { store } = await buildLedger([]);
          const ledger = new Ledger({ store, actor: 'prop' });
          const sale = (n: number, date: string) =>
            draft({
              type: 'BlockSale',
              issuer: 'acme',
              date,
              data: { seller: 'a', class: 'B', shares: String(n), pricePerShare: '1', currency: 'USD' },
            });
          await ledger.append([
            draft({
              type: 'SharesIssued',
              issuer: 'acme',
              date: '2020-01-01',
              data: { holder: 'a', class: 'B', shares: String(issuedShares), pricePerShare: '1', currency: 'USD' },
            }),
          ]);
          await ledger.append([sale(later, '2022-01-01')]);
          const outcome = await ledger.append([sale(backDated, '2021-01-01')]).then(
            () => 'accepted',
            (e) => (isLedgerError(e) && e.problem.kind === 'InsufficientShares' ? 'rejected' : Promise.reject(e)),
          );
          expect(outcome).toBe(backDated <= issuedShares - later ? 'accepted' : 'rejected');
        },
      ),
      { numRuns: 100 },
    );
  });
});
