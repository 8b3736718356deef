import { beforeAll, describe, expect, it } from 'vitest';
import { END_OF_TIME } from '../projections/timeline.js';
import { openSqliteStore } from '../src/store/sqliteStore.js';
import { copyOf, fixtureFile, tamper } from './integrity/fixtureLedger.js';

/**
 * The SQLite store reads a stream's timeline rows a page per statement, each page after the last
 * row of the one before (src/store/sqliteReads.ts): the same rows, in the same order, as one
 * statement over the whole range, whatever a damaged row's columns or body hold.
 */

let pristine: string;
beforeAll(async () => {
  pristine = await fixtureFile();
});

const STREAM = 'issuer-acme';

/** The revisions the derived reads give for the stream in (after, upTo], and the rows one SQL statement gives. */
const read = (file: string, after: string, upTo: string) => {
  const whole = tamper(file, (db) =>
    db
      .prepare<[string, string, string], number>(
        'SELECT revision FROM timeline WHERE stream = ? AND date > ? AND date <= ? ORDER BY date, revision',
      )
      .pluck()
      .all(STREAM, after, upTo),
  );
  const store = openSqliteStore(file);
  try {
    return { paged: [...store.derivedReads!.timeline(STREAM, after, upTo)].map((entry) => entry.event.revision), whole };
  } finally {
    void store.close();
  }
};

/** Each range (after, upTo] between two of `bounds` reads the rows one statement gives. */
const readsEveryRange = (file: string, bounds: string[]): void => {
  for (const after of bounds)
    for (const upTo of bounds) {
      if (upTo < after) continue;
      const { paged, whole } = read(file, after, upTo);
      expect(paged, `(${after}, ${upTo}]`).toEqual(whole);
    }
};

describe('timeline rows a page at a time', () => {
  it('are the rows of one statement over the range, in order, for any bounds', () => {
    readsEveryRange(pristine, ['', '2015-01-01', '2023-06-30', '2023-07-05', '2023-07-31', '2023-12-31', END_OF_TIME]);
    expect(read(pristine, '', END_OF_TIME).whole.length).toBeGreaterThan(5);
  });

  it('move on past a damaged row whose date is no date (2023-07-99)', () => {
    const file = copyOf(pristine);
    const last = tamper(file, (db) => {
      const revision = db.prepare<[string], number>('SELECT MAX(revision) FROM timeline WHERE stream = ?').pluck().get(STREAM)!;
      db.prepare("UPDATE timeline SET date = '2023-07-99' WHERE stream = ? AND revision = ?").run(STREAM, revision);
      return revision;
    });
    const { paged, whole } = read(file, '', END_OF_TIME);
    expect(paged).toEqual(whole);
    expect(paged).toContain(last);
  });

  /**
   * Adds `count` rows to the stream, several a day from 2030-01-01 on: copies of its first row's
   * body with their own date and revision (from 100,000 on), so that a read spans many pages; and
   * at each revision an envelope holding only an actor and a source named for it.
   */
  const manyRows = (file: string, count: number): void =>
    tamper(file, (db) => {
      const template = db
        .prepare<[string], string>('SELECT body FROM timeline WHERE stream = ? ORDER BY date, revision LIMIT 1')
        .pluck()
        .get(STREAM)!
        .split('\u001f');
      const put = db.prepare('INSERT INTO timeline (stream, date, revision, body) VALUES (?, ?, ?, ?)');
      const envelope = db.prepare('INSERT INTO events (stream, revision, id, envelope) VALUES (?, ?, ?, ?)');
      for (let i = 0; i < count; i++) {
        const date = new Date(Date.UTC(2030, 0, 1 + Math.floor(i / 7))).toISOString().slice(0, 10);
        // Revisions not in date order within a day, so the order on the page is the key's, not the insertion's.
        const revision = 100_000 + i - (i % 7) + ((i * 3) % 7);
        put.run(STREAM, date, revision, [date, String(revision), ...template.slice(2)].join('\u001f'));
        envelope.run(STREAM, revision, `many-${revision}`, JSON.stringify({ actor: `actor-${revision}`, source: `source-${revision}` }));
      }
    });

  it('are the rows of one statement across many pages, for bounds inside and between them', () => {
    const file = copyOf(pristine);
    manyRows(file, 5_000);
    readsEveryRange(file, ['', '2023-07-05', '2030-01-01', '2030-03-15', '2030-06-30', '2031-04-10', END_OF_TIME]);
    expect(read(file, '', END_OF_TIME).whole.length).toBeGreaterThan(5_000);
  });

  it('read every row once when the bodies name other dates and revisions than their rows', () => {
    const file = copyOf(pristine);
    manyRows(file, 5_000);
    // Each added row's body claims a key after every row: a read that took its next page's start
    // from the last body would skip the rest of the stream.
    tamper(file, (db) =>
      db
        .prepare(
          `UPDATE timeline SET body = '2035-01-01' || char(31) || '999999' || substr(body, instr(substr(body, 12), char(31)) + 11)
            WHERE stream = ? AND revision >= 100000`,
        )
        .run(STREAM),
    );
    const { paged, whole } = read(file, '', END_OF_TIME);
    expect(paged).toHaveLength(whole.length);
  });

  it("with their envelopes' actor, source and note: the same rows, each with its own", () => {
    const file = copyOf(pristine);
    manyRows(file, 3_000);
    const store = openSqliteStore(file);
    try {
      const reads = store.derivedReads!;
      const bounds = ['', '2023-07-05', '2030-03-15', END_OF_TIME];
      for (const after of bounds)
        for (const upTo of bounds.filter((b) => b >= after)) {
          const recorded = [...reads.timelineWithRecords(STREAM, after, upTo)];
          expect(recorded.map(({ event, recordedAt }) => ({ event, recordedAt }))).toEqual([...reads.timeline(STREAM, after, upTo)]);
          for (const r of recorded)
            expect(reads.recordAt(STREAM, r.event.revision)).toEqual({ actor: r.actor, source: r.source, note: r.note });
        }
      const all = [...reads.timelineWithRecords(STREAM, '', END_OF_TIME)];
      expect(all.length).toBeGreaterThan(3_000);
      const added = all.filter((r) => r.event.revision >= 100_000);
      expect(
        added.every((r) => r.actor === `actor-${r.event.revision}` && r.source === `source-${r.event.revision}` && r.note === undefined),
      ).toBe(true);
    } finally {
      void store.close();
    }
  });

  it("with their envelopes' fields: as the envelopes have them, and CorruptEvent for one that is not JSON", async () => {
    const file = copyOf(pristine);
    const store = openSqliteStore(file);
    let revision: number;
    try {
      const envelopes = await store.readStream(STREAM);
      const recorded = [...store.derivedReads!.timelineWithRecords(STREAM, '', END_OF_TIME)];
      expect(recorded).toHaveLength(envelopes.length);
      for (const r of recorded) {
        const e = envelopes.find((x) => x.revision === r.event.revision)!;
        expect({ actor: r.actor, source: r.source, note: r.note }).toEqual({ actor: e.actor, source: e.source, note: e.note });
      }
      expect(recorded.some((r) => r.source !== undefined)).toBe(true);
      revision = recorded[recorded.length - 1]!.event.revision;
    } finally {
      await store.close();
    }
    tamper(file, (db) => db.prepare("UPDATE events SET envelope = '{not json' WHERE stream = ? AND revision = ?").run(STREAM, revision));
    const damaged = openSqliteStore(file);
    try {
      const reads = damaged.derivedReads!;
      const corrupt = expect.objectContaining({
        problem: expect.objectContaining({ kind: 'CorruptEvent', details: { stream: STREAM, revision, reason: 'not JSON' } }),
      });
      expect(() => [...reads.timelineWithRecords(STREAM, '', END_OF_TIME)]).toThrow(corrupt);
      expect(() => reads.recordAt(STREAM, revision)).toThrow(corrupt);
      expect(reads.recordAt(STREAM, 0).actor).toEqual(expect.any(String));
      expect(() => reads.recordAt(STREAM, 10_000)).toThrow(/issuer-acme@10000 .*: no envelope/);
    } finally {
      await damaged.close();
    }
  });
});
