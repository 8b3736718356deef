import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestOf, readDigestFile, decodeDigest, type Digest } from '../../src/integrity/digest.js';
import { verifyLedger, type VerifyResult } from '../../src/integrity/verify.js';
import { isLedgerError } from '../../src/domain/problem.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { buildFixture, copyOf, fixtureFile, freshPath, ID, rehashFrom, rowAt, rowsOf, setEnvelope, tamper } from './fixtureLedger.js';

const ACME = 'issuer-acme';
const OTHER = 'issuer-other';

let pristine: string;
let pristineDigest: Digest;

const verifyFile = async (file: string, digest?: Digest): Promise<VerifyResult> => {
  const store = openSqliteStore(file);
  try {
    return await verifyLedger(store, digest ? { digest } : {});
  } finally {
    await store.close();
  }
};

/** Where and how each problem was found, without the wording. */
const places = (result: VerifyResult) => result.problems.map(({ stream, revision, kind }) => ({ stream, revision, kind }));

const envelopeOf = (row: { envelope: string }): Record<string, any> => JSON.parse(row.envelope);

beforeAll(async () => {
  pristine = await fixtureFile();
  const store = openSqliteStore(pristine);
  pristineDigest = await digestOf(store);
  await store.close();
});

describe('verify on an untouched ledger', () => {
  it('passes on SQLite, counting every stream and event', async () => {
    expect(await verifyFile(pristine)).toEqual({ ok: true, streams: 4, events: 18, problems: [] });
  });

  it('passes on the memory store (through the port), and reports progress', async () => {
    const store = createMemoryStore();
    await buildFixture(store);
    const progress: Array<[number, number]> = [];
    const result = await verifyLedger(store, { onProgress: (done, total) => progress.push([done, total]) });
    expect(result).toEqual({ ok: true, streams: 4, events: 18, problems: [] });
    expect(progress.at(-1)).toEqual([18, 18]);
  });

  it('passes against its own digest, and after the ledger grew past it', async () => {
    expect(await verifyFile(pristine, pristineDigest)).toMatchObject({ ok: true });
    const file = copyOf(pristine);
    const store = openSqliteStore(file);
    const { Ledger } = await import('../../src/ledger.js');
    await new Ledger({ store, actor: 'analyst' }).import(
      '{"type":"SharesIssued","issuer":"other","date":"2024-01-01","data":{"holder":"newco","class":"common","shares":"1","pricePerShare":"0","currency":"USD"}}',
    );
    await store.close();
    expect(await verifyFile(file, pristineDigest)).toMatchObject({ ok: true, events: 19 });
  });
});

describe('verify of named streams only', () => {
  it('checks and counts only those streams, and finds nothing in the others', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, OTHER, 1);
      setEnvelope(db, row.position, { ...envelopeOf(row), actor: 'mallory' });
    });
    const store = openSqliteStore(file);
    try {
      const progress: Array<[number, number]> = [];
      const named = await verifyLedger(store, {
        streams: [ACME, 'holders', 'fx', 'issuer-nowhere'],
        onProgress: (done, total) => progress.push([done, total]),
      });
      const all = await verifyLedger(store);
      expect(named).toMatchObject({ ok: true, streams: 3, problems: [] });
      expect(named.events).toBe(all.events - 4); // issuer-other holds the other 4 of the 18
      expect(progress.at(-1)).toEqual([named.events, named.events]);
      expect(places(await verifyLedger(store, { streams: [OTHER] }))).toEqual([{ stream: OTHER, revision: 1, kind: 'hash' }]);
      expect(places(all)).toEqual([{ stream: OTHER, revision: 1, kind: 'hash' }]);
    } finally {
      await store.close();
    }
  });

  it('compares a digest on the named streams only', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare("DELETE FROM events WHERE stream = 'fx'").run());
    const store = openSqliteStore(file);
    try {
      expect(await verifyLedger(store, { streams: [ACME, 'holders'], digest: pristineDigest })).toMatchObject({ ok: true, streams: 2 });
      expect(places(await verifyLedger(store, { streams: [ACME, 'fx'], digest: pristineDigest }))).toEqual([
        { stream: 'fx', revision: 0, kind: 'missingStream' },
      ]);
    } finally {
      await store.close();
    }
  });

  it('works the same through the port (memory store)', async () => {
    const store = createMemoryStore();
    await buildFixture(store);
    const named = await verifyLedger(store, { streams: [OTHER] });
    expect(named).toMatchObject({ ok: true, streams: 1, events: 4 });
  });
});

describe('verify finds tampering with the SQLite file, at the stream and revision where the chain first breaks', () => {
  it('a share count changed inside a stored envelope', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, ACME, 5);
      const envelope = envelopeOf(row);
      expect(envelope.type).toBe('BlockSale');
      envelope.data.shares = '100001';
      setEnvelope(db, row.position, envelope);
    });
    const result = await verifyFile(file);
    expect(result.ok).toBe(false);
    expect(places(result)).toEqual([{ stream: ACME, revision: 5, kind: 'hash' }]);
    expect(result.problems[0]!.message).toMatch(/edited/);
  });

  it('a deleted row', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision = 3').run(ACME));
    expect(places(await verifyFile(file))).toEqual([{ stream: ACME, revision: 3, kind: 'revision' }]);
  });

  it("two rows' envelopes swapped", async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const [a, b] = [rowAt(db, ACME, 4), rowAt(db, ACME, 5)];
      setEnvelope(db, a.position, b.envelope);
      setEnvelope(db, b.position, a.envelope);
    });
    expect(places(await verifyFile(file))).toEqual([{ stream: ACME, revision: 4, kind: 'revision' }]);
  });

  it('two rows reordered by their revision column', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const [a, b] = [rowAt(db, ACME, 2), rowAt(db, ACME, 3)];
      db.prepare('UPDATE events SET revision = -1 WHERE position = ?').run(a.position);
      db.prepare('UPDATE events SET revision = 2 WHERE position = ?').run(b.position);
      db.prepare('UPDATE events SET revision = 3 WHERE position = ?').run(a.position);
    });
    expect(places(await verifyFile(file))).toEqual([{ stream: ACME, revision: 2, kind: 'revision' }]);
  });

  it('a forged row inserted with a correctly computed hash: the chain breaks at the event it displaced', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const before = envelopeOf(rowAt(db, ACME, 4));
      const rows = rowsOf(db, ACME).filter((r) => r.revision >= 5);
      for (const r of rows) db.prepare('UPDATE events SET revision = ? WHERE position = ?').run(-r.revision - 1, r.position);
      for (const r of rows) db.prepare('UPDATE events SET revision = ? WHERE position = ?').run(r.revision + 1, r.position);
      const forged = {
        ...envelopeOf(rowAt(db, ACME, 6)),
        id: '99999999-0000-4000-8000-000000000001',
        revision: 5,
        prevHash: before.hash,
        note: 'forged',
      };
      db.prepare('INSERT INTO events (stream, revision, id, envelope) VALUES (?, 5, ?, ?)').run(ACME, forged.id, JSON.stringify(forged));
      rehashFrom(db, ACME, 5); // only the forged row's own hash: recompute, then restore the rest
      for (const r of rows) setEnvelope(db, r.position, r.envelope);
    });
    expect(places(await verifyFile(file))).toEqual([{ stream: ACME, revision: 6, kind: 'revision' }]);
  });

  it('the last rows truncated: invisible to the chain, caught against a saved digest', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision >= 2').run(OTHER));
    expect(await verifyFile(file)).toMatchObject({ ok: true });
    const result = await verifyFile(file, pristineDigest);
    expect(places(result)).toEqual([{ stream: OTHER, revision: 2, kind: 'truncated' }]);
    expect(result.problems[0]!.message).toMatch(/ends at revision 1, but the digest recorded revision 3/);
  });

  it('a whole stream deleted, caught against a saved digest', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare("DELETE FROM events WHERE stream = 'fx'").run());
    expect(places(await verifyFile(file, pristineDigest))).toEqual([{ stream: 'fx', revision: 0, kind: 'missingStream' }]);
  });

  it('every row edited, one at a time', async () => {
    const all = tamper(pristine, (db) => rowsOf(db));
    expect(all).toHaveLength(18);
    for (const row of all) {
      const file = copyOf(pristine);
      tamper(file, (db) => setEnvelope(db, row.position, { ...envelopeOf(row), actor: 'mallory' }));
      expect(places(await verifyFile(file)), `${row.stream}@${row.revision}`).toEqual([
        { stream: row.stream, revision: row.revision, kind: 'hash' },
      ]);
      fs.rmSync(file);
    }
  });

  it('a history rewrite that rehashes everything after the edit passes the chain but not the saved digest', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, ACME, 5);
      setEnvelope(db, row.position, { ...envelopeOf(row), data: { ...envelopeOf(row).data, pricePerShare: '2.5' } });
      rehashFrom(db, ACME, 5);
    });
    // The chain holds; the SQLite store's derived rows (schema v2) still say what was there.
    expect(places(await verifyFile(file))).toEqual([{ stream: ACME, revision: 5, kind: 'derived' }]);
    const result = await verifyFile(file, pristineDigest);
    expect(places(result)).toEqual([{ stream: ACME, revision: 9, kind: 'rewritten' }]);
    expect(result.problems[0]!.message).toMatch(/rewritten/);
  });

  it('an over-sale with a valid chain is caught by replaying the invariants', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, ACME, 5);
      setEnvelope(db, row.position, { ...envelopeOf(row), data: { ...envelopeOf(row).data, shares: '10000000' } });
      rehashFrom(db, ACME, 5);
    });
    const result = await verifyFile(file);
    expect(places(result)).toEqual([{ stream: ACME, revision: 5, kind: 'invariant' }]);
    expect(result.problems[0]!.message).toBe(
      'InsufficientShares: BlockSale 2023-07-06: taobao-holding holds 400000 class B shares of acme (needs 10000000)',
    );
  });

  it('a correction split apart (its replacement removed) no longer replays', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision >= 8').run(ACME));
    const result = await verifyFile(file);
    expect(places(result)).toEqual([{ stream: ACME, revision: 7, kind: 'invariant' }]);
    expect(result.problems[0]!.message).toMatch(/retracting FundingRoundClosed 2018-06-01/);
  });

  it('a row that does not decode is reported where it is, and the other streams are still verified', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      setEnvelope(db, rowAt(db, ACME, 3).position, '{"not": "an event"');
      const holder = rowAt(db, 'holders', 1);
      setEnvelope(db, holder.position, { ...envelopeOf(holder), data: { ...envelopeOf(holder).data, name: 'Taobao Holdings' } });
    });
    const store = openSqliteStore(file);
    await expect(store.readStream(ACME)).rejects.toMatchObject({ problem: { kind: 'CorruptEvent' } });
    await store.close();
    const result = await verifyFile(file);
    expect(places(result)).toEqual([
      { stream: 'holders', revision: 1, kind: 'hash' },
      { stream: ACME, revision: 3, kind: 'corrupt' },
    ]);
    expect(result.problems[1]!.message).toMatch(/does not decode: not JSON/);
  });

  it('an envelope that is JSON but not a ledger event', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, OTHER, 2);
      setEnvelope(db, row.position, { ...envelopeOf(row), data: { ...envelopeOf(row).data, shares: '-5' } });
    });
    const result = await verifyFile(file);
    expect(places(result)).toEqual([{ stream: OTHER, revision: 2, kind: 'corrupt' }]);
    expect(result.problems[0]!.message).toMatch(/data\.shares: expected a positive whole number, got "-5"/);
  });

  it('an event id reused in another stream (rehashed to hide it)', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, OTHER, 2);
      setEnvelope(db, row.position, { ...envelopeOf(row), id: ID.blockSale });
      rehashFrom(db, OTHER, 2);
    });
    const result = await verifyFile(file);
    expect(places(result)).toEqual([{ stream: OTHER, revision: 2, kind: 'duplicateId' }]);
    expect(result.problems[0]!.message).toBe(`event id ${ID.blockSale} is also used at ${ACME}@5`);
  });

  it('an event id repeated within its stream is reported once, by the replay', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const row = rowAt(db, ACME, 6);
      setEnvelope(db, row.position, { ...envelopeOf(row), id: ID.blockSale });
      rehashFrom(db, ACME, 6);
    });
    const result = await verifyFile(file);
    expect(places(result)).toEqual([{ stream: ACME, revision: 6, kind: 'invariant' }]);
    expect(result.problems[0]!.message).toMatch(/^DuplicateEventId: /);
  });

  it('a row filed under another revision than its event carries', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => db.prepare('UPDATE events SET revision = 12 WHERE stream = ? AND revision = 9').run(ACME));
    expect(places(await verifyFile(file))).toEqual([{ stream: ACME, revision: 9, kind: 'revision' }]);
  });

  it('an event moved to another issuer, or recorded back in time, even with a rehashed chain', async () => {
    const file = copyOf(pristine);
    tamper(file, (db) => {
      const moved = rowAt(db, OTHER, 2);
      setEnvelope(db, moved.position, { ...envelopeOf(moved), issuer: 'acme' });
      rehashFrom(db, OTHER, 2);
      const late = rowAt(db, ACME, 9);
      setEnvelope(db, late.position, { ...envelopeOf(late), recordedAt: '2020-01-01T00:00:00.000Z' });
      rehashFrom(db, ACME, 9);
    });
    const result = await verifyFile(file);
    expect(places(result)).toEqual([
      { stream: ACME, revision: 9, kind: 'invariant' },
      { stream: OTHER, revision: 2, kind: 'invariant' },
    ]);
    expect(result.problems[0]!.message).toMatch(/recordedAt 2020-01-01T00:00:00.000Z is earlier than the previous event's/);
    expect(result.problems[1]!.message).toMatch(/names issuer acme but is stored in stream issuer-other/);
  });
});

describe('digest', () => {
  it("lists every stream's head, sorted", async () => {
    expect(pristineDigest.streams.map(({ stream, revision }) => [stream, revision])).toEqual([
      ['fx', 0],
      ['holders', 2],
      [ACME, 9],
      [OTHER, 3],
    ]);
    expect(pristineDigest.streams.every((s) => /^[0-9a-f]{64}$/.test(s.hash))).toBe(true);
  });

  it('round-trips through a file', () => {
    const file = `${freshPath()}.json`;
    fs.writeFileSync(file, JSON.stringify(pristineDigest, null, 2));
    expect(readDigestFile(file)).toEqual(pristineDigest);
  });

  it('rejects a bad digest file as invalid input, saying what is wrong', () => {
    const attempt = (content: string | undefined): string => {
      const file = `${freshPath()}.json`;
      if (content !== undefined) fs.writeFileSync(file, content);
      try {
        readDigestFile(file);
      } catch (e) {
        if (isLedgerError(e) && e.problem.kind === 'InvalidInput') return e.message;
        throw e;
      }
      throw new Error('expected a rejection');
    };
    expect(attempt(undefined)).toMatch(/cannot read the digest file .*ENOENT/);
    expect(attempt('{"streams": [')).toMatch(/is not JSON/);
    expect(attempt('{"streams": [{"stream": "fx", "revision": 0, "hash": "abc"}]}')).toMatch(
      /streams\[0\]\.hash: expected a SHA-256 hex digest/,
    );
    expect(attempt('{"streams": [], "extra": 1}')).toMatch(/extra: unknown field/);
    expect(attempt('[]')).toMatch(/not a shareledger digest/);
  });

  it('rejects a stream listed twice', () => {
    const entry = pristineDigest.streams[0]!;
    expect(decodeDigest({ streams: [entry, entry] })).toEqual({ ok: false, message: `streams[1].stream: ${entry.stream} is listed twice` });
  });
});
