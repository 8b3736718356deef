import { START, streamNameFilter } from '@eventstore/db-client';
import type { EventStoreDBClient, Position, ResolvedEvent, AllStreamResolvedEvent } from '@eventstore/db-client';
import type { StoredEvent } from '../../../events/index.js';
import { isLedgerError } from '../../domain/problem.js';
import { raiseClientError } from './clientErrors.js';
import type { EsdbConnection } from './connectionString.js';
import { fromRecordedEvent, isLedgerStream, LEDGER_STREAM_PREFIXES } from './mapping.js';

/** Where a catch-up subscription resumes: after the last revision of a stream, or the last $all position. */
type Checkpoint = { kind: 'stream'; stream: string; revision?: bigint } | { kind: 'all'; position?: Position };

// Resubscribing waits 100 ms, 200 ms, … up to 5 s; after this many failures in a row with no
// event in between the error is raised instead (a server gone for good, or a refused subscription).
const MAX_CONSECUTIVE_FAILURES = 8;
const backoffMs = (failures: number): number => Math.min(100 * 2 ** (failures - 1), 5_000);

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

type SubscribingClient = Pick<EventStoreDBClient, 'subscribeToStream' | 'subscribeToAll'>;

type Subscription = AsyncIterable<ResolvedEvent | AllStreamResolvedEvent> & {
  unsubscribe(): Promise<void>;
  destroy(): void;
};

// Catch-up subscriptions start *after* the given revision or position, so a resubscription from
// the checkpoint neither repeats nor skips an event.
const open = (client: SubscribingClient, checkpoint: Checkpoint): Subscription =>
  checkpoint.kind === 'stream'
    ? client.subscribeToStream(checkpoint.stream, { fromRevision: checkpoint.revision ?? START })
    : client.subscribeToAll({
        fromPosition: checkpoint.position ?? START,
        filter: streamNameFilter({ prefixes: LEDGER_STREAM_PREFIXES }),
      });

const stop = async (subscription: Subscription): Promise<void> => {
  try {
    await subscription.unsubscribe();
  } catch {
    // already gone: nothing to release
  } finally {
    // unsubscribe cancels the gRPC call but leaves the readable open; destroying it ends iteration
    subscription.destroy();
  }
};

/**
 * Every ledger event of `stream` (or of all ledger streams) from the beginning, then live, until
 * `signal` aborts or `isClosed()`. A dropped subscription is reopened from the last event seen.
 * Events that do not decode end the iteration with CorruptEvent: retrying cannot fix them.
 */
export async function* subscribeLedger(
  client: SubscribingClient,
  connection: EsdbConnection,
  options: Readonly<{ stream?: string; signal: AbortSignal; isClosed: () => boolean }>,
): AsyncGenerator<StoredEvent> {
  const { signal, isClosed } = options;
  const live = (): boolean => !signal.aborted && !isClosed();
  const checkpoint: Checkpoint = options.stream === undefined ? { kind: 'all' } : { kind: 'stream', stream: options.stream };
  let failures = 0;
  while (live()) {
    const subscription = open(client, checkpoint);
    const onAbort = (): void => void stop(subscription);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const resolved of subscription) {
        const recorded = resolved.event;
        if (!recorded) continue;
        if (checkpoint.kind === 'stream') checkpoint.revision = recorded.revision;
        else if (recorded.position) checkpoint.position = recorded.position;
        if (!isLedgerStream(recorded.streamId)) continue;
        failures = 0;
        yield fromRecordedEvent(recorded);
      }
    } catch (error) {
      if (!live()) return;
      if (isLedgerError(error)) throw error;
      failures += 1;
      if (failures >= MAX_CONSECUTIVE_FAILURES) raiseClientError(error, connection, 'subscribing');
    } finally {
      signal.removeEventListener('abort', onAbort);
      await stop(subscription);
    }
    // dropped with an error, or ended by the server: either way, pause before reopening
    if (live()) await sleep(backoffMs(Math.max(failures, 1)), signal);
  }
}
