import { fail } from '../domain/problem.js';
import type { AppendBatch } from './eventStore.js';

// Rules every store applies to an append, and the neutral errors it reports (memory, SQLite, EventStoreDB).

/** The neutral error for "the stream moved on since you read it" (docs/stores.md: re-read and retry). */
export const versionConflict = (stream: string, expectedRevision: number, actualRevision: number): never =>
  fail(
    'VersionConflict',
    `stream ${stream} is at revision ${actualRevision}, not the expected ${expectedRevision} (another writer appended first)`,
    { stream, expectedRevision, actualRevision },
  );

export const duplicateEventId = (id: string): never => fail('DuplicateEventId', `an event with id ${id} is already stored`, { id });

/** A batch must continue its stream: anything else is a bug in the caller, not a conflict. */
export const assertBatchShape = (batch: AppendBatch): void => {
  batch.events.forEach((event, i) => {
    const revision = batch.expectedRevision + 1 + i;
    if (event.stream !== batch.stream || event.revision !== revision)
      throw new Error(
        `bug: event ${event.id} of a batch for ${batch.stream} at ${batch.expectedRevision} is ${event.stream}@${event.revision}, expected ${batch.stream}@${revision}`,
      );
  });
};

/** The revision a stream reaches after a batch (several batches of one call may share a stream). */
export const revisionAfter = (batch: AppendBatch): number => batch.expectedRevision + batch.events.length;

/**
 * Checks a whole append before anything is written: every batch continues its stream at the
 * expected revision (several batches of one call may follow each other on one stream), and no
 * event id is stored already or repeated within the call. Throws the neutral errors above.
 */
export const checkAppend = (
  batches: ReadonlyArray<AppendBatch>,
  lastRevisionOf: (stream: string) => number,
  isStored: (lowerCaseId: string) => boolean,
): void => {
  const pending = new Map<string, number>();
  for (const batch of batches) {
    assertBatchShape(batch);
    const actual = pending.get(batch.stream) ?? lastRevisionOf(batch.stream);
    if (actual !== batch.expectedRevision) versionConflict(batch.stream, batch.expectedRevision, actual);
    pending.set(batch.stream, revisionAfter(batch));
  }
  const ids = new Set<string>();
  for (const { events } of batches)
    for (const { id } of events) {
      const key = id.toLowerCase();
      if (isStored(key) || ids.has(key)) duplicateEventId(id);
      ids.add(key);
    }
};
