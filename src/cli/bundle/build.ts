import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { buildLine, loadBundle, type RunCli } from './codeCache.js';

/**
 * The second step of `npm run build` (after tsc): the published CLI.
 *
 * 1. src/cli/program.ts and everything it loads (commands, domain, stores, commander, io-ts, fp-ts)
 *    become one CommonJS file, dist/src/cli/bundle.cjs. Resolving and compiling ~100 ESM modules
 *    and ~50 CommonJS files took about half of a cold start; one file takes a fraction of that.
 *    Two packages stay outside, loaded on use: pino (when a log record is written) and
 *    @eventstore/db-client (for esdb:// stores). better-sqlite3's JavaScript is bundled too
 *    (see bundledBetterSqlite3), its native addon is not.
 * 2. The verify worker (src/integrity/soundWorker.ts) becomes dist/src/cli/soundWorker.cjs, a
 *    bundle of its own beside the CLI's, which soundLanes.ts starts on worker threads.
 * 3. Two small entries run the CLI bundle: bin.ts becomes dist/src/cli/shareledger.cjs (package.json bin:
 *    `shareledger`, `npx shareledger`) and launcher.ts replaces tsc's dist/src/cli/main.js (for
 *    `node dist/src/cli/main.js`).
 * 4. The CLI runs a few commands in this process (a throwaway SQLite ledger), then writes V8's
 *    code cache of what they compiled (bundle.cjs.cache, see codeCache.ts).
 *
 * A plain `tsc` afterwards puts the module-by-module main.js back (slower to start, same answers);
 * shareledger.cjs runs the last bundle until the next `npm run build`.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const OUT = path.join(ROOT, 'dist/src/cli');
const BUNDLE = path.join(OUT, 'bundle.cjs');
const MAIN = path.join(OUT, 'main.js');
const BIN = path.join(OUT, 'shareledger.cjs');
const SOUND_WORKER = path.join(OUT, 'soundWorker.cjs');
const DEMO_FILE = path.join(ROOT, 'examples/sensetime.jsonl');

const require = createRequire(import.meta.url);

/**
 * better-sqlite3's 16 JavaScript files took ~6 ms to resolve and compile at every start. The
 * bundle gets a copy (with its own `bindings`, which loads the addon from the installed package),
 * used only when the installed package is the version copied: betterSqlite3.cjs decides at run time.
 */
const bundledBetterSqlite3: Plugin = {
  name: 'bundled-better-sqlite3',
  setup(b) {
    const wrapper = path.join(ROOT, 'src/cli/bundle/betterSqlite3.cjs');
    const external = { external: true } as const;
    b.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
      args.importer === wrapper ? { path: args.path, ...external } : { path: wrapper },
    );
    b.onResolve({ filter: /^better-sqlite3\/package\.json$/ }, (args) => ({ path: args.path, ...external }));
    b.onResolve({ filter: /^bundled:better-sqlite3$/ }, () => ({ path: require.resolve('better-sqlite3') }));
    b.onResolve({ filter: /^bindings$/ }, (args) =>
      /[\\/]better-sqlite3[\\/]/.test(args.importer) ? { path: path.join(ROOT, 'src/cli/bundle/betterSqlite3Bindings.cjs') } : undefined,
    );
  },
};
const BETTER_SQLITE3_VERSION = (require('better-sqlite3/package.json') as { version: string }).version;

/** import.meta.url in a CommonJS output: its own file's URL (demo.ts finds the example ledger from it, logger.ts requires pino). */
const CJS_IMPORT_META = {
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [path.join(ROOT, 'src/cli/bundle/importMetaUrl.ts')],
};

/** A CommonJS bundle for Node 20 with better-sqlite3's JavaScript inside (the CLI's, and the verify worker's). */
const CJS_BUNDLE = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [bundledBetterSqlite3],
  ...CJS_IMPORT_META,
  define: { ...CJS_IMPORT_META.define, BUNDLED_BETTER_SQLITE3_VERSION: JSON.stringify(BETTER_SQLITE3_VERSION) },
  logLevel: 'warning',
} satisfies BuildOptions;

await build({
  ...CJS_BUNDLE,
  entryPoints: [path.join(ROOT, 'src/cli/program.ts')],
  outfile: BUNDLE,
  // ajv, ajv-formats and fflate are loaded only by the OCF commands: outside the bundle, a cold start never reads them.
  external: ['pino', '@eventstore/db-client', 'ajv', 'ajv-formats', 'fflate'],
  sourcemap: true,
});
// The verify worker (src/integrity/soundLanes.ts looks for it beside the bundle): its own small bundle, started per lane.
await build({ ...CJS_BUNDLE, entryPoints: [path.join(ROOT, 'src/integrity/soundWorker.ts')], outfile: SOUND_WORKER });
const bundled = fs.readFileSync(BUNDLE, 'utf8');
fs.writeFileSync(BUNDLE, bundled + buildLine(createHash('sha256').update(bundled).digest('hex')));

for (const [entry, outfile, format] of [
  ['bin.ts', BIN, 'cjs'],
  ['launcher.ts', MAIN, 'esm'],
] as const) {
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/bundle', entry)],
    outfile,
    allowOverwrite: true,
    bundle: true,
    format,
    platform: 'node',
    target: 'node20',
    ...(format === 'cjs' ? CJS_IMPORT_META : {}),
    logLevel: 'warning',
  });
  fs.chmodSync(outfile, 0o755);
}

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
