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
import { describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../events/index.js';
import { isLedgerError } from '../src/domain/problem.js';
import { toEsdbConnection } from '../src/store/esdb/connectionString.js';
import { esdbStoreWith, openEsdbStore, type EsdbClient } from '../src/store/esdb/esdbStore.js';
import { batchOf, moreIssues, newIssuerHistory } from './fixtures/sealed.js';
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
