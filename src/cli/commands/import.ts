import { Command, Option } from 'commander';
import { fail } from '../../domain/problem.js';
import type { CliContext } from '../context.js';
import { groupThousands } from '../../../projections/humanNumbers.js';
import { EventSpool } from '../eventSpool.js';
import { startProgress } from '../progress.js';
import { countLines, openInput } from '../readInput.js';
import { ReportTally, tallyText } from '../views/appendReport.js';

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
      const input = openInput(file);
      // The events of the JSON report wait on disk until the commit; the human summary keeps a tally.
      const spool = cli.globals.json ? new EventSpool() : undefined;
      const tally = new ReportTally();
      try {
        const summary = await cli.withStore(async (store) => {
          // Counting the lines (a quick read of the file) is only worth it for a bar on a terminal; stdin cannot be counted.
          const total = cli.stderr.isTTY === true && file !== '-' ? countLines(file) : 0;
          const bar = startProgress({ title: 'checking', total, unit: 'lines', sink: cli.stderr, rate: true });
          try {
            const ledger = await cli.ledger(store);
            const imported = await ledger.importStreamed(input, {
              dryRun: o.dryRun === true,
              ...chunkOption(cli.env),
              progress: (n) => bar.update(n, 'checking'),
              onEvent: (p) => {
                tally.add(p);
                spool?.add(p);
              },
            });
            if (imported.appended > 0 && !imported.dryRun) {
              // The import is committed; what follows are caches, each taken in its own transactions,
              // so a failure here cannot undo it: the snapshots (the first stake question per issuer
              // stays fast) and the disposal caches of the busy issuers (so does the first proceeds).
              bar.phase('indexing');
              const streams = new Set([...imported.streams].filter(([, n]) => n.appended > 0).map(([stream]) => stream));
              const cacheFailed = (what: string, fallback: string) => (e: unknown) => {
                cli.logger.warn({ err: e }, `taking ${what} after the import failed`);
                cli.warn(`the import is stored, but taking ${what} failed (${e instanceof Error ? e.message : String(e)}); ${fallback}`);
              };
              const { refreshSnapshots } = await import('../../snapshots.js');
              await refreshSnapshots(store, streams).catch(cacheFailed('query snapshots', 'the first query per issuer will take them'));
              const reads = store.derivedReads;
              if (reads) {
                const { takeDisposalCaches } = await import('../../disposalCache.js');
                try {
                  takeDisposalCaches(reads, streams);
                } catch (e) {
                  cacheFailed('disposal caches', 'the first proceeds question per busy issuer will take them')(e);
                }
              }
            }
            return imported;
          } finally {
            bar.finish();
          }
        });
        const events = summary.appended + summary.alreadyPresent;
        const elapsedMs = Math.round(summary.elapsedMs);
        const eventsPerSecond = summary.elapsedMs > 0 ? Math.round(events / (summary.elapsedMs / 1000)) : 0;
        if (spool) {
          const streams = [...summary.streams].map(([stream, n]) => `    ${JSON.stringify({ stream, ...n })}`).join(',\n');
          const head =
            `{\n  "appended": ${summary.appended},\n  "alreadyPresent": ${summary.alreadyPresent},\n  "dryRun": ${summary.dryRun},\n` +
            `  "eventsPerSecond": ${eventsPerSecond},\n  "elapsedMs": ${elapsedMs},\n` +
            `  "streams": [${streams ? `\n${streams}\n  ` : ''}],\n  "events": [${events > 0 ? '\n' : ''}`;
          await spool.writeTo(cli.stdout, head, `${events > 0 ? '\n  ' : ''}]\n}\n`);
        } else {
          const timing =
            events >= TIMING_FROM
              ? `in ${(summary.elapsedMs / 1000).toFixed(1)} s (${groupThousands(String(eventsPerSecond))} events/s)`
              : undefined;
          const text = tallyText(tally, summary.dryRun, cli.style, 'event', timing);
          cli.stdout.write(`${text}\n`);
        }
      } finally {
        spool?.close();
      }
    });

/** SHARELEDGER_IMPORT_CHUNK: lines per chunk (docs/cli.md), when it is a whole number from 1 on. */
const chunkOption = (env: NodeJS.ProcessEnv): { linesPerChunk?: number } => {
  const n = Number(env['SHARELEDGER_IMPORT_CHUNK']);
  return Number.isSafeInteger(n) && n >= 1 ? { linesPerChunk: n } : {};
};

/** Imports from this many events on say how long they took. */
const TIMING_FROM = 10_000;
