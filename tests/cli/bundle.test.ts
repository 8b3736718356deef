import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildLine, cacheFileOf, loadBundle } from '../../src/cli/bundle/codeCache.js';
import { CLI, demoLedger, tempDir } from './harness.js';

/**
 * The published CLI as `npm run build` leaves it (src/cli/bundle/build.ts): one bundled file
 * (bundle.cjs) with its code cache, run by the bin (shareledger.cjs, the harness's CLI) and by
 * dist/src/cli/main.js.
 */

const BUNDLE = fileURLToPath(new URL('../../dist/src/cli/bundle.cjs', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const CODE_CACHE = fileURLToPath(new URL('../../dist/src/cli/bundle/codeCache.js', import.meta.url));

/** Runs the built CLI with a preload that lists, at exit, the packages it loaded from node_modules. */
const packagesLoadedBy = (args: ReadonlyArray<string>): { code: number | null; packages: string[] } => {
  const dir = tempDir('shareledger-bundle-');
  const probe = path.join(dir, 'probe.cjs');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => process._rawDebug('PACKAGES ' + JSON.stringify(Object.keys(require.cache).flatMap((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1] ?? []))));\n`,
  );
  const run = spawnSync(process.execPath, ['-r', probe, CLI, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: '' } });
  const line = run.stderr.split('\n').find((l) => l.startsWith('PACKAGES '));
  if (!line) throw new Error(`no probe output: ${run.stderr}`);
  return { code: run.status, packages: [...new Set(JSON.parse(line.slice('PACKAGES '.length)) as string[])] };
};

describe('the built CLI', () => {
  it('runs the bundle from the bin and from main.js: both answer --version, and the build made a code cache this Node accepts', () => {
    expect(JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')).bin).toEqual({
      shareledger: 'dist/src/cli/shareledger.cjs',
    });
    for (const entry of [CLI, MAIN]) {
      expect(fs.readFileSync(entry, 'utf8'), entry).toContain('bundle.cjs');
      const version = spawnSync(process.execPath, [entry, '--version'], { encoding: 'utf8' });
      expect({ entry, code: version.status, stdout: version.stdout.trim() }).toEqual({ entry, code: 0, stdout: '0.1.0' });
    }
    // In a child: the cache is only valid for the V8 flags it was made with, and a test worker may add some.
    const check = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { loadBundle } from ${JSON.stringify(CODE_CACHE)}; console.log(loadBundle(${JSON.stringify(BUNDLE)}).cache);`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(check.stdout.trim()).toBe('used');
  });

  it('loads the EventStoreDB client only for an EventStoreDB store, and pino only to log', async () => {
    const db = await demoLedger(tempDir());
    const stake = ['stake', '--issuer', 'sensetime', '--holder', 'taobao-holding', '--as-of', '2023-07-07'];
    const sqlite = packagesLoadedBy(['--store', `sqlite:${db}`, ...stake]);
    expect(sqlite.code).toBe(0);
    expect(sqlite.packages).not.toContain('@eventstore/db-client');
    expect(sqlite.packages).not.toContain('pino');
    const logged = packagesLoadedBy(['--store', `sqlite:${db}`, '--log-level', 'debug', ...stake]);
    expect(logged.packages).toContain('pino');
    // Nothing listens on port 1: the store is unavailable (exit 3), after its client was loaded.
    const esdb = packagesLoadedBy(['--store', 'esdb://127.0.0.1:1?tls=false', ...stake]);
    expect(esdb.code).toBe(3);
    expect(esdb.packages).toContain('@eventstore/db-client');
  });
});

describe('the code cache', () => {
  const writeBundle = (file: string, factor: number, build: string): void =>
    fs.writeFileSync(file, `exports.runCli = async (argv) => argv.length * ${factor};${buildLine(build.repeat(64))}`);

  it('is used for the very build it was made from, and ignored for another build or when damaged', async () => {
    const bundle = path.join(tempDir('shareledger-cache-'), 'bundle.cjs');
    writeBundle(bundle, 1, 'a');
    const first = loadBundle(bundle);
    expect(first.cache).toBe('none');
    expect(await first.runCli(['node', 'x', 'y'])).toBe(3);
    first.writeCache();
    expect(loadBundle(bundle).cache).toBe('used');

    // Another build of the same length: V8 alone would run the old code from the cache.
    writeBundle(bundle, 2, 'b');
    const rebuilt = loadBundle(bundle);
    expect(rebuilt.cache).toBe('stale');
    expect(await rebuilt.runCli(['node', 'x', 'y'])).toBe(6);

    rebuilt.writeCache();
    expect(loadBundle(bundle).cache).toBe('used');
    fs.writeFileSync(cacheFileOf(bundle), fs.readFileSync(cacheFileOf(bundle)).subarray(1));
    expect(loadBundle(bundle).cache).toBe('stale');
  });
});
