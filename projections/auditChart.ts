import type { ClassId, HolderId, Instant, IsoDate, IssuerId, Rational, StoredEvent } from '../events/index.js';
import { compare, fromBigint, HUNDRED, percentOf, PUBLIC, rational, sub, sum } from '../events/index.js';
import { evolveIssuer, initialIssuerState, type IssuerState, outstandingOf } from '../src/domain/issuerState.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { compareText, formatPercent } from './format.js';
import { replayIssuer } from './ownership.js';
import { displayName, type HolderRegistry } from './registry.js';
import { selectTimeline } from './timeline.js';

/** How many named holders the chart draws; everyone else (the free float included) is "others". */
const MAJOR_HOLDERS = 5;
const OTHERS = 'others';

/**
 * The major holders' % of the main class over the period, one point per date on which the class
 * changed (and one at the start): the data of the audit's step chart. The main class is the one
 * the most holders held during the period (then: the most shares outstanding); the major holders are the
 * MAJOR_HOLDERS holders other than `public` that held the most shares of it at their peak in the
 * period (peak shares, not peak %: an early holder of a young class would otherwise top the chart
 * with a large % of a few shares).
 * `percents[i]` belongs to `series[i]`; the last series is "others" (100 − the rest).
 */
export type StakeChartJson = {
  class: ClassId | null;
  from: IsoDate;
  to: IsoDate;
  series: Array<{ holder: string; name: string; peakShares: string | null; peakPercent: string | null }>;
  points: Array<{ date: IsoDate; outstanding: string; percents: Array<string | null> }>;
};

/** The class most holders held during the period (ties: the most shares outstanding at its end, then declaration order). */
const mainClassOf = (end: IssuerState, holdersOf: ReadonlyMap<ClassId, ReadonlySet<HolderId>>): ClassId | undefined => {
  let best: ClassId | undefined;
  const score = (cls: ClassId): [number, bigint] => [holdersOf.get(cls)?.size ?? 0, outstandingOf(end, cls)];
  for (const cls of end.classes.keys()) {
    if (best === undefined) best = cls;
    const [h, o] = score(cls);
    const [bh, bo] = score(best);
    if (h > bh || (h === bh && o > bo)) best = cls;
  }
  return best;
};

/** Calls `visit(date, state)` with the state at the start of the period and at the end of each date in it. */
const walk = (
  issuer: IssuerId,
  timeline: ReadonlyArray<PlacedEvent>,
  from: IsoDate,
  visit: (date: IsoDate, s: IssuerState) => void,
): void => {
  const state = initialIssuerState(issuer);
  let i = 0;
  while (i < timeline.length && timeline[i]!.date < from) evolveIssuer(state, timeline[i++]!);
  visit(from, state);
  while (i < timeline.length) {
    const date = timeline[i]!.date;
    while (i < timeline.length && timeline[i]!.date === date) evolveIssuer(state, timeline[i++]!);
    visit(date, state);
  }
};

const percentIn = (s: IssuerState, cls: ClassId, holder: HolderId): Rational | null =>
  percentOf(fromBigint(s.holdings.get(cls)?.get(holder) ?? 0n), fromBigint(outstandingOf(s, cls)));

export const stakeChart = (
  issuer: IssuerId,
  issuerEvents: ReadonlyArray<StoredEvent>,
  registry: HolderRegistry,
  period: Readonly<{ from: IsoDate; to: IsoDate; knownAt: Instant }>,
): StakeChartJson => {
  const { from, to, knownAt } = period;
  const timeline = selectTimeline(issuerEvents, { asOf: to, knownAt });
  const holdersOf = new Map<ClassId, Set<HolderId>>();
  walk(issuer, timeline, from, (_date, s) => {
    for (const [c, byHolder] of s.holdings) for (const h of byHolder.keys()) holdersOf.set(c, (holdersOf.get(c) ?? new Set()).add(h));
  });
  const cls = mainClassOf(replayIssuer(issuer, timeline), holdersOf);
  if (cls === undefined) return { class: null, from, to, series: [], points: [] };
  const peaks = new Map<HolderId, { shares: bigint; percent: Rational | null }>();
  walk(issuer, timeline, from, (_date, s) => {
    for (const [holder, shares] of s.holdings.get(cls) ?? []) {
      if (holder === PUBLIC) continue;
      const peak = peaks.get(holder) ?? { shares: 0n, percent: null };
      const p = percentIn(s, cls, holder);
      peaks.set(holder, {
        shares: shares > peak.shares ? shares : peak.shares,
        percent: p !== null && (peak.percent === null || compare(p, peak.percent) > 0) ? p : peak.percent,
      });
    }
  });
  const major = [...peaks]
    .sort(([a, pa], [b, pb]) => (pb.shares > pa.shares ? 1 : pb.shares < pa.shares ? -1 : compareText(a, b)))
    .slice(0, MAJOR_HOLDERS)
    .map(([holder]) => holder);
  const points: StakeChartJson['points'] = [];
  let othersPeak: Rational | null = null;
  walk(issuer, timeline, from, (date, s) => {
    const shares = major.map((h) => percentIn(s, cls, h));
    const outstanding = outstandingOf(s, cls);
    const others = outstanding === 0n ? null : sub(HUNDRED, sum(shares.map((p) => p ?? rational(0n))));
    if (others !== null && (othersPeak === null || compare(others, othersPeak) > 0)) othersPeak = others;
    const point = { date, outstanding: outstanding.toString(), percents: [...shares, others].map(formatPercent) };
    const last = points[points.length - 1];
    const unchanged = last && last.outstanding === point.outstanding && last.percents.join() === point.percents.join();
    if (!unchanged) points.push(point);
  });
  return {
    class: cls,
    from,
    to,
    series: [
      ...major.map((holder) => {
        const peak = peaks.get(holder)!;
        return {
          holder,
          name: displayName(registry, holder),
          peakShares: peak.shares.toString(),
          peakPercent: formatPercent(peak.percent),
        };
      }),
      { holder: OTHERS, name: 'Others (incl. free float)', peakShares: null, peakPercent: formatPercent(othersPeak) },
    ],
    points,
  };
};
