import fs from 'node:fs';
import Database from 'better-sqlite3';
import { Instant, LongText, ShortText, storedText, type StoredEvent } from '../../events/index.js';
import { decodeStoredFast } from '../../events/storedFast.js';
import { fail, isLedgerError } from '../domain/problem.js';
import { recordOfEvent, type AppendBatch, type EventRecord, type EventStore, type StreamHead } from './eventStore.js';
import { assertBatchShape, duplicateEventId, revisionAfter, versionConflict } from './appendRules.js';
import type { DerivedReads } from './derivedReads.js';
import { sqliteReads } from './sqliteReads.js';
import { derivedWriter, migrate } from './sqliteSchema.js';

/**
 * user_version of the file: 2 adds the derived tables of sqliteSchema.ts to the v1 `events` table;
 * 3 lays out the timeline rows' fields in their codecs' order (see migrate).
 */
const SCHEMA_VERSION = 3;

/** How long a write waits for another process's transaction before the store counts as unavailable. */
const BUSY_TIMEOUT_MS = 10_000;
/** Rows fetched per query by readAll and subscribe: bounded memory, and the connection stays free. */
const PAGE_SIZE = 1_000;
/** How often a subscription looks for events appended by other processes. */
const POLL_MS = 150;
/** Page cache sizes (8 and 32 MiB). A large import writes all over the id index (random UUIDs),
 * where a bigger cache spills less; reads scan in order and keep their peak memory low. The id
 * index outgrows either size (49 MB at 1M events); 64 MiB cost the 1M import 35–45 MB of peak
 * RSS and bought no time measurable here (BENCHMARKS.md, "Write path, sixth round"). */
const READ_CACHE = 'cache_size = -8192';
const BULK_CACHE = 'cache_size = -32768';
const BULK_EVENTS = 10_000;
/** Ids per `WHERE id IN (…)` look-up. */
const FIND_MANY = 500;

/** [position or revision (a cursor), stream, revision, envelope JSON] */
type Row = [number, string, number, string];

const isSqliteError = (e: unknown): e is InstanceType<typeof Database.SqliteError> => e instanceof Database.SqliteError;

/** An envelope's [recordedAt, actor, source, note, type] as SQL reads them (null where absent). */
type RecordFields = [unknown, unknown, unknown, unknown, unknown];

const optionalText = (v: unknown): v is string | null => v === null || LongText.is(v);

/**
 * Reads records from envelope fields: the record of the event at `revision` (with its type); or
 * undefined when a field is not what the envelope's codec accepts or its key is not there exactly
 * once (`keys`: how many of the fields' keys the envelope has), and the caller then decodes the
 * envelope whole. An import records a run of events at one instant: it is checked once.
 */
const recordReader = (): ((revision: number, fields: RecordFields, keys: number | null) => EventRecord | undefined) => {
  let instant: unknown;
  return (revision, [recordedAt, actor, source, note, type], keys) => {
    // Each field present once: as many of their keys as fields read (source and note may be absent).
    if (keys !== 3 + (source === null ? 0 : 1) + (note === null ? 0 : 1)) return undefined;
    if (recordedAt !== instant) {
      if (!Instant.is(recordedAt)) return undefined;
      instant = recordedAt;
    }
    if (!ShortText.is(actor) || !optionalText(source) || !optionalText(note) || typeof type !== 'string') return undefined;
    const at = recordedAt as Instant;
    return { revision, type, recordedAt: at, actor, source: source ?? undefined, note: note ?? undefined, event: undefined };
  };
};

export type SqliteStoreOptions = Readonly<{ busyTimeoutMs?: number }>;

/** The settings of the store's own connection (synchronous is per connection): for diagnostics. */
export type SqliteSettings = Readonly<{ journalMode: string; synchronous: number; busyTimeoutMs: number }>;
/** An SQLite store always has derived reads (schema v2) and reads records by SQL. */
export type SqliteStore = EventStore &
  Readonly<{ settings: () => SqliteSettings; derivedReads: DerivedReads; iterateRecords: NonNullable<EventStore['iterateRecords']> }>;

/** Any failure of the file or the database engine, as the one neutral kind callers handle. */
const unavailable = (path: string, e: unknown, busyTimeoutMs = BUSY_TIMEOUT_MS): never => {
  if (isLedgerError(e)) throw e;
  const code = (e as { code?: unknown }).code;
  const reason = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code))
    return fail('StoreUnavailable', `the SQLite store ${path} stayed locked by another process for more than ${busyTimeoutMs / 1000} s`, {
      path,
      code,
    });
  return fail('StoreUnavailable', `cannot use the SQLite store ${path}: ${reason}`, { path, code });
};

/** Runs a database operation; engine errors become StoreUnavailable, LedgerErrors and bugs pass. */
const guarded =
  (path: string, busyTimeoutMs: number) =>
  <A>(operation: () => A): A => {
    try {
      return operation();
    } catch (e) {
      if (isSqliteError(e)) unavailable(path, e, busyTimeoutMs);
      throw e;
    }
  };

/** Creates the file readable by its owner only, before SQLite creates it with the umask's mode. */
const createPrivateFile = (path: string): void => {
  try {
    fs.closeSync(fs.openSync(path, 'wx', 0o600));
    fs.chmodSync(path, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') unavailable(path, e);
  }
};

const openDatabase = (path: string, busyTimeoutMs: number): Database.Database => {
  createPrivateFile(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    // Takes effect only while the file is empty. Envelopes are ~0.5 KB: 16 KiB pages make bulk
    // imports about 40 % faster than the default 4 KiB.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // A modest page cache for reading (the OS caches the file too); large appends raise it.
    db.pragma(READ_CACHE);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      fail(
        'StoreUnavailable',
        `the SQLite store ${path} has schema version ${version}, newer than this shareledger knows (${SCHEMA_VERSION}): upgrade shareledger`,
        { path, version },
      );
    if (version < SCHEMA_VERSION) {
      const upgrade = db.transaction(() => {
        // Another process may have migrated the file while this one waited for the lock.
        const current = db!.pragma('user_version', { simple: true }) as number;
        if (current >= SCHEMA_VERSION) return;
        migrate(db!, current);
        db!.pragma(`user_version = ${SCHEMA_VERSION}`);
      });
      upgrade.immediate();
    }
    return db;
  } catch (e) {
    db?.close();
    return unavailable(path, e, busyTimeoutMs);
  }
};

/**
 * The SQLite store: one file in WAL mode that several processes may share. Envelopes are
 * kept as their JSON text and decoded on every read; revision checks run inside one IMMEDIATE
 * transaction per append, and the UNIQUE constraints back them against any other writer.
 */
export const openSqliteStore = (path: string, options: SqliteStoreOptions = {}): SqliteStore => {
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  const db = openDatabase(path, busyTimeoutMs);
  const guard = guarded(path, busyTimeoutMs);

  const prepare = <P extends unknown[], R>(sql: string) => guard(() => db.prepare<P, R>(sql));
  const lastRevision = prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
  const insert = prepare<[string, number, string, string], never>(
    'INSERT INTO events (stream, revision, id, envelope) VALUES (?, ?, ?, ?)',
  );
  const streamRows = prepare<[string], Row>(
    'SELECT revision, stream, revision, envelope FROM events WHERE stream = ? ORDER BY revision',
  ).raw();
  const streamPage = prepare<[string, number, number], Row>(
    'SELECT revision, stream, revision, envelope FROM events WHERE stream = ? AND revision > ? ORDER BY revision LIMIT ?',
  ).raw();
  // The envelope's own fields read by SQLite's JSON functions: a fraction of decoding the envelope in JavaScript.
  // SQLite reads the first of two equal keys where JSON.parse (and so verify) reads the last: each
  // field's key is counted, so that an envelope repeating one is decoded whole, as verify reads it.
  const recordPage = prepare<[string, number, number], [number, string | null, number | null]>(
    `SELECT revision,
            CASE WHEN json_valid(envelope) THEN json_extract(envelope, '$.recordedAt', '$.actor', '$.source', '$.note', '$.type') END,
            CASE WHEN json_valid(envelope) THEN
              (SELECT count(*) FROM json_each(envelope) WHERE key IN ('recordedAt', 'actor', 'source', 'note', 'type')) END
       FROM events WHERE stream = ? AND revision > ? ORDER BY revision LIMIT ?`,
  ).raw();
  const rowAt = prepare<[string, number], Row>(
    'SELECT revision, stream, revision, envelope FROM events WHERE stream = ? AND revision = ?',
  ).raw();
  const allPage = prepare<[number, number, number], Row>(
    'SELECT position, stream, revision, envelope FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?',
  ).raw();
  const lastPosition = prepare<[], number | null>('SELECT MAX(position) FROM events').pluck();
  const byId = prepare<[string], Row>('SELECT position, stream, revision, envelope FROM events WHERE id = ?').raw();
  // Many ids in one parameter: a JSON array, expanded by SQLite (no SQL built from values).
  const byIds = prepare<[string], Row>(
    'SELECT position, stream, revision, envelope FROM events WHERE id IN (SELECT value FROM json_each(?))',
  ).raw();
  const headRows = prepare<[], Row>(
    `SELECT e.position, e.stream, e.revision, e.envelope
       FROM (SELECT stream, MAX(revision) AS revision FROM events GROUP BY stream) AS head
       JOIN events AS e ON e.stream = head.stream AND e.revision = head.revision
      ORDER BY e.stream`,
  ).raw();

  const decodeRow = ([, stream, revision, envelope]: Row): StoredEvent => {
    let json: unknown;
    try {
      json = JSON.parse(envelope);
    } catch (e) {
      return corrupt(stream, revision, `not JSON (${(e as Error).message})`);
    }
    const decoded = decodeStoredFast(json);
    return decoded.ok ? decoded.value : corrupt(stream, revision, decoded.problems.map((p) => p.message).join('; '));
  };

  const corrupt = (stream: string, revision: number, reason: string): never =>
    fail('CorruptEvent', `stored event ${stream}@${revision} in ${path} does not decode: ${reason}`, { stream, revision, reason });

  const derived = guard(() => derivedWriter(db));
  const dropSnapshots = prepare<[string, string], never>('DELETE FROM snapshots WHERE stream = ? AND date >= ?');
  const envelopeById = prepare<[string], [string, string]>('SELECT stream, envelope FROM events WHERE id = ?').raw();

  const insertEvent = (event: StoredEvent): void => {
    try {
      insert.run(event.stream, event.revision, event.id.toLowerCase(), storedText(event));
      derived.add(event);
    } catch (e) {
      if (!isSqliteError(e) || e.code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
      if (e.message.includes('events.id')) duplicateEventId(event.id);
      // Unreachable while revisions are checked first in this transaction; kept as the backstop.
      versionConflict(event.stream, event.revision - 1, lastRevision.get(event.stream) ?? -1);
    }
  };

  const appendAll = db.transaction((batches: ReadonlyArray<AppendBatch>): void => {
    const pending = new Map<string, number>();
    for (const batch of batches) {
      const actual = pending.get(batch.stream) ?? lastRevision.get(batch.stream) ?? -1;
      if (actual !== batch.expectedRevision) versionConflict(batch.stream, batch.expectedRevision, actual);
      pending.set(batch.stream, revisionAfter(batch));
    }
    for (const batch of batches) for (const event of batch.events) insertEvent(event);
    derived.flush();
    dropStaleSnapshots(batches);
  });

  /**
   * A snapshot at the end of date D folds every event dated ≤ D: an event dated ≤ D, or the
   * retraction of one, appended after it makes it stale, so it goes in the same transaction.
   * A retraction whose target cannot be dated (not in this stream) drops all of them.
   */
  const dropStaleSnapshots = (batches: ReadonlyArray<AppendBatch>): void => {
    const earliest = new Map<string, string>();
    for (const { stream, events } of batches) {
      let min = earliest.get(stream);
      for (const e of events) {
        // Every target is stored by now (this transaction inserted the batch's own events first).
        const date: string = e.type === 'EventRetracted' ? dateOfTarget(stream, e.data.eventId) : e.date;
        if (min === undefined || date < min) min = date;
      }
      if (min !== undefined) earliest.set(stream, min);
    }
    for (const [stream, date] of earliest) dropSnapshots.run(stream, date);
  };

  /** The date of a retraction's target in `stream`; '' (before every date) when it cannot be told. */
  const dateOfTarget = (stream: string, id: string): string => {
    const row = envelopeById.get(id.toLowerCase());
    if (!row || row[0] !== stream) return '';
    try {
      const date = (JSON.parse(row[1]) as { date?: unknown }).date;
      return typeof date === 'string' ? date : '';
    } catch {
      return '';
    }
  };

  /** Subscribers in this process are woken by its appends; others' appends are found by polling. */
  const wakers = new Set<() => void>();
  const wakeAll = (): void => {
    for (const wake of [...wakers]) wake();
  };
  const pause = (signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });

  const { close: closeReads, ...reads } = guard(() => sqliteReads(db, path));
  // A question runs its derived reads inside `consistent`: engine errors there (a locked or
  // vanished file) become StoreUnavailable, as in every other read.
  const derivedReads: DerivedReads = { ...reads, consistent: (read) => guard(() => reads.consistent(read)) };
  const store: SqliteStore = {
    description: `sqlite:${path}`,

    async readStream(stream) {
      return guard(() => {
        const events: StoredEvent[] = [];
        for (const row of streamRows.iterate(stream)) events.push(decodeRow(row));
        return events;
      });
    },

    async *iterateStream(stream, fromRevision = 0) {
      for (let after = fromRevision - 1; ;) {
        const rows = guard(() => streamPage.all(stream, after, PAGE_SIZE));
        for (const row of rows) yield decodeRow(row);
        if (rows.length < PAGE_SIZE) return;
        after = rows[rows.length - 1]![0];
      }
    },

    async *iterateRecords(stream, whole) {
      const wanted = new Set<string>(whole);
      const recordOf = recordReader();
      for (let after = -1; ;) {
        const rows = guard(() => recordPage.all(stream, after, PAGE_SIZE));
        for (const [revision, fields, keys] of rows) {
          const read = fields === null ? undefined : recordOf(revision, JSON.parse(fields) as RecordFields, keys);
          if (read !== undefined && !wanted.has(read.type)) {
            yield read;
            continue;
          }
          // Asked for whole, or not as the codec requires: decoded whole, which reports a CorruptEvent as iterateStream does.
          yield recordOfEvent(decodeRow(guard(() => rowAt.get(stream, revision))!));
        }
        if (rows.length < PAGE_SIZE) return;
        after = rows[rows.length - 1]![0];
      }
    },

    async *readAll() {
      const end = guard(() => lastPosition.get()) ?? 0;
      for (let after = 0; ;) {
        const rows = guard(() => allPage.all(after, end, PAGE_SIZE));
        for (const row of rows) yield decodeRow(row);
        if (rows.length < PAGE_SIZE) return;
        after = rows[rows.length - 1]![0];
      }
    },

    async heads() {
      return guard(() => headRows.all()).map((row): StreamHead => {
        const { stream, revision, hash } = decodeRow(row);
        return { stream, revision, hash };
      });
    },

    async findEvent(id) {
      const row = guard(() => byId.get(id.toLowerCase()));
      return row && decodeRow(row);
    },

    async findEvents(ids) {
      const found = new Map<string, StoredEvent>();
      const lower = [...new Set(ids.map((id) => id.toLowerCase()))];
      for (let i = 0; i < lower.length; i += FIND_MANY) {
        const chunk = lower.slice(i, i + FIND_MANY);
        const rows = guard(() => byIds.all(JSON.stringify(chunk)));
        for (const row of rows) {
          const e = decodeRow(row);
          found.set(e.id.toLowerCase(), e);
        }
      }
      return found;
    },

    /** BEGIN IMMEDIATE … COMMIT around `work`; each append inside is a savepoint of it. Subscribers are woken at the commit. */
    async transaction(work) {
      if (db.inTransaction) return work();
      guard(() => db.exec('BEGIN IMMEDIATE'));
      // A transaction is a chunked import or a copy: many appends, each one too small to be bulk on its own.
      guard(() => db.pragma(BULK_CACHE));
      let result;
      try {
        result = await work();
        guard(() => db.exec('COMMIT'));
      } catch (error) {
        if (db.open && db.inTransaction) db.exec('ROLLBACK');
        throw error;
      } finally {
        if (db.open) db.pragma(READ_CACHE);
      }
      wakeAll();
      return result;
    },

    async append(batches) {
      batches.forEach(assertBatchShape);
      const bulk = !db.inTransaction && batches.reduce((n, b) => n + b.events.length, 0) >= BULK_EVENTS;
      if (bulk) guard(() => db.pragma(BULK_CACHE));
      try {
        guard(() => appendAll.immediate(batches));
      } finally {
        if (bulk && db.open) db.pragma(READ_CACHE);
      }
      if (!db.inTransaction) wakeAll();
    },

    async *subscribe({ stream, signal }) {
      let after = stream === undefined ? 0 : -1;
      while (!signal.aborted && db.open) {
        const rows = guard(() =>
          stream === undefined ? allPage.all(after, Number.MAX_SAFE_INTEGER, PAGE_SIZE) : streamPage.all(stream, after, PAGE_SIZE),
        );
        for (const row of rows) {
          if (signal.aborted) return;
          yield decodeRow(row);
          after = row[0];
        }
        if (rows.length < PAGE_SIZE) await pause(signal);
      }
    },

    derivedReads,

    settings: () =>
      guard(() => ({
        journalMode: db.pragma('journal_mode', { simple: true }) as string,
        synchronous: db.pragma('synchronous', { simple: true }) as number,
        busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
      })),

    async close() {
      closeReads();
      if (db.open) db.close();
      wakeAll();
    },
  };
  return store;
};
