import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { PUBLIC, type EventType } from '../../events/index.js';
import { fail } from '../domain/problem.js';
import type { CachedDisposal, DerivedReads, DisposalSink, EventRecordFields, SnapshotRow, TimelineEntry } from './derivedReads.js';
import { DISPOSAL_CACHE, hasTable, STREAM_NAMES } from './sqliteSchema.js';
import { decodeBody, REGISTERED, ReplayCodeError, typeLetter } from './sqliteTimeline.js';

/** The derived reads of an SQLite store, and the snapshot writer's connection it closes with the store. */
export type SqliteReads = DerivedReads & Readonly<{ close: () => void }>;

type SnapshotRaw = [string, number, string, number, string];
const toSnapshot = (r: SnapshotRaw | undefined): SnapshotRow | undefined =>
  r && { date: r[0], revision: r[1], recordedAt: r[2], events: r[3], state: r[4] };

const isSqliteError = (e: unknown): e is InstanceType<typeof Database.SqliteError> => e instanceof Database.SqliteError;

/** A timeline row's event, or CorruptEvent naming the row (its revision is the body's second field). */
const decodeRow = (path: string, stream: string, body: string): TimelineEntry => {
  try {
    return decodeBody(body);
  } catch (e) {
    if (!(e instanceof ReplayCodeError)) throw e;
    const revision = Number(body.split('\u001f')[1]);
    const reason = e.message;
    return fail('CorruptEvent', `the timeline row of ${stream}@${revision} in ${path} does not decode: ${reason}`, {
      stream,
      revision,
      reason,
    });
  }
};

/** The timeline bodies of a stream dated after `after` up to `upTo`, in timeline order. */
type TimelineBodies = (stream: string, after: string, upTo: string) => Iterable<string>;

/** Timeline rows per statement (see timelineBodies). */
const TIMELINE_PAGE = 1024;

/** A statement for a page of rows, and one for the key (date, revision) of the page's last row. */
type PageStatements<Row> = Readonly<{ rows: Database.Statement<unknown[], Row>; lastKey: Database.Statement<unknown[], [string, number]> }>;

/**
 * Reads a page of rows at a time, each page starting after the last row of the one before by its
 * key (date, revision): handing SQLite's rows over a page at a time costs a third of stepping
 * through them one by one, and a page is bounded where a whole stream is not. The next page's
 * start is read from the table's key, not from the row's body, so a damaged body can neither
 * skip rows nor read one twice. The first page starts after a date, the next ones after a row's
 * key; the page size and the offset of its last row are bound as the last parameter.
 */
function* pagesOf<Row>(first: PageStatements<Row>, next: PageStatements<Row>, stream: string, after: string, upTo: string): Generator<Row> {
  let page = first;
  let from: unknown[] = [stream, after, upTo];
  for (;;) {
    const rows = page.rows.all(...from, TIMELINE_PAGE);
    if (rows.length < TIMELINE_PAGE) return yield* rows;
    const [date, revision] = page.lastKey.get(...from, TIMELINE_PAGE - 1)!;
    yield* rows;
    page = next;
    from = [stream, date, revision, upTo];
  }
}

const LAST_KEY_FIRST =
  'SELECT date, revision FROM timeline WHERE stream = ? AND date > ? AND date <= ? ORDER BY date, revision LIMIT 1 OFFSET ?';
const LAST_KEY_NEXT =
  'SELECT date, revision FROM timeline WHERE stream = ? AND (date, revision) > (?, ?) AND date <= ? ORDER BY date, revision LIMIT 1 OFFSET ?';

const timelineBodies = (db: Database.Database): TimelineBodies => {
  const first = {
    rows: db
      .prepare<unknown[], string>('SELECT body FROM timeline WHERE stream = ? AND date > ? AND date <= ? ORDER BY date, revision LIMIT ?')
      .pluck(),
    lastKey: db.prepare<unknown[], [string, number]>(LAST_KEY_FIRST).raw(),
  };
  const next = {
    rows: db
      .prepare<unknown[], string>(
        'SELECT body FROM timeline WHERE stream = ? AND (date, revision) > (?, ?) AND date <= ? ORDER BY date, revision LIMIT ?',
      )
      .pluck(),
    lastKey: db.prepare<unknown[], [string, number]>(LAST_KEY_NEXT).raw(),
  };
  return (stream, after, upTo) => pagesOf(first, next, stream, after, upTo);
};

/** A timeline row's body, and its envelope's actor, source and note as a JSON array (null when the envelope is not JSON). */
type RecordedRow = [string, string | null];

/** The timeline rows of `timelineBodies`, each with its envelope's own fields, read by its key (stream, revision) in the same statement. */
const recordedTimelineRows = (db: Database.Database): ((stream: string, after: string, upTo: string) => Iterable<RecordedRow>) => {
  const first = {
    rows: db
      .prepare<unknown[], RecordedRow>(
        `SELECT t.body,
                (SELECT CASE WHEN json_valid(e.envelope) THEN json_extract(e.envelope, '$.actor', '$.source', '$.note') END
                   FROM events AS e WHERE e.stream = t.stream AND e.revision = t.revision)
           FROM timeline AS t WHERE t.stream = ? AND t.date > ? AND t.date <= ? ORDER BY t.date, t.revision LIMIT ?`,
      )
      .raw(),
    lastKey: db.prepare<unknown[], [string, number]>(LAST_KEY_FIRST).raw(),
  };
  const next = {
    rows: db
      .prepare<unknown[], RecordedRow>(
        `SELECT t.body,
                (SELECT CASE WHEN json_valid(e.envelope) THEN json_extract(e.envelope, '$.actor', '$.source', '$.note') END
                   FROM events AS e WHERE e.stream = t.stream AND e.revision = t.revision)
           FROM timeline AS t WHERE t.stream = ? AND (t.date, t.revision) > (?, ?) AND t.date <= ? ORDER BY t.date, t.revision LIMIT ?`,
      )
      .raw(),
    lastKey: db.prepare<unknown[], [string, number]>(LAST_KEY_NEXT).raw(),
  };
  return (stream, after, upTo) => pagesOf(first, next, stream, after, upTo);
};

/**
 * An envelope's actor, source and note from their JSON array, or CorruptEvent naming the event
 * when the envelope is no JSON or its actor no text (`verify` words what is wrong with it).
 */
const recordFields = (path: string, stream: string, revision: number, fields: string | null | undefined): EventRecordFields => {
  const [actor, source, note] = (fields ? JSON.parse(fields) : []) as unknown[];
  if (typeof actor !== 'string') {
    const reason = fields === undefined ? 'no envelope' : fields === null ? 'not JSON' : 'no actor';
    return fail('CorruptEvent', `the envelope of ${stream}@${revision} in ${path}: ${reason}`, { stream, revision, reason });
  }
  return { actor, source: typeof source === 'string' ? source : undefined, note: typeof note === 'string' ? note : undefined };
};

/**
 * The DerivedReads of an SQLite store, over the derived tables of schema v2 (sqliteSchema.ts) on
 * the store's own connection; snapshots are written through a second one (see below).
 */
export const sqliteReads = (db: Database.Database, path: string): SqliteReads => {
  const damaged = db.prepare<[string], number>('SELECT 1 FROM damaged WHERE stream = ?').pluck();
  const head = db.prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
  // Rows past a stream's head (left by a cut at its end) count for nothing, as in verify.
  const named = db
    .prepare<[string, string, string, string, string], number>(
      `SELECT 1 FROM mentions AS m
        WHERE ((m.stream = ? AND m.name = ?) OR (m.stream = ? AND m.name = ?)) AND m.recorded_at <= ?
          AND m.revision <= (SELECT MAX(revision) FROM events AS e WHERE e.stream = m.stream)
        LIMIT 1`,
    )
    .pluck();
  const retractions = db
    .prepare<[string], [number, string, number | null, string]>(
      'SELECT revision, target, target_revision, recorded_at FROM retractions WHERE stream = ?',
    )
    .raw();
  const bodies = timelineBodies(db);
  const recordedRows = recordedTimelineRows(db);
  const recordAt = db
    .prepare<[string, number], string | null>(
      "SELECT CASE WHEN json_valid(envelope) THEN json_extract(envelope, '$.actor', '$.source', '$.note') END FROM events WHERE stream = ? AND revision = ?",
    )
    .pluck();
  const snapshotFor = db
    .prepare<[string, string, string, number], SnapshotRaw>(
      'SELECT date, revision, recorded_at, events, state FROM snapshots WHERE stream = ? AND date <= ? AND recorded_at <= ? AND revision <= ? ORDER BY date DESC LIMIT 1',
    )
    .raw();
  const latest = db
    .prepare<[string], SnapshotRaw>(
      'SELECT date, revision, recorded_at, events, state FROM snapshots WHERE stream = ? ORDER BY date DESC LIMIT 1',
    )
    .raw();
  const streams = db.prepare<[], string>(STREAM_NAMES).pluck();

  // Snapshots are written through a second connection that never waits for a lock, so a query
  // is never held up by another process's import. An in-memory database has no second connection.
  let writer: Database.Database | undefined;
  const writerDb = (): Database.Database => {
    if (path === '' || path === ':memory:') return db;
    if (!writer) {
      writer = new Database(path, { timeout: 0, fileMustExist: true });
      writer.pragma('synchronous = NORMAL');
    }
    return writer;
  };

  /**
   * Writes a cache of the stream taken at head `at` in one IMMEDIATE transaction, unless the stream
   * moved since (then it may be stale) or the store cannot take it now (busy, read-only): a cache
   * never waits and never fails a question.
   */
  const cacheWrite = (stream: string, at: number, write: (w: Database.Database) => boolean | void): boolean => {
    try {
      const w = writerDb();
      const save = w.transaction(() => {
        const now = w.prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck().get(stream) ?? -1;
        return now === at && write(w) !== false;
      });
      return save.immediate();
    } catch (e) {
      if (isSqliteError(e) && /^SQLITE_(BUSY|LOCKED|READONLY|CANTOPEN|PERM)/.test(e.code)) return false;
      throw e;
    }
  };

  /**
   * A disposal cache written a batch at a time, each batch its own transaction. The first one
   * puts a build token in the fold row's head_id, which no read takes for the stream's head, and
   * drops the old rows; every batch goes on only while the token is there (another process that
   * starts the same cache replaces it, and this one stops); the last one sets the head's id. So a
   * cache is never read half-written, nor mixed with another build's rows.
   */
  const disposalSink = (stream: string, method: string, at: number): DisposalSink => {
    const token = `building:${randomUUID()}`;
    let seq = 0;
    let alive = true;
    let started = false;
    const batch = (rows: ReadonlyArray<readonly [string, string]>, recordedAt?: string): boolean => {
      alive &&= cacheWrite(stream, at, (w) => {
        if (!started) {
          w.exec(DISPOSAL_CACHE);
          w.prepare<[string, string]>('DELETE FROM disposals WHERE stream = ? AND method = ?').run(stream, method);
          w.prepare<[string, string, number, string]>(
            "INSERT OR REPLACE INTO disposal_folds (stream, method, revision, head_id, recorded_at) VALUES (?, ?, ?, ?, '')",
          ).run(stream, method, at, token);
          started = true;
        } else if (
          w
            .prepare<[string, string], string>('SELECT head_id FROM disposal_folds WHERE stream = ? AND method = ?')
            .pluck()
            .get(stream, method) !== token
        )
          return false;
        const put = w.prepare<[string, string, number, string, string]>(
          'INSERT INTO disposals (stream, method, seq, seller, body) VALUES (?, ?, ?, ?, ?)',
        );
        for (const [seller, body] of rows) put.run(stream, method, seq++, seller, body);
        if (recordedAt !== undefined)
          w.prepare<[string, string, number, string, string, string]>(
            `UPDATE disposal_folds SET recorded_at = ?, head_id = (SELECT id FROM events WHERE stream = ? AND revision = ?)
              WHERE stream = ? AND method = ? AND head_id = ?`,
          ).run(recordedAt, stream, at, stream, method, token);
        return true;
      });
      return alive;
    };
    return { write: (rows) => batch(rows), finish: (recordedAt) => batch([], recordedAt) };
  };

  // The disposal cache's tables exist once a cache was first saved (sqliteSchema.ts).
  let disposalStatements:
    | {
        atHead: Database.Statement<[string, string], string>;
        bySeller: Database.Statement<[string, string, string], CachedDisposal>;
      }
    | undefined;
  const disposalReads = () => {
    if (disposalStatements) return disposalStatements;
    if (!hasTable(db, 'disposal_folds')) return undefined;
    return (disposalStatements = {
      // Folded at the stream's current head: its revision, and the same event there.
      atHead: db
        .prepare<[string, string], string>(
          `SELECT f.recorded_at FROM disposal_folds AS f
            WHERE f.stream = ? AND f.method = ?
              AND f.revision = (SELECT MAX(revision) FROM events WHERE stream = f.stream)
              AND f.head_id = (SELECT id FROM events WHERE stream = f.stream AND revision = f.revision)`,
        )
        .pluck(),
      bySeller: db
        .prepare<[string, string, string], CachedDisposal>(
          'SELECT seq, seller, body FROM disposals WHERE stream = ? AND method = ? AND seller = ? ORDER BY seq',
        )
        .raw(),
    });
  };

  return {
    consistent: (read) => (db.inTransaction ? read() : db.transaction(read).deferred()),
    isDamaged: (stream) => damaged.get(stream) !== undefined,
    head: (stream) => head.get(stream) ?? -1,
    isRegistered: (stream, knownAt) => named.get(stream, REGISTERED, stream, REGISTERED, knownAt) !== undefined,
    // `public` has no mention rows (sqliteTimeline.ts): every ledger knows it.
    isNamed: (streams, holder, knownAt) =>
      holder === PUBLIC || named.get(streams[0], holder, streams[1] ?? streams[0], holder, knownAt) !== undefined,
    retractions: (stream) =>
      retractions.all(stream).map(([revision, target, targetRevision, recordedAt]) => ({ revision, target, targetRevision, recordedAt })),
    *timeline(stream, after, upTo) {
      for (const body of bodies(stream, after, upTo)) yield decodeRow(path, stream, body);
    },
    *timelineWithRecords(stream, after, upTo) {
      for (const [body, fields] of recordedRows(stream, after, upTo)) {
        const entry = decodeRow(path, stream, body);
        yield { ...entry, ...recordFields(path, stream, entry.event.revision, fields) };
      }
    },
    recordAt: (stream, revision) => recordFields(path, stream, revision, recordAt.get(stream, revision)),
    snapshotFor: (stream, asOf, knownAt, head) => toSnapshot(snapshotFor.get(stream, asOf, knownAt, head)),
    latestSnapshot: (stream) => toSnapshot(latest.get(stream)),
    saveSnapshots(stream, at, snapshots) {
      if (snapshots.length === 0) return false;
      return cacheWrite(stream, at, (w) => {
        const put = w.prepare<[string, string, number, string, number, string]>(
          'INSERT OR REPLACE INTO snapshots (stream, date, revision, recorded_at, events, state) VALUES (?, ?, ?, ?, ?, ?)',
        );
        for (const s of snapshots) put.run(stream, s.date, s.revision, s.recordedAt, s.events, s.state);
      });
    },
    disposalCache(stream, method) {
      const reads = disposalReads();
      const recordedAt = reads?.atHead.get(stream, method);
      if (reads === undefined || recordedAt === undefined) return undefined;
      return {
        recordedAt,
        of: (sellers) => sellers.flatMap((seller) => reads.bySeller.all(stream, method, seller)).sort((a, b) => a[0] - b[0]),
      };
    },
    keepDisposals: (stream, method, at) => disposalSink(stream, method, at),
    streams: () => streams.all(),
    ...holderReads(bodies, db, path),
    close() {
      if (writer?.open) writer.close();
    },
  };
};

// ---- the rows of one holder (proceeds, history) ----

const SEP = '\u001f';

/**
 * The rows are picked in JavaScript, by text, as they are read: an SQL function per row (instr,
 * glob, substr) costs more than handing SQLite's row over, and more again per holder asked about.
 */
const holderReads = (
  bodies: TimelineBodies,
  db: Database.Database,
  path: string,
): Pick<DerivedReads, 'streamsNaming' | 'timelineTouching'> => {
  const naming = db
    .prepare<[string, string], string>('SELECT stream FROM mentions WHERE name = ? AND recorded_at <= ? ORDER BY stream')
    .pluck();
  return {
    streamsNaming: (holder, knownAt) => (holder === PUBLIC ? [] : naming.all(holder, knownAt)),
    *timelineTouching(stream, after, upTo, holders, types: ReadonlyArray<EventType>) {
      const letters = new Set(types.filter((t) => t !== 'EventRetracted').map((t) => typeLetter(t).charCodeAt(0)));
      // A holder as a whole field (between separators, or the last one), or as a JSON string of the JSON form.
      const inside = holders.flatMap((h) => [`${SEP}${h}${SEP}`, JSON.stringify(h)]);
      const last = holders.map((h) => `${SEP}${h}`);
      for (const body of bodies(stream, after, upTo)) {
        // The type letter: the body is date (10) ␟ revision ␟ recordedAt (24) ␟ id (36) ␟ letter… (sqliteTimeline.ts).
        const letter = body.charCodeAt(body.indexOf(SEP, 11) + 63);
        if (!letters.has(letter) && !inside.some((p) => body.includes(p)) && !last.some((p) => body.endsWith(p))) continue;
        const entry = decodeRow(path, stream, body);
        if (entry.event.type !== 'EventRetracted') yield entry;
      }
    },
  };
};
