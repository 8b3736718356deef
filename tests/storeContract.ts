import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/index.js';
import { isLedgerError, type Problem } from '../src/domain/problem.js';
import type { EventStore } from '../src/store/eventStore.js';
import { checkChain } from '../src/store/hashChain.js';
import { describeDerivedReadsContract } from './derivedReadsContract.js';
import { batchOf, issuerRegistered, moreIssues, newEventId, newIssuerHistory, seal, sharesIssued, withId } from './fixtures/sealed.js';

export type StoreContractOptions = Readonly<{
  /** Whether all batches of one append call are written or none (memory, SQLite; not EventStoreDB). */
  atomicAcrossStreams: boolean;
  /**
   * Whether an id stored in one stream is refused in another (memory, SQLite). EventStoreDB has no
   * index by id and looks for an id only in the stream it goes to (docs/eventstoredb.md).
   */
  idsUniqueAcrossStreams?: boolean;
}>;

/** The problem a store operation was rejected with; fails when it succeeds or throws something else. */
const problemOf = async (operation: Promise<unknown>): Promise<Problem> => {
  try {
    await operation;
  } catch (e) {
    if (isLedgerError(e)) return e.problem;
    throw e;
  }
  throw new Error('expected the store to reject the operation');
};

const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
  const all: A[] = [];
  for await (const item of items) all.push(item);
  return all;
};

const eventually = async (condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const within = async <A>(promise: Promise<A>, timeoutMs: number, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The one behaviour every EventStore must have (docs/stores.md). The store may be shared and not empty
 * (a live EventStoreDB): every test invents its own streams and ids and looks only at those.
 */
export const describeStoreContract = (
  name: string,
  openFresh: () => Promise<EventStore>,
  options: StoreContractOptions = { atomicAcrossStreams: true },
): void => {
  describe(`${name}: EventStore contract`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await openFresh();
    });
    afterEach(async () => {
      await store.close();
    });

    const ownEvents = async (streams: ReadonlyArray<string>): Promise<StoredEvent[]> => {
      const own: StoredEvent[] = [];
      for await (const event of store.readAll()) if (streams.includes(event.stream)) own.push(event);
      return own;
    };

    describe('append and read', () => {
      it('reads back exactly the envelopes appended, recordedAt, actor and hashes included', async () => {
        const history = newIssuerHistory(3);
        await store.append([batchOf(history.events, -1)]);

        const read = await store.readStream(history.stream);
        expect(read).toEqual(history.events);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        expect(checkChain(history.stream, read)).toBeUndefined();
      });

      it('continues a stream from its last revision, keeping revisions contiguous and the chain whole', async () => {
        const history = newIssuerHistory(1);
        await store.append([batchOf(history.events, -1)]);
        const more = moreIssues(history, history.events, 2);
        await store.append([batchOf(more, 1)]);

        const read = await store.readStream(history.stream);
        expect(read).toEqual([...history.events, ...more]);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        expect(checkChain(history.stream, read)).toBeUndefined();
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await store.readStream(newIssuerHistory(0).stream)).toEqual([]);
        expect(await collect(store.iterateStream(newIssuerHistory(0).stream))).toEqual([]);
      });

      it('iterates a stream from any revision, in revision order', async () => {
        const history = newIssuerHistory(4);
        await store.append([batchOf(history.events, -1)]);

        expect(await collect(store.iterateStream(history.stream))).toEqual(history.events);
        expect(await collect(store.iterateStream(history.stream, 2))).toEqual(history.events.slice(2));
        expect(await collect(store.iterateStream(history.stream, 9))).toEqual([]);
      });

      it("reads a stream's records, whole only for the types asked, when the store offers it", async () => {
        if (!store.iterateRecords) return;
        const history = newIssuerHistory(3);
        await store.append([batchOf(history.events, -1)]);

        const records = await collect(store.iterateRecords(history.stream, ['IssuerRegistered']));
        expect(records).toEqual(
          history.events.map(({ revision, recordedAt, actor, source, note, ...e }) => ({
            revision,
            type: e.type,
            recordedAt,
            actor,
            source,
            note,
            event: e.type === 'IssuerRegistered' ? history.events[revision] : undefined,
          })),
        );
        expect(history.events.some((e) => e.note !== undefined) && history.events.some((e) => e.source !== undefined)).toBe(true);
        expect(await collect(store.iterateRecords(newIssuerHistory(0).stream, []))).toEqual([]);
      });

      it('appends to several streams in one call', async () => {
        const a = newIssuerHistory(1);
        const b = newIssuerHistory(2);
        await store.append([batchOf(a.events, -1), batchOf(b.events, -1)]);

        expect(await store.readStream(a.stream)).toEqual(a.events);
        expect(await store.readStream(b.stream)).toEqual(b.events);
      });

      it('finds a stored event by id in its stream, and nothing for an unknown id', async () => {
        const history = newIssuerHistory(2);
        await store.append([batchOf(history.events, -1)]);

        for (const event of history.events) expect(await store.findEvent(event.id, event.stream)).toEqual(event);
        expect(await store.findEvent(newEventId(), history.stream)).toBeUndefined();
      });

      it('finds a stored event without its stream, or says it needs the issuer (a Usage error naming the id)', async () => {
        const history = newIssuerHistory(1);
        await store.append([batchOf(history.events, -1)]);
        const event = history.events[1]!;
        try {
          expect(await store.findEvent(event.id)).toEqual(event);
        } catch (e) {
          expect(isLedgerError(e) && e.problem.kind).toBe('Usage');
          expect(isLedgerError(e) && e.problem.message).toContain(event.id.toLowerCase());
          expect(isLedgerError(e) && e.problem.message).toContain('--issuer');
        }
      });

      it('finds many stored events by id at once, keyed by lower-case id, when the store offers it', async () => {
        if (!store.findEvents) return;
        const a = newIssuerHistory(3);
        const b = newIssuerHistory(2);
        await store.append([batchOf(a.events, -1), batchOf(b.events, -1)]);
        const unknown = newEventId();
        const asked = [a.events[0]!.id, a.events[2]!.id.toUpperCase() as typeof unknown, unknown, a.events[0]!.id];
        const found = await store.findEvents(asked, a.stream);
        expect([...found.keys()].sort()).toEqual([a.events[0]!.id, a.events[2]!.id].map((id) => id.toLowerCase()).sort());
        expect(found.get(a.events[2]!.id.toLowerCase())).toEqual(a.events[2]);
        expect(found.has(unknown.toLowerCase())).toBe(false);
        expect((await store.findEvents([b.events[1]!.id], b.stream)).get(b.events[1]!.id.toLowerCase())).toEqual(b.events[1]);
        expect((await store.findEvents([], a.stream)).size).toBe(0);
      });
    });

    describe('optimistic concurrency', () => {
      it('rejects a batch whose stream moved past the expected revision, and writes nothing', async () => {
        const history = newIssuerHistory(1);
        await store.append([batchOf(history.events, -1)]);
        // A writer that read the stream when it held only the registration.
        const stale = moreIssues(history, history.events.slice(0, 1), 1);

        const problem = await problemOf(store.append([batchOf(stale, 0)]));
        expect(problem.kind).toBe('VersionConflict');
        expect(problem.details).toEqual({ stream: history.stream, expectedRevision: 0, actualRevision: 1 });
        expect(problem.message).toContain(history.stream);
        expect(await store.readStream(history.stream)).toEqual(history.events);
        expect(await store.findEvent(stale[0]!.id, history.stream)).toBeUndefined();
      });

      it('rejects creating a stream that already exists', async () => {
        const history = newIssuerHistory(1);
        await store.append([batchOf(history.events, -1)]);
        const again = seal(history.stream, [], [sharesIssued(history.issuer)]);

        const problem = await problemOf(store.append([batchOf(again, -1)]));
        expect(problem.kind).toBe('VersionConflict');
        expect(problem.details).toEqual({ stream: history.stream, expectedRevision: -1, actualRevision: 1 });
        expect(await store.readStream(history.stream)).toEqual(history.events);
      });

      it('rejects expecting a revision of a stream that does not exist', async () => {
        const history = newIssuerHistory(0);
        const ahead = moreIssues(history, history.events, 1);

        const problem = await problemOf(store.append([batchOf(ahead, 0)]));
        expect(problem.kind).toBe('VersionConflict');
        expect(problem.details).toEqual({ stream: history.stream, expectedRevision: 0, actualRevision: -1 });
        expect(await store.readStream(history.stream)).toEqual([]);
      });

      it('lets exactly one of two concurrent appends at the same revision win', async () => {
        const history = newIssuerHistory(0);
        await store.append([batchOf(history.events, -1)]);
        const first = moreIssues(history, history.events, 2);
        const second = moreIssues(history, history.events, 1);

        const results = await Promise.allSettled([store.append([batchOf(first, 0)]), store.append([batchOf(second, 0)])]);

        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(isLedgerError(lost[0]) && lost[0].problem.kind).toBe('VersionConflict');
        const winner = results[0]!.status === 'fulfilled' ? first : second;
        expect(await store.readStream(history.stream)).toEqual([...history.events, ...winner]);
      });
    });

    describe('event ids are unique per ledger', () => {
      it('rejects an id already stored in the same stream, and writes nothing of the batch', async () => {
        const history = newIssuerHistory(1);
        await store.append([batchOf(history.events, -1)]);
        const repeated = history.events[1]!.id;
        const batch = seal(history.stream, history.events, [sharesIssued(history.issuer), withId(sharesIssued(history.issuer), repeated)]);

        const problem = await problemOf(store.append([batchOf(batch, 1)]));
        expect(problem.kind).toBe('DuplicateEventId');
        expect(problem.details).toEqual({ id: repeated });
        expect(await store.readStream(history.stream)).toEqual(history.events);
        expect(await store.findEvent(batch[0]!.id, history.stream)).toBeUndefined();
      });

      it.runIf(options.idsUniqueAcrossStreams ?? true)('rejects an id already stored in another stream', async () => {
        const stored = newIssuerHistory(1);
        await store.append([batchOf(stored.events, -1)]);
        const other = newIssuerHistory(0);
        const repeated = stored.events[1]!.id;
        const events = seal(other.stream, [], [issuerRegistered(other.issuer), withId(sharesIssued(other.issuer), repeated)]);

        const problem = await problemOf(store.append([batchOf(events, -1)]));
        expect(problem.kind).toBe('DuplicateEventId');
        expect(problem.details).toEqual({ id: repeated });
        expect(await store.readStream(other.stream)).toEqual([]);
        expect(await store.findEvent(repeated, stored.stream)).toEqual(stored.events[1]);
      });

      it('rejects an id given twice in one call', async () => {
        const history = newIssuerHistory(0);
        const repeated = newEventId();
        const events = seal(
          history.stream,
          [],
          [
            issuerRegistered(history.issuer),
            withId(sharesIssued(history.issuer), repeated),
            withId(sharesIssued(history.issuer), repeated),
          ],
        );

        const problem = await problemOf(store.append([batchOf(events, -1)]));
        expect(problem.kind).toBe('DuplicateEventId');
        expect(problem.details).toEqual({ id: repeated });
        expect(await store.readStream(history.stream)).toEqual([]);
      });
    });

    describe('transactions, when the store offers them', () => {
      it('commits every append made inside when the work resolves', async (context) => {
        if (!store.transaction) return context.skip();
        const a = newIssuerHistory(1);
        const b = newIssuerHistory(0);
        const more = moreIssues(a, a.events, 2);
        await store.transaction(async () => {
          await store.append([batchOf(a.events, -1)]);
          await store.append([batchOf(b.events, -1)]);
          await store.append([batchOf(more, 1)]);
        });
        expect(await store.readStream(a.stream)).toEqual([...a.events, ...more]);
        expect(await store.readStream(b.stream)).toEqual(b.events);
      });

      it('undoes every append made inside when the work rejects', async (context) => {
        if (!store.transaction) return context.skip();
        const kept = newIssuerHistory(0);
        await store.append([batchOf(kept.events, -1)]);
        const a = newIssuerHistory(1);
        const more = moreIssues(kept, kept.events, 1);
        const failure = store.transaction(async () => {
          await store.append([batchOf(a.events, -1)]);
          await store.append([batchOf(more, 0)]);
          throw new Error('the third chunk failed');
        });
        await expect(failure).rejects.toThrow('the third chunk failed');
        expect(await store.readStream(a.stream)).toEqual([]);
        expect(await store.findEvent(a.events[0]!.id, a.stream)).toBeUndefined();
        expect(await store.readStream(kept.stream)).toEqual(kept.events);
        await store.append([batchOf(more, 0)]);
        expect(await store.readStream(kept.stream)).toEqual([...kept.events, ...more]);
      });
    });

    describe.runIf(options.atomicAcrossStreams)('all or nothing across streams', () => {
      it('writes nothing from the first batch when the second conflicts', async () => {
        const b = newIssuerHistory(1);
        await store.append([batchOf(b.events, -1)]);
        const a = newIssuerHistory(1);
        const stale = moreIssues(b, b.events.slice(0, 1), 1);

        const problem = await problemOf(store.append([batchOf(a.events, -1), batchOf(stale, 0)]));
        expect(problem.kind).toBe('VersionConflict');
        expect(await store.readStream(a.stream)).toEqual([]);
        expect(await store.findEvent(a.events[0]!.id, a.stream)).toBeUndefined();
        expect(await store.readStream(b.stream)).toEqual(b.events);
      });

      it('writes nothing from the first batch when the second repeats a stored id', async () => {
        const stored = newIssuerHistory(0);
        await store.append([batchOf(stored.events, -1)]);
        const a = newIssuerHistory(1);
        const b = newIssuerHistory(0);
        const bEvents = seal(b.stream, [], [withId(issuerRegistered(b.issuer), stored.events[0]!.id)]);

        const problem = await problemOf(store.append([batchOf(a.events, -1), batchOf(bEvents, -1)]));
        expect(problem.kind).toBe('DuplicateEventId');
        expect(await store.readStream(a.stream)).toEqual([]);
        expect(await store.readStream(b.stream)).toEqual([]);
      });
    });

    describe('heads and readAll', () => {
      it('reports each stream head (last revision and hash), sorted by stream name', async () => {
        const a = newIssuerHistory(2);
        const b = newIssuerHistory(0);
        await store.append([batchOf(a.events, -1), batchOf(b.events, -1)]);
        const more = moreIssues(b, b.events, 1);
        await store.append([batchOf(more, 0)]);

        const heads = await store.heads();
        const names = heads.map((h) => h.stream);
        expect(names).toEqual([...names].sort());
        const own = heads.filter((h) => h.stream === a.stream || h.stream === b.stream);
        const expected = [
          { stream: a.stream, revision: 2, hash: a.events[2]!.hash },
          { stream: b.stream, revision: 1, hash: more[0]!.hash },
        ].sort((x, y) => (x.stream < y.stream ? -1 : 1));
        expect(own).toEqual(expected);
      });

      it('yields every stream, each in revision order, with its chain intact', async () => {
        const a = newIssuerHistory(1);
        const b = newIssuerHistory(1);
        await store.append([batchOf(a.events, -1)]);
        await store.append([batchOf(b.events, -1)]);
        const aMore = moreIssues(a, a.events, 2);
        await store.append([batchOf(aMore, 1)]);

        const own = await ownEvents([a.stream, b.stream]);
        const aRead = own.filter((e) => e.stream === a.stream);
        const bRead = own.filter((e) => e.stream === b.stream);
        expect(aRead).toEqual([...a.events, ...aMore]);
        expect(bRead).toEqual(b.events);
        expect(checkChain(a.stream, aRead)).toBeUndefined();
        expect(checkChain(b.stream, bRead)).toBeUndefined();
      });
    });

    describe('subscribe', () => {
      for (const scope of ['one stream', 'every stream'] as const) {
        it(`catches up on ${scope}, then follows new appends until aborted`, async () => {
          const history = newIssuerHistory(1);
          await store.append([batchOf(history.events, -1)]);
          const controller = new AbortController();
          const seen: StoredEvent[] = [];
          const subscription = store.subscribe({
            ...(scope === 'one stream' ? { stream: history.stream } : {}),
            signal: controller.signal,
          });
          const consumed = (async () => {
            for await (const event of subscription) if (event.stream === history.stream) seen.push(event);
          })();
          consumed.catch(() => undefined);

          await eventually(() => seen.length >= history.events.length, 'the existing events');
          const later = moreIssues(history, history.events, 1);
          await store.append([batchOf(later, 1)]);
          await eventually(() => seen.length >= history.events.length + later.length, 'the event appended afterwards');
          controller.abort();

          await within(consumed, 5_000, 'the subscription to end once aborted');
          expect(seen).toEqual([...history.events, ...later]);
        });
      }

      it('ends at once when the signal is already aborted', async () => {
        const controller = new AbortController();
        controller.abort();
        const drained = (async () => {
          for await (const _ of store.subscribe({ stream: newIssuerHistory(0).stream, signal: controller.signal })) {
            // nothing: the subscription has no events and must end
          }
        })();
        await within(drained, 5_000, 'an aborted subscription to end');
      });
    });
  });
  describeDerivedReadsContract(name, openFresh);
};
