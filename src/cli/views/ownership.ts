import type { HistoryJson } from '../../../projections/history.js';
import type { CapTableJson, StakeJson } from '../../../projections/ownership.js';
import { showPercent, showShares } from '../../../projections/humanNumbers.js';
import type { Style } from '../style.js';
import { renderFields, renderTable } from '../table.js';

export const stakeText = (s: StakeJson, style: Style): string => {
  const who = s.holders ? `${s.holder} and the holders it controls (${s.holders.join(', ')})` : s.holder;
  return [
    style.bold(`${who} in ${s.issuer}`),
    renderFields([
      ['as of', s.asOf],
      ['known at', s.knownAt],
      ['shares', showShares(s.shares)],
      ['% of all shares', showPercent(s.percentOfTotal)],
      ['% of votes', showPercent(s.votingPercent)],
    ]),
    '',
    renderTable(
      [
        { header: 'class' },
        { header: 'shares', align: 'right' },
        { header: 'outstanding', align: 'right' },
        { header: '% of class', align: 'right' },
      ],
      s.classes.map((c) => [c.class, showShares(c.shares), showShares(c.outstanding), showPercent(c.percentOfClass)]),
      style,
    ),
  ].join('\n');
};

export const capTableText = (c: CapTableJson, style: Style): string => {
  const classes = c.classes.map((k) => k.class);
  return [
    style.bold(`cap table of ${c.issuer}`),
    renderFields([
      ['as of', c.asOf],
      ['known at', c.knownAt],
      ['total shares', showShares(c.totalShares)],
    ]),
    '',
    renderTable(
      [{ header: 'class' }, { header: 'votes/share', align: 'right' }, { header: 'outstanding', align: 'right' }],
      c.classes.map((k) => [k.class, String(k.votesPerShare), showShares(k.outstanding)]),
      style,
    ),
    '',
    c.holders.length === 0
      ? 'no holdings'
      : renderTable(
          [
            { header: 'holder' },
            { header: 'name' },
            ...classes.map((k) => ({ header: `class ${k}`, align: 'right' as const })),
            { header: 'total', align: 'right' },
            { header: '% of all', align: 'right' },
            { header: '% of votes', align: 'right' },
          ],
          c.holders.map((h) => [
            h.holder,
            h.name,
            ...classes.map((k) => (h.classes[k] === undefined ? '-' : showShares(h.classes[k]!))),
            showShares(h.shares),
            showPercent(h.percentOfTotal),
            showPercent(h.votingPercent),
          ]),
          style,
        ),
  ].join('\n');
};

export const historyText = (h: HistoryJson, style: Style): string => {
  if (h.entries.length === 0) return `no changes of holdings in ${h.issuer}`;
  return [
    style.bold(`history of holdings in ${h.issuer}`),
    renderTable(
      [
        { header: 'date' },
        { header: 'type' },
        { header: 'holder' },
        { header: 'class' },
        { header: 'before', align: 'right' },
        { header: 'after', align: 'right' },
        { header: 'change', align: 'right' },
        { header: '% of class', align: 'right' },
        { header: 'event id' },
      ],
      h.entries.map((e) => {
        const delta = BigInt(e.sharesAfter) - BigInt(e.sharesBefore);
        return [
          e.date,
          e.type,
          e.holder,
          e.class,
          showShares(e.sharesBefore),
          showShares(e.sharesAfter),
          `${delta > 0n ? '+' : ''}${showShares(delta)}`,
          `${showPercent(e.percentOfClassBefore)} → ${showPercent(e.percentOfClassAfter)}`,
          e.eventId,
        ];
      }),
      style,
    ),
  ].join('\n');
};
