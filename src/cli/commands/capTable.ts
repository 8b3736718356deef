import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { capTableText } from '../views/ownership.js';

export const capTableCommand = (cli: CliContext): Command =>
  new Command('cap-table')
    .description('every holder of an issuer with shares per class, % of all shares and % of votes')
    .requiredOption('--issuer <issuer>', 'issuer id, e.g. sensetime')
    .option('--as-of <date>', 'effective date YYYY-MM-DD, inclusive (default: today, UTC)')
    .option(
      '--known-at <time>',
      'as the ledger knew it then: an ISO 8601 instant, or a date meaning the end of that day UTC (default: now)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ shareledger cap-table --issuer sensetime --as-of 2022-12-31
  $ shareledger cap-table --issuer sensetime --as-of 2023-07-07 --json`,
    )
    .action(async (o: { issuer: string; asOf?: string; knownAt?: string }) => {
      const { queryCapTable } = await import('../../queries.js');
      const answer = await cli.withReading('replaying', (store) =>
        queryCapTable(store, { issuer: o.issuer, asOf: o.asOf, knownAt: o.knownAt }, cli.now()),
      );
      answer.warnings.forEach((w) => cli.warn(w));
      cli.emit(answer.result, () => capTableText(answer.result, cli.style));
    });
