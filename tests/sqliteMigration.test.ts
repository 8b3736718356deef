import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLedger } from './support/ledgerGenerator/generate.js';
import { shapeNamed } from './support/ledgerGenerator/shapes.js';
import { digestOf } from '../src/integrity/digest.js';
import { verifyLedger } from '../src/integrity/verify.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import { queryCapTable, queryStake } from '../src/queries.js';
import { refreshSnapshots, snapshotPolicy } from '../src/snapshots.js';
import type { EventStore } from '../src/store/eventStore.js';
import { withStore } from './support/sqliteFile.js';

/**
 * Schema v3 of the SQLite store: a v1 file (the `events` table only) or a v2 file (timeline rows
 * in the older field order) is migrated when opened and then gives the same answers, digest and
 * verify result as a file written at v3; its derived rows are the ones v3 writes on append. And
 * verify catches derived rows that no longer say what the envelopes say.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-migration-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = (): string => path.join(dir, `ledger-${++files}.db`);

const V1_SCHEMA = `
  CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    envelope TEXT    NOT NULL,
    UNIQUE (stream, revision)
  );`;

/** A v1 file with the same event rows as `current` (what shareledger wrote before schema v2). */
const v1CopyOf = (current: string, edit?: (db: Database.Database) => void): string => {
  const source = new Database(current, { readonly: true });
  const rows = source.prepare('SELECT position, stream, revision, id, envelope FROM events ORDER BY position').raw().all() as unknown[][];
  source.close();
  const file = fresh();
  const db = new Database(file);
  db.exec(V1_SCHEMA);
  const insert = db.prepare('INSERT INTO events (position, stream, revision, id, envelope) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => rows.forEach((r) => insert.run(...r)))();
  edit?.(db);
  db.pragma('user_version = 1');
  db.close();
  return file;
};

const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    return await run();
  } catch (e) {
    if (isLedgerError(e)) return { error: e.problem.kind, message: e.message };
    throw e;
  }
};

const NOW = new Date('2030-01-01T00:00:00.000Z');
const ISSUERS = ['co-0000', 'co-0001', 'co-0002'];
const DATES = ['1995-01-01', '2005-06-30', '2012-12-31', '2020-01-01', '2030-01-01'];

/** Stakes of a few holders, cap tables and the digest: what must not change across the migration. */
const answers = async (store: EventStore) => {
  const out: unknown[] = [];
  for (const issuer of ISSUERS)
    for (const asOf of DATES) {
      out.push(await outcome(() => queryCapTable(store, { issuer, asOf }, NOW)));
      for (const holder of ['holder-1', 'holder-7', 'public', 'nobody'])
        out.push(await outcome(() => queryStake(store, { issuer, holder, asOf, group: holder === 'holder-7' }, NOW)));
    }
  out.push(await digestOf(store));
  return out;
};

const tableRows = (file: string) => {
  const db = new Database(file, { readonly: true });
  const all = {
    timeline: db.prepare('SELECT * FROM timeline ORDER BY stream, date, revision').raw().all(),
    retractions: db.prepare('SELECT * FROM retractions ORDER BY stream, revision').raw().all(),
    mentions: db.prepare('SELECT * FROM mentions ORDER BY stream, name').raw().all(),
    damaged: db.prepare('SELECT * FROM damaged').raw().all(),
  };
  db.close();
  return all;
};

let v3file: string;
let v3answers: unknown[];
const saved = { ...snapshotPolicy };

beforeAll(async () => {
  v3file = fresh();
  const { lines } = generateLedger(shapeNamed('2k'), 11);
  await withStore(v3file, async (store) => {
    await new Ledger({ store, actor: 'test', now: () => new Date('2024-03-01T09:30:00.000Z') }).import([...lines].join('\n') + '\n');
  });
  v3answers = await withStore(v3file, answers);
}, 60_000);

afterAll(() => Object.assign(snapshotPolicy, saved));

/**
 * The timeline row layout of schema v2, as a permutation of the v3 fields per type letter: v2
 * had its own field order for these four types, v3 has the codecs' (required, then optional).
 */
const V2_ORDER: Readonly<Record<string, ReadonlyArray<number>>> = {
  B: [0, 5, 1, 2, 3, 4, 6], // seller, buyer, class, shares, pricePerShare, currency, fees
  P: [2, 0, 1, 3, 4], // holder, class, shares, pricePerShare, currency
  S: [2, 0, 1], // class, numerator, denominator
  H: [0, 2, 1], // holder, controlledBy, name
};

/** A v2 file with the same rows as `current`, its timeline bodies in the v2 layout. */
const v2CopyOf = (current: string): string => {
  const file = fresh();
  fs.copyFileSync(current, file);
  const db = new Database(file);
  const rows = db.prepare('SELECT stream, date, revision, body FROM timeline').raw().all() as Array<[string, string, number, string]>;
  const update = db.prepare('UPDATE timeline SET body = ? WHERE stream = ? AND date = ? AND revision = ?');
  let changed = 0;
  db.transaction(() => {
    for (const [stream, date, revision, body] of rows) {
      const parts = body.split('\u001f');
      const order = V2_ORDER[parts[4]!];
      if (!order) continue;
      const fields = parts.slice(5);
      const v2 = [...parts.slice(0, 5), ...order.map((i) => fields[i]!)].join('\u001f');
      if (v2 !== body) changed++;
      update.run(v2, stream, date, revision);
    }
  })();
  db.pragma('user_version = 2');
  db.close();
  expect(changed).toBeGreaterThan(100);
  return file;
};

describe('SQLite schema v1 → v3', () => {
  it('migrates a v1 file on open: the derived rows are those v3 writes, the answers and digest are the same', async () => {
    const v1file = v1CopyOf(v3file);
    expect(await withStore(v1file, answers)).toEqual(v3answers);
    const db = new Database(v1file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
    expect(tableRows(v1file)).toEqual(tableRows(v3file));
    expect(await withStore(v1file, (store) => verifyLedger(store))).toMatchObject({ ok: true, problems: [] });
  });

  it('a v1 row that does not decode: its stream keeps the envelope path and the same CorruptEvent; verify reports it', async () => {
    const v1file = v1CopyOf(v3file, (db) => {
      db.prepare("UPDATE events SET envelope = substr(envelope, 2) WHERE stream = 'issuer-co-0001' AND revision = 3").run();
    });
    await withStore(v1file, async (store) => {
      const problem = await outcome(() => queryStake(store, { issuer: 'co-0001', holder: 'public', asOf: '2020-01-01' }, NOW));
      expect(problem).toMatchObject({ error: 'CorruptEvent' });
      expect((problem as { message: string }).message).toContain('issuer-co-0001@3');
      // Other issuers answer as before.
      expect(await outcome(() => queryCapTable(store, { issuer: 'co-0000', asOf: '2020-01-01' }, NOW))).toEqual(
        await withStore(v3file, (s) => outcome(() => queryCapTable(s, { issuer: 'co-0000', asOf: '2020-01-01' }, NOW))),
      );
      const result = await verifyLedger(store);
      expect(result.problems.map((p) => `${p.stream}@${p.revision} ${p.kind}`)).toEqual(['issuer-co-0001@3 corrupt']);
    });
  });
});

describe('SQLite schema v2 → v3', () => {
  it('rewrites the timeline rows of a v2 file on open: the rows are those v3 writes, the answers and digest are the same', async () => {
    const v2file = v2CopyOf(v3file);
    expect(tableRows(v2file)).not.toEqual(tableRows(v3file));
    expect(await withStore(v2file, answers)).toEqual(v3answers);
    const db = new Database(v2file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
    expect(tableRows(v2file)).toEqual(tableRows(v3file));
    expect(await withStore(v2file, (store) => verifyLedger(store))).toMatchObject({ ok: true, problems: [] });
  });

  it('a v2 row whose envelope does not decode: its stream keeps the envelope path and verify reports it', async () => {
    const v2file = v2CopyOf(v3file);
    const db = new Database(v2file);
    db.prepare("UPDATE events SET envelope = substr(envelope, 2) WHERE stream = 'issuer-co-0001' AND revision = 3").run();
    db.close();
    await withStore(v2file, async (store) => {
      const problem = await outcome(() => queryStake(store, { issuer: 'co-0001', holder: 'public', asOf: '2020-01-01' }, NOW));
      expect(problem).toMatchObject({ error: 'CorruptEvent' });
      expect((await verifyLedger(store)).problems.map((p) => `${p.stream}@${p.revision} ${p.kind}`)).toEqual(['issuer-co-0001@3 corrupt']);
    });
  });
});

describe('verify and the derived rows of schema v3', () => {
  const tampered = (change: (db: Database.Database) => void): string => {
    const file = fresh();
    fs.copyFileSync(v3file, file);
    const db = new Database(file);
    db.transaction(() => change(db))();
    db.close();
    return file;
  };
  const placesOf = async (file: string) =>
    withStore(file, async (store) => (await verifyLedger(store)).problems.map((p) => `${p.stream}@${p.revision} ${p.kind}`));
  const ROW = "stream = 'issuer-co-0000' AND revision = 40";

  it.each([
    [
      "a timeline row edited (another event's content)",
      (db: Database.Database) =>
        db
          .prepare(`UPDATE timeline SET body = (SELECT body FROM timeline WHERE stream = 'issuer-co-0000' AND revision = 41) WHERE ${ROW}`)
          .run(),
      'issuer-co-0000@40 derived',
    ],
    [
      'a timeline row edited (a share count)',
      (db: Database.Database) => db.prepare(`UPDATE timeline SET body = body || '7' WHERE ${ROW}`).run(),
      'issuer-co-0000@40 derived',
    ],
    [
      'a timeline row moved to another date',
      (db: Database.Database) => db.prepare(`UPDATE timeline SET date = '1900-01-01' WHERE ${ROW}`).run(),
      'issuer-co-0000@40 derived',
    ],
    [
      'a timeline row deleted',
      (db: Database.Database) => db.prepare(`DELETE FROM timeline WHERE ${ROW}`).run(),
      'issuer-co-0000@40 derived',
    ],
    [
      'a mention deleted',
      (db: Database.Database) =>
        db
          .prepare(
            `DELETE FROM mentions WHERE stream = 'issuer-co-0000' AND name = (SELECT name FROM mentions WHERE stream = 'issuer-co-0000' AND name <> '@registered' ORDER BY revision LIMIT 1)`,
          )
          .run(),
      'derived',
    ],
    [
      'a mention forged',
      (db: Database.Database) =>
        db.prepare(`INSERT INTO mentions VALUES ('issuer-co-0000', 'mallory', '2000-01-01T00:00:00.000Z', 0)`).run(),
      'issuer-co-0000@0 derived',
    ],
    [
      'a retraction row forged',
      (db: Database.Database) =>
        db.prepare(`INSERT INTO retractions SELECT stream, revision, id, NULL, '2000-01-01T00:00:00.000Z' FROM events WHERE ${ROW}`).run(),
      'issuer-co-0000@40 derived',
    ],
  ])('%s', async (_, change, expected) => {
    const problems = await placesOf(tampered(change));
    expect(problems.length).toBe(1);
    expect(problems[0]).toContain(expected);
  });

  it('a snapshot edited, or claiming an earlier recordedAt than its events', async () => {
    Object.assign(snapshotPolicy, { every: 50, end: 10 });
    const file = fresh();
    fs.copyFileSync(v3file, file);
    expect(await withStore(file, refreshSnapshots)).toBeGreaterThan(0);
    expect(await placesOf(file)).toEqual([]);
    const edited = tampered((db) =>
      db.exec(`DELETE FROM snapshots; ATTACH '${file}' AS s; INSERT INTO snapshots SELECT * FROM s.snapshots;`),
    );
    expect(await placesOf(edited)).toEqual([]);
    const state = tampered((db) => {
      db.exec(`ATTACH '${file}' AS s; INSERT INTO snapshots SELECT * FROM s.snapshots;`);
      db.prepare("UPDATE snapshots SET state = replace(state, '\"1', '\"2') WHERE rowid = (SELECT MIN(rowid) FROM snapshots)").run();
    });
    expect((await placesOf(state)).join()).toMatch(/derived/);
    const early = tampered((db) => {
      db.exec(`ATTACH '${file}' AS s; INSERT INTO snapshots SELECT * FROM s.snapshots;`);
      db.prepare("UPDATE snapshots SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE rowid = (SELECT MIN(rowid) FROM snapshots)").run();
    });
    expect((await placesOf(early)).join()).toMatch(/derived/);
  });
});
