import { Command } from 'commander';
import { fail } from '../../domain/problem.js';
import { parseStoreUrl, redactUrl } from '../../store/storeUrl.js';
import type { CliContext } from '../context.js';
import { countEvents } from '../progress.js';

const sameLocation = (a: string, b: string): boolean => {
  const x = parseStoreUrl(a);
  const y = parseStoreUrl(b);
  if (x.kind === 'sqlite' && y.kind === 'sqlite') return x.path === y.path;
  return x.kind !== 'memory' && a === b;
};

export const copyCommand = (cli: CliContext): Command =>
  new Command('copy')
    .description('copy the whole ledger to another store, envelopes and hashes unchanged, then verify the target')
    .requiredOption('--to <url>', 'the target store: memory:, sqlite:PATH, esdb://… or kurrentdb://…')
    .addHelpText(
      'after',
      `
The target must be empty, or hold an earlier copy of this ledger (an interrupted copy continues).

Examples:
  $ shareledger --store sqlite:./shareledger.db copy --to sqlite:./backup.db
  $ shareledger copy --to "esdb://localhost:2113?tls=false"`,
    )
    .action(async (o: { to: string }) => {
      parseStoreUrl(o.to);
      const { copyLedger } = await import('../../copyLedger.js');
      if (sameLocation(cli.globals.storeUrl, o.to))
        fail('Usage', `--to ${redactUrl(o.to)} is the source store itself`, { to: redactUrl(o.to) });
      const summary = await cli.withStore((source) =>
        cli.withStore(async (target) => {
          const bar = cli.progress('copying', await countEvents(source));
          try {
            const result = await copyLedger(source, target, {
              read: (n) => bar.update(n),
              phase: (title) => bar.phase(title),
              verified: (n) => bar.update(n, 'verifying'),
            });
            cli.logger.info({ from: result.from, to: result.to, events: result.copied }, 'copied');
            return result;
          } finally {
            bar.finish();
          }
        }, o.to),
      );
      cli.emit(
        summary,
        () =>
          `copied ${summary.copied.toLocaleString('en-US')} events${summary.alreadyPresent ? ` (${summary.alreadyPresent.toLocaleString('en-US')} were already there)` : ''} of ${summary.streams} streams from ${summary.from} to ${summary.to}\n` +
          `verified: ${summary.verify.events.toLocaleString('en-US')} events, every hash chain intact, stream heads equal to the source`,
      );
    });
