import { BACKWARDS, END, EventStoreDBClient, FORWARDS, jsonEvent, START } from '@eventstore/db-client';
import type { ReadStreamOptions, StreamingRead } from '@eventstore/db-client';
import type { EventId, StoredEvent } from '../../../events/index.js';
import { fail } from '../../domain/problem.js';
import type { AppendBatch, EventStore, StreamHead } from '../eventStore.js';
import { checkAppend, versionConflict } from '../appendRules.js';
import { isStreamNotFound, raiseClientError } from './clientErrors.js';
import { toEsdbConnection, type EsdbConnection } from './connectionString.js';
import { LedgerCatalog } from './ledgerCatalog.js';
import { subscribeLedger } from './ledgerSubscription.js';
import { fromRecordedEvent, isLedgerStream, toClientExpectedRevision, toEventInput } from './mapping.js';

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

/** Concurrent backwards reads when collecting heads: enough to hide latency, few enough not to flood the server. */
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
  'readStream' | 'readAll' | 'appendToStream' | 'subscribeToStream' | 'subscribeToAll' | 'dispose'
>;

/** The store over a client that is already connected; `close()` disposes the client. */
export const esdbStoreWith = (client: EsdbClient, connection: EsdbConnection): EventStore => {
  const catalog = new LedgerCatalog();
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

  /**
   * Brings the catalog up to date by reading $all from where it last stopped. The first call in a
   * process reads the whole log (every event of every stream, data included: EventStoreDB cannot
   * return less), later ones only what was appended since.
   */
  const catchUp = async (): Promise<void> => {
    try {
      for await (const resolved of recordsOf(client.readAll({ direction: FORWARDS, fromPosition: catalog.position ?? START })))
        if (resolved.event) catalog.observe(resolved.event);
    } catch (error) {
      raiseClientError(error, connection, 'scanning $all');
    }
  };

  const check = (batches: ReadonlyArray<AppendBatch>): void =>
    checkAppend(
      batches,
      (stream) => Number(catalog.lastRevision(stream)),
      (key) => catalog.locate(key) !== undefined,
    );

  return {
    description: connection.description,

    readStream: (stream) => readEvents(stream, { direction: FORWARDS, fromRevision: START }),

    async *iterateStream(stream, fromRevision = 0) {
      const from = fromRevision <= 0 ? START : BigInt(fromRevision);
      try {
        for await (const resolved of recordsOf(client.readStream(stream, { direction: FORWARDS, fromRevision: from })))
          if (resolved.event) yield fromRecordedEvent(resolved.event);
      } catch (error) {
        if (isStreamNotFound(error)) return;
        raiseClientError(error, connection, `reading ${stream}`);
      }
    },

    /**
     * One forward read of $all: the ledger's events in the order they were appended (so each
     * stream in revision order, streams in order of their first append), skipping system (`$`)
     * streams and other applications' streams. $all rather than the `$ce-issuer` category
     * stream: it needs no projections on the server, covers `holders` and `fx` too, and keeps
     * the order across streams. Reading $all needs admin rights on a secure server.
     */
    async *readAll() {
      try {
        for await (const resolved of recordsOf(client.readAll({ direction: FORWARDS, fromPosition: START }))) {
          const recorded = resolved.event;
          if (!recorded) continue;
          catalog.observe(recorded);
          if (isLedgerStream(recorded.streamId)) yield fromRecordedEvent(recorded);
        }
      } catch (error) {
        raiseClientError(error, connection, 'reading $all');
      }
    },

    /** The streams come from the catalog; each head is read back (one backwards read per stream) and decoded. */
    async heads() {
      await catchUp();
      const streams = catalog.streams();
      const heads: StreamHead[] = [];
      for (let i = 0; i < streams.length; i += HEAD_READS_AT_ONCE) {
        const lasts = await Promise.all(
          streams
            .slice(i, i + HEAD_READS_AT_ONCE)
            .map((stream) => readEvents(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })),
        );
        for (const [last] of lasts) if (last) heads.push({ stream: last.stream, revision: last.revision, hash: last.hash });
      }
      return heads.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    },

    /**
     * EventStoreDB has no lookup by event id: the catalog (a scan of $all, see catchUp) says
     * where the id lives, then that one event is read. The first look-up in a process costs a
     * read of the whole log; later ones only the events appended since.
     */
    async findEvent(id: EventId) {
      await catchUp();
      const location = catalog.locate(id);
      if (!location) return undefined;
      const [event] = await readEvents(location.stream, { direction: FORWARDS, fromRevision: location.revision, maxCount: 1 });
      return event?.id === id.toLowerCase() ? event : undefined;
    },

    /**
     * Each batch is one atomic append with its exact expected revision; batches go in order, so
     * when batch k fails, batches before it stay written (docs/stores.md). Before anything is written,
     * every batch is checked against the catalog, freshly caught up: its stream must be at the
     * expected revision and its ids must not be stored anywhere in the ledger. Limits: a writer
     * racing between that check and the append is still caught by the server for its own stream
     * (VersionConflict), but not for the same id appended to a different stream at the same
     * moment; and on a cluster the scan reads the node the client is connected to.
     */
    async append(batches) {
      await catchUp();
      check(batches);
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
