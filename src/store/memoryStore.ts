import type { EventId, StoredEvent } from '../../events/index.js';
import { checkAppend } from './appendRules.js';
import type { AppendBatch, EventStore, StreamHead } from './eventStore.js';

type Waiter = () => void;

/**
 * An in-process store (tests, dry runs). Events are kept as the decoded StoredEvent objects the
 * caller sealed; they are treated as immutable, as their types say.
 */
export const createMemoryStore = (): EventStore => {
  const streams = new Map<string, StoredEvent[]>();
  const byId = new Map<string, StoredEvent>();
  /** Every event in append order: the position a subscription resumes from. */
  const log: StoredEvent[] = [];
  const waiters = new Set<Waiter>();
  let closed = false;
  /** The events appended inside the running transaction, in append order: what a rollback removes. */
  let undoLog: StoredEvent[] | undefined;

  const lastRevisionOf = (stream: string): number => (streams.get(stream)?.length ?? 0) - 1;

  const check = (batches: ReadonlyArray<AppendBatch>): void => checkAppend(batches, lastRevisionOf, (key) => byId.has(key));

  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  /** Resolves on the next append or on abort, whichever comes first. */
  const nextAppend = (signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });

  return {
    description: 'memory:',

    async readStream(stream) {
      return [...(streams.get(stream) ?? [])];
    },

    async *iterateStream(stream, fromRevision = 0) {
      const events = streams.get(stream) ?? [];
      for (let revision = Math.max(0, fromRevision); revision < events.length; revision++) yield events[revision]!;
    },

    async *readAll() {
      const end = log.length;
      for (let position = 0; position < end; position++) yield log[position]!;
    },

    async heads() {
      const heads: StreamHead[] = [];
      for (const [stream, events] of streams) {
        const last = events[events.length - 1];
        if (last) heads.push({ stream, revision: last.revision, hash: last.hash });
      }
      return heads.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    },

    async findEvent(id: EventId) {
      return byId.get(id.toLowerCase());
    },

    async findEvents(ids) {
      const found = new Map<string, StoredEvent>();
      for (const id of ids) {
        const e = byId.get(id.toLowerCase());
        if (e) found.set(id.toLowerCase(), e);
      }
      return found;
    },

    async transaction(work) {
      if (undoLog) return work();
      const undo: StoredEvent[] = (undoLog = []);
      try {
        return await work();
      } catch (error) {
        for (const event of undo.reverse()) {
          streams.get(event.stream)!.pop();
          if (streams.get(event.stream)!.length === 0) streams.delete(event.stream);
          byId.delete(event.id.toLowerCase());
          log.pop();
        }
        throw error;
      } finally {
        undoLog = undefined;
      }
    },

    async append(batches) {
      check(batches);
      for (const batch of batches) {
        let events = streams.get(batch.stream);
        if (!events) streams.set(batch.stream, (events = []));
        for (const event of batch.events) {
          events.push(event);
          byId.set(event.id.toLowerCase(), event);
          log.push(event);
          undoLog?.push(event);
        }
      }
      wake();
    },

    async *subscribe({ stream, signal }) {
      const live = (): boolean => !signal.aborted && !closed;
      let position = 0;
      while (live()) {
        while (position < log.length && live()) {
          const event = log[position++]!;
          if (stream === undefined || event.stream === stream) yield event;
        }
        if (live()) await nextAppend(signal);
      }
    },

    async close() {
      closed = true;
      wake();
    },
  };
};
