import Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/index.js';
import { decodeStoredFast } from '../../events/storedFast.js';
import { CACHED_METHOD } from '../../projections/disposalRows.js';
import { fail, isLedgerError } from '../domain/problem.js';
import type { EventStore } from '../store/eventStore.js';
import { hasTable, STREAM_NAMES } from '../store/sqliteSchema.js';
import type { CachedDisposal } from '../store/derivedReads.js';
import type { DerivedRows, DisposalFoldRow } from './derivedCheck.js';
import type { PairedRow, PairedStream } from './soundStream.js';

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
  /** The SQLite file read, when the rows are read straight from one: another thread may open it too. */
  readonly file?: string;
  /** How many rows there are (in these streams, or in all), for progress. */
  count(streams?: ReadonlyArray<string>): Promise<number>;
  /** Every stream name, sorted. */
  streams(): Promise<string[]>;
  /** A stream's rows in the order the store reads them (by revision), all at once: for a stream found damaged, or a small one. */
  rowsOf(stream: string): Promise<StoredRow[]>;
  /**
   * The stream's timeline rows beside its envelopes, read a page at a time, for the one-pass check
   * (soundStream.ts); undefined when the store keeps no derived rows or marked the stream damaged.
   */
  pairedOf?(stream: string): PairedStream | undefined;
  /**
   * Where rows are filed under this id (lower case): the store's id index, which guarantees ids are
   * unique among rows filed under their own id. Undefined when the store has none.
   */
  filedUnder?(id: string): Promise<Array<{ stream: string; revision: number }>>;
  /** The id of the event stored at this place, if it decodes. */
  idAt(stream: string, revision: number): Promise<string | undefined>;
  /**
   * The stream's derived rows (SQLite schema v2), to check against its envelopes; undefined when
   * the store keeps none, or the stream's were left incomplete at migration (a damaged stream).
   */
  derivedOf?(stream: string): Promise<DerivedRows | undefined>;
  /** How many disposal caches the stream holds at its head: each adds a lot fold to its one-pass check. */
  cachesAtHead?(stream: string): number;
  close(): Promise<void>;
}

const SQLITE_PREFIX = 'sqlite:';
/** Rows per page of a stream: memory bounded by the page, and few enough round trips. */
const PAGE_ROWS = 2_000;

const decodeEnvelopeText = (text: string): { event: StoredEvent } | { corrupt: string } => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { corrupt: `not JSON (${(e as Error).message})` };
  }
  // Exactly decodeStored's answers, faster for the ledger's own canonical form.
  const decoded = decodeStoredFast(json);
  return decoded.ok ? { event: decoded.value } : { corrupt: decoded.problems.map((p) => p.message).join('; ') };
};

/**
 * Reads an SQLite ledger file directly, row by row (also in a worker, soundWorker.ts): the store's own reads stop at the first row
 * that does not decode, and verify must go on past it. All reads share one snapshot (a read
 * transaction), so a writer appending meanwhile cannot make streams disagree with each other.
 * Without `disposalCaches`, the streams' disposal caches are not read (and so not checked).
 */
export const openSqliteRows = (path: string, disposalCaches = true): StoredRows => {
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
  const streamNames = guard(() => db.prepare<[], string>(STREAM_NAMES).pluck());
  const streamRows = guard(() =>
    db.prepare<[string], [number, string, string]>('SELECT revision, id, envelope FROM events WHERE stream = ? ORDER BY revision').raw(),
  );
  const countStreamRows = guard(() => db.prepare<[string], number>('SELECT COUNT(*) FROM events WHERE stream = ?').pluck());
  const envelopeAt = guard(() =>
    db.prepare<[string, number], string>('SELECT envelope FROM events WHERE stream = ? AND revision = ?').pluck(),
  );
  const filed = guard(() => db.prepare<[string], { stream: string; revision: number }>('SELECT stream, revision FROM events WHERE id = ?'));
  const hasDerived = guard(() => hasTable(db, 'timeline'));
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
        mentionPage: db
          .prepare<[string, string, number], [string, string, number]>(
            'SELECT name, recorded_at, revision FROM mentions WHERE stream = ? AND name > ? ORDER BY name LIMIT ?',
          )
          .raw(),
        snapshots: db
          .prepare<[string], [string, string, number, string]>('SELECT date, recorded_at, revision, state FROM snapshots WHERE stream = ?')
          .raw(),
        snapshotKeys: db
          .prepare<[string], [string, string, number]>('SELECT date, recorded_at, revision FROM snapshots WHERE stream = ?')
          .raw(),
        snapshotState: db.prepare<[string, string], string>('SELECT state FROM snapshots WHERE stream = ? AND date = ?').pluck(),
        // Keyset pages in timeline order, each timeline row with the envelope at its revision.
        paired: db
          .prepare<[string, string, number, number], PairedRow>(
            `SELECT t.date, t.revision, t.body, e.id, e.envelope FROM timeline t
               LEFT JOIN events e ON e.stream = t.stream AND e.revision = t.revision
             WHERE t.stream = ? AND (t.date, t.revision) > (?, ?) ORDER BY t.date, t.revision LIMIT ?`,
          )
          .raw(),
        targetRevision: db
          .prepare<[string, string, number], number>('SELECT revision FROM events WHERE id = ? AND stream = ? AND revision < ?')
          .pluck(),
      }))
    : undefined;
  // The disposal cache's tables exist once a cache was first saved (src/store/sqliteSchema.ts).
  const hasDisposalCache = guard(() => hasTable(db, 'disposal_folds'));
  const disposalCache =
    disposalCaches && hasDisposalCache
      ? guard(() => ({
          folds: db.prepare<[string, string], DisposalFoldRow>(
            // Only a cache whose head_id is the id filed at its revision can be read (a build's
            // token never is), and only under the method reads take from a cache.
            `SELECT f.method, f.revision, f.head_id AS headId, f.recorded_at AS recordedAt FROM disposal_folds AS f
             JOIN events AS e ON e.stream = f.stream AND e.revision = f.revision AND e.id = f.head_id
           WHERE f.stream = ? AND f.method = ?`,
          ),
          page: db
            .prepare<[string, string, number, number], CachedDisposal>(
              'SELECT seq, seller, body FROM disposals WHERE stream = ? AND method = ? AND seq > ? ORDER BY seq LIMIT ?',
            )
            .raw(),
        }))
      : undefined;
  const foldsOf = (stream: string): DisposalFoldRow[] => (disposalCache ? guard(() => disposalCache.folds.all(stream, CACHED_METHOD)) : []);
  /** A disposal cache's rows in seq order, a page at a time. */
  const disposalRows = function* (stream: string, method: string): Generator<CachedDisposal> {
    if (!disposalCache) return;
    for (let after = -1; ;) {
      const page = guard(() => disposalCache.page.all(stream, method, after, PAGE_ROWS));
      yield* page;
      if (page.length < PAGE_ROWS) return;
      after = page[page.length - 1]![0];
    }
  };
  return {
    file: path,
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
                disposalCaches: foldsOf(stream).map((fold) => ({ ...fold, rows: [...disposalRows(stream, fold.method)] })),
              },
        ),
    }),
    ...(disposalCache && {
      cachesAtHead: (stream: string) => {
        const head = guard(() => countStreamRows.get(stream) ?? 0) - 1;
        return foldsOf(stream).filter((fold) => fold.revision === head).length;
      },
    }),
    filedUnder: async (id) => guard(() => filed.all(id)),
    idAt: async (stream, revision) => {
      const text = guard(() => envelopeAt.get(stream, revision));
      const decoded = text === undefined ? undefined : decodeEnvelopeText(text);
      return decoded && 'event' in decoded ? decoded.event.id : undefined;
    },
    ...(derived && {
      pairedOf: (stream: string): PairedStream | undefined =>
        guard(() =>
          derived.damaged.get(stream) !== undefined
            ? undefined
            : {
                events: countStreamRows.get(stream) ?? 0,
                pages: function* () {
                  for (let after: PairedRow | undefined; ;) {
                    const page = guard(() => derived.paired.all(stream, after?.[0] ?? '', after?.[1] ?? -1, PAGE_ROWS));
                    if (page.length === 0) return;
                    yield page;
                    after = page[page.length - 1];
                  }
                },
                retractions: derived.retractions.all(stream),
                mentions: function* () {
                  for (let after = ''; ;) {
                    const page = guard(() => derived.mentionPage.all(stream, after, PAGE_ROWS));
                    yield* page;
                    if (page.length < PAGE_ROWS) return;
                    after = page[page.length - 1]![0];
                  }
                },
                snapshots: derived.snapshotKeys.all(stream),
                snapshotState: (date: string) => guard(() => derived.snapshotState.get(stream, date)),
                disposalCaches: foldsOf(stream),
                disposals: (method: string) => disposalRows(stream, method),
                targetRevision: (id: string, before: number) => guard(() => derived.targetRevision.get(id, stream, before) ?? null),
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
    idAt: async (stream, revision) => {
      try {
        for await (const e of store.iterateStream(stream, revision)) return e.revision === revision ? e.id : undefined;
      } catch (e) {
        if (!isLedgerError(e) || e.problem.kind !== 'CorruptEvent') throw e;
      }
      return undefined;
    },
    close: async () => undefined,
  };
};

/** The rows of a store: straight from the file for SQLite, through the port otherwise. */
export const storedRowsOf = (store: EventStore, disposalCaches = true): StoredRows => {
  const path = store.description.startsWith(SQLITE_PREFIX) ? store.description.slice(SQLITE_PREFIX.length) : undefined;
  // An in-memory SQLite database cannot be opened a second time: read it through the port.
  return path !== undefined && path !== '' && path !== ':memory:' ? openSqliteRows(path, disposalCaches) : portRows(store);
};
