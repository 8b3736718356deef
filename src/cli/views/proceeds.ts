import type { ProceedsJson } from '../../../projections/proceeds.js';
import { showMoney, showPrice, showShares } from '../../../projections/humanNumbers.js';
import type { Style } from '../style.js';
import { renderFields, renderTable } from '../table.js';

export const proceedsText = (p: ProceedsJson, style: Style): string => {
  const header = [
    style.bold(`realized proceeds of ${p.holder}${p.holders ? ` and the holders it controls (${p.holders.join(', ')})` : ''}`),
    renderFields([
      ['cost method', p.method],
      ['currency', p.currency ?? 'each amount in its own currency'],
    ]),
  ];
  if (p.disposals.length === 0) return [...header, '', 'no disposals'].join('\n');
  return [
    ...header,
    '',
    renderTable(
      [
        { header: 'date' },
        { header: 'issuer' },
        { header: 'type' },
        { header: 'class' },
        { header: 'shares', align: 'right' },
        { header: 'price', align: 'right' },
        { header: 'ccy' },
        { header: 'gross', align: 'right' },
        { header: 'fees', align: 'right' },
        { header: 'net', align: 'right' },
        { header: 'cost basis', align: 'right' },
        { header: 'gain', align: 'right' },
      ],
      p.disposals.map((d) => [
        d.date,
        d.issuer,
        d.type,
        d.class,
        showShares(d.shares),
        showPrice(d.pricePerShare),
        d.currency,
        showMoney(d.gross),
        showMoney(d.fees),
        showMoney(d.net),
        showMoney(d.costBasis),
        showMoney(d.gain),
      ]),
      style,
    ),
    '',
    renderTable(
      [
        { header: 'total' },
        { header: 'gross', align: 'right' },
        { header: 'fees', align: 'right' },
        { header: 'net', align: 'right' },
        { header: 'cost basis', align: 'right' },
        { header: 'gain', align: 'right' },
      ],
      p.totals.map((t) => [t.currency, showMoney(t.gross), showMoney(t.fees), showMoney(t.net), showMoney(t.costBasis), showMoney(t.gain)]),
      style,
    ),
  ].join('\n');
};
