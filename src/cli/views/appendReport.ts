import type { AppendReport } from '../../ledger.js';
import { showDelta, showShares } from '../../../projections/humanNumbers.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

/** Events listed one by one up to this many; beyond it, a count per stream. */
const LIST_LIMIT = 20;

/**
 * docs/cli.md `append`/`import` JSON, plus what a careful user wants to see: each event's status,
 * type and date, and the stake changes it caused (or, in a dry run, would cause).
 */
export type AppendReportJson = {
  appended: number;
  alreadyPresent: number;
  dryRun: boolean;
  events: Array<{
    id: string;
    stream: string;
    revision: number;
    status: string;
    type: string;
    date: string;
    changes: Array<{ class: string; holder: string; before: string; after: string }>;
  }>;
};

export const appendReportJson = (report: AppendReport): AppendReportJson => ({
  appended: report.appended,
  alreadyPresent: report.alreadyPresent,
  dryRun: report.dryRun,
  events: report.planned.map((p) => ({
    id: p.event.id,
    stream: p.stream,
    revision: p.revision,
    status: p.status,
    type: p.event.type,
    date: p.event.date,
    changes: p.changes.map((c) => ({ class: c.class, holder: c.holder, before: c.before.toString(), after: c.after.toString() })),
  })),
});

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export const appendReportText = (report: AppendReport, style: Style, what = 'event'): string => {
  const lines: string[] = [];
  const verb = report.dryRun ? 'would append' : 'appended';
  const head = `${verb} ${plural(report.appended, what)}${report.alreadyPresent ? `, ${report.alreadyPresent.toLocaleString('en-US')} already present` : ''}`;
  lines.push(report.dryRun ? `${style.yellow('dry run:')} nothing was stored; ${head}` : style.green(head));
  if (report.planned.length <= LIST_LIMIT) {
    if (report.planned.length > 0)
      lines.push(
        '',
        renderTable(
          [
            { header: 'event id' },
            { header: 'stream' },
            { header: 'rev', align: 'right' },
            { header: 'type' },
            { header: 'date' },
            { header: 'status' },
          ],
          report.planned.map((p) => [
            p.event.id,
            p.stream,
            String(p.revision),
            p.event.type,
            p.event.date,
            p.status === 'appended' ? (report.dryRun ? 'new' : 'appended') : 'already present',
          ]),
          style,
        ),
      );
  } else {
    const perStream = new Map<string, { appended: number; present: number }>();
    for (const p of report.planned) {
      const s = perStream.get(p.stream) ?? { appended: 0, present: 0 };
      if (p.status === 'appended') s.appended += 1;
      else s.present += 1;
      perStream.set(p.stream, s);
    }
    lines.push(
      '',
      renderTable(
        [
          { header: 'stream' },
          { header: report.dryRun ? 'new' : 'appended', align: 'right' },
          { header: 'already present', align: 'right' },
        ],
        [...perStream].map(([stream, s]) => [stream, s.appended.toLocaleString('en-US'), s.present.toLocaleString('en-US')]),
        style,
      ),
    );
  }
  const changes = report.planned.flatMap((p) => p.changes.map((c) => ({ ...c, date: p.event.date, type: p.event.type })));
  if (changes.length > 0 && changes.length <= 4 * LIST_LIMIT)
    lines.push(
      '',
      report.dryRun ? 'stake changes it would cause:' : 'stake changes:',
      renderTable(
        [
          { header: 'date' },
          { header: 'type' },
          { header: 'holder' },
          { header: 'class' },
          { header: 'before', align: 'right' },
          { header: 'after', align: 'right' },
          { header: 'change', align: 'right' },
        ],
        changes.map((c) => [c.date, c.type, c.holder, c.class, showShares(c.before), showShares(c.after), showDelta(c.before, c.after)]),
        style,
      ),
    );
  else if (changes.length > 0) lines.push('', `${plural(changes.length, 'stake change')} (use --json to see them all)`);
  return lines.join('\n');
};
