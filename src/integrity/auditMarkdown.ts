import type { AuditDocument, AuditHead } from './auditDocument.js';
import type { ReconciliationJson } from '../../projections/auditDisclosures.js';
import { disposalCount } from '../../projections/audit.js';
import type { AuditChangeJson } from '../../projections/auditEvents.js';
import type { CapTableJson } from '../../projections/ownership.js';
import { groupThousands, showMoney, showPercent, showShares } from '../../projections/humanNumbers.js';
import { noticeFlagged, noticeStatusText, obligationsSentence, percentMove } from './auditObligations.js';
import {
  eventFlags,
  largeReportSentence,
  monthTable,
  problemsSentence,
  summaryLines,
  verificationSentence,
  type LargeReport,
} from './auditText.js';

type Align = 'left' | 'right';

const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/**
 * A Markdown pipe table with its columns padded, so it reads well in a terminal as well as
 * rendered, a line at a time: `rows` is read twice, for the widths and then for the lines (a
 * large report's disclosures are read back from where they are kept, never all in memory).
 */
function* markdownTableLines(
  headers: ReadonlyArray<string>,
  rows: () => Iterable<ReadonlyArray<string>>,
  align: ReadonlyArray<Align> = [],
): Generator<string> {
  const width = (text: string): number => [...text].length;
  const widths = headers.map((h) => Math.max(3, width(cell(h))));
  for (const r of rows()) headers.forEach((_, i) => (widths[i] = Math.max(widths[i]!, width(cell(r[i] ?? '')))));
  const pad = (text: string, i: number) => {
    const room = widths[i]! - width(text);
    return align[i] === 'right' ? ' '.repeat(room) + text : text + ' '.repeat(room);
  };
  const line = (r: ReadonlyArray<string>) => `| ${headers.map((_, i) => pad(cell(r[i] ?? ''), i)).join(' | ')} |`;
  yield line(headers);
  yield `|${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  for (const r of rows()) yield line(r);
}

/** A table of rows in memory, as one text. */
const markdownTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align: ReadonlyArray<Align> = [],
): string => [...markdownTableLines(headers, () => rows, align)].join('\n');

const capTable = (c: CapTableJson): string => {
  if (c.holders.length === 0) return `_No shares outstanding as of ${c.asOf}._`;
  const classes = c.classes.map((k) => k.class);
  return (
    markdownTable(
      ['Holder', 'Name', ...classes.map((k) => `Class ${k}`), 'Total', '% of all', '% of votes'],
      c.holders.map((h) => [
        h.holder,
        h.name,
        ...classes.map((k) => showShares(h.classes[k] ?? '0')),
        showShares(h.shares),
        showPercent(h.percentOfTotal),
        showPercent(h.votingPercent),
      ]),
      ['left', 'left', ...classes.map((): Align => 'right'), 'right', 'right', 'right'],
    ) +
    `\n\nOutstanding: ${c.classes.map((k) => `class ${k.class} ${showShares(k.outstanding)} (${k.votesPerShare} ${k.votesPerShare === 1 ? 'vote' : 'votes'}/share)`).join(', ')}; total ${showShares(c.totalShares)}.`
  );
};

const signedPp = (value: string | null): string => (value === null ? '–' : `${value} pp`);

/** The sections before the events: title, summary, verification, cap tables. */
const headLines = (a: AuditHead): string[] => {
  const out: string[] = [];
  out.push(`# Audit report: ${a.name ?? a.issuer} (${a.issuer})`, '');
  out.push(`Period ${a.period.from} to ${a.period.to}, as the ledger knew it at ${a.knownAt}.`, '');
  out.push('## Summary', '', ...summaryLines(a).map((l) => `- ${l}`), '');

  out.push('## Verification', '', `**${a.verification.ok ? 'PASSED' : 'FAILED'}**: ${verificationSentence(a.verification)}`, '');
  if (a.verification.problems.length > 0) {
    out.push(problemsSentence(), '');
    out.push(
      markdownTable(
        ['Stream', 'Revision', 'Kind', 'Problem'],
        a.verification.problems.map((p) => [p.stream, String(p.revision), p.kind, p.message]),
        ['left', 'right'],
      ),
      '',
    );
  }
  out.push('Head hashes (the streams this report reads):', '');
  out.push(
    markdownTable(
      ['Stream', 'Revision', 'Hash (SHA-256)'],
      a.verification.heads.map((h) => [h.stream, String(h.revision), h.hash]),
      ['left', 'right'],
    ),
    '',
  );

  out.push(`## Cap table at the start of the period (as of ${a.capTable.start.asOf})`, '', capTable(a.capTable.start), '');
  out.push(`## Cap table at the end of the period (as of ${a.capTable.end.asOf})`, '', capTable(a.capTable.end), '');

  return out;
};

/** The events section, every event of the period listed. */
const eventLines = (a: Pick<AuditDocument, 'events'>): string[] => {
  const out: string[] = [];
  out.push('## Events', '');
  if (a.events.length === 0) out.push('_No events are dated in the period._', '');
  else {
    const sources = new Map<string, number>();
    for (const e of a.events) if (e.source !== null && !sources.has(e.source)) sources.set(e.source, sources.size + 1);
    out.push(
      markdownTable(
        ['#', 'Date', 'Type', 'What', 'Recorded at', 'Actor', 'Source', 'Flags'],
        a.events.map((e, i) => [
          String(i + 1),
          e.date,
          e.type,
          e.summary,
          e.recordedAt,
          e.actor,
          e.source === null ? '' : `[${sources.get(e.source)}]`,
          eventFlags(e).join('; '),
        ]),
        ['right'],
      ),
      '',
    );
    if (sources.size > 0) out.push('Sources:', '', ...[...sources].map(([text, n]) => `${n}. ${cell(text)}`), '');
    const changes = a.events.flatMap((e, i) =>
      e.changes.map((c) => [
        String(i + 1),
        e.date,
        c.holder,
        c.class,
        `${c.delta.startsWith('-') ? '' : '+'}${groupThousands(c.delta)}`,
        showShares(c.sharesBefore),
        showShares(c.sharesAfter),
        showPercent(c.percentOfClassBefore),
        showPercent(c.percentOfClassAfter),
      ]),
    );
    out.push('### Holding changes', '');
    out.push(
      changes.length === 0
        ? '_No holding changed in the period._'
        : markdownTable(['#', 'Date', 'Holder', 'Class', 'Δ shares', 'Before', 'After', '% of class before', '% of class after'], changes, [
            'right',
            'left',
            'left',
            'left',
            'right',
            'right',
            'right',
            'right',
            'right',
          ]),
      '',
    );
  }

  return out;
};

/** A reconciled disclosure as a row of the Markdown table. */
const disclosureRow = (d: ReconciliationJson): string[] => [
  d.date,
  d.holder,
  d.class ?? 'all',
  d.disclosed.shares === null ? '–' : showShares(d.disclosed.shares),
  showShares(d.computed.shares),
  d.difference.shares === null
    ? '–'
    : `${d.difference.shares.startsWith('-') || d.difference.shares === '0' ? '' : '+'}${groupThousands(d.difference.shares)}`,
  d.disclosed.percent === null ? '–' : `${d.disclosed.percent}%`,
  showPercent(d.computed.percent),
  signedPp(d.difference.percentagePoints),
  d.flagged ? `FLAGGED: ${d.reasons.join('; ')}` : 'ok',
];

/** The retractions section. */
const retractionLines = (a: AuditHead): string[] => {
  const out: string[] = [];
  out.push('## Retractions', '');
  out.push(
    a.retractions.length === 0
      ? '_No retractions._'
      : markdownTable(
          ['Recorded at', 'By', 'Retracted event', 'Originally recorded', 'Reason'],
          a.retractions.map((r) => [
            r.recordedAt,
            r.actor,
            `${r.target.type ?? '?'} ${r.target.date ?? ''} ${r.target.eventId}${r.target.summary ? `: ${r.target.summary}` : ''}`,
            r.target.recordedAt ? `${r.target.recordedAt} by ${r.target.actor}` : 'unknown',
            r.reason,
          ]),
        ),
    '',
  );

  return out;
};

/** The disclosures section, a line at a time (a busy issuer's table has 100,000s of rows). */
function* disclosureLines(a: AuditHead): Generator<string> {
  yield '## Stake disclosures reconciled';
  yield '';
  yield `Each disclosure is compared with the stake computed at the end of its date: % of its class when it names one, else % of all shares. Flagged when the percentage differs by more than ${a.summary.thresholds.percentTolerancePp} pp, or the share count differs at all.`;
  yield '';
  if (a.disclosures.length === 0) yield '_No stake disclosures in the period._';
  else
    yield* markdownTableLines(
      ['Date', 'Holder', 'Class', 'Disclosed shares', 'Computed shares', 'Δ shares', 'Disclosed %', 'Computed %', 'Δ', 'Result'],
      function* () {
        for (const d of a.disclosures) yield disclosureRow(d);
      },
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    );
  yield '';
}

/** The sections after the disclosures: obligations, proceeds. */
const obligationAndProceedsLines = (a: AuditHead): string[] => {
  const out: string[] = [];
  out.push(`## Disclosure obligations (regime ${a.obligations.regime})`, '', obligationsSentence(a), '');
  out.push(
    a.obligations.notices.length === 0
      ? '_No notices were due in the period._'
      : markdownTable(
          ['Date', 'Holder', 'Class', 'Kind', '% before → after', 'Due', 'Status', 'Filed on', 'Result'],
          a.obligations.notices.map((n) => [
            n.date,
            n.holder,
            n.class,
            n.kind,
            percentMove(n.percentBefore, n.percentAfter),
            n.dueDate,
            noticeStatusText(n),
            n.disclosedOn ?? '–',
            noticeFlagged(n) ? `FLAGGED: ${n.status}` : 'ok',
          ]),
          ['left', 'left', 'left', 'left', 'right'],
        ),
    '',
  );
  if (a.obligations.passive.length > 0)
    out.push(
      'Passive crossings (no notice due):',
      '',
      markdownTable(
        ['Date', 'Holder', 'Class', '% before → after', 'Event'],
        a.obligations.passive.map((p) => [p.date, p.holder, p.class, percentMove(p.percentBefore, p.percentAfter), p.eventId]),
        ['left', 'left', 'left', 'right'],
      ),
      '',
    );

  out.push(`## Realized proceeds in the period (${a.proceeds.method})`, '');
  const totals = a.proceeds.holders.flatMap((h) =>
    h.totals.map((t) => [
      h.holder,
      h.name,
      String(disposalCount(h)),
      t.currency,
      showMoney(t.gross),
      showMoney(t.fees),
      showMoney(t.net),
      showMoney(t.costBasis),
      showMoney(t.gain),
    ]),
  );
  out.push(
    totals.length === 0
      ? '_No disposals in the period._'
      : markdownTable(['Holder', 'Name', 'Disposals', 'Currency', 'Gross', 'Fees', 'Net', 'Cost basis', 'Gain'], totals, [
          'left',
          'left',
          'right',
          'left',
          'right',
          'right',
          'right',
          'right',
          'right',
        ]),
    '',
  );
  for (const w of a.proceeds.warnings) out.push(`> warning: ${w}`, '');
  return out;
};

/** The lines of the sections after the events: retractions, disclosures, obligations, proceeds. */
function* tailLines(a: AuditHead): Generator<string> {
  yield* retractionLines(a);
  yield* disclosureLines(a);
  yield* obligationAndProceedsLines(a);
}

/** The audit report as Markdown (docs/audit.md; `--format md`, the default). */
export const auditMarkdown = (a: AuditDocument): string => `${[...headLines(a), ...eventLines(a), ...tailLines(a)].join('\n').trimEnd()}\n`;

const changeText = (c: AuditChangeJson): string =>
  `${c.holder} ${c.class} ${c.delta.startsWith('-') ? '' : '+'}${groupThousands(c.delta)} (${showPercent(c.percentOfClassBefore)} → ${showPercent(c.percentOfClassAfter)})`;

/**
 * A large report as Markdown, written as it is read (docs/audit.md#large-reports): the events per
 * month and type, then only the flagged events, each with its holding changes and source inline.
 */
export function* auditMarkdownLarge(report: LargeReport): Generator<string> {
  const { head: a } = report;
  yield `${headLines(a).join('\n')}\n`;
  yield `## Events\n\n${largeReportSentence(report)}\n\n### Events per month and type\n\n`;
  const months = monthTable(report.figures.byMonth);
  yield `${markdownTable(months.headers, months.rows, ['left', ...months.headers.slice(1).map((): Align => 'right')])}\n\n`;
  yield '### Flagged events\n\n';
  const headers = ['#', 'Date', 'Type', 'What', 'Holding changes', 'Recorded at', 'Actor', 'Source', 'Flags'];
  yield `| ${headers.join(' | ')} |\n|${headers.map((_, i) => (i === 0 ? '--:|' : '---|')).join('')}\n`;
  let n = 0;
  let listed = 0;
  for (const e of report.events()) {
    n++;
    if (!report.flagged(e)) continue;
    listed++;
    const cells = [
      String(n),
      e.date,
      e.type,
      e.summary,
      e.changes.map(changeText).join('; '),
      e.recordedAt,
      e.actor,
      e.source ?? '',
      eventFlags(e).join('; '),
    ];
    yield `| ${cells.map(cell).join(' | ')} |\n`;
  }
  yield `\n${groupThousands(String(listed))} flagged of ${groupThousands(String(n))} events.\n\n`;
  yield* trimmedAtEnd(tailLines(a));
}

/**
 * `lines` as `lines.join('\n').trimEnd() + '\n'` would write them, a line at a time: a line with
 * text is held until another follows, then written with the blank lines between them.
 */
function* trimmedAtEnd(lines: Iterable<string>): Generator<string> {
  let held: string | undefined;
  for (const line of lines) {
    if (held === undefined) held = line;
    else if (line.trim() === '') held += `\n${line}`;
    else {
      yield `${held}\n`;
      held = line;
    }
  }
  yield `${(held ?? '').trimEnd()}\n`;
}
