import { Command, Option } from 'commander';
import type { AuditReport } from '../../auditReport.js';
import { fail } from '../../domain/problem.js';
import { LineSpool } from '../../lineSpool.js';
import type { CliContext } from '../context.js';
import type { Progress } from '../progress.js';
import fs from 'node:fs';

const FORMATS = ['md', 'html', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/**
 * The report's text in pieces, as it is read: json and csv every event; md and html every event
 * when the period has few enough, else the flagged ones (docs/audit.md#large-reports). Renderers
 * are loaded on use, like every command: --help and usage errors stay fast.
 */
const render = async (report: AuditReport, format: Format): Promise<Iterable<string>> => {
  const { head } = report;
  switch (format) {
    case 'json':
      return (await import('../../integrity/auditJson.js')).auditJsonText(head, report.events());
    case 'csv':
      return (await import('../../integrity/auditCsv.js')).auditCsvLines(head, report.events());
    case 'md':
    case 'html': {
      const { withEvents } = await import('../../integrity/auditDocument.js');
      if (format === 'md') {
        const md = await import('../../integrity/auditMarkdown.js');
        if (!report.large) return [md.auditMarkdown(withEvents(head, [...report.events()]))];
        return md.auditMarkdownLarge(report);
      }
      const html = await import('../../integrity/auditHtml.js');
      if (!report.large) return [html.auditHtml(withEvents(head, [...report.events()]))];
      return html.auditHtmlLarge(report);
    }
  }
};

type Sink = { write(chunk: string): Promise<void>; end(): Promise<void> };

/** Writes `pieces` in chunks of about 64 KiB, waiting for the sink between them. */
const pour = async (pieces: Iterable<string>, sink: Sink): Promise<void> => {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= 1 << 16) {
      await sink.write(chunk);
      chunk = '';
    }
  }
  if (chunk !== '') await sink.write(chunk);
  await sink.end();
};

/**
 * A file written completely or not at all: a temporary file beside it, renamed over it at the end
 * (a reader never sees half a report).
 */
const fileSink = (path: string): Sink => {
  const temp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  const attempt = (what: () => void): void => {
    try {
      what();
    } catch (e) {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      fs.rmSync(temp, { force: true });
      const code = (e as NodeJS.ErrnoException).code ?? '';
      fail('InvalidInput', `cannot write ${path}: ${(e as Error).message}`, { file: path, code });
    }
  };
  return {
    write: async (chunk) => attempt(() => fs.writeSync((fd ??= fs.openSync(temp, 'w', 0o600)), chunk)),
    end: async () =>
      attempt(() => {
        fd ??= fs.openSync(temp, 'w', 0o600);
        fs.closeSync(fd);
        fd = undefined;
        fs.renameSync(temp, path);
      }),
  };
};

/** stdout, waiting for it to drain when it says so (a pipe to a slow reader must not fill memory). */
const stdoutSink = (out: CliContext['stdout']): Sink => ({
  write: async (chunk) => {
    const ready = out.write(chunk);
    const stream = out as Partial<NodeJS.WritableStream>;
    if (ready === false && typeof stream.once === 'function') await new Promise<void>((resolve) => stream.once!('drain', resolve));
  },
  end: async () => undefined,
});

export const auditCommand = (cli: CliContext): Command =>
  new Command('audit')
    .description(
      "an issuer's audit report: verification and head hashes, cap tables at both ends, every event, retractions, back-dated entries, disclosures reconciled, disclosure notices (regime hk), proceeds",
    )
    .requiredOption('--issuer <issuer>', 'issuer id, e.g. sensetime')
    .option('--from <date>', 'first effective date of the period, YYYY-MM-DD (default: the issuer registration)')
    .option('--to <date>', 'last effective date of the period, inclusive (default: today, UTC)')
    .addOption(
      new Option(
        '--format <format>',
        'md (readable in a terminal), html (one self-contained file with a chart), json, or csv (the events table)',
      )
        .choices(FORMATS)
        .default('md'),
    )
    .option('--holidays <file>', "non-business days for the notices' due dates, one YYYY-MM-DD per line (see docs/obligations.md)")
    .option('--out <file>', 'write the report to this file (replaced atomically) instead of stdout')
    .addHelpText(
      'after',
      `
The issuer's stream and the holders and fx streams are verified first; the report is written even
when verification fails, and the command then exits 1. A period of more than 5,000 events is
listed in full by json and csv only: md and html then list the flagged events and a count per
month and type. With --json and no --out, stdout is the JSON report whatever --format says.

Examples:
  $ shareledger audit --issuer sensetime
  $ shareledger audit --issuer sensetime --from 2023-01-01 --to 2023-12-31 --format html --out sensetime-2023.html
  $ shareledger audit --issuer sensetime --format csv > events.csv`,
    )
    .action(async (o: { issuer: string; from?: string; to?: string; format: Format; out?: string; holidays?: string }) => {
      const { openAuditReport } = await import('../../auditReport.js');
      // Written to a file in its format; to stdout as JSON under --json.
      const format: Format = o.out === undefined && cli.globals.json ? 'json' : o.format;
      // The long lists wait on disk until they are written: the reconciled disclosures, and in
      // json each holder's disposals (md and html show how many a holder made). csv, the events
      // table alone, has no proceeds nor disclosures section.
      const spool = format === 'csv' ? undefined : new LineSpool();
      let bar: Progress | undefined;
      try {
        await cli.withStore(async (store) => {
          let report: AuditReport;
          try {
            report = await openAuditReport(store, {
              issuer: o.issuer,
              ...(o.from !== undefined ? { from: o.from } : {}),
              ...(o.to !== undefined ? { to: o.to } : {}),
              ...(o.holidays !== undefined ? { holidays: o.holidays } : {}),
              disposalLines: spool && format === 'json' ? () => spool.list() : false,
              ...(spool ? { disclosureLines: () => spool.list() } : {}),
              eventsTableOnly: format === 'csv',
              now: cli.now(),
              onProgress: (checked, total) => (bar ??= cli.progress('verifying', total)).update(checked),
            });
          } finally {
            bar?.finish();
          }
          const { head } = report;
          head.proceeds.warnings.forEach((w) => cli.warn(w));
          // The events are read again while the report is written: inside withStore, the store still open.
          if (o.out !== undefined) {
            await pour(await render(report, format), fileSink(o.out));
            const summary = {
              issuer: head.issuer,
              format: o.format,
              out: o.out,
              period: head.period,
              verified: head.verification.ok,
              summary: head.summary,
            };
            cli.emit(
              summary,
              () => `wrote the ${o.format} audit report of ${head.issuer} (${head.period.from} to ${head.period.to}) to ${o.out}`,
            );
          } else await pour(await render(report, format), stdoutSink(cli.stdout));
          if (!head.verification.ok)
            fail(
              'VerificationFailed',
              `the ledger does not verify (${head.verification.problems.length} problem${head.verification.problems.length === 1 ? '' : 's'}): the report lists them`,
              {
                problems: head.verification.problems.length,
              },
            );
        });
      } finally {
        spool?.close();
      }
    });
