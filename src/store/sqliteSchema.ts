import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/index.js';
import { decodeStoredFast } from '../../events/storedFast.js';
import { bodyOf, deriveRow } from './sqliteTimeline.js';

/**
 * Schema v3 of the SQLite store (user_version 3).
 *
 * `events` is exactly as in v1: the envelope JSON is the record (hash chain, export, verify). The
 * other tables are derived from each validated event in the transaction that appends it, so they
 * are never ahead of or behind the envelopes:
 * - `timeline`: one row per event, keyed (stream, date, revision) — the stream's timeline order —
 *   whose body holds date, revision, recordedAt, id and the compact replay code (sqliteTimeline.ts).
 *   A query reads only the dates it needs, in order, without parsing envelopes or sorting.
 * - `retractions`: (stream, revision) → the id retracted (and its revision), and when the
 *   retraction was recorded.
 * - `mentions`: (stream, name) → the earliest recordedAt of an event of the stream naming the
 *   holder (or REGISTERED for the issuer's registration), and that event's revision: the
 *   unknown-holder and unknown-issuer checks without reading a stream.
 * - `snapshots`: an issuer's state at the end of a date (src/snapshots.ts). A cache: the append
 *   that could make one wrong deletes it in the same transaction.
 * - `disposal_folds` and `disposals` (DISPOSAL_CACHE): every disposal of an issuer stream under
 *   one cost method, as its head folds them with full knowledge (src/disposalCache.ts). A cache,
 *   tied to the head it folds (revision and id): an append makes it unused, never wrong. Created on
 *   first use, so a file without them (written before they existed) is still schema v3.
 * - `damaged`: streams with a v1 row that did not decode at migration. Their derived rows are
 *   incomplete, so their queries take the envelope path (which reports the CorruptEvent).
 */

const EVENTS = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    envelope TEXT    NOT NULL,
    UNIQUE (stream, revision)
  );`;

const DERIVED = `
  CREATE TABLE IF NOT EXISTS timeline (
    stream      TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    PRIMARY KEY (stream, date, revision)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS retractions (
    stream      TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    target      TEXT    NOT NULL,
    -- the target's revision when it is an earlier event of the same stream (always, for the
    -- ledger's own appends); NULL otherwise, and then readers match by id
    target_revision INTEGER,
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (stream, revision)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS mentions (
    stream      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    PRIMARY KEY (stream, name)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS snapshots (
    stream      TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    recorded_at TEXT    NOT NULL,
    events      INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    UNIQUE (stream, date)
  );
  CREATE TABLE IF NOT EXISTS damaged (stream TEXT PRIMARY KEY) WITHOUT ROWID;`;

/** The disposal cache's tables (see above): `disposals` in fold order, and by seller. */
export const DISPOSAL_CACHE = `
  CREATE TABLE IF NOT EXISTS disposal_folds (
    stream      TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    head_id     TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (stream, method)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS disposals (
    stream      TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    seller      TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    PRIMARY KEY (stream, method, seq)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS disposals_by_seller ON disposals (stream, method, seller, seq);`;

/** Whether the file has the table (the disposal cache's are created on first use; a v1 file has no derived tables). */
export const hasTable = (db: Database.Database, name: string): boolean =>
  db.prepare<[string], number>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) !== undefined;

/** Every stream's name, sorted: one index probe per stream (a skip scan), not a pass over every event. */
export const STREAM_NAMES = `WITH RECURSIVE s (stream) AS (
    SELECT MIN(stream) FROM events
    UNION ALL
    SELECT (SELECT MIN(stream) FROM events WHERE stream > s.stream) FROM s WHERE s.stream IS NOT NULL
  )
  SELECT stream FROM s WHERE stream IS NOT NULL`;

/** Statements that write the derived rows of one event, prepared once per connection. */
export type DerivedWriter = Readonly<{
  /** Writes the timeline and retraction rows, and collects the mentions (flushed by `flush`). */
  add: (event: StoredEvent) => void;
  /** Upserts the mentions collected since the last flush. */
  flush: () => void;
}>;

export const derivedWriter = (db: Database.Database): DerivedWriter => {
  const timeline = db.prepare<[string, string, number, string]>('INSERT INTO timeline (stream, date, revision, body) VALUES (?, ?, ?, ?)');
  const retraction = db.prepare<[string, number, string, number | null, string]>(
    'INSERT INTO retractions (stream, revision, target, target_revision, recorded_at) VALUES (?, ?, ?, ?, ?)',
  );
  const targetRevision = db
    .prepare<[string, string, number], number>('SELECT revision FROM events WHERE id = ? AND stream = ? AND revision < ?')
    .pluck();
  const mention = db.prepare<[string, string, string, number]>(
    `INSERT INTO mentions (stream, name, recorded_at, revision) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream, name) DO UPDATE SET recorded_at = excluded.recorded_at, revision = excluded.revision
       WHERE excluded.recorded_at < mentions.recorded_at`,
  );
  // One upsert per (stream, name) per append call, at its earliest recordedAt: an import names the
  // same few thousand holders a million times.
  const pending = new Map<string, Map<string, { recordedAt: string; revision: number }>>();
  return {
    add(e) {
      const derived = deriveRow(e);
      timeline.run(e.stream, e.date, e.revision, derived.body);
      if (derived.retracts !== undefined)
        retraction.run(
          e.stream,
          e.revision,
          derived.retracts,
          targetRevision.get(derived.retracts, e.stream, e.revision) ?? null,
          e.recordedAt,
        );
      if (derived.mentions.length === 0) return;
      let names = pending.get(e.stream);
      if (!names) pending.set(e.stream, (names = new Map()));
      for (const name of derived.mentions) {
        const known = names.get(name);
        if (known === undefined || e.recordedAt < known.recordedAt) names.set(name, { recordedAt: e.recordedAt, revision: e.revision });
      }
    },
    flush() {
      for (const [stream, names] of pending) for (const [name, first] of names) mention.run(stream, name, first.recordedAt, first.revision);
      pending.clear();
    },
  };
};

/** Rows read per page while migrating: bounded memory on a million-event file. */
const MIGRATION_PAGE = 5_000;

/**
 * Every stored envelope that decodes and sits where it says (stream, revision), in position
 * order, read by pages; the stream of any other row is marked damaged (its queries then take the
 * envelope path, which reports the CorruptEvent).
 */
const forEachStoredEvent = (db: Database.Database, visit: (e: StoredEvent) => void): void => {
  const page = db
    .prepare<[number, number], [number, string, number, string]>(
      'SELECT position, stream, revision, envelope FROM events WHERE position > ? ORDER BY position LIMIT ?',
    )
    .raw();
  const damage = db.prepare<[string]>('INSERT OR IGNORE INTO damaged (stream) VALUES (?)');
  for (let after = 0; ;) {
    const rows = page.all(after, MIGRATION_PAGE);
    for (const [, stream, revision, envelope] of rows) {
      let decoded: StoredEvent | undefined;
      try {
        const result = decodeStoredFast(JSON.parse(envelope));
        // A row filed under another place than its envelope names is verify's to report.
        if (result.ok && result.value.stream === stream && result.value.revision === revision) decoded = result.value;
      } catch {
        decoded = undefined;
      }
      if (decoded) visit(decoded);
      else damage.run(stream);
    }
    if (rows.length < MIGRATION_PAGE) break;
    after = rows[rows.length - 1]![0];
  }
};

/**
 * Creates the schema, or brings an older file to the current version. Runs inside the caller's
 * IMMEDIATE transaction: a crash leaves the file as it was.
 * - v1 → v3: derives the new tables from every stored envelope.
 * - v2 → v3: rewrites every timeline row from its envelope (only the rows' layout changed; the
 *   other derived tables stay).
 */
export const migrate = (db: Database.Database, from: number): void => {
  db.exec(EVENTS);
  db.exec(DERIVED);
  if (from < 1) {
    db.exec(DISPOSAL_CACHE);
    return;
  }
  if (from === 1) {
    const writer = derivedWriter(db);
    forEachStoredEvent(db, (e) => writer.add(e));
    writer.flush();
    return;
  }
  if (from === 2) {
    db.exec('DELETE FROM timeline');
    const timeline = db.prepare<[string, string, number, string]>(
      'INSERT INTO timeline (stream, date, revision, body) VALUES (?, ?, ?, ?)',
    );
    forEachStoredEvent(db, (e) => timeline.run(e.stream, e.date, e.revision, bodyOf(e)));
  }
};
