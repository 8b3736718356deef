import { Command, Option } from 'commander';
import { fail } from '../../domain/problem.js';
import type { CliContext } from '../context.js';
import { meteredStore } from '../progress.js';
import { countLines, readWholeInput } from '../readInput.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

export const importCommand = (cli: CliContext): Command =>
  new Command('import')
    .description(
      'import a JSONL file of event envelopes (one per line), or an OCF package: all events or none; re-running it appends nothing twice',
    )
    .argument('<file>', 'the JSONL file, or - for stdin; with --format ocf, a package folder or FILE.ocf.zip')
    .addOption(
      new Option('--format <format>', 'jsonl: event envelopes, one per line; ocf: an Open Cap Table Format 1.2.0 package')
        .choices(['jsonl', 'ocf'])
        .default('jsonl'),
    )
    .option('--issuer <issuer>', 'with --format ocf: the issuer id to import under (default: from the OCF issuer id)')
    .option('--dry-run', 'validate every line and show what would be appended; store nothing')
    .addHelpText(
      'after',
      `
Each line: {"id"?, "type", "issuer"?, "date", "data", "source"?, "note"?}. A line without an id gets
one derived from its content, so importing the same file twice appends once.

--format ocf reads an OCF 1.2.0 package (a folder or a .ocf.zip with Manifest.ocf.json), checks
each file's md5 and every object against the official schemas, and appends the issuer, its
stakeholders and stock transactions as events (ids derived from the OCF ids: a re-import appends
nothing). Options, warrants, convertibles, vesting, plans and valuations are skipped and counted.
See docs/ocf.md.

Examples:
  $ shareledger import examples/sensetime.jsonl
  $ cat events.jsonl | shareledger import - --dry-run --json
  $ shareledger import --format ocf acme.ocf.zip --issuer acme`,
    )
    .action(async (file: string, o: { dryRun?: boolean; format: string; issuer?: string }) => {
      if (o.format === 'ocf') return (await import('./ocfImport.js')).importOcf(cli, file, o);
      if (o.issuer !== undefined) fail('Usage', '--issuer is read only with --format ocf', { flag: '--issuer' });
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
