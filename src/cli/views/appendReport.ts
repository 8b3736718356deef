import type { PlannedEvent } from '../../domain/decide.js';
import type { AppendReport } from '../../ledger.js';
import { showDelta, showShares } from '../../../projections/humanNumbers.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

/** Events listed one by one up to this many; beyond it, a count per stream. */
const LIST_LIMIT = 20;
/** Stake changes listed up to this many; beyond it, their number. */
const CHANGES_LIMIT = 4 * LIST_LIMIT;
/** Streams listed in the per-stream table, the largest first; the rest are counted ("and N more"). */
const STREAM_ROWS = 10;

/** One event of the `events` list: docs/cli.md `append`/`import` JSON. */
export type AppendedEventJson = {
  id: string;
  stream: string;
  revision: number;
  status: string;
  type: string;
  date: string;
  changes: Array<{ class: string; holder: string; before: string; after: string }>;
};

/**
 * docs/cli.md `append`/`import` JSON, plus what a careful user wants to see: each event's status,
 * type and date, and the stake changes it caused (or, in a dry run, would cause).
 */
export type AppendReportJson = { appended: number; alreadyPresent: number; dryRun: boolean; events: AppendedEventJson[] };

export const appendedEventJson = (p: PlannedEvent): AppendedEventJson => ({
  id: p.event.id,
  stream: p.stream,
  revision: p.revision,
  status: p.status,
  type: p.event.type,
  date: p.event.date,
  changes: p.changes.map((c) => ({ class: c.class, holder: c.holder, before: c.before.toString(), after: c.after.toString() })),
});

export const appendReportJson = (report: AppendReport): AppendReportJson => ({
  appended: report.appended,
  alreadyPresent: report.alreadyPresent,
  dryRun: report.dryRun,
  events: report.planned.map(appendedEventJson),
});

type Change = PlannedEvent['changes'][number] & { date: string; type: string };

/**
 * What the human summary shows of an append or import, gathered one event at a time: the first
 * events and stake changes (only shown when there are few), counts per stream, and totals; a
 * file of millions of events costs no more than a few hundred of them.
 */
export class ReportTally {
  appended = 0;
  alreadyPresent = 0;
  readonly firstEvents: PlannedEvent[] = [];
  readonly firstChanges: Change[] = [];
  changeCount = 0;
  readonly perStream = new Map<string, { appended: number; present: number }>();

  add(p: PlannedEvent): void {
    if (p.status === 'appended') this.appended += 1;
    else this.alreadyPresent += 1;
    if (this.firstEvents.length <= LIST_LIMIT) this.firstEvents.push(p);
    for (const c of p.changes) {
      this.changeCount += 1;
      if (this.firstChanges.length <= CHANGES_LIMIT) this.firstChanges.push({ ...c, date: p.event.date, type: p.event.type });
    }
    let s = this.perStream.get(p.stream);
    if (!s) this.perStream.set(p.stream, (s = { appended: 0, present: 0 }));
    if (p.status === 'appended') s.appended += 1;
    else s.present += 1;
  }

  get events(): number {
    return this.appended + this.alreadyPresent;
  }
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export const appendReportText = (report: AppendReport, style: Style, what = 'event'): string => {
  const tally = new ReportTally();
  for (const p of report.planned) tally.add(p);
  return tallyText(tally, report.dryRun, style, what);
};

/** The human summary: the totals, then the events (a few) or the largest streams, then the stake changes (a few) or their number. */
export const tallyText = (tally: ReportTally, dryRun: boolean, style: Style, what = 'event', timing?: string): string => {
  const lines: string[] = [];
  const verb = dryRun ? 'would append' : 'appended';
  const head = `${verb} ${plural(tally.appended, what)}${tally.alreadyPresent ? `, ${tally.alreadyPresent.toLocaleString('en-US')} already present` : ''}${timing ? ` ${timing}` : ''}`;
  lines.push(dryRun ? `${style.yellow('dry run:')} nothing was stored; ${head}` : style.green(head));
  if (tally.events <= LIST_LIMIT) {
    if (tally.events > 0)
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
          tally.firstEvents.map((p) => [
            p.event.id,
            p.stream,
            String(p.revision),
            p.event.type,
            p.event.date,
            p.status === 'appended' ? (dryRun ? 'new' : 'appended') : 'already present',
          ]),
          style,
        ),
      );
  } else {
    const streams = [...tally.perStream];
    // The largest streams first when there are too many to list (ties by name, so the output is stable).
    const shown =
      streams.length <= STREAM_ROWS + 2
        ? streams
        : streams
            .sort(([a, x], [b, y]) => y.appended + y.present - (x.appended + x.present) || (a < b ? -1 : a > b ? 1 : 0))
            .slice(0, STREAM_ROWS);
    lines.push(
      '',
      renderTable(
        [{ header: 'stream' }, { header: dryRun ? 'new' : 'appended', align: 'right' }, { header: 'already present', align: 'right' }],
        shown.map(([stream, s]) => [stream, s.appended.toLocaleString('en-US'), s.present.toLocaleString('en-US')]),
        style,
      ),
    );
    if (shown.length < streams.length) {
      const rest = streams.length - shown.length;
      lines.push(`and ${plural(rest, 'more stream')} (use --json to see every event)`);
    }
  }
  if (tally.changeCount > 0 && tally.changeCount <= CHANGES_LIMIT)
    lines.push(
      '',
      dryRun ? 'stake changes it would cause:' : 'stake changes:',
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
        tally.firstChanges.map((c) => [
          c.date,
          c.type,
          c.holder,
          c.class,
          showShares(c.before),
          showShares(c.after),
          showDelta(c.before, c.after),
        ]),
        style,
      ),
    );
  else if (tally.changeCount > 0) lines.push('', `${plural(tally.changeCount, 'stake change')} (use --json to see them all)`);
  return lines.join('\n');
};
