import Database from 'better-sqlite3';
import { decodeStored, type StoredEvent } from '../../../events/index.js';
import { fail, isLedgerError } from '../../../src/domain/problem.js';
import type { EventStore } from '../../../src/store/eventStore.js';
import type { DerivedRows } from '../../../src/integrity/derivedCheck.js';

/**
 * One stored event as `verify` sees it: where the store keeps it (stream and revision as the store
 * orders them) and either the decoded event or why it does not decode. A row that does not decode
 * is something to report, never a reason to stop reading.
 */
export type StoredRow =
  /** `indexedId`: the id the store files the row under (its id column), where the store has one. */
  | Readonly<{ stream: string; revision: number; event: StoredEvent; indexedId?: string }>
  | Readonly<{ stream: string; revision: number; corrupt: string }>;

/** The stored rows of a whole ledger, one stream at a time. */
export interface StoredRows {
  /** How many rows there are (in these streams, or in all), for progress. */
  count(streams?: ReadonlyArray<string>): Promise<number>;
  /** Every stream name, sorted. */
  streams(): Promise<string[]>;
  /** A stream's rows in the order the store reads them (by revision). */
  rowsOf(stream: string): Promise<StoredRow[]>;
  /**
   * The stream's derived rows (SQLite schema v2), to check against its envelopes; undefined when
   * the store keeps none, or the stream's were left incomplete at migration (a damaged stream).
   */
  derivedOf?(stream: string): Promise<DerivedRows | undefined>;
  close(): Promise<void>;
}

const SQLITE_PREFIX = 'sqlite:';

const decodeEnvelopeText = (text: string): { event: StoredEvent } | { corrupt: string } => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { corrupt: `not JSON (${(e as Error).message})` };
  }
  const decoded = decodeStored(json);
  return decoded.ok ? { event: decoded.value } : { corrupt: decoded.problems.map((p) => p.message).join('; ') };
};

/**
 * Reads an SQLite ledger file directly, row by row: the store's own reads stop at the first row
 * that does not decode, and verify must go on past it. All reads share one snapshot (a read
 * transaction), so a writer appending meanwhile cannot make streams disagree with each other.
 */
const openSqliteRows = (path: string): StoredRows => {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('query_only = ON');
    db.exec('BEGIN');
  } catch (e) {
    return fail('StoreUnavailable', `cannot read the SQLite store ${path}: ${(e as Error).message}`, { path });
  }
  const guard = <A>(read: () => A): A => {
    try {
      return read();
    } catch (e) {
      if (isLedgerError(e)) throw e;
      return fail('StoreUnavailable', `cannot read the SQLite store ${path}: ${(e as Error).message}`, { path });
    }
  };
  const countRows = guard(() => db.prepare<[], number>('SELECT COUNT(*) FROM events').pluck());
  const countStream = guard(() => db.prepare<[string], number>('SELECT COUNT(*) FROM events WHERE stream = ?').pluck());
  const streamNames = guard(() => db.prepare<[], string>('SELECT DISTINCT stream FROM events ORDER BY stream').pluck());
  const streamRows = guard(() =>
    db.prepare<[string], [number, string, string]>('SELECT revision, id, envelope FROM events WHERE stream = ? ORDER BY revision').raw(),
  );
  const hasDerived = guard(
    () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timeline'").pluck().get() !== undefined,
  );
  const derived = hasDerived
    ? guard(() => ({
        damaged: db.prepare<[string], number>('SELECT 1 FROM damaged WHERE stream = ?').pluck(),
        timeline: db
          .prepare<[string], [number, string, string]>('SELECT revision, date, body FROM timeline WHERE stream = ? ORDER BY revision')
          .raw(),
        retractions: db
          .prepare<[string], [number, string, number | null, string]>(
            'SELECT revision, target, target_revision, recorded_at FROM retractions WHERE stream = ?',
          )
          .raw(),
        mentions: db.prepare<[string], [string, string, number]>('SELECT name, recorded_at, revision FROM mentions WHERE stream = ?').raw(),
        snapshots: db
          .prepare<[string], [string, string, number, string]>('SELECT date, recorded_at, revision, state FROM snapshots WHERE stream = ?')
          .raw(),
      }))
    : undefined;
  return {
    count: async (streams) =>
      guard(() => (streams ? streams.reduce((n, stream) => n + (countStream.get(stream) ?? 0), 0) : (countRows.get() ?? 0))),
    streams: async () => guard(() => streamNames.all()),
    rowsOf: async (stream) =>
      guard(() => streamRows.all(stream)).map(([revision, indexedId, envelope]) => ({
        stream,
        revision,
        indexedId,
        ...decodeEnvelopeText(envelope),
      })),
    ...(derived && {
      derivedOf: async (stream: string): Promise<DerivedRows | undefined> =>
        guard(() =>
          derived.damaged.get(stream) !== undefined
            ? undefined
            : {
                timeline: derived.timeline.all(stream),
                retractions: derived.retractions.all(stream),
                mentions: derived.mentions.all(stream),
                snapshots: derived.snapshots.all(stream),
                // The oracle predates the disposal cache; the ledgers it is compared on keep none.
                disposalCaches: [],
              },
        ),
    }),
    close: async () => {
      if (!db.open) return;
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
};

/**
 * Reads any store through its port. A stream whose read fails with CorruptEvent yields a single
 * corrupt row at the revision the store names: the port cannot hand over the rows around it.
 */
const portRows = (store: EventStore): StoredRows => {
  let heads: Promise<Array<{ stream: string; revision: number }>> | undefined;
  const headsOnce = () => (heads ??= store.heads());
  return {
    count: async (streams) => {
      const named = streams && new Set(streams);
      return (await headsOnce()).reduce((n, h) => (!named || named.has(h.stream) ? n + h.revision + 1 : n), 0);
    },
    streams: async () => (await headsOnce()).map((h) => h.stream),
    rowsOf: async (stream) => {
      try {
        return (await store.readStream(stream)).map((event) => ({ stream, revision: event.revision, event }));
      } catch (e) {
        if (!isLedgerError(e) || e.problem.kind !== 'CorruptEvent') throw e;
        const at = Number(e.problem.details?.['revision']);
        return [{ stream, revision: Number.isSafeInteger(at) ? at : 0, corrupt: e.message }];
      }
    },
    close: async () => undefined,
  };
};

/** The rows of a store: straight from the file for SQLite, through the port otherwise. */
export const storedRowsOf = (store: EventStore): StoredRows => {
  const path = store.description.startsWith(SQLITE_PREFIX) ? store.description.slice(SQLITE_PREFIX.length) : undefined;
  // An in-memory SQLite database cannot be opened a second time: read it through the port.
  return path !== undefined && path !== '' && path !== ':memory:' ? openSqliteRows(path) : portRows(store);
};
