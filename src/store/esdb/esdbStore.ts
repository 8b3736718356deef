import { ANY, BACKWARDS, END, EventStoreDBClient, FORWARDS, jsonEvent, START } from '@eventstore/db-client';
import type { ReadStreamOptions, StreamingRead } from '@eventstore/db-client';
import { FX_STREAM, HOLDERS_STREAM, type EventId, type StoredEvent } from '../../../events/index.js';
import { fail } from '../../domain/problem.js';
import type { AppendBatch, EventStore, StreamHead } from '../eventStore.js';
import { checkAppend, versionConflict } from '../appendRules.js';
import { isStreamNotFound, raiseClientError } from './clientErrors.js';
import { toEsdbConnection, type EsdbConnection } from './connectionString.js';
import { subscribeLedger } from './ledgerSubscription.js';
import { mayHold } from '../idFilter.js';
import type { StreamSnapshot, StreamSnapshots } from '../streamSnapshot.js';
import { fromRecordedEvent, isLedgerStream, toClientExpectedRevision, toEventInput, type RecordedLedgerEvent } from './mapping.js';
import { fromSnapshotData, SNAPSHOT_EVENT_TYPE, SNAPSHOTS_KEPT, snapshotStreamOf, toSnapshotData } from './snapshotRecord.js';

/**
 * The records of a read. When iteration stops early (a corrupt event, a consumer that has seen
 * enough), the gRPC call is cancelled instead of being left open until the client is disposed.
 */
async function* recordsOf<E>(read: StreamingRead<E>): AsyncGenerator<E> {
  let finished = false;
  try {
    for await (const record of read) yield record;
    finished = true;
  } finally {
    if (!finished) await read.cancel().catch(() => undefined);
  }
}

/** Concurrent backwards reads when checking heads before an append: enough to hide latency, few enough not to flood the server. */
const HEAD_READS_AT_ONCE = 16;

const createClient = (connection: EsdbConnection): EventStoreDBClient => {
  try {
    return EventStoreDBClient.connectionString(connection.clientString);
  } catch (error) {
    // The parser's messages quote the connection string; say what it expected instead.
    const expected = typeof error === 'object' && error !== null && 'expected' in error ? String(error.expected) : undefined;
    const reason = expected ? `expected ${expected}` : connection.scrub(error instanceof Error ? error.message : String(error));
    return fail('Usage', `invalid EventStoreDB connection string "${connection.description}": ${reason}`, {
      url: connection.description,
    });
  }
};

/**
 * The ledger on EventStoreDB / KurrentDB (docs/stores.md): one EventStoreDB stream per ledger stream,
 * the ledger's event id as the EventStoreDB event id, the envelope's other fields in metadata.
 * Connecting reads one record of $all, so a wrong address, missing rights on $all or a stopped
 * server fail here, and the client is disposed.
 */
export const openEsdbStore = async (connectionString: string): Promise<EventStore> => {
  const connection = toEsdbConnection(connectionString);
  const client = createClient(connection);
  try {
    for await (const _ of recordsOf(client.readAll({ direction: FORWARDS, fromPosition: START, maxCount: 1 }))) break;
  } catch (error) {
    await client.dispose().catch(() => undefined);
    raiseClientError(error, connection, 'connecting');
  }
  return esdbStoreWith(client, connection);
};

/** The part of the client the store uses; the tests run the contract suite over a fake of it too. */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'readStream' | 'readAll' | 'appendToStream' | 'setStreamMetadata' | 'subscribeToStream' | 'subscribeToAll' | 'dispose'
>;

/** Streams an id is looked for in when no stream is given: the two that are not an issuer's. */
const UNHINTED_STREAMS = [HOLDERS_STREAM, FX_STREAM];

/**
 * The store over a client that is already connected; `close()` disposes the client.
 *
 * Nothing but `readAll`, `heads` and `subscribe` reads `$all` (docs/eventstoredb.md): an append or
 * an id look-up reads the streams concerned only, and an issuer stream's latest snapshot
 * (`snapshot-issuer-<id>`) with the events after it (the tail), so its cost follows the tail, not
 * the ledger.
 */
export const esdbStoreWith = (client: EsdbClient, connection: EsdbConnection): EventStore => {
  let closed = false;

  const readEvents = async (stream: string, options: ReadStreamOptions): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of recordsOf(client.readStream(stream, options)))
        if (resolved.event) events.push(fromRecordedEvent(resolved.event));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      raiseClientError(error, connection, `reading ${stream}`);
    }
    return events;
  };

  async function* iterate(stream: string, fromRevision = 0): AsyncGenerator<StoredEvent> {
    const from = fromRevision <= 0 ? START : BigInt(fromRevision);
    try {
      for await (const resolved of recordsOf(client.readStream(stream, { direction: FORWARDS, fromRevision: from })))
        if (resolved.event) yield fromRecordedEvent(resolved.event);
    } catch (error) {
      if (isStreamNotFound(error)) return;
      raiseClientError(error, connection, `reading ${stream}`);
    }
  }

  /** The stream's last revision, -1 when it does not exist: one backwards read of one event. */
  const lastRevisionOf = async (stream: string): Promise<number> => {
    const [last] = await readEvents(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? last.revision : -1;
  };

  const snapshots: StreamSnapshots = {
    /** The latest snapshot event, read backwards: one event. A missing or unreadable one is no snapshot. */
    async latest(stream) {
      try {
        for await (const resolved of recordsOf(
          client.readStream(snapshotStreamOf(stream), { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
        ))
          if (resolved.event) return fromSnapshotData(stream, resolved.event.type, resolved.event.data);
      } catch (error) {
        if (isStreamNotFound(error)) return undefined;
        raiseClientError(error, connection, `reading ${snapshotStreamOf(stream)}`);
      }
      return undefined;
    },
    /** Appended with any expected revision (a cache: the latest wins); the stream keeps SNAPSHOTS_KEPT. Never fails. */
    async save(snapshot) {
      const stream = snapshotStreamOf(snapshot.stream);
      try {
        const result = await client.appendToStream(stream, jsonEvent({ type: SNAPSHOT_EVENT_TYPE, data: toSnapshotData(snapshot) }), {
          expectedRevision: ANY,
        });
        if (result.nextExpectedRevision === 0n) await client.setStreamMetadata(stream, { maxCount: SNAPSHOTS_KEPT });
      } catch {
        // a cache never fails a command: the next question simply reads a longer tail
      }
    },
  };

  /**
   * The events of `stream` among `ids` (lower-case), read as: its latest snapshot, the events from
   * the snapshot's revision on (the first checks the snapshot's hash), then, only for the ids the
   * snapshot's id filter says it may hold, the events before it. Without a usable snapshot, the
   * whole stream.
   */
  const storedIn = async (stream: string, ids: ReadonlySet<string>): Promise<Map<string, StoredEvent>> => {
    const found = new Map<string, StoredEvent>();
    if (ids.size === 0) return found;
    const look = (e: StoredEvent): void => {
      const key = e.id.toLowerCase();
      if (ids.has(key)) found.set(key, e);
    };
    const snapshot: StreamSnapshot | undefined = await snapshots.latest(stream);
    if (snapshot) {
      let checked = false;
      for await (const e of iterate(stream, snapshot.revision)) {
        if (!checked) {
          checked = e.revision === snapshot.revision && e.hash === snapshot.hash;
          if (!checked) break;
        }
        look(e);
      }
      if (checked) {
        const maybe = [...ids].filter((id) => !found.has(id) && mayHold(snapshot.ids, id));
        if (maybe.length > 0)
          for await (const e of iterate(stream)) {
            if (e.revision >= snapshot.revision) break;
            look(e);
          }
        return found;
      }
      found.clear();
    }
    for await (const e of iterate(stream)) look(e);
    return found;
  };

  /** storedIn for a hinted stream; without one, holders and fx, then a Usage error naming the ids. */
  const lookUp = async (ids: ReadonlyArray<EventId>, stream: string | undefined): Promise<Map<string, StoredEvent>> => {
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    if (stream !== undefined) return storedIn(stream, wanted);
    const found = new Map<string, StoredEvent>();
    for (const s of UNHINTED_STREAMS) for (const [key, e] of await storedIn(s, wanted)) found.set(key, e);
    const missing = [...wanted].filter((id) => !found.has(id));
    if (missing.length > 0)
      fail(
        'Usage',
        `EventStoreDB cannot look event ${missing[0]} up without its issuer (it has no index by id, and the event is not in ${UNHINTED_STREAMS.join(' or ')}): give --issuer <the issuer whose event it is>`,
        { eventId: missing[0], flag: '--issuer' },
      );
    return found;
  };

  /**
   * Checks an append before writing anything: each stream's head is read back (one event) and every
   * id is looked for in the stream it goes to (storedIn: the snapshot and the tail).
   */
  const check = async (batches: ReadonlyArray<AppendBatch>): Promise<void> => {
    const byStream = new Map<string, Set<string>>();
    for (const batch of batches) {
      const ids = byStream.get(batch.stream) ?? new Set<string>();
      for (const e of batch.events) ids.add(e.id.toLowerCase());
      byStream.set(batch.stream, ids);
    }
    const streams = [...byStream.keys()];
    const heads = new Map<string, number>();
    for (let i = 0; i < streams.length; i += HEAD_READS_AT_ONCE) {
      const chunk = streams.slice(i, i + HEAD_READS_AT_ONCE);
      const revisions = await Promise.all(chunk.map(lastRevisionOf));
      chunk.forEach((stream, j) => heads.set(stream, revisions[j]!));
    }
    const stored = new Set<string>();
    for (const [stream, ids] of byStream) for (const key of (await storedIn(stream, ids)).keys()) stored.add(key);
    checkAppend(
      batches,
      (stream) => heads.get(stream) ?? -1,
      (key) => stored.has(key),
    );
  };

  return {
    description: connection.description,

    readStream: (stream) => readEvents(stream, { direction: FORWARDS, fromRevision: START }),

    iterateStream: (stream, fromRevision = 0) => iterate(stream, fromRevision),

    /**
     * One forward read of $all: the ledger's events in the order they were appended (so each
     * stream in revision order, streams in order of their first append), skipping system (`$`)
     * streams, snapshot streams and other applications' streams. $all rather than the `$ce-issuer`
     * category stream: it needs no projections on the server, covers `holders` and `fx` too, and
     * keeps the order across streams. Reading $all needs admin rights on a secure server.
     */
    async *readAll() {
      try {
        for await (const resolved of recordsOf(client.readAll({ direction: FORWARDS, fromPosition: START }))) {
          const recorded = resolved.event;
          if (recorded && isLedgerStream(recorded.streamId)) yield fromRecordedEvent(recorded);
        }
      } catch (error) {
        raiseClientError(error, connection, 'reading $all');
      }
    },

    /**
     * One forward read of $all (a question about the whole ledger: the server has no list of
     * streams without projections), keeping each ledger stream's last record, decoded at the end.
     */
    async heads() {
      const lasts = new Map<string, RecordedLedgerEvent>();
      try {
        for await (const resolved of recordsOf(client.readAll({ direction: FORWARDS, fromPosition: START }))) {
          const recorded = resolved.event;
          if (recorded && isLedgerStream(recorded.streamId)) lasts.set(recorded.streamId, recorded);
        }
      } catch (error) {
        raiseClientError(error, connection, 'reading $all');
      }
      const heads: StreamHead[] = [];
      for (const recorded of lasts.values()) {
        const last = fromRecordedEvent(recorded);
        heads.push({ stream: last.stream, revision: last.revision, hash: last.hash });
      }
      return heads.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    },

    /** EventStoreDB has no look-up by id: see lookUp and storedIn. */
    async findEvent(id: EventId, stream?: string) {
      return (await lookUp([id], stream)).get(id.toLowerCase());
    },

    findEvents: (ids, stream) => lookUp(ids, stream),

    snapshots,

    /**
     * Each batch is one atomic append with its exact expected revision; batches go in order, so
     * when batch k fails, batches before it stay written (docs/stores.md). Before anything is
     * written, every batch is checked (see check): its stream must be at the expected revision and
     * its ids must not be stored in that stream already. Limits (docs/eventstoredb.md): a writer
     * racing between that check and the append is still caught by the server for its own stream
     * (VersionConflict); the same id in another stream is not looked for.
     */
    async append(batches) {
      await check(batches);
      for (const batch of batches) {
        if (batch.events.length === 0) continue;
        try {
          const result = await client.appendToStream(
            batch.stream,
            batch.events.map((event) => jsonEvent(toEventInput(event))),
            { expectedRevision: toClientExpectedRevision(batch.expectedRevision) },
          );
          // only with throwOnAppendFailure=false, which toEsdbConnection refuses; never a silent non-write
          if (!result.success) versionConflict(batch.stream, batch.expectedRevision, Number(result.nextExpectedRevision));
        } catch (error) {
          raiseClientError(error, connection, `appending to ${batch.stream}`);
        }
      }
    },

    subscribe: ({ stream, signal }) => subscribeLedger(client, connection, { stream, signal, isClosed: () => closed }),

    async close() {
      if (closed) return;
      closed = true;
      await client.dispose();
    },
  };
};
