import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLedger } from '../support/ledgerGenerator/generate.js';
import { Prng } from '../support/ledgerGenerator/prng.js';
import { shapeNamed } from '../support/ledgerGenerator/shapes.js';
import { verifyLedger } from '../../src/integrity/verify.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import {
  DEMO_FILE,
  type Exit,
  runCli,
  scaled,
  SEED,
  seconds,
  sleep,
  spawnCli,
  type Spawned,
  storedEvents,
  tempDir,
  withoutRecording,
} from './support.js';

/**
 * Given a SQLite ledger holding the demo, when `shareledger import big.jsonl` (read and written in
 * chunks of 100 lines inside one transaction) is killed with SIGKILL at a random (seeded) moment, then the file still verifies, it holds either none or all
 * of big.jsonl's events (one transaction, docs/stores.md), and running the import again leaves exactly
 * what one clean import leaves: the same ids, order and content (recordedAt and the hashes that
 * cover it aside).
 */

const TRIALS = scaled(20, 200);
/** Big enough that the import lasts several times longer than a kill takes to land. */
const LINES = scaled(1_000, 3_000);
/**
 * How the kill moment is chosen, by share of trials: a random moment of node's start-up (before
 * the import begins); a random moment of the import and a little after it; or while the commit is
 * being written to the WAL (the riskiest instant, too short for a random delay to hit often): when
 * the -wal file holds its first bytes, or a random fraction of what a whole import writes.
 */
const KILL_MIX = { startup: 0.1, import: 0.65, wal: 0.25 } as const;
type KillMode = keyof typeof KILL_MIX;
type Kill = Readonly<{ mode: KillMode; fraction: number }>;
/** Trials run side by side: the machine has two cores, and each trial is mostly one child process. */
const PARALLEL = 2;
const ACTOR = 'crash-test';

type Phase = 'before the import started' | 'during the import' | 'after the process exited';
type Outcome = Readonly<{ trial: number; kill: Kill; phase: Phase; walBytesAtKill: number; committed: boolean; problems: string[] }>;

let dir: string;
let base: string;
let bigFile: string;
let fileIds: Set<string>;
let baseCount: number;
let reference: string[];
/**
 * From spawn to "store opened", and from there to exit, of a whole import: measured on the
 * reference, then kept current from every re-import that imports the whole file (the machine's
 * load changes, and the kill delays must keep covering the import).
 */
const timing = { startupMs: 0, importMs: 0 };
const observe = (startupMs: number, importMs: number) => {
  timing.startupMs = timing.startupMs === 0 ? startupMs : 0.7 * timing.startupMs + 0.3 * startupMs;
  timing.importMs = timing.importMs === 0 ? importMs : 0.7 * timing.importMs + 0.3 * importMs;
};
/** The largest the -wal file grew during the reference import: what one whole commit writes. */
let commitWalBytes = 0;

const sqliteArgs = (file: string): string[] => ['--store', `sqlite:${file}`, '--actor', ACTOR];
/** Small chunks: the import reads, checks and writes the file in many pieces inside its one transaction. */
const CHUNKED = { env: { SHARELEDGER_IMPORT_CHUNK: '100' } };
const walSize = (file: string): number => fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;

const verifyFile = async (file: string): Promise<string[]> => {
  const store = openSqliteStore(file);
  try {
    const result = await verifyLedger(store);
    return result.ok ? [] : result.problems.map((p) => `${p.stream}@${p.revision} ${p.kind}: ${p.message}`);
  } finally {
    await store.close();
  }
};

beforeAll(async () => {
  dir = tempDir('crash');
  bigFile = path.join(dir, 'big.jsonl');
  writeLedger(bigFile, { ...shapeNamed('2k'), name: 'crash', events: LINES }, SEED);
  fileIds = new Set(
    fs
      .readFileSync(bigFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { id: string }).id),
  );
  base = path.join(dir, 'base.db');
  const demo = await runCli([...sqliteArgs(base), 'import', DEMO_FILE]);
  if (demo.code !== 0) throw new Error(`building the base ledger failed: ${demo.stderr}`);
  baseCount = (await storedEvents(base)).length;
  // The reference: one clean import into a copy of the base, timed (the kill delays scale with it).
  const ref = path.join(dir, 'reference.db');
  fs.copyFileSync(base, ref);
  const clean = await timedImport(ref, (run) => {
    const poll = () => {
      commitWalBytes = Math.max(commitWalBytes, walSize(ref));
      if (!run.exited()) setImmediate(poll);
    };
    poll();
  });
  if (clean.code !== 0 || commitWalBytes === 0)
    throw new Error(`the reference import failed (WAL ${commitWalBytes} bytes): ${clean.stderr}`);
  // The commit is written in one burst the poll may miss: it writes at least the pages the file grew by.
  commitWalBytes = Math.max(commitWalBytes, fs.statSync(ref).size - fs.statSync(base).size);
  reference = (await storedEvents(ref)).map(withoutRecording);
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const STORE_OPENED = '"msg":"store opened"';

/**
 * Resolves when the child logs "store opened" (at info level: it has read the whole file and
 * starts importing), with the milliseconds since spawn; undefined if it exits first.
 */
const storeOpened = (run: Spawned): Promise<number | undefined> =>
  new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      if (run.stderrSoFar().includes(STORE_OPENED)) resolve(performance.now() - started);
    };
    check();
    run.child.stderr.on('data', check);
    void run.done.then(() => resolve(run.stderrSoFar().includes(STORE_OPENED) ? performance.now() - started : undefined));
  });

/** Polls the -wal file until it reaches `bytes` (the commit is being written) or the child exits. */
const walReaches = async (file: string, bytes: number, run: Spawned): Promise<void> => {
  while (!run.exited() && walSize(file) < bytes) await new Promise((resolve) => setImmediate(resolve));
};

/** Runs a whole import of big.jsonl (info level: "store opened" marks the start), updating `timing`. */
const timedImport = async (file: string, watch: (run: Spawned) => void = () => undefined): Promise<Exit & { appended?: number }> => {
  const run = spawnCli([...sqliteArgs(file), '--log-level', 'info', 'import', bigFile, '--json'], CHUNKED);
  watch(run);
  const opened = await storeOpened(run);
  const done = await run.done;
  if (done.code !== 0) return done;
  const appended = (JSON.parse(done.stdout) as { appended: number }).appended;
  if (opened !== undefined && appended === fileIds.size) observe(opened, done.ms - opened);
  return { ...done, appended };
};

const trial = async (n: number, kill: Kill): Promise<Outcome> => {
  const file = path.join(dir, `trial-${n}.db`);
  fs.copyFileSync(base, file);
  // The import's own temporary directory: a killed import must leave nothing in it (its spool is unlinked when opened).
  const tmp = path.join(dir, `tmp-${n}`);
  fs.mkdirSync(tmp);
  const run = spawnCli([...sqliteArgs(file), '--log-level', 'info', 'import', bigFile, '--json'], {
    env: { ...CHUNKED.env, TMPDIR: tmp },
  });
  if (kill.mode === 'startup') await Promise.race([sleep(kill.fraction * timing.startupMs), run.done]);
  else {
    await storeOpened(run);
    // Half of these at the commit's first byte (the poll rarely sees a burst half-written), half at a random size of it.
    if (kill.mode === 'wal') await walReaches(file, kill.fraction < 0.5 ? 1 : kill.fraction * commitWalBytes, run);
    else await Promise.race([sleep(kill.fraction * timing.importMs * 1.15), run.done]);
  }
  let phase: Phase;
  let walBytesAtKill = 0;
  if (run.exited()) phase = 'after the process exited';
  else {
    phase = run.stderrSoFar().includes('"msg":"store opened"') ? 'during the import' : 'before the import started';
    walBytesAtKill = walSize(file);
    run.child.kill('SIGKILL');
  }
  const killed = await run.done;
  const problems: string[] = [];
  if (phase === 'after the process exited' && killed.code !== 0)
    problems.push(`the unkilled import exited ${killed.code}: ${killed.stderr}`);
  const leftInTmp = fs.readdirSync(tmp);
  if (leftInTmp.length > 0) problems.push(`the import left ${leftInTmp.join(', ')} in its temporary directory`);

  const afterCrash = await storedEvents(file);
  const present = afterCrash.filter((e) => fileIds.has(e.id)).length;
  const committed = present === fileIds.size;
  if (present !== 0 && !committed) problems.push(`a partial import: ${present} of ${fileIds.size} events`);
  if (afterCrash.length - present !== baseCount)
    problems.push(`the base ledger changed: ${afterCrash.length - present} events, expected ${baseCount}`);
  problems.push(...(await verifyFile(file)).map((p) => `after the crash: ${p}`));

  const again = await timedImport(file);
  if (again.code !== 0) problems.push(`re-running the import exited ${again.code}: ${again.stderr}`);
  else {
    const report = JSON.parse(again.stdout) as { appended: number; alreadyPresent: number };
    const expected = committed ? { appended: 0, alreadyPresent: fileIds.size } : { appended: fileIds.size, alreadyPresent: 0 };
    if (report.appended !== expected.appended || report.alreadyPresent !== expected.alreadyPresent)
      problems.push(
        `re-import reported ${JSON.stringify({ appended: report.appended, alreadyPresent: report.alreadyPresent })}, expected ${JSON.stringify(expected)}`,
      );
  }
  const final = (await storedEvents(file)).map(withoutRecording);
  if (final.length !== reference.length) problems.push(`after re-import: ${final.length} events, a clean import gives ${reference.length}`);
  const firstDiff = final.findIndex((line, i) => line !== reference[i]);
  if (firstDiff >= 0)
    problems.push(`after re-import, event #${firstDiff} differs from a clean import:\n  ${final[firstDiff]}\n  ${reference[firstDiff]}`);
  problems.push(...(await verifyFile(file)).map((p) => `after re-import: ${p}`));
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  return { trial: n, kill, phase, walBytesAtKill, committed, problems };
};

describe(`an import killed with SIGKILL (${TRIALS} trials)`, () => {
  it('leaves a verifying ledger with none or all of the file, and a re-run gives exactly one clean import', async () => {
    const rng = new Prng(SEED);
    const delays = Array.from({ length: TRIALS }, (): Kill => ({ mode: rng.weighted(KILL_MIX, 1), fraction: rng.float() }));
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < delays.length) {
        const n = next++;
        outcomes.push(await trial(n, delays[n]!));
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    if (process.env['CRASH_DEBUG'])
      console.info(
        outcomes.map((o) => `${o.trial} ${JSON.stringify(o.kill)} ${o.phase} wal=${o.walBytesAtKill} committed=${o.committed}`).join('\n'),
      );
    const count = (p: (o: Outcome) => boolean) => outcomes.filter(p).length;
    const mid = outcomes.filter((o) => o.phase === 'during the import');
    console.info(
      [
        `crash: ${TRIALS} trials of a ${fileIds.size}-line import (start-up ${seconds(timing.startupMs)}, import ${seconds(timing.importMs)}, commit ${(commitWalBytes / 1024).toFixed(0)} KiB of WAL) in ${seconds(performance.now() - started)}`,
        `  killed before the import started: ${count((o) => o.phase === 'before the import started')}`,
        `  killed during the import: ${mid.length}: before the commit ${mid.filter((o) => o.walBytesAtKill === 0).length}, with the commit in the WAL ${mid.filter((o) => o.walBytesAtKill > 0).length} (of these, rolled back ${mid.filter((o) => o.walBytesAtKill > 0 && !o.committed).length}, committed ${mid.filter((o) => o.walBytesAtKill > 0 && o.committed).length})`,
        `  finished before the kill: ${count((o) => o.phase === 'after the process exited')}`,
        `  outcomes: ${count((o) => o.committed)} whole imports, ${count((o) => !o.committed)} none, problems in ${count((o) => o.problems.length > 0)}`,
      ].join('\n'),
    );
    expect(outcomes.flatMap((o) => o.problems.map((p) => `trial ${o.trial} (kill ${JSON.stringify(o.kill)}, ${o.phase}): ${p}`))).toEqual(
      [],
    );
    // The sizes are only meaningful if most kills land while the import runs.
    expect(mid.length).toBeGreaterThanOrEqual(Math.ceil(TRIALS / 2));
  });
});
