import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

type AppendOptions = { issuer?: string; date: string; data?: string; id?: string; source?: string; note?: string; dryRun?: boolean };

/** The envelope options of `append`: a data field of the same name can only come through --data. */
const ENVELOPE_FLAGS = ['issuer', 'date', 'data', 'id', 'source', 'note', 'dry-run'];

export const appendCommand = (cli: CliContext): Command =>
  new Command('append')
    .description('append one event; its data fields are flags in kebab-case (--price-per-share 1.82), lists go through --data')
    .argument('<Type>', 'event type')
    // The list comes from the codecs, loaded by main.ts before parsing (not imported: --version does without them).
    .configureHelp({ argumentDescription: () => `event type: ${cli.events.EVENT_TYPES.join(', ')}` })
    .option('--issuer <issuer>', 'issuer id (every event except HolderRegistered and FxRateRecorded)')
    .requiredOption('--date <date>', 'effective date YYYY-MM-DD')
    .option('--data <json>', 'data fields as a JSON object (numbers are read exactly); a field may not also be given as a flag')
    .option('--id <uuid>', 'event id (default: a new random UUID); appending the same id and content again is a no-op')
    .option('--source <text>', 'where the fact comes from, e.g. a filing reference or URL')
    .option('--note <text>', 'a note, e.g. what is assumed')
    .option('--dry-run', 'validate and show the stake changes it would cause; store nothing')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Field flags are the event's data fields in kebab-case; run with a type and a wrong flag to list them.

Examples:
  $ shareledger append HolderRegistered --date 2018-04-09 --holder taobao-holding --name "Taobao Holding Limited" --controlled-by alibaba-group
  $ shareledger append BlockSale --issuer sensetime --date 2023-07-06 --seller taobao-holding --class B --shares 557000000 --price-per-share 1.82 --currency HKD --dry-run
  $ shareledger append IssuerRegistered --issuer acme --date 2020-01-01 --name "Acme Ltd" --currency USD --data '{"classes":[{"class":"A","votesPerShare":1}]}'`,
    )
    .action(async (typeName: string, o: AppendOptions, command: Command) => {
      // Loaded on use, like every command's work: they need the codecs, which --help does without.
      const [{ decodeCommandLineDraft, defined, eventTypeArg }, { dataFromFlags, dataFromJson, mergeData }] = await Promise.all([
        import('../draftInput.js'),
        import('../fieldFlags.js'),
      ]);
      const type = eventTypeArg(typeName);
      const data = mergeData(dataFromJson(o.data), dataFromFlags(type, command.args.slice(1), ENVELOPE_FLAGS));
      const draft = decodeCommandLineDraft(
        type,
        defined({ type, issuer: o.issuer, date: o.date, data, id: o.id, source: o.source, note: o.note }),
      );
      const report = await cli.withStore(async (store) => (await cli.ledger(store)).append([draft], { dryRun: o.dryRun === true }));
      cli.emit(appendReportJson(report), () => appendReportText(report, cli.style));
    });
