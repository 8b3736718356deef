import type { CliContext } from '../context.js';
import { appendReportJson, appendReportText } from '../views/appendReport.js';

/** `import --format ocf <DIR|FILE.ocf.zip> [--issuer X] [--dry-run]`: an OCF package through the ledger's JSONL import. */
export const importOcf = async (cli: CliContext, location: string, o: { issuer?: string; dryRun?: boolean }): Promise<void> => {
  const { IssuerId } = cli.events;
  const { fail } = await import('../../domain/problem.js');
  if (o.issuer !== undefined && !IssuerId.is(o.issuer))
    fail('Usage', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(o.issuer)}`, { flag: '--issuer', value: o.issuer });
  const { planOcfImport } = await import('../../ocf/importPackage.js');
  const warn = (w: string) => cli.warn(w);
  const plan = await planOcfImport(location, o.issuer === undefined ? { warn } : { issuer: o.issuer, warn });
  const report = await cli.withStore(async (store) => (await cli.ledger(store)).import(plan.jsonl, { dryRun: o.dryRun === true }));
  const skipped = Object.entries(plan.skipped).map(([type, n]) => `${n} ${type}`);
  cli.emit(
    { ...appendReportJson(report), issuer: plan.issuer, skipped: plan.skipped },
    () => `${appendReportText(report, cli.style)}\nissuer ${plan.issuer}; skipped: ${skipped.length ? skipped.join(', ') : 'nothing'}`,
  );
};
