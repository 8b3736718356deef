import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isLedgerError, type Problem } from '../src/domain/problem.js';
import { recordOfEvent, recordsOf } from '../src/store/eventStore.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqliteStore.js';
import { batchOf, issuerRegistered, moreIssues, newIssuerHistory, seal, sharesIssued, withId } from './fixtures/sealed.js';
import { describeStoreContract } from './storeContract.js';
import { withStore } from './support/sqliteFile.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-sqlite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshPath = (): string => path.join(dir, `ledger-${++files}.db`);

const problemOf = async (operation: Promise<unknown>): Promise<Problem> => {
  try {
    await operation;
  } catch (e) {
    if (isLedgerError(e)) return e.problem;
    throw e;
  }
  throw new Error('expected the store to reject the operation');
};

describeStoreContract('sqlite', async () => openSqliteStore(freshPath()));

describe('SQLite store', () => {
  it('creates its file on first use, readable by its owner only', async () => {
    const file = freshPath();
    await withStore(file, async (store) => {
      await store.append([batchOf(newIssuerHistory(0).events, -1)]);
      // SQLite gives its -wal and -shm files the mode of the database file.
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    });
  });

  it('runs in WAL mode with synchronous=FULL and waits for other writers', async () => {
    const file = freshPath();
    const store = openSqliteStore(file);
    try {
      expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 10_000 });
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
  });

  it('keeps the events through close and reopen', async () => {
    const file = freshPath();
    const history = newIssuerHistory(2);
    await withStore(file, (store) => store.append([batchOf(history.events, -1)]));

    await withStore(file, async (store) => {
      expect(await store.readStream(history.stream)).toEqual(history.events);
      expect(await store.heads()).toEqual([{ stream: history.stream, revision: 2, hash: history.events[2]!.hash }]);
    });
  });

  it('lets two stores on one file see each other and rejects the stale writer', async () => {
    const file = freshPath();
    const history = newIssuerHistory(0);
    await withStore(file, async (first) =>
      withStore(file, async (second) => {
        await first.append([batchOf(history.events, -1)]);
        expect(await second.readStream(history.stream)).toEqual(history.events);

        const fromFirst = moreIssues(history, history.events, 1);
        const fromSecond = moreIssues(history, history.events, 1);
        await first.append([batchOf(fromFirst, 0)]);
        const problem = await problemOf(second.append([batchOf(fromSecond, 0)]));

        expect(problem.kind).toBe('VersionConflict');
        expect(problem.details).toEqual({ stream: history.stream, expectedRevision: 0, actualRevision: 1 });
        expect(await second.readStream(history.stream)).toEqual([...history.events, ...fromFirst]);
      }),
    );
  });

  it('delivers to a subscriber events appended through another store on the same file', async () => {
    const file = freshPath();
    const history = newIssuerHistory(0);
    await withStore(file, async (reader) =>
      withStore(file, async (writer) => {
        const controller = new AbortController();
        const seen: string[] = [];
        const consumed = (async () => {
          for await (const event of reader.subscribe({ signal: controller.signal })) {
            seen.push(event.id);
            if (seen.length === history.events.length) controller.abort();
          }
        })();
        await writer.append([batchOf(history.events, -1)]);
        await consumed;
        expect(seen).toEqual(history.events.map((e) => e.id));
      }),
    );
  });

  it('reports an envelope edited so it no longer decodes as CorruptEvent, naming stream and revision', async () => {
    const file = freshPath();
    const history = newIssuerHistory(2);
    await withStore(file, (store) => store.append([batchOf(history.events, -1)]));
    const db = new Database(file);
    db.prepare(`UPDATE events SET envelope = json_set(envelope, '$.data.shares', '-5') WHERE stream = ? AND revision = 1`).run(
      history.stream,
    );
    db.close();

    await withStore(file, async (store) => {
      const problem = await problemOf(store.readStream(history.stream));
      expect(problem.kind).toBe('CorruptEvent');
      expect(problem.message).toContain(`${history.stream}@1`);
      expect(problem.message).toContain('data.shares');
      expect(problem.details).toMatchObject({ stream: history.stream, revision: 1 });
      expect((await problemOf(store.findEvent(history.events[1]!.id))).kind).toBe('CorruptEvent');
    });
  });

  it('reports an envelope that is not JSON any more as CorruptEvent', async () => {
    const file = freshPath();
    const history = newIssuerHistory(0);
    await withStore(file, (store) => store.append([batchOf(history.events, -1)]));
    const db = new Database(file);
    db.prepare(`UPDATE events SET envelope = substr(envelope, 2)`).run();
    db.close();

    await withStore(file, async (store) => {
      const problem = await problemOf(
        (async () => {
          for await (const _ of store.readAll());
        })(),
      );
      expect(problem.kind).toBe('CorruptEvent');
      expect(problem.message).toContain(`${history.stream}@0`);
    });
  });

  it("reads a stream's records from the envelopes' fields as decoding them gives, across pages", async () => {
    const file = freshPath();
    const history = newIssuerHistory(2_500);
    await withStore(file, async (store) => {
      await store.append([batchOf(history.events, -1)]);
      const records = [];
      for await (const r of store.iterateRecords(history.stream, ['IssuerRegistered'])) records.push(r);
      const whole = [];
      for await (const r of recordsOf({ ...store, iterateRecords: undefined }, history.stream, ['IssuerRegistered'])) whole.push(r);
      expect(records).toEqual(whole.map((r) => ({ ...r, event: r.event?.type === 'IssuerRegistered' ? r.event : undefined })));
      expect(records.map((r) => r.revision)).toEqual(history.events.map((e) => e.revision));
    });
  });

  const RECORD_DAMAGE: Record<string, string> = {
    'is not JSON': `substr(envelope, 2)`,
    'has a number for actor': `json_set(envelope, '$.actor', 5)`,
    'has a recordedAt that is no instant': `json_set(envelope, '$.recordedAt', '2023-02-30T00:00:00.000Z')`,
    'has an empty source': `json_set(envelope, '$.source', '')`,
    'has an object for note': `json_set(envelope, '$.note', json('{"text":"x"}'))`,
    'is an array': `'[]'`,
  };
  /** A store holding an issuer's first three events, the envelope at revision 2 changed by the SQL expression `edit`. */
  const withEditedEnvelope = async (edit: string, work: (store: SqliteStore, stream: string) => Promise<void>): Promise<void> => {
    const file = freshPath();
    const history = newIssuerHistory(3);
    await withStore(file, (store) => store.append([batchOf(history.events, -1)]));
    const db = new Database(file);
    db.prepare(`UPDATE events SET envelope = ${edit} WHERE stream = ? AND revision = 2`).run(history.stream);
    db.close();
    await withStore(file, (store) => work(store, history.stream));
  };

  for (const [what, edit] of Object.entries(RECORD_DAMAGE))
    it(`reports a record whose envelope ${what} as CorruptEvent, as reading the stream does`, async () => {
      await withEditedEnvelope(edit, async (store, stream) => {
        const read = await problemOf(store.readStream(stream));
        const records = await problemOf(
          (async () => {
            for await (const _ of store.iterateRecords(stream, [])) {
              /* read through */
            }
          })(),
        );
        expect(read.kind).toBe('CorruptEvent');
        expect(records).toEqual(read);
      });
    });

  // Envelopes that decode, whose record fields the reader must read as decoding does.
  const RECORD_EDITS: Record<string, [edit: string, check: (decoded: ReadonlyArray<{ actor: string; source?: string }>) => void]> = {
    "repeats a field's key (the last one counts, as for verify)": [
      `'{"actor":"mallory",' || substr(envelope, 2)`,
      (decoded) => expect(decoded[2]!.actor).not.toBe('mallory'),
    ],
    'has a null source': [
      `json_set(envelope, '$.source', json('null'))`,
      (decoded) => expect(decoded[2]!.source ?? undefined).toBeUndefined(),
    ],
  };
  for (const [what, [edit, check]] of Object.entries(RECORD_EDITS))
    it(`reads a record whose envelope ${what} as decoding it does`, async () => {
      await withEditedEnvelope(edit, async (store, stream) => {
        const records = [];
        for await (const r of store.iterateRecords(stream, [])) records.push({ ...r, event: undefined });
        const decoded = await store.readStream(stream);
        check(decoded);
        expect(records).toEqual(decoded.map((e) => ({ ...recordOfEvent(e), event: undefined })));
      });
    });

  it('leaves no rows when a batch fails midway through the transaction', async () => {
    const file = freshPath();
    const stored = newIssuerHistory(0);
    const fresh = newIssuerHistory(0);
    await withStore(file, async (store) => {
      await store.append([batchOf(stored.events, -1)]);
      // The third event repeats a stored id: the first two were already inserted when it fails.
      const events = seal(
        fresh.stream,
        [],
        [issuerRegistered(fresh.issuer), sharesIssued(fresh.issuer), withId(sharesIssued(fresh.issuer), stored.events[0]!.id)],
      );
      const problem = await problemOf(store.append([batchOf(events, -1)]));
      expect(problem.kind).toBe('DuplicateEventId');
    });
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM events WHERE stream = ?').pluck().get(fresh.stream)).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1);
    db.close();
  });

  it('reads every event of a ledger larger than one page, in order', async () => {
    const file = freshPath();
    const history = newIssuerHistory(2_500);
    await withStore(file, async (store) => {
      await store.append([batchOf(history.events, -1)]);
      const read: number[] = [];
      for await (const event of store.readAll()) read.push(event.revision);
      expect(read).toEqual(history.events.map((e) => e.revision));
    });
  });

  it('lets a reader append while it is still reading the whole ledger', async () => {
    const file = freshPath();
    const history = newIssuerHistory(1_500);
    await withStore(file, async (store) => {
      await store.append([batchOf(history.events, -1)]);
      let appended = false;
      let count = 0;
      for await (const _ of store.readAll()) {
        count += 1;
        if (!appended) {
          await store.append([batchOf(moreIssues(history, history.events, 1))]);
          appended = true;
        }
      }
      // readAll lists the events stored when it began.
      expect(count).toBe(history.events.length);
      expect(await store.readStream(history.stream)).toHaveLength(history.events.length + 1);
    });
  });

  it('treats a batch that does not continue its stream as a bug, not a conflict', async () => {
    const history = newIssuerHistory(1);
    await withStore(freshPath(), async (store) => {
      await expect(store.append([batchOf(history.events, 0)])).rejects.toThrow(/^bug: /);
      expect(await store.readStream(history.stream)).toEqual([]);
    });
  });

  it('reports a file it cannot open as StoreUnavailable, naming the path', async () => {
    const file = path.join(dir, 'no-such-dir', 'ledger.db');
    const problem = await problemOf((async () => openSqliteStore(file))());
    expect(problem.kind).toBe('StoreUnavailable');
    expect(problem.message).toContain(file);
  });

  it('reports a file that is not a SQLite database as StoreUnavailable', async () => {
    const file = freshPath();
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    const problem = await problemOf((async () => openSqliteStore(file))());
    expect(problem.kind).toBe('StoreUnavailable');
    expect(problem.message).toContain(file);
  });

  it('reports a file locked by another writer beyond the timeout as StoreUnavailable', async () => {
    const file = freshPath();
    const store = openSqliteStore(file, { busyTimeoutMs: 200 });
    try {
      const locker = new Database(file);
      locker.exec('BEGIN IMMEDIATE');
      try {
        const history = newIssuerHistory(0);
        const problem = await problemOf(store.append([batchOf(history.events, -1)]));
        expect(problem.kind).toBe('StoreUnavailable');
        expect(problem.message).toContain(file);
      } finally {
        locker.exec('ROLLBACK');
        locker.close();
      }
    } finally {
      await store.close();
    }
  });
});
