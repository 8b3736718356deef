import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Runs the CLI bundle (one CommonJS file, see build.ts) through V8's code cache. Node 20 has no
 * compile cache of its own (module.enableCompileCache is Node 22), and compiling the CLI's
 * ~600 kB of JavaScript was a large part of a cold start. The cache is made once, by
 * `npm run build`, and only read afterwards: a run never writes next to the installed program.
 */

export type RunCli = (argv: string[]) => Promise<number>;

export type LoadedBundle = Readonly<{
  runCli: RunCli;
  /** `used`, `rejected` by V8 (another Node version or flags), `stale` (made from another build of the bundle) or `none`. */
  cache: 'used' | 'rejected' | 'stale' | 'none';
  /** Writes the code cache for this bundle, with every function compiled so far (build.ts runs the CLI first). */
  writeCache: () => void;
}>;

export const cacheFileOf = (bundle: string): string => `${bundle}.cache`;

/**
 * The last line of a bundle names its build: build.ts appends the SHA-256 of the content. V8
 * checks a cache against its own version and flags but against the source only by its length,
 * so the cache file starts with this line, and is used only for the very bundle it was made from.
 */
const BUILD_LINE = /\n\/\/# shareledger-build ([0-9a-f]{64})\n$/;

export const buildLine = (sha256: string): string => `\n//# shareledger-build ${sha256}\n`;

const buildOf = (source: string): string | undefined => BUILD_LINE.exec(source.slice(-100))?.[1];

/** The cache file: the build's id and a newline, then V8's data. */
const readCache = (bundle: string, build: string | undefined): { data?: Buffer; stale: boolean } => {
  let file: Buffer;
  try {
    file = fs.readFileSync(cacheFileOf(bundle));
  } catch {
    return { stale: false };
  }
  const newline = file.indexOf(0x0a);
  const madeFrom = newline < 0 ? undefined : file.subarray(0, newline).toString('latin1');
  return build !== undefined && madeFrom === build ? { data: file.subarray(newline + 1), stale: false } : { stale: true };
};

// Module.wrap's parameters, on the source's first line so line numbers in stack traces stay right.
const wrap = (source: string): string => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

export const loadBundle = (bundle: string): LoadedBundle => {
  const source = fs.readFileSync(bundle, 'utf8');
  const build = buildOf(source);
  const cached = readCache(bundle, build);
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
    writeCache: () => {
      if (build === undefined) throw new Error(`bug: ${bundle} has no build line, so no cache can be tied to it`);
      fs.writeFileSync(cacheFileOf(bundle), Buffer.concat([Buffer.from(`${build}\n`), script.createCachedData()]));
    },
  };
};
