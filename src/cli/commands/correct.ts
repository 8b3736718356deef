import { Command } from 'commander';
import { fail } from '../../domain/problem.js';
import type { CliContext } from '../context.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

type CorrectOptions = { reason: string; date?: string; data?: string; issuer?: string; dryRun?: boolean };

const OWN_FLAGS = ['reason', 'date', 'data', 'issuer', 'dry-run'];

/**
 * `--consideration-amount 12` corrects one part of an object field: the other parts are kept
 * from the original (the ledger replaces whole fields).
 */
const withOriginalParts = (original: Record<string, unknown>, fromFlags: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(fromFlags).map(([key, value]) => {
      const before = original[key];
      const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
      return [key, isObject(value) && isObject(before) ? { ...before, ...value } : value];
    }),
  );

export const correctCommand = (cli: CliContext): Command =>
  new Command('correct')
    .description('retract an event and append its corrected copy (new id), atomically')
    .argument('<eventId>', 'id of the event to correct')
    .option('--data <json>', 'fields to replace as a JSON object; null removes an optional field')
    .option('--date <date>', 'a new effective date for the replacement (also dates the retraction; default today)')
    .requiredOption('--reason <text>', 'why, recorded with the retraction')
    .option('--issuer <id>', 'the issuer whose event it is: needed on EventStoreDB, which finds events by issuer, not by id alone')
    .option('--dry-run', 'validate and show the stake changes it would cause; store nothing')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Field flags are the data fields of the corrected event's type in kebab-case. On EventStoreDB give
--issuer: the store has no index by event id and looks only in that issuer's stream.

Example:
  $ shareledger correct 3f0c6d9e-8a1b-4c2d-9e3f-1a2b3c4d5e6f --issuer sensetime --shares 557400000 --reason "filing gives 557.4 million"`,
    )
    .action(async (id: string, o: CorrectOptions, command: Command) => {
      // Loaded on use, like every command's work: they need the codecs, which --help does without.
      const [{ eventIdArg, targetIssuerArg }, { dataFromFlags, dataFromJson, mergeData }] = await Promise.all([
        import('../eventIdArg.js'),
        import('../fieldFlags.js'),
      ]);
      const eventId = eventIdArg(id);
      const issuer = targetIssuerArg(o.issuer);
      const report = await cli.withStore(async (store) => {
        const ledger = await cli.ledger(store);
        const target = await ledger.findTarget(eventId, issuer);
        const data = mergeData(
          dataFromJson(o.data),
          withOriginalParts(target.data as Record<string, unknown>, dataFromFlags(target.type, command.args.slice(1), OWN_FLAGS)),
        );
        if (Object.keys(data).length === 0 && o.date === undefined)
          fail('Usage', 'nothing to correct: give the fields to replace (--<field> VALUE or --data JSON) or a new --date');
        return ledger.correct(eventId, { data, ...(o.date !== undefined ? { date: o.date } : {}) }, o.reason, {
          dryRun: o.dryRun === true,
          ...(issuer !== undefined ? { issuer } : {}),
        });
      });
      cli.emit(appendReportJson(report), () => appendReportText(report, cli.style));
    });
