import type { ObligationNoticeJson, ObligationsJson } from '../../../projections/obligations/index.js';
import { showPercent } from '../../../projections/humanNumbers.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

const statusText = (n: ObligationNoticeJson, style: Style): string => {
  switch (n.status) {
    case 'on-time':
      return style.green(n.status);
    case 'late':
    case 'missing':
      return style.red(n.status);
    case 'not-yet-due':
      return style.yellow(n.status);
  }
};

const move = (before: string | null, after: string | null): string =>
  `${before === null ? '–' : showPercent(before)} → ${showPercent(after)}`;

/** The notices of an `obligations` answer as one table (also used by the demo). */
export const noticesTable = (o: ObligationsJson, style: Style): string =>
  o.notices.length === 0
    ? 'no notices'
    : renderTable(
        [
          { header: 'date' },
          { header: 'holder' },
          { header: 'class' },
          { header: 'kind' },
          { header: '% before → after', align: 'right' },
          { header: 'due' },
          { header: 'status' },
          { header: 'filed on' },
          { header: 'days late', align: 'right' },
        ],
        o.notices.map((n) => [
          n.date,
          n.holder,
          n.class,
          n.kind,
          move(n.percentBefore, n.percentAfter),
          n.dueDate,
          statusText(n, style),
          n.disclosedOn ?? '–',
          n.status === 'late' ? String(n.businessDaysLate) : '',
        ]),
        style,
      );

export const obligationsText = (o: ObligationsJson, style: Style): string => {
  const out = [
    style.bold(`disclosure notices in ${o.issuer} under regime ${o.regime} (as of ${o.asOf}, known at ${o.knownAt})`),
    noticesTable(o, style),
  ];
  if (o.passive.length > 0)
    out.push(
      '',
      style.bold('passive crossings (only the outstanding changed: no notice due)'),
      renderTable(
        [
          { header: 'date' },
          { header: 'holder' },
          { header: 'class' },
          { header: '% before → after', align: 'right' },
          { header: 'event id' },
        ],
        o.passive.map((p) => [p.date, p.holder, p.class, move(p.percentBefore, p.percentAfter), p.eventId]),
        style,
      ),
    );
  return out.join('\n');
};
