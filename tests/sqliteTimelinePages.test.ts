import { beforeAll, describe, expect, it } from 'vitest';
import { END_OF_TIME } from '../projections/timeline.js';
import { openSqliteStore } from '../src/store/sqliteStore.js';
import { copyOf, fixtureFile, tamper } from './integrity/fixtureLedger.js';

/**
 * The SQLite store reads a stream's timeline rows a calendar month per statement
 * (src/store/sqliteReads.ts): the same rows, in the same order, as one statement over the whole
 * range, and a read that always moves on, whatever a damaged row's date column holds.
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

describe('timeline rows a month at a time', () => {
  it('are the rows of one statement over the range, in order, for any bounds', () => {
    const bounds = ['', '2015-01-01', '2023-06-30', '2023-07-05', '2023-07-31', '2023-12-31', END_OF_TIME];
    for (const after of bounds)
      for (const upTo of bounds) {
        if (upTo < after) continue;
        const { paged, whole } = read(pristine, after, upTo);
        expect(paged, `(${after}, ${upTo}]`).toEqual(whole);
      }
    expect(read(pristine, '', END_OF_TIME).whole.length).toBeGreaterThan(5);
  });

  it('move on past a damaged row whose date sorts after its month (2023-07-99)', () => {
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
});
