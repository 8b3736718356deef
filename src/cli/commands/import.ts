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
          const imported = await (
            await cli.ledger(metered)
          ).import(input, { dryRun: o.dryRun === true, progress: (n) => bar.update(n, 'checking') });
          if (imported.appended > 0) {
            // The import is committed; snapshots are a cache taken in their own transaction, so a
            // failure here cannot undo it, and the first question after a big import stays fast.
            bar.phase('indexing');
            const { refreshSnapshots } = await import('../../snapshots.js');
            const streams = new Set(imported.events.filter((e) => e.status === 'appended').map((e) => e.stream));
            await refreshSnapshots(store, streams).catch((e: unknown) => {
              cli.logger.warn({ err: e }, 'taking snapshots after the import failed');
              cli.warn(
                `the import is stored, but taking query snapshots failed (${e instanceof Error ? e.message : String(e)}); the first query per issuer will take them`,
              );
            });
          }
          return imported;
        } finally {
          bar.finish();
        }
      });
      cli.emit(appendReportJson(report), () => appendReportText(report, cli.style));
    });
