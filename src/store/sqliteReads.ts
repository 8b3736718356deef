import Database from 'better-sqlite3';

/** A stored snapshot of an issuer's state at the end of `date` (see src/snapshots.ts). */
export type SnapshotRow = Readonly<{
  date: string;
  /** The stream's head when it was taken. */
  revision: number;
  /** The latest recordedAt of any event it depends on: usable only for a knownAt at or after it. */
  recordedAt: string;
  /** How many events it folds (for diagnostics). */
  events: number;
  state: string;
}>;

/**
 * Reads of the derived tables of schema v2 (sqliteSchema.ts), for the queries' fast path. Only
 * the SQLite store has them; callers wrap a question's reads in `consistent` so they all see one
 * state of the file even while another process appends.
 */
export interface SqliteReads {
  consistent<A>(read: () => A): A;
  /** Whether the stream had rows that did not decode at migration (then use the envelope path). */
  isDamaged(stream: string): boolean;
  /** The stream's last revision, -1 when it has no events. */
  head(stream: string): number;
  /** Whether an event of one of `streams` (at most two) recorded by `knownAt` names `name`. */
  isNamed(streams: ReadonlyArray<string>, name: string, knownAt: string): boolean;
  /** Every retraction of the stream: [its revision, retracted id, the id's revision or null, recordedAt]. */
  retractions(stream: string): Array<[number, string, number | null, string]>;
  /** The bodies of the stream's timeline rows dated in (after, upTo], in timeline order. */
  timeline(stream: string, after: string, upTo: string): IterableIterator<string>;
  /**
   * The latest snapshot dated ≤ asOf that a question as known at `knownAt` may use, of those
   * taken at a revision the stream still has (`head`).
   */
  snapshotFor(stream: string, asOf: string, knownAt: string, head: number): SnapshotRow | undefined;
  /** The latest snapshot of the stream, whatever its recordedAt (for a refresh with full knowledge). */
  latestSnapshot(stream: string): SnapshotRow | undefined;
  /**
   * Stores snapshots taken while the stream's head was `head`, in their own transaction, unless
   * the stream moved since (then they may be stale) or the file is busy or read-only (a cache
   * never waits and never fails a query). Returns whether they were stored.
   */
  saveSnapshots(stream: string, head: number, snapshots: ReadonlyArray<SnapshotRow>): boolean;
  /** Every stream name, sorted. */
  streams(): string[];
  /** Closes the snapshot writer's connection (the store closes its own). */
  close(): void;
}

type SnapshotRaw = [string, number, string, number, string];
const toSnapshot = (r: SnapshotRaw | undefined): SnapshotRow | undefined =>
  r && { date: r[0], revision: r[1], recordedAt: r[2], events: r[3], state: r[4] };

const isSqliteError = (e: unknown): e is InstanceType<typeof Database.SqliteError> => e instanceof Database.SqliteError;

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
  const timeline = db
    .prepare<[string, string, string], string>(
      'SELECT body FROM timeline WHERE stream = ? AND date > ? AND date <= ? ORDER BY date, revision',
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
  // One index probe per stream (a skip scan), not a pass over every event.
  const streams = db
    .prepare<[], string>(
      `WITH RECURSIVE s (stream) AS (
         SELECT MIN(stream) FROM events
         UNION ALL
         SELECT (SELECT MIN(stream) FROM events WHERE stream > s.stream) FROM s WHERE s.stream IS NOT NULL
       )
       SELECT stream FROM s WHERE stream IS NOT NULL`,
    )
    .pluck();

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

  return {
    consistent: (read) => (db.inTransaction ? read() : db.transaction(read).deferred()),
    isDamaged: (stream) => damaged.get(stream) !== undefined,
    head: (stream) => head.get(stream) ?? -1,
    isNamed: (streams, name, knownAt) => named.get(streams[0]!, name, streams[1] ?? streams[0]!, name, knownAt) !== undefined,
    retractions: (stream) => retractions.all(stream),
    timeline: (stream, after, upTo) => timeline.iterate(stream, after, upTo),
    snapshotFor: (stream, asOf, knownAt, head) => toSnapshot(snapshotFor.get(stream, asOf, knownAt, head)),
    latestSnapshot: (stream) => toSnapshot(latest.get(stream)),
    saveSnapshots(stream, at, snapshots) {
      if (snapshots.length === 0) return false;
      try {
        const w = writerDb();
        const save = w.transaction(() => {
          const now = w.prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck().get(stream) ?? -1;
          if (now !== at) return false;
          const put = w.prepare<[string, string, number, string, number, string]>(
            'INSERT OR REPLACE INTO snapshots (stream, date, revision, recorded_at, events, state) VALUES (?, ?, ?, ?, ?, ?)',
          );
          for (const s of snapshots) put.run(stream, s.date, s.revision, s.recordedAt, s.events, s.state);
          return true;
        });
        return save.immediate();
      } catch (e) {
        if (isSqliteError(e) && /^SQLITE_(BUSY|LOCKED|READONLY|CANTOPEN|PERM)/.test(e.code)) return false;
        throw e;
      }
    },
    streams: () => streams.all(),
    close() {
      if (writer?.open) writer.close();
    },
  };
};
