import {
  ANY,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
  type Position,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeDraft, toIssuerStreamId, type DraftEvent, type EventId, type IssuerId, type StoredEvent } from '../events/index.js';
import { isLedgerError } from '../src/domain/problem.js';
import { toEsdbConnection } from '../src/store/esdb/connectionString.js';
import { esdbStoreWith, openEsdbStore, type EsdbClient } from '../src/store/esdb/esdbStore.js';
import { toEventInput } from '../src/store/esdb/mapping.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { Ledger } from '../src/ledger.js';
import { queryCapTable, queryStake } from '../src/queries.js';
import { tailPolicy } from '../src/tailSnapshots.js';
import { batchOf, issuerRegistered, moreIssues, newIssuerHistory, seal, sharesIssued, withId } from './fixtures/sealed.js';
import { describeStoreContract } from './storeContract.js';

// ---- against a real server: SHARELEDGER_TEST_ESDB='esdb://localhost:2113?tls=false' ----

describe.skipIf(!process.env.SHARELEDGER_TEST_ESDB)('EventStoreDB server', () => {
  describeStoreContract('esdb', () => openEsdbStore(process.env.SHARELEDGER_TEST_ESDB!), {
    atomicAcrossStreams: false,
    idsUniqueAcrossStreams: false,
  });
});

// ---- without a server ----

/**
 * A fake of the client calls the store makes, in memory, following what the 6.2.1 client does:
 * JSON through (de)serialisation, StreamNotFound thrown by iterating a read of a missing stream,
 * WrongExpectedVersion on a stale exact revision, catch-up subscriptions that start after the
 * given revision or position. It checks the adapter's own logic, not the server.
 */
class FakeClient {
  private readonly log: Array<{
    streamId: string;
    id: string;
    revision: bigint;
    type: string;
    data: string;
    metadata: string;
    position: Position;
  }> = [];
  /** The log's records of each stream, in revision order. */
  private readonly streams = new Map<string, FakeClient['log']>();
  private readonly wakers = new Set<() => void>();
  /** Every record a read has yielded ($all and streams; subscriptions not counted): what a question or an append costs. */
  eventsRead = 0;
  /** The records read from $all. */
  allRead = 0;
  readonly metadataSet: Array<{ stream: string; maxCount?: number }> = [];
  readonly subscriptionsFrom: Array<ReadRevision | ReadPosition> = [];
  /** The next subscriptions opened fail with UnavailableError after delivering this many events. */
  failSubscriptionsAfter: number[] = [];
  disposed = false;

  private recorded(e: FakeClient['log'][number]) {
    return {
      event: { ...e, isJson: true as const, data: JSON.parse(e.data), metadata: JSON.parse(e.metadata), created: new Date() },
    };
  }

  private stream(name: string) {
    return this.streams.get(name) ?? [];
  }

  /** A read as the client returns it: async iterable, cancellable. */
  private streamingRead<E>(records: () => AsyncGenerator<E>) {
    const iterator = records();
    return Object.assign(iterator, {
      cancel: async () => {
        this.cancelledReads += 1;
        await iterator.return(undefined);
      },
    });
  }

  cancelledReads = 0;

  readStream(name: string, options: { direction?: string; fromRevision?: ReadRevision; maxCount?: number } = {}) {
    return this.streamingRead(() => this.streamRecords(name, options));
  }

  readAll(options: { fromPosition?: ReadPosition; maxCount?: number } = {}) {
    return this.streamingRead(() => this.allRecords(options));
  }

  private async *streamRecords(name: string, options: { direction?: string; fromRevision?: ReadRevision; maxCount?: number }) {
    const events = this.stream(name);
    if (events.length === 0) throw new StreamNotFoundError(undefined, name);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let yielded = 0;
    // revision r is at index r: walk from where the read starts, not over the whole stream
    if (backwards) {
      const start = typeof from === 'bigint' ? Math.min(Number(from), events.length - 1) : events.length - 1;
      for (let i = start; i >= 0 && yielded < max; i--, yielded++) {
        this.eventsRead += 1;
        yield this.recorded(events[i]!);
      }
    } else {
      const start = typeof from === 'bigint' ? Number(from) : 0;
      for (let i = start; i < events.length && yielded < max; i++, yielded++) {
        this.eventsRead += 1;
        yield this.recorded(events[i]!);
      }
    }
  }

  private async *allRecords(options: { fromPosition?: ReadPosition; maxCount?: number }) {
    const from = options.fromPosition;
    const selected = this.log.filter((e) => typeof from !== 'object' || e.position.commit >= from.commit);
    for (const e of selected.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER)) {
      this.eventsRead += 1;
      this.allRead += 1;
      yield this.recorded(e);
    }
  }

  async appendToStream(name: string, given: EventData | EventData[], { expectedRevision }: { expectedRevision: AppendExpectedRevision }) {
    const events = Array.isArray(given) ? given : [given];
    const current = this.stream(name).length - 1;
    // `any` only for snapshot streams (a cache: the latest wins); ledger streams always at an exact revision
    if (expectedRevision === ANY && !name.startsWith('snapshot-')) throw new Error(`the store sent expectedRevision any to ${name}`);
    if (typeof expectedRevision !== 'bigint' && expectedRevision !== NO_STREAM && expectedRevision !== ANY)
      throw new Error(`the store sent expectedRevision ${expectedRevision}`);
    const expected = expectedRevision === NO_STREAM ? -1 : expectedRevision === ANY ? current : Number(expectedRevision);
    if (expected !== current)
      throw new WrongExpectedVersionError(undefined, {
        streamName: name,
        expected: expectedRevision,
        current: current < 0 ? NO_STREAM : BigInt(current),
      });
    events.forEach((e, i) => {
      const commit = BigInt(this.log.length + 1) * 100n;
      const record = {
        streamId: name,
        id: e.id,
        revision: BigInt(current + 1 + i),
        type: e.type,
        data: JSON.stringify(e.data),
        metadata: JSON.stringify(e.metadata ?? {}),
        position: { commit, prepare: commit },
      };
      this.log.push(record);
      const stream = this.streams.get(name);
      if (stream) stream.push(record);
      else this.streams.set(name, [record]);
    });
    for (const wake of [...this.wakers]) wake();
    return { success: true, nextExpectedRevision: BigInt(current + events.length) };
  }

  async setStreamMetadata(stream: string, metadata: { maxCount?: number }) {
    this.metadataSet.push({ stream, ...metadata });
    return { success: true, nextExpectedRevision: 0n };
  }

  subscribeToStream(name: string, options: { fromRevision?: ReadRevision } = {}) {
    this.subscriptionsFrom.push(options.fromRevision ?? START);
    const from = options.fromRevision;
    return this.subscription((e) => e.streamId === name && (typeof from !== 'bigint' || e.revision > from));
  }

  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: { prefixes?: string[] } } = {}) {
    this.subscriptionsFrom.push(options.fromPosition ?? START);
    const from = options.fromPosition;
    const prefixes = options.filter?.prefixes ?? [''];
    return this.subscription(
      (e) => prefixes.some((p) => e.streamId.startsWith(p)) && (typeof from !== 'object' || e.position.commit > from.commit),
    );
  }

  private subscription(wanted: (e: FakeClient['log'][number]) => boolean) {
    const failAfter = this.failSubscriptionsAfter.shift();
    const stopping = new Set<() => void>();
    let stopped = false;
    let delivered = 0;
    const client = this;
    return {
      async *[Symbol.asyncIterator]() {
        let seen = 0;
        while (!stopped) {
          const next = client.log.slice(seen).find(wanted);
          if (next) {
            seen = client.log.indexOf(next) + 1;
            if (failAfter !== undefined && delivered === failAfter)
              throw new UnavailableError(undefined, '14 UNAVAILABLE: Connection dropped');
            delivered += 1;
            yield client.recorded(next);
            continue;
          }
          seen = client.log.length;
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              client.wakers.delete(wake);
              resolve();
            };
            client.wakers.add(wake);
            stopping.add(wake);
          });
        }
      },
      async unsubscribe() {
        stopped = true;
        for (const wake of stopping) wake();
      },
      destroy() {
        stopped = true;
        for (const wake of stopping) wake();
      },
    };
  }

  /** Puts a stream's events in the log as a server would hold them, without the store (fast test set-up). */
  seed(events: ReadonlyArray<StoredEvent>) {
    const name = events[0]!.stream;
    for (const e of events) {
      const input = toEventInput(e);
      const commit = BigInt(this.log.length + 1) * 100n;
      const record = {
        streamId: name,
        id: input.id,
        revision: BigInt(e.revision),
        type: input.type,
        data: JSON.stringify(input.data),
        metadata: JSON.stringify(input.metadata),
        position: { commit, prepare: commit },
      };
      this.log.push(record);
      const stream = this.streams.get(name);
      if (stream) stream.push(record);
      else this.streams.set(name, [record]);
    }
  }

  /** Rewrites the metadata of the record at `index` of the log, as an out-of-band edit would. */
  tamper(index: number, edit: (metadata: Record<string, unknown>) => Record<string, unknown>) {
    const record = this.log[index]!;
    record.metadata = JSON.stringify(edit(JSON.parse(record.metadata)));
  }

  async dispose() {
    this.disposed = true;
  }
}

const fakeConnection = toEsdbConnection('esdb://admin:changeit@fake.invalid:2113?tls=false');

describe('EventStoreDB adapter over a fake client', () => {
  describeStoreContract('esdb (fake client)', async () => esdbStoreWith(new FakeClient() as unknown as EsdbClient, fakeConnection), {
    atomicAcrossStreams: false,
    idsUniqueAcrossStreams: false,
  });

  it('resubscribes after a dropped subscription from the last revision seen, without repeats or gaps', async () => {
    const fake = new FakeClient();
    const store = esdbStoreWith(fake as unknown as EsdbClient, fakeConnection);
    const history = newIssuerHistory(2);
    await store.append([batchOf(history.events, -1)]);
    fake.failSubscriptionsAfter = [1, 1];

    const controller = new AbortController();
    const seen: StoredEvent[] = [];
    for await (const event of store.subscribe({ stream: history.stream, signal: controller.signal })) {
      seen.push(event);
      if (seen.length === history.events.length) controller.abort();
    }

    expect(seen).toEqual(history.events);
    expect(fake.subscriptionsFrom).toEqual([START, 0n, 1n]);
  });

  it('resubscribes to $all from the last position seen', async () => {
    const fake = new FakeClient();
    const store = esdbStoreWith(fake as unknown as EsdbClient, fakeConnection);
    const history = newIssuerHistory(1);
    await store.append([batchOf(history.events, -1)]);
    fake.failSubscriptionsAfter = [1];

    const controller = new AbortController();
    const seen: StoredEvent[] = [];
    for await (const event of store.subscribe({ signal: controller.signal })) {
      seen.push(event);
      if (seen.length === history.events.length) controller.abort();
    }

    expect(seen).toEqual(history.events);
    expect(fake.subscriptionsFrom).toEqual([START, { commit: 100n, prepare: 100n }]);
  });

  it('gives up with StoreUnavailable after repeated failures with no progress', async () => {
    const fake = new FakeClient();
    const store = esdbStoreWith(fake as unknown as EsdbClient, fakeConnection);
    const history = newIssuerHistory(0);
    await store.append([batchOf(history.events, -1)]);
    fake.failSubscriptionsAfter = Array.from({ length: 20 }, () => 0);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let problem: unknown;
    const consumed = (async () => {
      for await (const _ of store.subscribe({ stream: history.stream, signal: new AbortController().signal })) {
        // never reached: every subscription fails before its first event
      }
    })().catch((e: unknown) => {
      problem = e;
    });
    try {
      await vi.runAllTimersAsync(); // the backoff: 0.1 s doubling up to 5 s, about 11 s in all
      await consumed;
    } finally {
      vi.useRealTimers();
    }
    expect(fake.subscriptionsFrom).toHaveLength(8);
    expect(isLedgerError(problem) && problem.problem.kind).toBe('StoreUnavailable');
    expect(isLedgerError(problem) && problem.problem.message).toContain('esdb://***:***@fake.invalid:2113');
  });

  it('checks every batch before writing any: a later stale batch leaves the earlier one unwritten', async () => {
    const store = esdbStoreWith(new FakeClient() as unknown as EsdbClient, fakeConnection);
    const b = newIssuerHistory(1);
    await store.append([batchOf(b.events, -1)]);
    const a = newIssuerHistory(1);
    const stale = moreIssues(b, b.events.slice(0, 1), 1);

    await expect(store.append([batchOf(a.events, -1), batchOf(stale, 0)])).rejects.toMatchObject({ problem: { kind: 'VersionConflict' } });
    expect(await store.readStream(a.stream)).toEqual([]);
  });

  it('reports a corrupt record as CorruptEvent and cancels the read it came from', async () => {
    const fake = new FakeClient();
    const store = esdbStoreWith(fake as unknown as EsdbClient, fakeConnection);
    const history = newIssuerHistory(2);
    await store.append([batchOf(history.events, -1)]);
    fake.tamper(1, (metadata) => ({ ...metadata, actor: '' }));
    fake.cancelledReads = 0;

    await expect(store.readStream(history.stream)).rejects.toMatchObject({
      problem: { kind: 'CorruptEvent', details: { stream: history.stream, revision: 1 } },
    });
    expect(fake.cancelledReads).toBe(1);
  });

  it('disposes the client on close, once', async () => {
    const fake = new FakeClient();
    const store = esdbStoreWith(fake as unknown as EsdbClient, fakeConnection);
    await store.close();
    await store.close();
    expect(fake.disposed).toBe(true);
  });
});

describe('opening an EventStoreDB store', () => {
  it('reports a server that cannot be reached as StoreUnavailable, credentials redacted', async () => {
    const opening = openEsdbStore('kurrentdb://admin:s3cret@127.0.0.1:1?tls=false');
    await expect(opening).rejects.toMatchObject({
      problem: { kind: 'StoreUnavailable', message: expect.stringContaining('kurrentdb://***:***@127.0.0.1:1?tls=false') },
    });
    await opening.catch((e: unknown) => expect(JSON.stringify(e) + String(e)).not.toContain('s3cret'));
  });

  it('reports a connection string the client cannot parse as a usage error, credentials redacted', async () => {
    for (const url of [
      'esdb://admin:s3cret@',
      'esdb://admin:s3cret@db.example:port',
      'esdb://admin:s3cret@db.example:2113?tlsCAFile=/nonexistent/ca.crt',
    ]) {
      const opening = openEsdbStore(url);
      await expect(opening).rejects.toMatchObject({ problem: { kind: 'Usage' } });
      await opening.catch((e: unknown) => expect(JSON.stringify(e) + String(e)).not.toContain('s3cret'));
    }
  });
});

// ---- the access pattern: what one append or question reads ----

/** A deterministic id (so the id filter's answers, and the counts below, are the same on every run). */
const idNo = (n: number): EventId => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` as EventId;

/** A sealed stream of `issues` issuances (to 50 holders) after a registration, every id deterministic. */
const bigIssuer = (issuer: IssuerId, issues: number, firstId: number): StoredEvent[] => {
  const drafts = [withId(issuerRegistered(issuer), idNo(firstId))];
  for (let i = 1; i <= issues; i++) drafts.push(withId(sharesIssued(issuer, `holder-${i % 50}`), idNo(firstId + i)));
  return seal(toIssuerStreamId(issuer), [], drafts);
};

describe('EventStoreDB access pattern over a fake client: one issuer of a 100,000-event ledger', () => {
  const NOW = new Date('2026-01-02T03:04:05.000Z');
  const big = 'big-issuer' as IssuerId;
  // The issuer asked about holds 20,000 events, 80 others the other 80,000 (decoding is what costs
  // the fake's time: every event read goes through the codecs, as from a server).
  const BIG = 20_000;
  const ledger100k = [
    bigIssuer(big, BIG - 1, 1),
    ...Array.from({ length: 80 }, (_, k) => bigIssuer(`small-${k}` as IssuerId, 999, 100_000 + k * 1_000)),
  ];

  /** The ledger in the fake (written as a server would hold it) and in a memory store (the reference answers). */
  const ledgers = async (streams: ReadonlyArray<StoredEvent[]> = ledger100k) => {
    const fake = new FakeClient();
    for (const events of streams) fake.seed(events);
    const esdb = esdbStoreWith(fake as unknown as EsdbClient, fakeConnection);
    const memory = createMemoryStore();
    await memory.append(streams.map((events) => batchOf(events, -1)));
    return { fake, esdb, memory };
  };

  const reads = async <A>(fake: FakeClient, work: () => Promise<A>): Promise<{ result: A; events: number; all: number }> => {
    fake.eventsRead = 0;
    fake.allRead = 0;
    const result = await work();
    return { result, events: fake.eventsRead, all: fake.allRead };
  };

  const ask = (store: EventStore, holder = 'holder-7', asOf?: string) =>
    queryStake(store, { issuer: big, holder, ...(asOf ? { asOf } : {}) }, NOW).then((a) => a.result);

  it('has 100,000 events', () => expect(ledger100k.reduce((n, s) => n + s.length, 0)).toBe(100_000));

  it(
    'reads the stream once, leaves a snapshot, then appends and answers reading the snapshot and the tail only',
    { timeout: 300_000 },
    async () => {
      const { fake, esdb, memory } = await ledgers();
      const ledger = new Ledger({ store: esdb, actor: 'test', now: () => NOW });
      const reference = new Ledger({ store: memory, actor: 'test', now: () => NOW });

      const first = await reads(fake, () => ask(esdb));
      expect(first.result).toEqual(await ask(memory));
      expect(first.events).toBe(BIG); // no snapshot yet: the whole stream, once (and an empty holders stream)
      expect(first.all).toBe(0);
      expect(fake.metadataSet).toEqual([{ stream: `snapshot-issuer-${big}`, maxCount: 2 }]);

      const drafts = Array.from({ length: 10 }, (_, i) => ({
        ...sharesIssued(big, 'holder-7'),
        date: '2025-01-01',
        id: idNo(500_000 + i),
      }));
      const appended = await reads(fake, () => ledger.append(drafts as DraftEvent[]));
      await reference.append(drafts as DraftEvent[]);
      expect(appended.result.appended).toBe(10);
      // the id look-up, the write model and the store's check: each the snapshot and the tail from its
      // revision (1 event), and the head
      expect(appended.events).toBe(7);
      expect(appended.all).toBe(0);

      const again = await reads(fake, () => ledger.append(drafts as DraftEvent[]));
      expect(again.result.alreadyPresent).toBe(10); // the ids are found in the tail
      expect(again.events).toBe(24); // the look-up and the write model, each the snapshot and a tail of 11; no write

      for (const holder of ['holder-7', 'holder-8']) {
        const answer = await reads(fake, () => ask(esdb, holder));
        expect(answer.result).toEqual(await ask(memory, holder));
        expect(answer.events).toBe(12); // the snapshot, the tail from its revision (11), holders (none)
        expect(answer.all).toBe(0);
      }
      const table = await reads(fake, () => queryCapTable(esdb, { issuer: big }, NOW));
      expect(table.result).toEqual(await queryCapTable(memory, { issuer: big }, NOW));
      expect(table.events).toBe(12);
    },
  );

  it(
    'decides on the snapshot and the tail as on the whole stream, and falls back to the whole stream for what they cannot answer',
    { timeout: 300_000 },
    async () => {
      const WHOLE = 2_000;
      const kept = tailPolicy.every;
      tailPolicy.every = 1_000;
      onTestFinished(() => {
        tailPolicy.every = kept;
      });
      const { fake, esdb, memory } = await ledgers([bigIssuer(big, WHOLE - 1, 1)]);
      const ledger = new Ledger({ store: esdb, actor: 'test', now: () => NOW });
      const reference = new Ledger({ store: memory, actor: 'test', now: () => NOW });
      await ask(esdb); // leaves the snapshot

      // a question as of a date before the snapshot's
      const old = await reads(fake, () => ask(esdb, 'holder-7', '2018-05-31'));
      expect(old.result).toEqual(await ask(memory, 'holder-7', '2018-05-31'));
      expect(old.events).toBeGreaterThanOrEqual(WHOLE);

      // decided on the snapshot and the tail: the same acceptance and rejections as on the whole stream
      const transfer = (shares: string, id: number): DraftEvent => {
        const decoded = decodeDraft({
          type: 'SharesTransferred',
          issuer: big,
          date: '2025-02-01',
          data: { from: 'holder-7', to: 'holder-8', class: 'B', shares },
          id: idNo(id),
        });
        if (!decoded.ok) throw new Error('fixture');
        return decoded.value;
      };
      const tooMany = transfer('9'.repeat(30), 600_000);
      const refused = await ledger.append([tooMany]).catch((e: unknown) => e);
      expect(refused).toEqual(await reference.append([tooMany]).catch((e: unknown) => e));
      expect(isLedgerError(refused) && refused.problem.kind).toBe('InsufficientShares');
      const fine = await reads(fake, () => ledger.append([transfer('5', 600_001)]));
      await reference.append([transfer('5', 600_001)]);
      expect(fine.events).toBe(7);
      const corrected = await reads(fake, () => ledger.correct(idNo(600_001), { data: { shares: '6' } }, 'typo', { issuer: big }));
      await reference.correct(idNo(600_001), { data: { shares: '6' } }, 'typo', { issuer: big });
      expect(corrected.result.appended).toBe(2);
      expect(corrected.events).toBeLessThan(20); // its target is in the tail
      expect(await ask(esdb, 'holder-8')).toEqual(await ask(memory, 'holder-8'));

      // an id the snapshot folds, reused for other content: the id filter says maybe, the stream says where
      const reused = { ...sharesIssued(big, 'holder-9'), date: '2025-01-01', id: idNo(5) } as DraftEvent;
      await expect(ledger.append([reused])).rejects.toMatchObject({ problem: { kind: 'DuplicateEventId' } });

      // retracting an event the snapshot folds: found by its issuer, decided on the whole stream
      await expect(ledger.retract(idNo(3), 'entered twice')).rejects.toMatchObject({
        problem: { kind: 'Usage', message: expect.stringContaining('--issuer') },
      });
      const retracted = await reads(fake, () => ledger.retract(idNo(3), 'entered twice', { issuer: big }));
      await reference.retract(idNo(3), 'entered twice', { issuer: big });
      expect(retracted.result.appended).toBe(1);
      expect(retracted.all).toBe(0);

      // the tail now retracts a folded event: the snapshot is not used, and a new one is left behind
      const after = await reads(fake, () => ask(esdb, 'holder-3'));
      expect(after.result).toEqual(await ask(memory, 'holder-3'));
      expect(after.events).toBeGreaterThanOrEqual(WHOLE);
      const next = await reads(fake, () => ask(esdb, 'holder-3'));
      expect(next.result).toEqual(after.result);
      expect(next.events).toBe(2); // the new snapshot, and the event at its revision
    },
  );
});
