import { Command, Option } from 'commander';
import type { AuditJson } from '../../integrity/auditDocument.js';
import { fail } from '../../domain/problem.js';
import { toJson, type CliContext } from '../context.js';
import type { Progress } from '../progress.js';
import { writeFileAtomically } from '../readInput.js';

const FORMATS = ['md', 'html', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** Loaded on use, like every command: --help and usage errors stay fast. */
const render = async (report: AuditJson, format: Format): Promise<string> => {
  switch (format) {
    case 'md':
      return (await import('../../integrity/auditMarkdown.js')).auditMarkdown(report);
    case 'html':
      return (await import('../../integrity/auditHtml.js')).auditHtml(report);
    case 'json':
      return `${toJson(report, 2)}\n`;
    case 'csv':
      return (await import('../../integrity/auditCsv.js')).auditCsv(report);
  }
};

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
The whole ledger is verified first; the report is written even when verification fails, and the
command then exits 1. With --json and no --out, stdout is the JSON report whatever --format says.

Examples:
  $ shareledger audit --issuer sensetime
  $ shareledger audit --issuer sensetime --from 2023-01-01 --to 2023-12-31 --format html --out sensetime-2023.html
  $ shareledger audit --issuer sensetime --format csv > events.csv`,
    )
    .action(async (o: { issuer: string; from?: string; to?: string; format: Format; out?: string; holidays?: string }) => {
      const { auditReport } = await import('../../auditReport.js');
      let bar: Progress | undefined;
      const report = await cli.withStore(async (store) => {
        try {
          return await auditReport(store, {
            issuer: o.issuer,
            ...(o.from !== undefined ? { from: o.from } : {}),
            ...(o.to !== undefined ? { to: o.to } : {}),
            ...(o.holidays !== undefined ? { holidays: o.holidays } : {}),
            now: cli.now(),
            onProgress: (checked, total) => (bar ??= cli.progress('verifying', total)).update(checked),
          });
        } finally {
          bar?.finish();
        }
      });
      report.proceeds.warnings.forEach((w) => cli.warn(w));
      if (o.out !== undefined) {
        writeFileAtomically(o.out, await render(report, o.format));
        const summary = {
          issuer: report.issuer,
          format: o.format,
          out: o.out,
          period: report.period,
          verified: report.verification.ok,
          summary: report.summary,
        };
        cli.emit(
          summary,
          () => `wrote the ${o.format} audit report of ${report.issuer} (${report.period.from} to ${report.period.to}) to ${o.out}`,
        );
      } else if (cli.globals.json) cli.emit(report, () => '');
      else cli.stdout.write(await render(report, o.format));
      if (!report.verification.ok)
        fail(
          'VerificationFailed',
          `the ledger does not verify (${report.verification.problems.length} problem${report.verification.problems.length === 1 ? '' : 's'}): the report lists them`,
          {
            problems: report.verification.problems.length,
          },
        );
    });
