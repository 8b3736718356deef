import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadBundle, type RunCli } from './codeCache.js';

/**
 * The second step of `npm run build` (after tsc): the published CLI.
 *
 * 1. src/cli/program.ts and everything it loads (commands, domain, stores, commander, io-ts, fp-ts)
 *    become one CommonJS file, dist/src/cli/bundle.cjs. Resolving and compiling ~100 ESM modules
 *    and ~50 CommonJS files took about half of a cold start; one file takes a fraction of that.
 *    Native and heavy packages stay outside: better-sqlite3 (a native addon), pino (loaded only
 *    when a log record is written) and @eventstore/db-client (loaded only for esdb:// stores).
 * 2. launcher.ts replaces tsc's dist/src/cli/main.js: the same entry (bin, tests, `node
 *    dist/src/cli/main.js`), now running bundle.cjs.
 * 3. The CLI runs a few commands in this process (a throwaway SQLite ledger), then writes V8's
 *    code cache of what they compiled (bundle.cjs.cache, see codeCache.ts).
 *
 * A plain `tsc` afterwards puts the module-by-module main.js back: slower to start, same answers.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const OUT = path.join(ROOT, 'dist/src/cli');
const BUNDLE = path.join(OUT, 'bundle.cjs');
const MAIN = path.join(OUT, 'main.js');
const DEMO_FILE = path.join(ROOT, 'examples/sensetime.jsonl');

await build({
  entryPoints: [path.join(ROOT, 'src/cli/program.ts')],
  outfile: BUNDLE,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'pino', '@eventstore/db-client'],
  // import.meta.url (demo.ts finds the example ledger from it; logger.ts requires pino) as the bundle's own URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});

await build({
  entryPoints: [path.join(ROOT, 'src/cli/bundle/launcher.ts')],
  outfile: MAIN,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
fs.chmodSync(MAIN, 0o755);

/** What the cache is made from: the commands a cold start is timed on, and the work they share. */
const warmUp = (store: string): ReadonlyArray<ReadonlyArray<string>> => [
  ['--help'],
  ['--store', store, 'import', DEMO_FILE],
  ['--store', store, 'stake', '--issuer', 'sensetime', '--holder', 'taobao-holding', '--as-of', '2023-07-07'],
  ['--store', store, '--json', 'stake', '--issuer', 'sensetime', '--holder', 'alibaba-group', '--group', '--as-of', '2023-07-07'],
  ['--store', store, 'cap-table', '--issuer', 'sensetime', '--as-of', '2023-07-07'],
  ['--store', store, 'history', '--issuer', 'sensetime', '--holder', 'taobao-holding'],
  ['--store', store, 'proceeds', '--holder', 'taobao-holding'],
];

/** Runs the CLI in this process with its output dropped; a failure fails the build (the bundle does not work). */
const runQuietly = async (runCli: RunCli, args: ReadonlyArray<string>): Promise<void> => {
  const writes = { out: process.stdout.write, err: process.stderr.write };
  let stderr = '';
  process.stdout.write = () => true;
  process.stderr.write = (chunk: string | Uint8Array) => ((stderr += String(chunk)), true);
  let code: number;
  try {
    code = await runCli(['node', 'shareledger', ...args]);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
  if (code !== 0) throw new Error(`the bundled CLI failed: shareledger ${args.join(' ')} exited ${code}\n${stderr}`);
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-build-'));
try {
  const bundle = loadBundle(BUNDLE);
  for (const args of warmUp(`sqlite:${path.join(dir, 'warm-up.db')}`)) await runQuietly(bundle.runCli, args);
  bundle.writeCache();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
