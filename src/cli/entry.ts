import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what a full collection found live, in percent: V8's own
 * choice goes up to 300% (four times the live data) for a fast-collecting heap, which is where a
 * long command's peak RSS came from. 50% is a growth rate, not a limit: a command that needs more
 * heap still gets it, after collecting more often. Measured on the bench's 1M ledger
 * (BENCHMARKS.md, "Heap growth"): `import` 662 → 405 MB at the same speed, the largest audit's csv
 * 596 → 396 MB. Set for the CLI process only (the library leaves its host's heap alone), and
 * not over a `--heap-growing-percent` given to node.
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * What a CLI entry does around one run: the heap's growth rate, the exit code, a quiet stop on a
 * closed pipe, and no lingering. Shared by the entry tsc builds (main.ts) and the bundled ones
 * (bundle/bin.ts, bundle/launcher.ts).
 */
export const runAsProcess = async (run: (argv: string[]) => Promise<number>): Promise<void> => {
  if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent')))
    v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // `shareledger export | head -3`: the reader has seen enough; stop quietly, as cat would.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.exitCode = await run(process.argv);
  // A store client that keeps a socket open must not keep a finished command alive.
  setTimeout(() => process.exit(), 2_000).unref();
};
