import { Command } from 'commander';
import type { EventId } from '../../../events/index.js';
import type { CliContext } from '../context.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

export const retractCommand = (cli: CliContext): Command =>
  new Command('retract')
    .description('retract an event: it stops counting for every query that knows of the retraction (nothing is deleted)')
    .argument('<eventId>', 'id of the event to retract')
    .requiredOption('--reason <text>', 'why, recorded with the retraction')
    .option('--date <date>', "the retraction's own date (default: today, UTC); it never affects a query")
    .option('--issuer <id>', 'the issuer whose event it is: needed on EventStoreDB, which finds events by issuer, not by id alone')
    .option('--dry-run', 'validate and show the stake changes it would cause; store nothing')
    .addHelpText(
      'after',
      `
On EventStoreDB give --issuer for an issuer's event (not for a HolderRegistered or FxRateRecorded):
the store has no index by event id and looks only in that issuer's stream.

Example:
  $ shareledger retract 3f0c6d9e-8a1b-4c2d-9e3f-1a2b3c4d5e6f --issuer sensetime --reason "entered twice"`,
    )
    .action(async (id: string, o: { reason: string; date?: string; issuer?: string; dryRun?: boolean }) => {
      // Loaded on use, like every command's work: it needs the codecs, which --help does without.
      const { eventIdArg, targetIssuerArg } = await import('../eventIdArg.js');
      const eventId: EventId = eventIdArg(id);
      const issuer = targetIssuerArg(o.issuer);
      const report = await cli.withStore(async (store) =>
        (await cli.ledger(store)).retract(eventId, o.reason, {
          ...(o.date !== undefined ? { date: o.date } : {}),
          ...(issuer !== undefined ? { issuer } : {}),
          dryRun: o.dryRun === true,
        }),
      );
      cli.emit(appendReportJson(report), () => appendReportText(report, cli.style, 'retraction'));
    });
