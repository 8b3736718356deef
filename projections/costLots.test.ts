import { describe, expect, it } from 'vitest';
import type { CurrencyCode, IsoDate } from '../events/index.js';
import { fromBigint } from '../events/index.js';
import { acquireLot, emptyPosition, insertLots, type Lot, takeShares } from './costLots.js';

const lot = (date: string, revision: number, cost: bigint): Lot => ({
  shares: fromBigint(10n),
  cost: fromBigint(cost),
  currency: 'USD' as CurrencyCode,
  date: date as IsoDate,
  revision,
});

describe('fifo lots that arrive out of order', () => {
  it('are taken by acquisition point, however many arrived before the next take; the same point keeps arrival order', () => {
    const p = emptyPosition('fifo');
    acquireLot(p, lot('2020-01-05', 5, 5n));
    insertLots(p, { shares: fromBigint(10n), lots: [lot('2020-01-03', 3, 3n)] });
    insertLots(p, { shares: fromBigint(20n), lots: [lot('2020-01-01', 1, 1n), lot('2020-01-04', 4, 4n)] });
    insertLots(p, { shares: fromBigint(10n), lots: [lot('2020-01-03', 3, 30n)] });
    insertLots(p, { shares: fromBigint(10n), lots: [lot('2020-01-02', 2, 2n)] });
    const taken = takeShares(p, fromBigint(50n), 'fifo');
    expect(taken.lots.map((l) => [l.date, l.cost.num])).toEqual([
      ['2020-01-01', 1n],
      ['2020-01-02', 2n],
      ['2020-01-03', 3n],
      ['2020-01-03', 30n],
      ['2020-01-04', 4n],
    ]);
    expect(takeShares(p, fromBigint(10n), 'fifo').lots.map((l) => l.date)).toEqual(['2020-01-05']);
  });
});
