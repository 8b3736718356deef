/**
 * What a CLI entry does around one run: the exit code, a quiet stop on a closed pipe, and no
 * lingering. Shared by the entry tsc builds (main.ts) and the bundled ones (bundle/bin.ts, bundle/launcher.ts).
 */
export const runAsProcess = async (run: (argv: string[]) => Promise<number>): Promise<void> => {
  // `shareledger export | head -3`: the reader has seen enough; stop quietly, as cat would.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.exitCode = await run(process.argv);
  // A store client that keeps a socket open must not keep a finished command alive.
  setTimeout(() => process.exit(), 2_000).unref();
};
