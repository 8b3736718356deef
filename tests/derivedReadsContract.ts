import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HOLDERS_STREAM,
  toIssuerStreamId,
  type EventId,
  type HolderId,
  type Instant,
  type IssuerId,
  type StoredEvent,
} from '../events/index.js';
import { isNamedIn } from '../src/knownNames.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import { queryCapTable, queryStake } from '../src/queries.js';
import { refreshSnapshots, snapshotPolicy } from '../src/snapshots.js';
import type { DerivedReads, SnapshotRow } from '../src/store/derivedReads.js';
import type { EventStore } from '../src/store/eventStore.js';
import { draft } from './support/decideHarness.js';

/** The same store without the capability: the queries replay its envelopes. */
export const withoutDerivedReads = (store: EventStore): EventStore => {
  const { derivedReads: _omitted, ...rest } = store;
  return rest as EventStore;
};

/** The answer, or the error's kind and message: both paths must agree on either, word for word. */
const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    return { answer: await run() };
  } catch (e) {
    if (isLedgerError(e)) return { error: e.problem.kind, message: e.message };
    throw e;
  }
};

const minute = 60_000;
const START = Date.UTC(2024, 0, 1);

/**
 * A small ledger written through the Ledger, one step a minute: a registration, a control group,
 * issues of two classes, a sale, a back-dated issue, the sale's retraction, a split. Its issuer
 * and holders are new, so a shared store does not matter.
 */
const writeScenario = async (store: EventStore) => {
  let clock = START;
  const ledger = new Ledger({ store, actor: 'contract', now: () => new Date(clock) });
  const instants: Instant[] = [];
  const step = async (run: () => Promise<unknown>): Promise<void> => {
    clock += minute;
    await run();
    instants.push(new Date(clock).toISOString() as Instant);
  };
  const tag = randomUUID().slice(0, 8);
  const issuer = `i${tag}` as IssuerId;
  const [a, b, c] = ['a', 'b', 'c'].map((h) => `${h}${tag}` as HolderId) as [HolderId, HolderId, HolderId];
  const add = (e: Record<string, unknown>) => step(() => ledger.append([draft(e)]));
  const issue = (holder: string, cls: string, shares: number, date: string) =>
    add({ type: 'SharesIssued', issuer, date, data: { holder, class: cls, shares, pricePerShare: '1', currency: 'USD' } });
  await add({
    type: 'IssuerRegistered',
    issuer,
    date: '2019-01-01',
    data: {
      name: 'Contract Co',
      currency: 'USD',
      classes: [
        { class: 'A', votesPerShare: 10 },
        { class: 'B', votesPerShare: 1 },
      ],
    },
  });
  await add({ type: 'HolderRegistered', date: '2019-01-01', data: { holder: b, name: 'B', controlledBy: a } });
  await issue(a, 'B', 1000, '2019-02-01');
  await issue(b, 'A', 50, '2019-03-01');
  const saleId = randomUUID() as EventId;
  await add({
    id: saleId,
    type: 'BlockSale',
    issuer,
    date: '2019-06-01',
    data: { seller: a, buyer: c, class: 'B', shares: 300, pricePerShare: '2', currency: 'USD' },
  });
  await issue(c, 'B', 10, '2019-01-15');
  await step(() => ledger.retract(saleId, 'entered twice', { date: '2019-07-01' }));
  await issue('public', 'B', 5000, '2020-01-01');
  await add({ type: 'StockSplit', issuer, date: '2020-06-01', data: { class: 'B', numerator: 2, denominator: 1 } });
  return { ledger, issuer, stream: toIssuerStreamId(issuer), holders: [a, b, c, 'public', `nobody${tag}`] as HolderId[], instants };
};

type Scenario = Awaited<ReturnType<typeof writeScenario>>;

const DATES = ['2018-12-31', '2019-01-15', '2019-06-01', '2019-12-31', '2030-01-01'];
/** A millisecond before each step was recorded (the ledger as the step before left it), and now. */
const knownAts = (s: Scenario): Array<string | undefined> => [
  ...s.instants.map((t) => new Date(Date.parse(t) - 1).toISOString()),
  undefined,
];
const NOW = new Date(START + 24 * 60 * minute);

/** The scenario's stake and cap-table answers (and a group's stake), or their errors. */
const answersOf = async (store: EventStore, s: Scenario): Promise<unknown[]> => {
  const out: unknown[] = [];
  for (const asOf of DATES)
    for (const knownAt of knownAts(s)) {
      const at = { asOf, ...(knownAt ? { knownAt } : {}) };
      out.push(await outcome(() => queryCapTable(store, { issuer: s.issuer, ...at }, NOW)));
      for (const holder of s.holders) out.push(await outcome(() => queryStake(store, { issuer: s.issuer, holder, ...at }, NOW)));
      // The group of the first holder: it controls the second.
      out.push(await outcome(() => queryStake(store, { issuer: s.issuer, holder: s.holders[0]!, group: true, ...at }, NOW)));
    }
  // An issuer never registered.
  out.push(await outcome(() => queryStake(store, { issuer: `never${s.issuer}`, holder: s.holders[0]!, asOf: '2030-01-01' }, NOW)));
  return out;
};

const byTimeline = (x: StoredEvent, y: StoredEvent): number => (x.date < y.date ? -1 : x.date > y.date ? 1 : x.revision - y.revision);

/**
 * What a store that offers `derivedReads` must answer: exactly what a replay of its envelopes
 * gives, at the level of each read and of the stake and cap-table questions built on them, with
 * snapshots or without. A store without the capability skips these.
 */
export const describeDerivedReadsContract = (name: string, openFresh: () => Promise<EventStore>): void => {
  describe(`${name}: derived reads (an optional capability)`, () => {
    let store: EventStore;
    const saved = { ...snapshotPolicy };
    beforeEach(async () => {
      store = await openFresh();
    });
    afterEach(async () => {
      Object.assign(snapshotPolicy, saved);
      await store.close();
    });

    /** The capability, or undefined: then the test has nothing to check. */
    const capability = (): DerivedReads | undefined => store.derivedReads;

    it('reads what the envelopes say: heads, streams, registration, names, retractions, timeline', async () => {
      const reads = capability();
      if (!reads) return;
      const s = await writeScenario(store);
      const events = await store.readStream(s.stream);
      const holderEvents = await store.readStream(HOLDERS_STREAM);
      reads.consistent(() => {
        expect(reads.head(s.stream)).toBe(events.length - 1);
        expect(reads.head(`${s.stream}-none`)).toBe(-1);
        const streams = reads.streams();
        expect(streams).toEqual([...streams].sort());
        expect(streams).toEqual(expect.arrayContaining([s.stream, HOLDERS_STREAM]));
        for (const knownAt of [...knownAts(s).filter((t) => t !== undefined), '9999-12-31T00:00:00.000Z'] as Instant[]) {
          const registered = events.some((e) => e.type === 'IssuerRegistered' && e.recordedAt <= knownAt);
          expect(reads.isRegistered(s.stream, knownAt), `registered as known at ${knownAt}`).toBe(registered);
          expect(reads.isRegistered(`${s.stream}-none`, knownAt)).toBe(false);
          for (const holder of s.holders)
            expect(reads.isNamed([s.stream, HOLDERS_STREAM], holder, knownAt), `${holder} named as known at ${knownAt}`).toBe(
              isNamedIn([events, holderEvents], holder, knownAt),
            );
        }
        const byId = new Map(events.map((e) => [e.id.toLowerCase(), e]));
        const retractions = events.flatMap((e) =>
          e.type === 'EventRetracted'
            ? [
                {
                  revision: e.revision,
                  target: e.data.eventId.toLowerCase(),
                  targetRevision: byId.get(e.data.eventId.toLowerCase())?.revision ?? null,
                  recordedAt: e.recordedAt,
                },
              ]
            : [],
        );
        expect(retractions.length).toBe(1);
        const read = reads.retractions(s.stream).map((r) => ({ ...r, target: r.target.toLowerCase() }));
        expect(read.sort((x, y) => x.revision - y.revision)).toEqual(retractions);
        for (const [after, upTo] of [
          ['', '9999-12-31'],
          ['2019-01-15', '2019-12-31'],
          ['2019-06-01', '2019-06-01'],
        ] as const) {
          const expected = events
            .filter((e) => e.date > after && e.date <= upTo)
            .sort(byTimeline)
            .map((e) => ({
              event: { type: e.type, data: e.data, id: e.id, date: e.date, revision: e.revision },
              recordedAt: e.recordedAt,
            }));
          expect([...reads.timeline(s.stream, after, upTo)], `timeline in (${after}, ${upTo}]`).toEqual(expected);
        }
      });
    });

    it('answers stake and cap-table as a replay of the envelopes, errors word for word, with snapshots or without', async () => {
      if (!capability()) return;
      const s = await writeScenario(store);
      const replayed = await answersOf(withoutDerivedReads(store), s);
      // No snapshot can be used yet: the timeline from the start.
      expect(await answersOf(store, s)).toEqual(replayed);
      // A snapshot at every date: the questions above leave some, a refresh takes the rest.
      Object.assign(snapshotPolicy, { every: 1, end: 1 });
      expect(await answersOf(store, s)).toEqual(replayed);
      await refreshSnapshots(store);
      expect(capability()!.latestSnapshot(s.stream)).toBeDefined();
      expect(await answersOf(store, s)).toEqual(replayed);
      // A back-dated event outdates the snapshots after its date.
      await s.ledger.append([
        draft({
          type: 'SharesIssued',
          issuer: s.issuer,
          date: '2019-05-31',
          data: { holder: s.holders[2], class: 'A', shares: 7, pricePerShare: '1', currency: 'USD' },
        }),
      ]);
      expect(await answersOf(store, s)).toEqual(await answersOf(withoutDerivedReads(store), s));
    });

    it('keeps a snapshot only at the head it was taken at, and drops it when an event dated on or before it lands', async () => {
      const reads = capability();
      if (!reads) return;
      const s = await writeScenario(store);
      const head = reads.consistent(() => reads.head(s.stream));
      const last = s.instants[s.instants.length - 1]!;
      const snapshot: SnapshotRow = { date: '2019-12-31', revision: head, recordedAt: last, events: 4, state: 'kept as given' };
      expect(reads.saveSnapshots(s.stream, head - 1, [snapshot])).toBe(false);
      expect(reads.consistent(() => reads.latestSnapshot(s.stream))).toBeUndefined();
      expect(reads.saveSnapshots(s.stream, head, [snapshot])).toBe(true);
      reads.consistent(() => {
        expect(reads.latestSnapshot(s.stream)).toEqual(snapshot);
        expect(reads.snapshotFor(s.stream, '2020-01-01', last, head)).toEqual(snapshot);
        expect(reads.snapshotFor(s.stream, '2019-12-30', last, head)).toBeUndefined();
        expect(reads.snapshotFor(s.stream, '2020-01-01', s.instants[0]!, head)).toBeUndefined();
      });
      const issue = (date: string) =>
        s.ledger.append([
          draft({
            type: 'SharesIssued',
            issuer: s.issuer,
            date,
            data: { holder: s.holders[0], class: 'B', shares: 1, pricePerShare: '1', currency: 'USD' },
          }),
        ]);
      await issue('2020-01-02');
      expect(reads.consistent(() => reads.latestSnapshot(s.stream))).toEqual(snapshot);
      await issue('2019-12-31');
      expect(reads.consistent(() => reads.latestSnapshot(s.stream))).toBeUndefined();
    });
  });
};
