import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { meteredStore } from '../progress.js';
import { countLines, readWholeInput } from '../readInput.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

export const importCommand = (cli: CliContext): Command =>
  new Command('import')
    .description('import a JSONL file of event envelopes (one per line): all lines or none; re-running it appends nothing twice')
    .argument('<file>', 'the JSONL file, or - for stdin')
    .option('--dry-run', 'validate every line and show what would be appended; store nothing')
    .addHelpText(
      'after',
      `
Each line: {"id"?, "type", "issuer"?, "date", "data", "source"?, "note"?}. A line without an id gets
one derived from its content, so importing the same file twice appends once.

Examples:
  $ shareledger import examples/sensetime.jsonl
  $ cat events.jsonl | shareledger import - --dry-run --json`,
    )
    .action(async (file: string, o: { dryRun?: boolean }) => {
      const input = await readWholeInput(file);
      const report = await cli.withStore(async (store) => {
        const bar = cli.progress('checking', countLines(input), 'lines');
        try {
          // Ids already stored are looked up first (not at all in an empty store), then every line is checked.
          const metered = meteredStore(store, {
            lookedUp: (n) => bar.update(n, 'looking up'),
            writing: () => bar.phase('writing'),
          });
          return await (await cli.ledger(metered)).import(input, { dryRun: o.dryRun === true, progress: (n) => bar.update(n, 'checking') });
        } finally {
          bar.finish();
        }
      });
      cli.emit(appendReportJson(report), () => appendReportText(report, cli.style));
    });
