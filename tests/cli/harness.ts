import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeStored } from '../../events/index.js';
import { openStore } from '../../src/store/openStore.js';
import { tempDir as makeTempDir } from '../support/tempDir.js';

/**
 * The built CLI, as package.json's bin runs it: the tests drive the real argument parser in a
 * real process (npm test builds first). dist/src/cli/main.js runs the same bundle (bundle.test.ts).
 */
export const CLI = fileURLToPath(new URL('../../dist/src/cli/shareledger.cjs', import.meta.url));
export const DEMO_FILE = fileURLToPath(new URL('../../examples/sensetime.jsonl', import.meta.url));

export type Run = Readonly<{ code: number | null; stdout: string; stderr: string }>;

export type RunOptions = Readonly<{ cwd?: string; env?: Record<string, string | undefined>; input?: string }>;

/** The environment without anything of the developer's that would change the CLI's behaviour. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const key of ['SHARELEDGER_STORE', 'SHARELEDGER_ACTOR', 'LOG_LEVEL', 'NO_COLOR', 'FORCE_COLOR']) delete env[key];
  return env;
};

export const runCli = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const env = { ...cleanEnv(), ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });

/** Runs tasks with at most `limit` at a time (each spawns node: the machine may have few cores). */
export const inPool = async <A>(
  tasks: ReadonlyArray<() => Promise<A>>,
  limit = Math.max(2, Math.min(6, os.cpus().length * 2)),
): Promise<A[]> => {
  const results: A[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
};

/** A private directory, removed after the test file's last test. */
export const tempDir = (prefix = 'shareledger-cli-'): string => makeTempDir(prefix);

/**
 * What a SQLite ledger holds, as one hash: every stored envelope in append order, read through
 * the store port (so events still in the -wal file count too).
 */
export const ledgerDigest = async (file: string): Promise<string> => {
  if (!fs.existsSync(file)) return 'absent';
  const store = await openStore(`sqlite:${file}`);
  try {
    const hash = createHash('sha256');
    for await (const e of store.readAll()) hash.update(`${JSON.stringify(encodeStored(e))}\n`);
    return hash.digest('hex');
  } finally {
    await store.close();
  }
};

export const parseJsonOut = <A = Record<string, unknown>>(run: Run): A => {
  try {
    return JSON.parse(run.stdout) as A;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
};

/** Builds a SQLite ledger holding the demo (through the CLI) and returns its path. */
export const demoLedger = async (dir: string, name = 'demo.db'): Promise<string> => {
  const file = path.join(dir, name);
  const run = await runCli(['--store', `sqlite:${file}`, 'import', DEMO_FILE]);
  if (run.code !== 0) throw new Error(`building the demo ledger failed: ${run.stderr}`);
  return file;
};

/** Event ids of the demo file by a predicate on the envelope. */
export const demoEvents = (): Array<{ id: string; type: string; date: string; data: Record<string, unknown> }> =>
  fs
    .readFileSync(DEMO_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; type: string; date: string; data: Record<string, unknown> });

export const ANSI = /\u001b\[/;
