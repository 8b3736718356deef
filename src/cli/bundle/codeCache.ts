import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Runs the CLI bundle (one CommonJS file, see build.ts) through V8's code cache. Node 20 has no
 * compile cache of its own (module.enableCompileCache is Node 22), and compiling the CLI's
 * ~550 kB of JavaScript was a large part of a cold start. The cache is made once, by
 * `npm run build`, and only read afterwards: a run never writes next to the installed program.
 */

export type RunCli = (argv: string[]) => Promise<number>;

/** Which file a cache was made from. V8 checks its own version and flags, but of the source only the length. */
type Stamp = Readonly<{ size: number; mtimeMs: number }>;

export type LoadedBundle = Readonly<{
  runCli: RunCli;
  /** `used`, `rejected` by V8 (another Node version or flags), `stale` (another build of the bundle) or `none`. */
  cache: 'used' | 'rejected' | 'stale' | 'none';
  /** Writes the code cache for this bundle, with every function compiled so far (build.ts runs the CLI first). */
  writeCache: () => void;
}>;

export const cacheFileOf = (bundle: string): string => `${bundle}.cache`;

/** The cache file: one line of JSON (the stamp of the bundle it was made from), then V8's data. */
const readCache = (bundle: string, stamp: Stamp): { data?: Buffer; stale: boolean } => {
  let file: Buffer;
  try {
    file = fs.readFileSync(cacheFileOf(bundle));
  } catch {
    return { stale: false };
  }
  const newline = file.indexOf(0x0a);
  let made: Partial<Stamp> | undefined;
  try {
    made = JSON.parse(file.subarray(0, Math.max(newline, 0)).toString('utf8')) as Partial<Stamp>;
  } catch {
    made = undefined;
  }
  return made?.size === stamp.size && made.mtimeMs === stamp.mtimeMs ? { data: file.subarray(newline + 1), stale: false } : { stale: true };
};

// Module.wrap's parameters, on the source's first line so line numbers in stack traces stay right.
const wrap = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

export const loadBundle = (bundle: string): LoadedBundle => {
  const fd = fs.openSync(bundle, 'r');
  let source: string;
  let stamp: Stamp;
  try {
    const stat = fs.fstatSync(fd);
    stamp = { size: stat.size, mtimeMs: stat.mtimeMs };
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  const cached = readCache(bundle, stamp);
  const script = new vm.Script(wrap(source), {
    filename: bundle,
    ...(cached.data ? { cachedData: cached.data } : {}),
    // The bundle has no import() of its own (esbuild turns them into requires); should one appear, it resolves as usual.
    ...(vm.constants ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const module = { exports: {} as { runCli?: RunCli } };
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  body.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  const { runCli } = module.exports;
  if (typeof runCli !== 'function') throw new Error(`bug: ${bundle} does not export runCli`);
  return {
    runCli,
    cache: cached.data ? (script.cachedDataRejected === true ? 'rejected' : 'used') : cached.stale ? 'stale' : 'none',
    writeCache: () => fs.writeFileSync(cacheFileOf(bundle), Buffer.concat([Buffer.from(`${JSON.stringify(stamp)}\n`), script.createCachedData()])),
  };
};
