import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { stakeText } from '../views/ownership.js';

export const stakeCommand = (cli: CliContext): Command =>
  new Command('stake')
    .description("a holder's stake in an issuer: shares, % of each class, % of all shares, % of votes")
    .requiredOption('--issuer <issuer>', 'issuer id, e.g. sensetime')
    .requiredOption('--holder <holder>', 'holder id, e.g. taobao-holding')
    .option('--as-of <date>', 'effective date YYYY-MM-DD, inclusive (default: today, UTC)')
    .option(
      '--known-at <time>',
      'as the ledger knew it then: an ISO 8601 instant, or a date meaning the end of that day UTC (default: now)',
    )
    .option('--group', 'add every holder the holder controls (controlledBy chains)')
    .addHelpText(
      'after',
      `
Examples:
  $ shareledger stake --issuer sensetime --holder taobao-holding --as-of 2023-07-07
  $ shareledger stake --issuer sensetime --holder alibaba-group --group --as-of 2021-12-29 --json`,
    )
    .action(async (o: { issuer: string; holder: string; asOf?: string; knownAt?: string; group?: boolean }) => {
      const { queryStake } = await import('../../queries.js');
      const answer = await cli.withReading('replaying', (store) =>
        queryStake(store, { issuer: o.issuer, holder: o.holder, asOf: o.asOf, knownAt: o.knownAt, group: o.group ?? false }, cli.now()),
      );
      answer.warnings.forEach((w) => cli.warn(w));
      cli.emit(answer.result, () => stakeText(answer.result, cli.style));
    });
