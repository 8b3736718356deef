import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { encodeStored, type StoredEvent } from '../../events/index.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { tempDir as makeTempDir } from '../support/tempDir.js';

export { DEMO_FILE, inPool } from '../cli/harness.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/**
 * The built CLI, copied once per test file to a private directory (node_modules linked beside it).
 * A soak runs for half an hour, and `npm run build` elsewhere in the checkout rewrites dist/
 * meanwhile: a child started mid-rebuild would fail to load and count as a rejected input. The
 * copy is smoke-tested (a torn copy fails to load) and retaken if it fails.
 */
const snapshotCli = (): string => {
  for (let attempt = 1; ; attempt++) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-cli-snapshot-'));
    fs.cpSync(DIST, path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}\n');
    fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'));
    const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
    const smoke = [
      ['--store', 'memory:', 'append', 'HolderRegistered', '--date', '2023-01-01', '--holder', 'x', '--name', 'X', '--dry-run'],
      ['--store', 'memory:', 'verify'],
    ].map((args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' }));
    if (smoke.every((r) => r.status === 0)) {
      afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
      return cli;
    }
    fs.rmSync(root, { recursive: true, force: true });
    if (attempt === 5) throw new Error(`the built CLI does not run (npm run build?): ${smoke.map((r) => r.stderr).join('\n')}`);
    spawnSync('sleep', ['3']);
  }
};

export const CLI = snapshotCli();

/**
 * The reliability suite runs twice: fast in `npm test`, long in `npm run soak`
 * (vitest.soak.config.ts sets SHARELEDGER_SOAK=1). Every size is chosen by `scaled`.
 */
const SOAK = process.env['SHARELEDGER_SOAK'] === '1';
export const scaled = <A>(fast: A, soak: A): A => (SOAK ? soak : fast);

/** Seeds come from the environment when a failing run must be replayed; else fixed. */
export const SEED = Number(process.env['SHARELEDGER_SEED'] ?? 20240611);

export type Exit = Readonly<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;

export type Spawned = Readonly<{
  child: ChildProcessWithoutNullStreams;
  done: Promise<Exit>;
  stderrSoFar: () => string;
  exited: () => boolean;
}>;

export type SpawnOptions = Readonly<{ env?: Record<string, string | undefined>; input?: string | Buffer; umask?: string; cwd?: string }>;

/** The environment without the developer's settings that would change what the CLI does. */
export const cleanEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['SHARELEDGER_STORE', 'SHARELEDGER_ACTOR', 'LOG_LEVEL', 'NO_COLOR', 'FORCE_COLOR']) delete env[key];
  for (const [key, value] of Object.entries(extra))
    if (value === undefined) delete env[key];
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

/** A private directory, removed after the test file's last test. */
export const tempDir = (prefix: string): string => makeTempDir(`shareledger-${prefix}-`);

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
