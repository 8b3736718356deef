import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestOf, type Digest } from '../../src/integrity/digest.js';
import { verifyLedger } from '../../src/integrity/verify.js';
import { migrate } from '../../src/store/sqliteSchema.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { verifyLedger as verifyBefore } from './before/verify.js';
import { copyOf, fixtureFile, freshPath, ID, rehashFrom, rowAt, rowsOf, setEnvelope, tamper } from './fixtureLedger.js';

const ACME = 'issuer-acme';
const OTHER = 'issuer-other';

let pristine: string;
let digest: Digest;

beforeAll(async () => {
  pristine = await fixtureFile();
  const store = openSqliteStore(pristine);
  digest = await digestOf(store);
  await store.close();
});

const envelopeOf = (row: { envelope: string }): Record<string, any> => JSON.parse(row.envelope);

const edit = (stream: string, revision: number, change: (e: Record<string, any>) => void, rehash: boolean) => (db: Database.Database) => {
  const row = rowAt(db, stream, revision);
  const envelope = envelopeOf(row);
  change(envelope);
  setEnvelope(db, row.position, envelope);
  if (rehash) rehashFrom(db, stream, revision);
};

/** An event edited and its own hash recomputed, the events after it left as they were (they link to its old hash). */
const ownHashOnly = (revision: number) => (db: Database.Database) => {
  const later = rowsOf(db, ACME).filter((r) => r.revision > revision);
  edit(ACME, revision, (e) => (e['note'] = 'edited'), true)(db);
  for (const r of later) setEnvelope(db, r.position, r.envelope);
};

/** A forger who also rebuilds the derived rows from the edited envelopes: only the fold of the stream's rules can tell. */
const forged = (damage: (db: Database.Database) => void) => (db: Database.Database) => {
  damage(db);
  db.exec('DELETE FROM timeline; DELETE FROM retractions; DELETE FROM mentions');
  migrate(db, 1);
};

/** Damage of every kind verify tells apart: envelopes, rows, ids, derived rows. */
const DAMAGE: Record<string, (db: Database.Database) => void> = {
  nothing: () => undefined,
  'a share count edited': edit(ACME, 5, (e) => (e['data'].shares = '100001'), false),
  'an over-sale, rehashed': edit(ACME, 5, (e) => (e['data'].shares = '10000000'), true),
  'a price edited, rehashed': edit(ACME, 5, (e) => (e['data'].pricePerShare = '2.5'), true),
  'an actor edited in holders': edit('holders', 1, (e) => (e['actor'] = 'mallory'), false),
  'an fx rate edited, rehashed': edit('fx', 0, (e) => (e['data'].rate = '7.9'), true),
  'an fx rate quoted in its own currency, rehashed, derived rows rebuilt': forged(edit('fx', 0, (e) => (e['data'].quote = 'USD'), true)),
  'a control cycle in holders, rehashed, derived rows rebuilt': forged(
    edit('holders', 0, (e) => (e['data'].controlledBy = 'taobao-holding'), true),
  ),
  'an event moved to another issuer, rehashed': edit(OTHER, 2, (e) => (e['issuer'] = 'acme'), true),
  'recordedAt moved back, rehashed': edit(ACME, 6, (e) => (e['recordedAt'] = '2000-01-01T00:00:00.000Z'), true),
  'an event edited with only its own hash recomputed: the next one links to the old hash': ownHashOnly(4),
  // The correction at revision 8 is dated years before the retraction at 7: it is read first.
  'the same, where the next event is read first (back-dated)': ownHashOnly(7),
  'an envelope that is not JSON': (db) =>
    db.prepare('UPDATE events SET envelope = ? WHERE position = ?').run('{oops', rowAt(db, ACME, 3).position),
  'an envelope that does not decode': edit(ACME, 2, (e) => (e['data'].shares = 'many'), false),
  'a deleted row': (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision = 3').run(ACME),
  'the last rows truncated': (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision >= 2').run(OTHER),
  'a whole stream deleted': (db) => db.prepare("DELETE FROM events WHERE stream = 'fx'").run(),
  'a correction split apart': (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision >= 8').run(ACME),
  "two rows' envelopes swapped": (db) => {
    const [a, b] = [rowAt(db, ACME, 4), rowAt(db, ACME, 5)];
    setEnvelope(db, a.position, b.envelope);
    setEnvelope(db, b.position, a.envelope);
  },
  'a row filed under another id': (db) =>
    db.prepare('UPDATE events SET id = ? WHERE position = ?').run('99999999-0000-4000-8000-000000000009', rowAt(db, ACME, 4).position),
  'an event id reused in another stream, rehashed': (db) => {
    const row = rowAt(db, OTHER, 2);
    setEnvelope(db, row.position, { ...envelopeOf(row), id: ID.blockSale });
    rehashFrom(db, OTHER, 2);
  },
  'a timeline row edited': (db) =>
    db.prepare("UPDATE timeline SET body = replace(body, '100000', '100001') WHERE stream = ? AND revision = 5").run(ACME),
  'a timeline row deleted': (db) => db.prepare('DELETE FROM timeline WHERE stream = ? AND revision = 6').run(ACME),
  'a timeline row added past the head': (db) =>
    db.prepare("INSERT INTO timeline (stream, date, revision, body) VALUES (?, '2030-01-01', 99, 'x')").run(ACME),
  'a retraction row edited': (db) =>
    db.prepare('UPDATE retractions SET recorded_at = ? WHERE stream = ?').run('2000-01-01T00:00:00.000Z', OTHER),
  'a retraction row deleted': (db) => db.prepare('DELETE FROM retractions WHERE stream = ?').run(ACME),
  'a mention edited': (db) => db.prepare("UPDATE mentions SET revision = revision + 1 WHERE stream = ? AND name = 'temasek'").run(ACME),
  'a mention added': (db) =>
    db.prepare("INSERT INTO mentions (stream, name, recorded_at, revision) VALUES (?, 'nobody', '2023-07-10T08:00:00.000Z', 1)").run(ACME),
};

const run = async (verify: typeof verifyLedger, file: string, withDigest: boolean) => {
  const store = openSqliteStore(file);
  try {
    return await verify(store, withDigest ? { digest } : {});
  } finally {
    await store.close();
  }
};

/**
 * verify from the built library (`npm test` builds first), in two lanes whatever the ledger's size:
 * there its worker file lies beside it, so one lane runs on a worker thread (src/integrity/soundLanes.ts).
 */
const builtVerify = async (): Promise<typeof verifyLedger> => {
  const built = new URL('../../dist/src/integrity/verify.js', import.meta.url).href;
  return ((await import(built)) as { verifyLedger: typeof verifyLedger }).verifyLedger;
};
const inLanes: typeof verifyLedger = async (store, options) => (await builtVerify())(store, { ...options, parallelFrom: 0 });
/** The same, every stream on the worker thread (as the audit verifies). */
const offThread: typeof verifyLedger = async (store, options) =>
  (await builtVerify())(store, { ...options, parallelFrom: 0, offThread: true });

describe('the streamed verify reports what verify reported before it was streamed', () => {
  for (const [name, damage] of Object.entries(DAMAGE))
    it(name, async () => {
      const file = copyOf(pristine);
      tamper(file, damage);
      const found: boolean[] = [];
      for (const withDigest of [false, true]) {
        const before = await run(verifyBefore, file, withDigest);
        const now = await run(verifyLedger, file, withDigest);
        expect(now, withDigest ? 'against the digest' : 'alone').toEqual(before);
        expect(await run(inLanes, file, withDigest), `in two lanes, ${withDigest ? 'against the digest' : 'alone'}`).toEqual(before);
        if (withDigest) expect(await run(offThread, file, withDigest), 'on the worker thread, against the digest').toEqual(before);
        found.push(!now.ok);
      }
      // Damage at the end is invisible without a digest; rows past the head are left alone.
      if (name !== 'nothing' && name !== 'a timeline row added past the head') expect(found).toContain(true);
      fs.rmSync(file);
    });

  it('every row edited alone, rehashed or not', async () => {
    const all = tamper(pristine, (db) => rowsOf(db));
    for (const row of all)
      for (const rehash of [false, true]) {
        const file = copyOf(pristine);
        tamper(
          file,
          edit(row.stream, row.revision, (e) => (e['note'] = 'edited'), rehash),
        );
        expect(await run(verifyLedger, file, true), `${row.stream}@${row.revision}`).toEqual(await run(verifyBefore, file, true));
        fs.rmSync(file);
      }
  });
});

describe('the one-pass check', () => {
  it('proves the untouched streams sound (verify takes the fast path), and not a damaged one', async () => {
    const { storedRowsOf } = await import('../../src/integrity/storedRows.js');
    const { soundStream } = await import('../../src/integrity/soundStream.js');
    const proven = async (file: string, stream: string) => {
      const store = openSqliteStore(file);
      const rows = storedRowsOf(store);
      try {
        return soundStream(stream, rows.pairedOf!(stream)!)?.events;
      } finally {
        await rows.close();
        await store.close();
      }
    };
    expect(await proven(pristine, ACME)).toBeGreaterThan(5);
    expect(await proven(pristine, OTHER)).toBe(4);
    const file = copyOf(pristine);
    tamper(file, DAMAGE['an over-sale, rehashed']!);
    expect(await proven(file, ACME)).toBeUndefined();
    expect(await proven(file, OTHER)).toBe(4);
    expect(await proven(pristine, 'holders')).toBe(3);
    expect(await proven(pristine, 'fx')).toBe(1);
    for (const damage of [
      'a control cycle in holders, rehashed, derived rows rebuilt',
      'an fx rate quoted in its own currency, rehashed, derived rows rebuilt',
    ]) {
      const damaged = copyOf(pristine);
      tamper(damaged, DAMAGE[damage]!);
      expect(await proven(damaged, damage.includes('holders') ? 'holders' : 'fx'), damage).toBeUndefined();
    }
  });

  it('reads the mention rows a page at a time: a holders stream of 2,500 holders, and one row edited on its second page', async () => {
    const { storedRowsOf } = await import('../../src/integrity/storedRows.js');
    const { soundStream } = await import('../../src/integrity/soundStream.js');
    const { Ledger } = await import('../../src/ledger.js');
    const file = freshPath();
    const store = openSqliteStore(file);
    const lines = Array.from({ length: 2_500 }, (_, i) =>
      JSON.stringify({
        type: 'HolderRegistered',
        date: '2024-01-02',
        data: { holder: `h-${String(i).padStart(4, '0')}`, name: `Holder ${i}` },
      }),
    );
    await new Ledger({ store, actor: 'test', now: () => new Date('2024-01-03T00:00:00.000Z') }).import(lines.join('\n'));
    await store.close();
    const proven = async (path: string) => {
      const opened = openSqliteStore(path);
      const rows = storedRowsOf(opened);
      try {
        return soundStream('holders', rows.pairedOf!('holders')!)?.events;
      } finally {
        await rows.close();
        await opened.close();
      }
    };
    expect(await proven(file)).toBe(2_500);
    const damaged = copyOf(file);
    tamper(damaged, (db) => db.prepare("UPDATE mentions SET recorded_at = '2024-01-03T00:00:00.001Z' WHERE name = 'h-2400'").run());
    expect(await proven(damaged)).toBeUndefined();
  });
});
