import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeStored, type StoredEvent } from '../../events/index.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { CLI } from '../cli/harness.js';

export { CLI, DEMO_FILE, inPool } from '../cli/harness.js';

/**
 * The reliability suite runs twice: fast in `npm test`, long in `npm run soak`
 * (vitest.soak.config.ts sets SHARELEDGER_SOAK=1). Every size is chosen by `scaled`.
 */
export const SOAK = process.env['SHARELEDGER_SOAK'] === '1';
export const scaled = <A>(fast: A, soak: A): A => (SOAK ? soak : fast);

/** Seeds come from the environment when a failing run must be replayed; else fixed. */
export const SEED = Number(process.env['SHARELEDGER_SEED'] ?? 20240611);

export type Exit = Readonly<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;

export type Spawned = Readonly<{ child: ChildProcessWithoutNullStreams; done: Promise<Exit>; stderrSoFar: () => string; exited: () => boolean }>;

export type SpawnOptions = Readonly<{ env?: Record<string, string | undefined>; input?: string | Buffer; umask?: string; cwd?: string }>;

/** The environment without the developer's settings that would change what the CLI does. */
export const cleanEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['SHARELEDGER_STORE', 'SHARELEDGER_ACTOR', 'LOG_LEVEL', 'NO_COLOR', 'FORCE_COLOR']) delete env[key];
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
  else env[key] = value;
  return env;
};

/**
 * Starts the built CLI in its own process. With `umask`, it runs under that umask (through sh,
 * which then execs node), so file modes are tested against a permissive umask, not the test's.
 */
export const spawnCli = (args: ReadonlyArray<string>, options: SpawnOptions = {}): Spawned => {
  const env = cleanEnv(options.env);
  const child =
    options.umask === undefined
      ? spawn(process.execPath, [CLI, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, CLI, ...args], {
          env,
          cwd: options.cwd,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => undefined);
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => (exited = true));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
  });
  child.stdin.end(options.input ?? '');
  return { child, done, stderrSoFar: () => stderr, exited: () => exited };
};

export const runCli = (args: ReadonlyArray<string>, options: SpawnOptions = {}): Promise<Exit> => spawnCli(args, options).done;

export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `shareledger-${prefix}-`));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every stored event of a SQLite ledger, in append order, read through the store port. */
export const storedEvents = async (file: string): Promise<StoredEvent[]> => {
  const store = openSqliteStore(file);
  try {
    const all: StoredEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    return all;
  } finally {
    await store.close();
  }
};

/**
 * An event as an export shows it, minus what legitimately differs between two imports of the
 * same file: when it was recorded, and the hashes that cover recordedAt.
 */
export const withoutRecording = (e: StoredEvent): string => {
  const { recordedAt: _r, prevHash: _p, hash: _h, ...rest } = encodeStored(e);
  return JSON.stringify(rest);
};

/** Milliseconds as seconds with one decimal, for the reports the suites print. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
