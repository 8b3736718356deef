import { Command } from 'commander';
import { DEFAULT_REGIME, REGIMES } from '../../../projections/obligations/regimes.js';
import type { ObligationsQuery } from '../../obligationsQuery.js';
import type { CliContext } from '../context.js';
import { obligationsText } from '../views/obligations.js';

type Options = ObligationsQuery;

export const obligationsCommand = (cli: CliContext): Command =>
  new Command('obligations')
    .description('disclosure notices a holder (or group) had to file when its interest crossed thresholds, and whether it did')
    .requiredOption('--issuer <issuer>', 'issuer id, e.g. sensetime')
    .option('--holder <holder>', 'only this holder (default: every holder that reached the threshold)')
    .option('--group', 'the group the holder heads: its interest and that of every holder it controls (controlledBy chains)')
    .option('--regime <regime>', `${REGIMES.map((r) => `${r.id} (${r.title})`).join(', ')}; default ${DEFAULT_REGIME}`)
    .option('--from <date>', 'list notices dated on or after this date, YYYY-MM-DD')
    .option('--to <date>', 'list notices dated on or before this date, YYYY-MM-DD')
    .option('--as-of <date>', 'the day the question is asked: what is due, missing or filed by then (default: today, UTC)')
    .option(
      '--known-at <time>',
      'as the ledger knew it then: an ISO 8601 instant, or a date meaning the end of that day UTC (default: now)',
    )
    .option('--holidays <file>', 'non-business days, one YYYY-MM-DD per line (blank lines and # comments allowed)')
    .addHelpText(
      'after',
      `
Business days are Monday to Friday minus the --holidays dates. See docs/obligations.md.

Examples:
  $ shareledger obligations --issuer sensetime --holder taobao-holding
  $ shareledger obligations --issuer sensetime --holder alibaba-group --group --regime us --json`,
    )
    .action(async (o: Options) => {
      const { queryObligations } = await import('../../obligationsQuery.js');
      const answer = await cli.withReading('replaying', (store) =>
        queryObligations(
          store,
          {
            issuer: o.issuer,
            group: o.group ?? false,
            ...(o.holder !== undefined ? { holder: o.holder } : {}),
            ...(o.regime !== undefined ? { regime: o.regime } : {}),
            ...(o.from !== undefined ? { from: o.from } : {}),
            ...(o.to !== undefined ? { to: o.to } : {}),
            ...(o.asOf !== undefined ? { asOf: o.asOf } : {}),
            ...(o.knownAt !== undefined ? { knownAt: o.knownAt } : {}),
            ...(o.holidays !== undefined ? { holidays: o.holidays } : {}),
          },
          cli.now(),
        ),
      );
      answer.warnings.forEach((w) => cli.warn(w));
      cli.emit(answer.result, () => obligationsText(answer.result, cli.style));
    });
