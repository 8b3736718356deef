import type { AuditDocument, AuditHead } from './auditDocument.js';
import type { Listed, ReconciliationJson } from '../../projections/auditDisclosures.js';
import { disposalCount } from '../../projections/audit.js';
import type { AuditEventJson } from '../../projections/auditEvents.js';
import type { CapTableJson } from '../../projections/ownership.js';
import { groupThousands, showMoney, showPercent, showShares } from '../../projections/humanNumbers.js';
import {
  eventFlags,
  largeReportSentence,
  monthTable,
  problemsSentence,
  summaryLines,
  verificationSentence,
  type LargeReport,
} from './auditText.js';
import { AUDIT_CSS } from './auditHtmlStyle.js';
import { noticeFlagged, noticeStatusText, obligationsSentence, percentMove } from './auditObligations.js';
import { escapeXml as esc, stakeChartSvg } from './auditSvg.js';

type Cell = string | { html: string; className?: string };

const td = (c: Cell): string =>
  typeof c === 'string' ? `<td>${esc(c)}</td>` : `<td${c.className ? ` class="${c.className}"` : ''}>${c.html}</td>`;
const num = (text: string): Cell => ({ html: esc(text), className: 'num' });
const mono = (text: string, className = ''): Cell => ({ html: `<span class="mono ${className}">${esc(text)}</span>` });

const tableTop = (headers: ReadonlyArray<string | { text: string; num: true }>, tableClass?: string): string => {
  const head = headers.map((h) => (typeof h === 'string' ? `<th>${esc(h)}</th>` : `<th class="num">${esc(h.text)}</th>`)).join('');
  return `<div class="scroll"><table${tableClass ? ` class="${tableClass}"` : ''}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n`;
};
const tableRow = (r: { cells: Cell[]; className?: string }): string =>
  `<tr${r.className ? ` class="${r.className}"` : ''}>${r.cells.map(td).join('')}</tr>`;
const TABLE_END = '\n</tbody>\n</table></div>';

/**
 * A table written a row at a time as its rows are read, each as `<tr>` text by `rowText` (a busy
 * issuer's disclosures are 100,000s, read back from where they are kept), or the `empty` note.
 */
function* streamedTable<T>(
  headers: ReadonlyArray<string | { text: string; num: true }>,
  rows: Listed<T>,
  rowText: (row: T) => string,
  empty: string,
  tableClass?: string,
): Generator<string> {
  if (rows.length === 0) {
    yield `<p class="empty">${esc(empty)}</p>`;
    return;
  }
  yield tableTop(headers, tableClass);
  let first = true;
  for (const r of rows) {
    yield `${first ? '' : '\n'}${rowText(r)}`;
    first = false;
  }
  yield TABLE_END;
}

/** A table of rows already written as `<tr>` text (a large report writes each as it reads it). */
const writtenTable = (
  headers: ReadonlyArray<string | { text: string; num: true }>,
  rows: ReadonlyArray<string>,
  empty: string,
  tableClass?: string,
): string => [...streamedTable(headers, rows, (row) => row, empty, tableClass)].join('');

const table = (
  headers: ReadonlyArray<string | { text: string; num: true }>,
  rows: ReadonlyArray<{ cells: Cell[]; className?: string }>,
  empty: string,
  tableClass?: string,
): string => writtenTable(headers, rows.map(tableRow), empty, tableClass);
const N = (text: string) => ({ text, num: true as const });

const signedShares = (delta: string): string =>
  `${delta.startsWith('-') ? '−' + groupThousands(delta.slice(1)) : '+' + groupThousands(delta)}`;

/** A source that is a web address becomes a link (following it is the reader's choice; nothing loads by itself). */
const sourceHtml = (source: string | null): string => {
  if (source === null) return '';
  return /^https?:\/\/\S+$/.test(source) ? `<a href="${esc(source)}" rel="noreferrer noopener">${esc(source)}</a>` : esc(source);
};

const capTableHtml = (c: CapTableJson): string => {
  const classes = c.classes.map((k) => k.class);
  const rows = c.holders.map((h) => ({
    cells: [
      { html: `${esc(h.name)}${h.name !== h.holder ? `<div class="id">${esc(h.holder)}</div>` : ''}` },
      ...classes.map((k) => num(showShares(h.classes[k] ?? '0'))),
      num(showShares(h.shares)),
      num(showPercent(h.percentOfTotal)),
      num(showPercent(h.votingPercent)),
    ],
  }));
  const outstanding = c.classes.length
    ? `<p class="note">Outstanding: ${c.classes.map((k) => `class ${esc(k.class)} ${showShares(k.outstanding)} (${k.votesPerShare} ${k.votesPerShare === 1 ? 'vote' : 'votes'}/share)`).join(' · ')}; total ${showShares(c.totalShares)}.</p>`
    : '';
  return (
    table(
      ['Holder', ...classes.map((k) => N(`Class ${k}`)), N('Total'), N('% of all'), N('% of votes')],
      rows,
      `No shares outstanding as of ${c.asOf}.`,
    ) + outstanding
  );
};

/** An instant on two lines (date, then time) so the column stays narrow. */
const instantHtml = (instant: string): string => `<span class="mono">${esc(instant.slice(0, 10))}<br>${esc(instant.slice(11))}</span>`;

const changesHtml = (e: AuditEventJson): string =>
  e.changes.length === 0
    ? ''
    : `<ul class="changes">${e.changes
        .map(
          (c) =>
            `<li><strong>${esc(c.holder)}</strong> ${esc(c.class)} <span class="${c.delta.startsWith('-') ? 'neg' : 'pos'}">${signedShares(c.delta)}</span> · ${showPercent(c.percentOfClassBefore)} → ${showPercent(c.percentOfClassAfter)}</li>`,
        )
        .join('')}</ul>`;

const flagsHtml = (e: AuditEventJson): string =>
  [
    e.status === 'retracted' ? `<span class="tag bad" title="${esc(eventFlags(e)[0] ?? '')}">retracted</span>` : '',
    e.status === 'retraction' ? '<span class="tag muted">retraction</span>' : '',
    e.backDated ? `<span class="tag warn">back-dated +${groupThousands(String(e.daysToRecord))} d</span>` : '',
  ].join('');

const EVENT_HEADERS = ['Date', 'Type', 'What', 'Holders affected · Δ shares · % of class before → after', 'Recorded', 'Source', 'Flags'];

const eventRow = (e: AuditEventJson): { cells: Cell[]; className?: string } => ({
  className: e.status === 'retracted' ? 'retracted' : '',
  cells: [
    { html: esc(e.date), className: 'nowrap' },
    { html: `${esc(e.type)}<div class="id mono">${esc(e.eventId)}</div>` },
    { html: `${esc(e.summary)}${e.note ? `<div class="note-text">${esc(e.note)}</div>` : ''}` },
    { html: changesHtml(e) || (e.holders.length ? `<span class="id">names ${esc(e.holders.join(', '))}</span>` : '') },
    { html: `${instantHtml(e.recordedAt)}<div class="id">by ${esc(e.actor)}</div>`, className: 'nowrap' },
    { html: sourceHtml(e.source) },
    { html: flagsHtml(e), className: 'flags' },
  ],
});

const eventsHtml = (a: Pick<AuditDocument, 'events'>): string =>
  table(EVENT_HEADERS, a.events.map(eventRow), 'No events are dated in the period.', 'events');

/**
 * The audit report as one self-contained HTML file (docs/audit.md, `--format html`): inline CSS and SVG,
 * no script, no external font or image, and a Content-Security-Policy that forbids fetching
 * anything; laid out for the screen and for print.
 */
export const auditHtml = (a: AuditDocument): string =>
  `${htmlHead(a)}${eventsHtml(a)}
<p class="note">Every event dated in the period, in timeline order (effective date, then revision), retracted ones struck through. Back-dated: recorded more than ${a.summary.thresholds.backDatedAfterDays} days after its effective date.</p>
${[...htmlTail(a)].join('')}`;

/** The page up to the events table: head, summary, chart, cap tables. */
const htmlHead = (a: AuditHead): string => {
  const v = a.verification;
  const title = `Audit report: ${a.name ?? a.issuer} (${a.issuer}), ${a.period.from} to ${a.period.to}`;
  const s = a.summary;
  const card = (value: number | string, label: string, className = '') =>
    `<div class="card ${className}"><div class="value">${esc(String(value))}</div><div class="label">${esc(label)}</div></div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="shareledger">
<title>${esc(title)}</title>
<style>${AUDIT_CSS}</style>
</head>
<body>
<main>
<header class="report">
  <div>
    <p class="eyebrow">Shareholding audit report</p>
    <h1>${esc(a.name ?? a.issuer)}</h1>
    <dl class="meta">
      <dt>Issuer</dt><dd><span class="mono">${esc(a.issuer)}</span></dd>
      <dt>Period</dt><dd>${esc(a.period.from)} to ${esc(a.period.to)} (effective dates)</dd>
      <dt>As known at</dt><dd><span class="mono">${esc(a.knownAt)}</span></dd>
    </dl>
  </div>
  <span class="badge ${v.ok ? 'ok' : 'bad'}" id="verification-badge">${v.ok ? '✓ Ledger verified' : '✗ Verification failed'}</span>
</header>

<section class="summary">
<div class="cards">
${card(s.events, 'events in the period')}
${card(s.retractions, s.retractions === 1 ? 'retraction' : 'retractions')}
${card(s.backDated, `back-dated (> ${s.thresholds.backDatedAfterDays} days)`, s.backDated > 0 ? 'flag' : '')}
${card(`${s.flaggedDisclosures} / ${s.disclosures}`, 'disclosures flagged', s.flaggedDisclosures > 0 ? 'flag' : '')}
${card(`${s.lateNotices + s.missingNotices} / ${s.notices}`, 'notices late or missing', s.lateNotices + s.missingNotices > 0 ? 'flag' : '')}
${card(v.problems.length, 'verification problems', v.ok ? '' : 'bad')}
</div>
<ul class="note">${summaryLines(a)
    .map((l) => `<li>${esc(l)}</li>`)
    .join('')}</ul>
</section>

<section class="chart" id="chart">
<h2>Major holders over time</h2>
<figure>
${stakeChartSvg(a.chart, a.obligations.levels)}
<figcaption>${a.chart.class === null ? 'No shares were outstanding in the period.' : `Share of class ${esc(a.chart.class)} held by its ${a.chart.series.length - 1} largest holders (by the most shares each held during the period, the free float excluded), as step lines that change on effective dates; "others" is everyone else, the free float included. Dotted red lines: the ${esc(a.obligations.regime)} disclosure threshold (${esc(a.obligations.levels[0] ?? '5')}%) and the whole-percentage levels crossed by notices in the period.`}</figcaption>
</figure>
</section>

<section id="cap-tables">
<h2>Cap table at the start of the period (as of ${esc(a.capTable.start.asOf)})</h2>
${capTableHtml(a.capTable.start)}
<h2>Cap table at the end of the period (as of ${esc(a.capTable.end.asOf)})</h2>
${capTableHtml(a.capTable.end)}
</section>

<section id="events">
<h2>Events in the period</h2>
`;
};

/** A reconciled disclosure as a row of its table. */
const disclosureRow = (d: ReconciliationJson): { cells: Cell[]; className?: string } => ({
  className: d.flagged ? 'flagged' : '',
  cells: [
    { html: esc(d.date), className: 'nowrap' },
    { html: `${esc(d.holder)}${d.filing ? `<div class="id">${esc(d.filing)}</div>` : ''}` },
    d.class ?? 'all classes',
    num(d.disclosed.shares === null ? '–' : showShares(d.disclosed.shares)),
    num(showShares(d.computed.shares)),
    num(d.difference.shares === null ? '–' : d.difference.shares === '0' ? '0' : signedShares(d.difference.shares)),
    num(d.disclosed.percent === null ? '–' : `${d.disclosed.percent}%`),
    num(showPercent(d.computed.percent)),
    num(d.difference.percentagePoints ?? '–'),
    { html: d.flagged ? `<span class="tag warn">flagged</span> ${esc(d.reasons.join('; '))}` : '<span class="tag ok">agrees</span>' },
  ],
});

/**
 * The page from the end of the events section: retractions, disclosures (their rows as they are
 * read), obligations, proceeds, integrity.
 */
function* htmlTail(a: AuditHead): Generator<string> {
  const v = a.verification;
  const s = a.summary;
  const proceedsRows = a.proceeds.holders.flatMap((h) =>
    h.totals.map((t) => ({
      cells: [
        { html: `${esc(h.name)}${h.name !== h.holder ? `<div class="id">${esc(h.holder)}</div>` : ''}` },
        num(String(disposalCount(h))),
        t.currency,
        num(showMoney(t.gross)),
        num(showMoney(t.fees)),
        num(showMoney(t.net)),
        num(showMoney(t.costBasis)),
        num(showMoney(t.gain)),
      ] as Cell[],
    })),
  );
  yield `</section>

<section id="retractions">
<h2>Retractions</h2>
${table(
  ['Recorded', 'By', 'Retracted event', 'Originally recorded', 'Reason'],
  a.retractions.map((r) => ({
    cells: [
      { html: instantHtml(r.recordedAt), className: 'nowrap' },
      r.actor,
      {
        html: `${esc(`${r.target.type ?? 'unknown event'} ${r.target.date ?? ''}`)}${r.target.summary ? `<div>${esc(r.target.summary)}</div>` : ''}<div class="id mono">${esc(r.target.eventId)}</div>`,
      },
      {
        html: r.target.recordedAt ? `${instantHtml(r.target.recordedAt)}<div class="id">by ${esc(r.target.actor ?? '')}</div>` : 'unknown',
      },
      r.reason,
    ],
  })),
  'No retractions.',
)}
</section>

<section id="disclosures">
<h2>Stake disclosures reconciled</h2>
`;
  yield* streamedTable(
    [
      'Date',
      'Holder',
      'Class',
      N('Disclosed shares'),
      N('Computed shares'),
      N('Δ shares'),
      N('Disclosed %'),
      N('Computed %'),
      N('Δ pp'),
      'Result',
    ],
    a.disclosures,
    (d) => tableRow(disclosureRow(d)),
    'No stake disclosures in the period.',
  );
  yield `
<p class="note">Each disclosure is set against the stake computed at the end of its date: % of its class when it names one, else % of all shares. Flagged when the percentage differs by more than ${esc(s.thresholds.percentTolerancePp)} percentage points, or the share count differs at all. Differences are disclosed − computed.</p>
</section>

<section id="obligations">
<h2>Disclosure obligations (regime ${esc(a.obligations.regime)})</h2>
${table(
  ['Date', 'Holder', 'Class', 'Kind', N('% before → after'), 'Due', 'Status', 'Filed on'],
  a.obligations.notices.map((n) => ({
    className: noticeFlagged(n) ? 'flagged' : '',
    cells: [
      { html: esc(n.date), className: 'nowrap' },
      mono(n.holder),
      n.class,
      n.kind,
      num(percentMove(n.percentBefore, n.percentAfter)),
      { html: esc(n.dueDate), className: 'nowrap' },
      {
        html: `<span class="tag ${n.status === 'missing' ? 'bad' : n.status === 'late' ? 'warn' : n.status === 'on-time' ? 'ok' : 'muted'}">${esc(noticeStatusText(n))}</span>`,
      },
      { html: esc(n.disclosedOn ?? '–'), className: 'nowrap' },
    ],
  })),
  'No notices were due in the period.',
  'obligations',
)}
${
  a.obligations.passive.length > 0
    ? `<h3>Passive crossings (no notice due)</h3>${table(
        ['Date', 'Holder', 'Class', N('% before → after'), 'Event'],
        a.obligations.passive.map((p) => ({
          cells: [
            { html: esc(p.date), className: 'nowrap' },
            mono(p.holder),
            p.class,
            num(percentMove(p.percentBefore, p.percentAfter)),
            mono(p.eventId),
          ],
        })),
        '',
      )}`
    : ''
}
<p class="note">${esc(obligationsSentence(a))}</p>
</section>

<section id="proceeds">
<h2>Realized proceeds in the period (${esc(a.proceeds.method)})</h2>
${table(
  ['Holder', N('Disposals'), 'Currency', N('Gross'), N('Fees'), N('Net'), N('Cost basis'), N('Gain')],
  proceedsRows.map((r) => ({ cells: r.cells })),
  'No disposals in the period.',
)}
${a.proceeds.warnings.map((w) => `<p class="note">Warning: ${esc(w)}</p>`).join('')}
</section>

<section id="integrity">
<h2>Integrity</h2>
<p><span class="tag ${v.ok ? 'ok' : 'bad'}">${v.ok ? 'passed' : 'failed'}</span> ${esc(verificationSentence(v))}</p>
${
  v.problems.length
    ? `<p class="note">${esc(problemsSentence())}</p>${table(
        ['Stream', N('Revision'), 'Kind', 'Problem'],
        v.problems.map((p) => ({ className: 'flagged', cells: [mono(p.stream), num(String(p.revision)), p.kind, p.message] })),
        '',
      )}`
    : ''
}
<h3>Head hashes</h3>
${table(
  ['Stream', N('Revision'), 'Hash (SHA-256)'],
  v.heads.map((h) => ({ cells: [mono(h.stream), num(String(h.revision)), mono(h.hash, 'hash')] })),
  'The ledger is empty.',
)}
<p class="note">Save these with <code>shareledger --json digest</code> and check them later with <code>shareledger verify --digest FILE</code>: any rewrite of the history up to these revisions is then detected.</p>
</section>

<footer>Generated by shareledger from the event log as known at ${esc(a.knownAt)}. Figures are exact; percentages are rounded half-even for display.</footer>
</main>
</body>
</html>
`;
}

/**
 * How many events a report flags at most, from its summary: each is back-dated, retracted or
 * retracting, a disclosure, or the event of a notice (some are several), known before the events
 * are read again.
 */
const flaggedAtMost = (a: LargeReport['head']): number =>
  a.summary.backDated + a.summary.retracted + a.summary.retractions + a.summary.disclosures + a.summary.notices;

/**
 * A large report as HTML, written as it is read (docs/audit.md#large-reports): the events per
 * month and type, then only the flagged events, in the rows the full table has. When the flagged
 * events may be more than a full report lists (every event of a ledger imported long after its
 * dates is back-dated), each month's are a table in a closed `<details>`: a browser then lays out
 * only the months opened (or searched), and a page of hundreds of thousands of rows still opens.
 */
export function* auditHtmlLarge(report: LargeReport): Generator<string> {
  const a = report.head;
  yield htmlHead(a);
  yield `<p class="note" id="large-report">${esc(largeReportSentence(report))}</p>\n<h3>Events per month and type</h3>\n`;
  const months = monthTable(report.figures.byMonth);
  yield `${table(
    [months.headers[0]!, ...months.headers.slice(1).map(N)],
    months.rows.map(([month, ...counts]) => ({ cells: [month!, ...counts.map(num)] })),
    'No events are dated in the period.',
  )}\n<h3>Flagged events</h3>\n`;
  const byMonth = flaggedAtMost(a) > report.listUpTo;
  let n = 0;
  let listed = 0;
  // With byMonth, the rows of the month being read (as text), written with its count once it ends.
  let month: { name: string; rows: string[] } | undefined;
  const monthText = (m: NonNullable<typeof month>): string =>
    `<details class="month"><summary>${esc(m.name)}: ${groupThousands(String(m.rows.length))} flagged</summary>\n${writtenTable(EVENT_HEADERS, m.rows, '', 'events')}</details>\n`;
  let chunk = '';
  for (const e of report.events()) {
    n++;
    if (!report.flagged(e)) continue;
    listed++;
    if (byMonth) {
      const name = e.date.slice(0, 7);
      if (month?.name !== name) {
        if (month) yield monthText(month);
        month = { name, rows: [] };
      }
      month.rows.push(tableRow(eventRow(e)));
      continue;
    }
    chunk += `${listed === 1 ? tableTop(EVENT_HEADERS, 'events') : '\n'}${tableRow(eventRow(e))}`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (month) yield monthText(month);
  const end = listed === 0 ? '<p class="empty">No event in the period is flagged.</p>' : byMonth ? '' : TABLE_END;
  yield `${chunk}${end}
<p class="note">${esc(`${groupThousands(String(listed))} flagged of ${groupThousands(String(n))} events, in timeline order (effective date, then revision)${byMonth ? ', by month: open a month to see its events (a search of the page opens the months it finds)' : ''}, retracted ones struck through. Back-dated: recorded more than ${a.summary.thresholds.backDatedAfterDays} days after its effective date.`)}</p>
`;
  yield* htmlTail(a);
}
