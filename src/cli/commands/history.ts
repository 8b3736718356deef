import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { historyText } from '../views/ownership.js';

export const historyCommand = (cli: CliContext): Command =>
  new Command('history')
    .description('every change of a holding in an issuer (one holder or all): shares and % of class before and after')
    .requiredOption('--issuer <issuer>', 'issuer id, e.g. sensetime')
    .option('--holder <holder>', 'only this holder')
    .option(
      '--known-at <time>',
      'as the ledger knew it then: an ISO 8601 instant, or a date meaning the end of that day UTC (default: now)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ shareledger history --issuer sensetime --holder taobao-holding
  $ shareledger history --issuer sensetime --json`,
    )
    .action(async (o: { issuer: string; holder?: string; knownAt?: string }) => {
      const { queryHistory } = await import('../../queries.js');
      const answer = await cli.withReading('replaying', (store) =>
        queryHistory(store, { issuer: o.issuer, holder: o.holder, knownAt: o.knownAt }, cli.now()),
      );
      answer.warnings.forEach((w) => cli.warn(w));
      cli.emit(answer.result, () => historyText(answer.result, cli.style));
    });
