import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import { queryCapTable, queryStake } from '../src/queries.js';
import { refreshSnapshots, snapshotPolicy } from '../src/snapshots.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { openSqliteStore } from '../src/store/sqliteStore.js';
import { verifyLedger } from '../src/integrity/verify.js';
import { draft } from './support/decideHarness.js';
import { acmeRegistration, op, toDraft } from './support/randomOps.js';
import { batchOf, issuerRegistered, newEventId, randomIssuer, seal, sharesIssued, withId } from './fixtures/sealed.js';
import { toIssuerStreamId } from '../events/index.js';

/**
 * Issue 7: answers with persisted snapshots equal answers from a full replay, for random ledgers
 * (back-dated events, retractions), dates and knownAt values. The SQLite store answers stake and
 * cap-table from snapshots and the timeline table (src/snapshots.ts); a memory store holding the
 * same events answers by replaying every envelope. Snapshots are taken every few events here, and
 * questions are asked while the ledger grows, so later back-dated events and retractions land
 * before snapshots taken earlier.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-snapshots-'));
let files = 0;
const saved = { ...snapshotPolicy };
beforeAll(() => Object.assign(snapshotPolicy, { every: 3, end: 1 }));
afterAll(() => {
  Object.assign(snapshotPolicy, saved);
  fs.rmSync(dir, { recursive: true, force: true });
});

const open: EventStore[] = [];
let snapshotsLeft = 0;
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A memory store holding exactly the SQLite store's events: the replaying reference. */
const replayingCopy = async (store: EventStore): Promise<EventStore> => {
  const byStream = new Map<string, StoredEvent[]>();
  for await (const e of store.readAll()) {
    let events = byStream.get(e.stream);
    if (!events) byStream.set(e.stream, (events = []));
    events.push(e);
  }
  const copy = createMemoryStore();
  await copy.append([...byStream].map(([stream, events]) => ({ stream, expectedRevision: -1, events })));
  return copy;
};

/** The answer, or the error's kind and message: both paths must agree on either. */
const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    return { answer: await run() };
  } catch (e) {
    if (isLedgerError(e)) return { error: e.problem.kind, message: e.message };
    throw e;
  }
};

const dayOf = (offset: number) => new Date(Date.UTC(2019, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

type Probe = { offset: number; holder: string; knownAt: number; kind: 'stake' | 'group' | 'cap' };
const probe: fc.Arbitrary<Probe> = fc.record({
  offset: fc.integer({ min: -30, max: 1600 }),
  holder: fc.constantFrom('a', 'b', 'c', 'public', 'nobody'),
  // An index into the instants events were recorded at (±1 ms), or past the end: now.
  knownAt: fc.integer({ min: 0, max: 200 }),
  kind: fc.constantFrom('stake', 'group', 'cap'),
});

describe('persisted snapshots (SQLite)', () => {
  it('give the answers of a full replay, for any ledger, date and knownAt, while the ledger grows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(op, fc.boolean()), { minLength: 1, maxLength: 35 }),
        fc.array(probe, { minLength: 1, maxLength: 6 }),
        async (steps, probes) => {
          const file = path.join(dir, `ledger-${++files}.db`);
          const store = openSqliteStore(file);
          open.push(store);
          let clock = Date.UTC(2024, 0, 1);
          const instants: string[] = [];
          const now = () => new Date(clock);
          const ledger = new Ledger({ store, actor: 'prop', now });
          const appendAt = async (drafts: Parameters<Ledger['append']>[0]) => {
            clock += 60_000;
            const report = await ledger.append(drafts);
            instants.push(new Date(clock).toISOString());
            return report;
          };
          await appendAt([
            acmeRegistration(),
            draft({ type: 'HolderRegistered', date: '2019-01-01', data: { holder: 'b', name: 'B', controlledBy: 'a' } }),
          ]);
          const accepted: string[] = [];
          const ask = async (p: Probe) => {
            const asOf = dayOf(p.offset);
            const knownAt =
              p.knownAt < instants.length * 2
                ? new Date(Date.parse(instants[p.knownAt >> 1]!) + (p.knownAt % 2 === 0 ? -1 : 0)).toISOString()
                : undefined;
            const reference = await replayingCopy(store);
            const at = new Date(clock + 1);
            const run = (s: EventStore) =>
              p.kind === 'cap'
                ? outcome(() => queryCapTable(s, { issuer: 'acme', asOf, ...(knownAt ? { knownAt } : {}) }, at))
                : outcome(() =>
                    queryStake(
                      s,
                      { issuer: 'acme', holder: p.holder, asOf, group: p.kind === 'group', ...(knownAt ? { knownAt } : {}) },
                      at,
                    ),
                  );
            expect(await run(store), `${p.kind} ${p.holder} as of ${asOf} known at ${knownAt ?? 'now'}`).toEqual(await run(reference));
          };
          let i = 0;
          for (const [o, askNow] of steps) {
            const d = toDraft(o, accepted);
            if (d)
              await appendAt([d]).then(
                (r) => accepted.push(r.events[0]!.id),
                (e) => (isLedgerError(e) ? undefined : Promise.reject(e)),
              );
            // Questions while the ledger grows leave snapshots behind for later events to outdate.
            if (askNow) await ask(probes[i++ % probes.length]!);
          }
          for (const p of probes) await ask(p);
          await refreshSnapshots(store);
          for (const p of probes) await ask(p);
          // Whatever snapshots were left, verify finds them to be the replay of the envelopes.
          expect((await verifyLedger(store)).problems).toEqual([]);
          const db = new Database(file, { readonly: true });
          snapshotsLeft += db.prepare('SELECT COUNT(*) FROM snapshots').pluck().get() as number;
          db.close();
        },
      ),
      { numRuns: 60 },
    );
    // The property was about snapshots: there were some.
    expect(snapshotsLeft).toBeGreaterThan(0);
  }, 300_000);

  it('a retraction stored before its target (only the store API allows it) still retracts it, as in a replay', async () => {
    const issuer = randomIssuer();
    const stream = toIssuerStreamId(issuer);
    const later = newEventId();
    const first = seal(
      stream,
      [],
      [
        issuerRegistered(issuer),
        draft({ type: 'EventRetracted', issuer, date: '2018-06-02', data: { eventId: later, reason: 'retracted before it was stored' } }),
        sharesIssued(issuer, 'early-holder'),
      ],
    );
    const all = [...first, ...seal(stream, first, [withId(sharesIssued(issuer, 'late-holder'), later)])];
    const file = path.join(dir, `ledger-${++files}.db`);
    const store = openSqliteStore(file);
    open.push(store);
    await store.append([batchOf(all, -1)]);
    const reference = await replayingCopy(store);
    const at = new Date('2030-01-01T00:00:00.000Z');
    for (const holder of ['early-holder', 'late-holder']) {
      const ask = (s: EventStore) => outcome(() => queryStake(s, { issuer, holder, asOf: '2020-01-01' }, at));
      expect(await ask(store)).toEqual(await ask(reference));
    }
    expect(await outcome(() => queryCapTable(store, { issuer, asOf: '2020-01-01' }, at))).toEqual(
      await outcome(() => queryCapTable(reference, { issuer, asOf: '2020-01-01' }, at)),
    );
  });
});
