import { describe, expect, it } from 'vitest';
import type { ClassId, HolderId, IsoDate, IssuerId } from '../events/index.js';
import { initialIssuerState, type IssuerState } from '../src/domain/issuerState.js';
import { StakeChartWalk } from './auditChart.js';

const A = 'A' as ClassId;
const holder = (h: string) => h as HolderId;

/** A state of class A with these holdings (outstanding: their sum). */
const stateOf = (holdings: Record<string, bigint>): IssuerState => {
  const s = initialIssuerState('acme' as IssuerId);
  s.classes.set(A, { votesPerShare: 1 });
  s.holdings.set(A, new Map(Object.entries(holdings).map(([h, n]) => [holder(h), n])));
  s.outstanding.set(
    A,
    Object.values(holdings).reduce((x, y) => x + y, 0n),
  );
  return s;
};

describe('StakeChartWalk', () => {
  it('draws share counts past 64 bits exactly, date by date', () => {
    const big = 2n ** 70n;
    const walk = new StakeChartWalk({ from: '2020-01-01' as IsoDate, to: '2020-12-31' as IsoDate });
    walk.start(stateOf({ alice: 1n, bob: 1n }));
    walk.endOfDate('2020-02-01' as IsoDate, stateOf({ alice: big, bob: 1n }), [[A, holder('alice')]]);
    walk.endOfDate('2020-03-01' as IsoDate, stateOf({ alice: big, bob: big * 3n }), [[A, holder('bob')]]);
    walk.endOfDate('2020-04-01' as IsoDate, stateOf({ alice: 1n, bob: big * 3n }), [[A, holder('alice')]]);
    const chart = walk.finish(stateOf({ alice: 1n, bob: big * 3n }), new Map());
    expect(chart.series.map((s) => [s.holder, s.peakShares])).toEqual([
      ['bob', (big * 3n).toString()],
      ['alice', big.toString()],
      ['others', null],
    ]);
    expect(chart.points.map((p) => [p.date, p.outstanding, ...p.percents])).toEqual([
      ['2020-01-01', '2', '50.000000', '50.000000', '0.000000'],
      ['2020-02-01', (big + 1n).toString(), '0.000000', '100.000000', '0.000000'],
      ['2020-03-01', (big * 4n).toString(), '75.000000', '25.000000', '0.000000'],
      ['2020-04-01', (big * 3n + 1n).toString(), '100.000000', '0.000000', '0.000000'],
    ]);
  });

  it('not drawn, finds the same main class and draws nothing', () => {
    const B = 'B' as ClassId;
    const walk = (drawn: boolean) => {
      const w = new StakeChartWalk({ from: '2020-01-01' as IsoDate, to: '2020-12-31' as IsoDate }, drawn);
      // At the start B has more holders (and shares); by the period's end A has had more.
      const s = stateOf({ alice: 1n });
      s.classes.set(B, { votesPerShare: 1 });
      s.holdings.set(
        B,
        new Map([
          [holder('dave'), 500n],
          [holder('frank'), 500n],
        ]),
      );
      s.outstanding.set(B, 1_000n);
      w.start(s);
      s.holdings.get(A)!.set(holder('erin'), 5n).set(holder('george'), 2n);
      s.outstanding.set(A, 8n);
      w.endOfDate('2020-02-01' as IsoDate, s, [
        [A, holder('erin')],
        [A, holder('george')],
      ]);
      return w.finish(s, new Map());
    };
    const drawn = walk(true);
    expect(drawn.class).toBe(A);
    expect(drawn.points.length).toBe(2);
    expect(walk(false)).toEqual({ class: A, from: '2020-01-01', to: '2020-12-31', series: [], points: [] });
  });

  it('draws from a log of more changes than one of its chunks holds', () => {
    const dates = 70_000; // the log keeps 65,536 changes a chunk
    const dateOf = (d: number) => new Date(Date.UTC(2000, 0, 1) + d * 86_400_000).toISOString().slice(0, 10) as IsoDate;
    const big = 2n ** 70n;
    const at = (d: number) => {
      const alice = BigInt(d % 100);
      return d === dates - 1 ? { alice, bob: big } : { alice, bob: 100n - alice };
    };
    const walk = new StakeChartWalk({ from: dateOf(0), to: dateOf(dates) });
    walk.start(stateOf({ alice: 50n, bob: 50n }));
    const touched = [
      [A, holder('alice')],
      [A, holder('bob')],
    ] as const;
    // In an order that varies, so that a change read from the wrong chunk is a different position.
    for (let d = 0; d < dates; d++) walk.endOfDate(dateOf(d + 1), stateOf(at(d)), d % 3 === 0 ? [...touched].reverse() : touched);
    const chart = walk.finish(stateOf(at(dates - 1)), new Map());
    expect(chart.series.map((s) => s.holder)).toEqual(['bob', 'alice', 'others']);
    // Each date changes the percentages, so each has its point, after the start's.
    expect(chart.points.length).toBe(dates + 1);
    for (const d of [0, 65_535, 65_536, 65_537, 69_998]) {
      const { alice, bob } = at(d);
      expect(chart.points[d + 1]).toEqual({
        date: dateOf(d + 1),
        outstanding: '100',
        percents: [`${bob}.000000`, `${alice}.000000`, '0.000000'],
      });
    }
    expect(chart.points[dates]!.outstanding).toBe((big + BigInt((dates - 1) % 100)).toString());
    expect(chart.series[0]!.peakShares).toBe(big.toString());
  });
});
