import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStored } from '../../events/index.js';
import { digestOf, type Digest } from '../../src/integrity/digest.js';
import { verifyLedger, type VerifyResult } from '../../src/integrity/verify.js';
import { hashOf } from '../../src/store/hashChain.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { DEMO_FILE, inPool, runCli, scaled, seconds, tempDir } from './support.js';

/**
 * Given the demo ledger (31 events in three streams) in a real SQLite file, when one stored row
 * is edited (every field of the envelope, and each column), deleted, duplicated into the stream,
 * or swapped with the next — for every row — then `verify` fails and names the stream and the
 * revision where the chain first breaks. A forger who also recomputes the chain after the change
 * is caught by a saved digest. The fast suite checks every tamper through the library and a
 * sample through the CLI (exit 1); the soak runs every one through the CLI too.
 */

const CLI_SAMPLE = scaled(14, Number.POSITIVE_INFINITY);
/** Of the 16 ways to edit a row, how many each row gets (rotating, so every way is used on many rows). */
const EDITS_PER_ROW = scaled(4, 16);

type Row = { position: number; stream: string; revision: number; id: string; envelope: string };
type Json = Record<string, unknown>;

type Tamper = Readonly<{
  name: string;
  stream: string;
  /**
   * Where verify must report the first break of `stream`. With a recomputed chain it is a lower
   * bound: the digest sees the stream's end differ, the replay may see an invariant break earlier.
   */
  revision: number;
  change: (db: Database.Database) => void;
  /** Only a saved digest can see it (the stream was cut short at its end, or the chain was recomputed). */
  needsDigest: boolean;
}>;

let dir: string;
let pristine: string;
let digest: Digest;
let digestFile: string;
let rows: Row[];

beforeAll(async () => {
  dir = tempDir('tamper');
  pristine = path.join(dir, 'pristine.db');
  const built = await runCli(['--store', `sqlite:${pristine}`, 'import', DEMO_FILE]);
  if (built.code !== 0) throw new Error(`building the demo ledger failed: ${built.stderr}`);
  const store = openSqliteStore(pristine);
  digest = await digestOf(store);
  await store.close();
  digestFile = path.join(dir, 'digest.json');
  fs.writeFileSync(digestFile, JSON.stringify(digest));
  const db = new Database(pristine, { readonly: true });
  rows = db.prepare<[], Row>('SELECT position, stream, revision, id, envelope FROM events ORDER BY stream, revision').all();
  db.close();
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// ---- the tamperer's tools: raw SQL on the file ----

const rowsOf = (db: Database.Database, stream: string): Row[] =>
  db.prepare<[string], Row>('SELECT position, stream, revision, id, envelope FROM events WHERE stream = ? ORDER BY revision').all(stream);
const setEnvelope = (db: Database.Database, position: number, envelope: Json): void => {
  db.prepare('UPDATE events SET envelope = ? WHERE position = ?').run(JSON.stringify(envelope), position);
};
const editEnvelope = (row: Row, edit: (e: Json) => void) => (db: Database.Database) => {
  const e = JSON.parse(row.envelope) as Json;
  edit(e);
  setEnvelope(db, row.position, e);
};
const flipHex = (h: string): string => (h[0] === '0' ? '1' : '0') + h.slice(1);
const nextDay = (d: string): string => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const freshUuid = (n: number): string => `ffffffff-ffff-4fff-8fff-${n.toString(16).padStart(12, '0')}`;

/** The first scalar inside a value, changed so the envelope still decodes: a share count +1, a text amended. */
const nudge = (value: unknown): unknown => {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return (BigInt(value) + 1n).toString();
    if (/^\d+\.\d+$/.test(value)) return `${value}1`;
    if (/^[A-Z]{3}$/.test(value)) return value === 'XXX' ? 'XXY' : 'XXX';
    if (/^[A-Za-z0-9-]+$/.test(value)) return `${value}x`;
    return `${value} (edited)`;
  }
  if (Array.isArray(value)) return value.length ? [nudge(value[0]), ...value.slice(1)] : ['x'];
  if (value && typeof value === 'object') {
    const [key] = Object.keys(value);
    return key === undefined ? { x: 1 } : { ...(value as Json), [key]: nudge((value as Json)[key]) };
  }
  return 'x';
};

/** Recomputes prevHash and hash from `from` to the head, as a forger covering their tracks would. */
const rehashFrom = (db: Database.Database, stream: string, from: number): void => {
  const all = rowsOf(db, stream);
  let prev = from === 0 ? '0'.repeat(64) : (JSON.parse(all[from - 1]!.envelope) as { hash: string }).hash;
  for (const row of all.slice(from)) {
    const e = JSON.parse(row.envelope) as Json;
    e['prevHash'] = prev;
    const decoded = decodeStored({ ...e, hash: '0'.repeat(64) });
    if (!decoded.ok) throw new Error(decoded.problems.map((p) => p.message).join('; '));
    e['hash'] = hashOf(decoded.value);
    setEnvelope(db, row.position, e);
    prev = e['hash'] as string;
  }
};

/** Moves every row of `stream` from `from` on by `by` revisions (envelope and column), keeping the constraints happy. */
const shiftRevisions = (db: Database.Database, stream: string, from: number, by: number): void => {
  const moving = rowsOf(db, stream).filter((r) => r.revision >= from);
  for (const r of by > 0 ? [...moving].reverse() : moving) {
    const e = JSON.parse(r.envelope) as Json;
    e['revision'] = r.revision + by;
    db.prepare('UPDATE events SET revision = ?, envelope = ? WHERE position = ?').run(r.revision + by, JSON.stringify(e), r.position);
  }
};

// ---- every tamper of every row ----

const tampers = (): Tamper[] => {
  const all: Tamper[] = [];
  let n = 0;
  const heads = new Map(digest.streams.map((s) => [s.stream, s.revision]));
  for (const [index, row] of rows.entries()) {
    const { stream, revision } = row;
    const at = `${stream}@${revision}`;
    const head = heads.get(stream)!;
    const edits: Tamper[] = [];
    const edit = (field: string, change: (db: Database.Database) => void): void =>
      void edits.push({ name: `edit ${field} of ${at}`, stream, revision, change, needsDigest: false });
    const envelope = JSON.parse(row.envelope) as Json;
    edit(
      'date',
      editEnvelope(row, (e) => (e['date'] = nextDay(e['date'] as string))),
    );
    edit(
      'actor',
      editEnvelope(row, (e) => (e['actor'] = 'mallory')),
    );
    edit(
      'recordedAt',
      editEnvelope(row, (e) => (e['recordedAt'] = new Date(Date.parse(e['recordedAt'] as string) + 1).toISOString())),
    );
    edit(
      'data',
      editEnvelope(row, (e) => (e['data'] = nudge(e['data']))),
    );
    edit(
      envelope['note'] !== undefined ? 'note' : 'note (added)',
      editEnvelope(row, (e) => (e['note'] = `${e['note'] ?? ''} amended`.trim())),
    );
    edit(
      envelope['source'] !== undefined ? 'source' : 'source (added)',
      editEnvelope(row, (e) => (e['source'] = 'https://example.com/forged')),
    );
    edit(
      'type',
      editEnvelope(row, (e) => (e['type'] = e['type'] === 'StakeDisclosed' ? 'BlockSale' : 'StakeDisclosed')),
    );
    edit(
      'prevHash',
      editEnvelope(row, (e) => (e['prevHash'] = flipHex(e['prevHash'] as string))),
    );
    edit(
      'hash',
      editEnvelope(row, (e) => (e['hash'] = flipHex(e['hash'] as string))),
    );
    edit(
      'envelope revision',
      editEnvelope(row, (e) => (e['revision'] = revision + 1)),
    );
    edit(
      'envelope stream',
      editEnvelope(row, (e) => (e['stream'] = stream === 'holders' ? 'fx' : 'holders')),
    );
    const id = freshUuid(++n);
    edit('id (envelope and column)', (db) => {
      editEnvelope(row, (e) => (e['id'] = id))(db);
      db.prepare('UPDATE events SET id = ? WHERE position = ?').run(id, row.position);
    });
    edit('id column', (db) => void db.prepare('UPDATE events SET id = ? WHERE position = ?').run(freshUuid(++n), row.position));
    // Moving a stream's last row away is a cut at its end: verify sees the stray row, the digest the cut.
    edits.push({
      name: `edit stream column of ${at}`,
      stream,
      revision,
      change: (db) => void db.prepare('UPDATE events SET stream = ? WHERE position = ?').run('issuer-ghost', row.position),
      needsDigest: revision === head,
    });
    edit('revision column', (db) => void db.prepare('UPDATE events SET revision = revision + 1000 WHERE position = ?').run(row.position));
    edit(
      'envelope bytes',
      (db) => void db.prepare('UPDATE events SET envelope = ? WHERE position = ?').run(row.envelope.slice(0, -2), row.position),
    );
    all.push(...edits.filter((_, k) => (k - index + edits.length * rows.length) % edits.length < EDITS_PER_ROW));

    const remove = (db: Database.Database) => {
      db.prepare('DELETE FROM events WHERE position = ?').run(row.position);
      shiftRevisions(db, stream, revision + 1, -1);
    };
    all.push({ name: `delete ${at}`, stream, revision, change: remove, needsDigest: revision === head });
    const duplicate = (db: Database.Database) => {
      shiftRevisions(db, stream, revision + 1, 1);
      const e = JSON.parse(row.envelope) as Json;
      const copyId = freshUuid(++n);
      e['id'] = copyId;
      e['revision'] = revision + 1;
      db.prepare('INSERT INTO events (stream, revision, id, envelope) VALUES (?, ?, ?, ?)').run(
        stream,
        revision + 1,
        copyId,
        JSON.stringify(e),
      );
    };
    all.push({ name: `duplicate ${at} after itself`, stream, revision: revision + 1, change: duplicate, needsDigest: false });
    const swap = (db: Database.Database) => {
      const [a, b] = rowsOf(db, stream).filter((r) => r.revision === revision || r.revision === revision + 1);
      const ea = JSON.parse(a!.envelope) as Json;
      const eb = JSON.parse(b!.envelope) as Json;
      [ea['revision'], eb['revision']] = [eb['revision'], ea['revision']];
      // Ids move with their envelopes; a temporary id keeps the UNIQUE constraint happy meanwhile.
      db.prepare('UPDATE events SET id = ? WHERE position = ?').run(freshUuid(++n), a!.position);
      db.prepare('UPDATE events SET id = ?, envelope = ? WHERE position = ?').run(ea['id'], JSON.stringify(ea), b!.position);
      db.prepare('UPDATE events SET id = ?, envelope = ? WHERE position = ?').run(eb['id'], JSON.stringify(eb), a!.position);
    };
    if (revision < head) all.push({ name: `swap ${at} with the next`, stream, revision, change: swap, needsDigest: false });

    // The forger recomputes the chain afterwards: only the digest (or the replay) can tell.
    const covered = (name: string, change: (db: Database.Database) => void, from: number, landsAt: number): void =>
      void all.push({
        name: `${name}, chain recomputed`,
        stream,
        revision: landsAt,
        change: (db) => (change(db), rehashFrom(db, stream, from)),
        needsDigest: true,
      });
    covered(
      `edit data of ${at}`,
      editEnvelope(row, (e) => (e['data'] = nudge(e['data']))),
      revision,
      revision,
    );
    covered(`delete ${at}`, remove, revision, revision);
    // A copy added at the very end with the chain recomputed is a forged append, which no hash chain
    // can tell from a real one (the log still extends the digest): only earlier copies are in scope.
    if (revision < head) covered(`duplicate ${at} after itself`, duplicate, revision + 1, revision + 1);
    if (revision < head) covered(`swap ${at} with the next`, swap, revision, revision);
  }
  return all;
};

const tamperedCopy = (t: Tamper, i: number): string => {
  const file = path.join(dir, `tampered-${i}.db`);
  fs.copyFileSync(pristine, file);
  const db = new Database(file);
  try {
    db.transaction(() => t.change(db))();
  } finally {
    db.close();
  }
  return file;
};

const verifyFile = async (file: string, withDigest: boolean): Promise<VerifyResult> => {
  const store = openSqliteStore(file);
  try {
    return await verifyLedger(store, withDigest ? { digest } : {});
  } finally {
    await store.close();
  }
};

/** Where verify says `stream` first breaks, if it does. */
const firstBreak = (result: Pick<VerifyResult, 'problems'>, stream: string): number | undefined =>
  result.problems
    .filter((p) => p.stream === stream)
    .reduce<number | undefined>((min, p) => (min === undefined || p.revision < min ? p.revision : min), undefined);

const removeFile = (file: string) => ['', '-wal', '-shm'].forEach((s) => fs.rmSync(`${file}${s}`, { force: true }));

describe('tampering with a stored event', () => {
  it('the pristine ledger verifies', async () => {
    expect(await verifyFile(pristine, true)).toMatchObject({ ok: true, streams: 3, events: 31 });
    expect(rows.length).toBe(31);
  });

  it('every edit, deletion, insertion and reordering of every row is found where it happened', async () => {
    const all = tampers();
    const started = performance.now();
    const failures: string[] = [];
    for (const [i, t] of all.entries()) {
      const file = tamperedCopy(t, i);
      // verify alone must find it, except a cut at a stream's end or a recomputed chain, which a saved digest finds.
      const result = await verifyFile(file, t.needsDigest);
      const at = firstBreak(result, t.stream);
      const recomputed = t.name.endsWith('chain recomputed');
      if (result.ok || at === undefined || (recomputed ? at < t.revision : at !== t.revision))
        failures.push(
          `${t.name}: expected a break at ${t.stream}@${t.revision}, got ${JSON.stringify(result.problems.map((p) => `${p.stream}@${p.revision} ${p.kind}`))}`,
        );
      removeFile(file);
    }
    const kinds = ['edit', 'delete', 'duplicate', 'swap'].map(
      (k) => `${all.filter((t) => t.name.startsWith(k) && !t.needsDigest).length} ${k}`,
    );
    console.info(
      `tamper: ${all.length} tampers of ${rows.length} rows (${kinds.join(', ')}; ${all.filter((t) => t.needsDigest).length} needing the digest) checked in ${seconds(performance.now() - started)}; missed ${failures.length}`,
    );
    expect(failures).toEqual([]);
  });

  it('the CLI exits 1 and names the stream and revision (a sample: every kind of tamper in every stream)', async () => {
    const all = tampers();
    const kindOf = (t: Tamper) => `${t.name.split(' of ')[0]!.split(' ')[0]}|${t.needsDigest}|${t.stream}`;
    const seen = new Set<string>();
    const sample = Number.isFinite(CLI_SAMPLE) ? all.filter((t) => !seen.has(kindOf(t)) && seen.add(kindOf(t))).slice(0, CLI_SAMPLE) : all;
    const started = performance.now();
    const failures = (
      await inPool(
        sample.map((t, i) => async () => {
          const file = tamperedCopy(t, 10_000 + i);
          const run = await runCli(['--store', `sqlite:${file}`, '--json', 'verify', ...(t.needsDigest ? ['--digest', digestFile] : [])]);
          removeFile(file);
          const at = (() => {
            try {
              return firstBreak(JSON.parse(run.stdout) as VerifyResult, t.stream);
            } catch {
              return undefined;
            }
          })();
          const problems: string[] = [];
          if (run.code !== 1) problems.push(`exit ${run.code}`);
          const recomputed = t.name.endsWith('chain recomputed');
          if (at === undefined || (recomputed ? at < t.revision : at !== t.revision))
            problems.push(`first break of ${t.stream} reported at ${at}, expected ${t.revision}`);
          if (!/VERIFICATION_FAILED/.test(run.stderr) || !/@\d+/.test(run.stderr)) problems.push(`stderr: ${run.stderr}`);
          return problems.length ? [`${t.name}: ${problems.join('; ')}`] : [];
        }),
        2,
      )
    ).flat();
    console.info(
      `tamper (CLI): ${sample.length} tampers through \`verify --json\` in ${seconds(performance.now() - started)}; missed ${failures.length}`,
    );
    expect(failures).toEqual([]);
  });
});
