import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { HolderId, Instant, IsoDate, IssuerId } from '../../events/index.js';
import { HOLDERS_STREAM } from '../../events/index.js';
import { PositionsByDay } from './asOfIndex.js';
import { projectCapTable, projectStake } from '../../projections/ownership.js';
import { Ledger } from '../../src/ledger.js';
import { isLedgerError } from '../../src/domain/problem.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { WarmReader } from './warmReader.js';
import { draft } from '../../tests/support/decideHarness.js';
import { acmeRegistration, op, toDraft } from '../../tests/support/randomOps.js';

const ACME = 'acme' as IssuerId;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-warm-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const clock = (iso: string) => () => new Date(iso);

describe('WarmReader (the as-of index)', () => {
  // Small registers are answered in doubles, huge ones (× 10^15, beyond 2^53) in BigInt, kept in
  // 64-bit arrays or, × 10^20, beyond 64 bits, in BigInt arrays: all exact.
  // On SQLite the index is folded from the timeline table, elsewhere from the stream's envelopes.
  // Cap tables in doubles start from a checkpoint of every position: spaced 1 day, 3 days, or one
  // checkpoint for all (the default spacing is adaptive).
  it.each([
    [1n, 'memory', 1],
    [1n, 'memory', 3],
    [1n, 'memory', 1e9],
    [10n ** 15n, 'memory', 3],
    [10n ** 20n, 'memory', 3],
    [1n, 'sqlite', 2],
  ] as const)(
    'answers stake, group stake and cap table exactly as a replay to the same asOf and knownAt (shares × %s, %s store, cap-table checkpoints every %s days)',
    async (scale, kind, spacing) => {
      const defaultSpacing = PositionsByDay.spacing;
      PositionsByDay.spacing = () => spacing;
      onTestFinished(() => {
        PositionsByDay.spacing = defaultSpacing;
      });
      let files = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 1, maxLength: 40 }),
          fc.array(fc.tuple(fc.integer({ min: -30, max: 1600 }), fc.constantFrom('a', 'b', 'c', 'public', 'nobody')), {
            minLength: 1,
            maxLength: 6,
          }),
          async (ops, probes) => {
            const store = kind === 'memory' ? createMemoryStore() : openSqliteStore(path.join(dir, `warm-${files++}.db`));
            const ledger = new Ledger({ store, actor: 'prop', now: clock('2024-01-01T00:00:00.000Z') });
            await ledger.append([
              acmeRegistration(),
              draft({ type: 'HolderRegistered', date: '2019-01-01', data: { holder: 'b', name: 'B', controlledBy: 'a' } }),
            ]);
            const accepted: string[] = [];
            for (const o of ops) {
              const d = toDraft(o, accepted, scale);
              if (!d) continue;
              await ledger.append([d]).then(
                (r) => accepted.push(r.events[0]!.id),
                (e) => (isLedgerError(e) ? undefined : Promise.reject(e)),
              );
            }
            const reader = await WarmReader.open(store, clock('2024-06-01T00:00:00.000Z'));
            await reader.warm(ACME);
            const streams = { issuerEvents: await store.readStream('issuer-acme'), holderEvents: await store.readStream(HOLDERS_STREAM) };
            // Probe random days and, above all, the very dates events take effect on (the edges).
            const eventDates = streams.issuerEvents.map((e) => e.date);
            for (const [offset, holder] of probes) {
              const asOf = (
                offset % 2 === 0
                  ? eventDates[Math.abs(offset) % eventDates.length]!
                  : new Date(Date.UTC(2019, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10)
              ) as IsoDate;
              const at = { asOf, knownAt: '2024-06-01T00:00:00.000Z' as Instant };
              for (const group of [false, true])
                expect(reader.stake(ACME, holder as HolderId, asOf, { group })).toEqual(
                  projectStake(streams, { issuer: ACME, holder: holder as HolderId, group }, at),
                );
              expect(reader.capTable(ACME, asOf)).toEqual(projectCapTable(streams, ACME, at));
            }
            await store.close();
          },
        ),
        { numRuns: kind === 'memory' ? 100 : 40 },
      );
    },
  );

  it('answers as known at the last refresh, and catches up on refresh', async () => {
    const store = createMemoryStore();
    let now = '2024-01-01T00:00:00.000Z';
    const ledger = new Ledger({ store, actor: 't', now: () => new Date(now) });
    await ledger.append([
      draft({
        type: 'IssuerRegistered',
        issuer: 'acme',
        date: '2019-01-01',
        data: { name: 'Acme', currency: 'USD', classes: [{ class: 'B', votesPerShare: 1 }] },
      }),
      draft({
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2019-02-01',
        data: { holder: 'a', class: 'B', shares: '10', pricePerShare: '1', currency: 'USD' },
      }),
    ]);
    const reader = await WarmReader.open(store, () => new Date(now));
    await reader.warm(ACME);
    now = '2024-02-01T00:00:00.000Z';
    await ledger.append([
      draft({
        type: 'SharesIssued',
        issuer: 'acme',
        date: '2019-01-15',
        data: { holder: 'a', class: 'B', shares: '5', pricePerShare: '1', currency: 'USD' },
      }),
    ]);
    expect(reader.stake(ACME, 'a' as HolderId, '2019-03-01')).toMatchObject({ shares: '10', knownAt: '2024-01-01T00:00:00.000Z' });
    await reader.refresh();
    await reader.warm(ACME);
    expect(reader.stake(ACME, 'a' as HolderId, '2019-03-01')).toMatchObject({ shares: '15', knownAt: '2024-02-01T00:00:00.000Z' });
  });
});
