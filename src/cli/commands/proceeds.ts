import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { proceedsText } from '../views/proceeds.js';

export const proceedsCommand = (cli: CliContext): Command =>
  new Command('proceeds')
    .description("a holder's realized proceeds: gross, fees, net, cost basis and gain of every disposal, with totals per currency")
    .requiredOption('--holder <holder>', 'holder id, e.g. taobao-holding')
    .option('--issuer <issuer>', 'only disposals of shares of this issuer')
    .option('--from <date>', 'only disposals on or after this effective date')
    .option('--to <date>', 'only disposals on or before this effective date')
    .option('--method <method>', 'cost method: fifo (oldest lots first) or avg (pooled average)', 'fifo')
    .option('--currency <code>', 'convert every amount to this currency at the recorded FX rates')
    .option(
      '--known-at <time>',
      'as the ledger knew it then: an ISO 8601 instant, or a date meaning the end of that day UTC (default: now)',
    )
    .option('--group', 'add every holder the holder controls (controlledBy chains)')
    .addHelpText(
      'after',
      `
Examples:
  $ shareledger proceeds --holder taobao-holding --issuer sensetime
  $ shareledger proceeds --holder alibaba-group --group --currency USD --method avg --json`,
    )
    .action(
      async (o: {
        holder: string;
        issuer?: string;
        from?: string;
        to?: string;
        method: string;
        currency?: string;
        knownAt?: string;
        group?: boolean;
      }) => {
        const { queryProceeds } = await import('../../queries.js');
        const answer = await cli.withReading('replaying', (store) =>
          queryProceeds(
            store,
            {
              holder: o.holder,
              issuer: o.issuer,
              from: o.from,
              to: o.to,
              method: o.method,
              currency: o.currency,
              knownAt: o.knownAt,
              group: o.group ?? false,
            },
            cli.now(),
          ),
        );
        answer.warnings.forEach((w) => cli.warn(w));
        cli.emit(answer.result, () => proceedsText(answer.result, cli.style));
      },
    );
