import { Command } from 'commander';
import { fail } from '../../domain/problem.js';
import type { CliContext } from '../context.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

type CorrectOptions = { reason: string; date?: string; data?: string; dryRun?: boolean };

const OWN_FLAGS = ['reason', 'date', 'data', 'dry-run'];

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
    .option('--dry-run', 'validate and show the stake changes it would cause; store nothing')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Field flags are the data fields of the corrected event's type in kebab-case.

Example:
  $ shareledger correct 3f0c6d9e-8a1b-4c2d-9e3f-1a2b3c4d5e6f --shares 557400000 --reason "filing gives 557.4 million"`,
    )
    .action(async (id: string, o: CorrectOptions, command: Command) => {
      // Loaded on use, like every command's work: they need the codecs, which --help does without.
      const [{ eventIdArg }, { dataFromFlags, dataFromJson, mergeData }] = await Promise.all([
        import('../eventIdArg.js'),
        import('../fieldFlags.js'),
      ]);
      const eventId = eventIdArg(id);
      const report = await cli.withStore(async (store) => {
        const target = await store.findEvent(eventId);
        if (!target) return fail('UnknownEvent', `no event ${eventId} in the ledger`, { eventId });
        const data = mergeData(
          dataFromJson(o.data),
          withOriginalParts(target.data as Record<string, unknown>, dataFromFlags(target.type, command.args.slice(1), OWN_FLAGS)),
        );
        if (Object.keys(data).length === 0 && o.date === undefined)
          fail('Usage', 'nothing to correct: give the fields to replace (--<field> VALUE or --data JSON) or a new --date');
        return (await cli.ledger(store)).correct(eventId, { data, ...(o.date !== undefined ? { date: o.date } : {}) }, o.reason, {
          dryRun: o.dryRun === true,
        });
      });
      cli.emit(appendReportJson(report), () => appendReportText(report, cli.style));
    });
