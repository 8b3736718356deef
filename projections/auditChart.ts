import type { ClassId, HolderId, IsoDate, Rational } from '../events/index.js';
import { compare, fromBigint, HUNDRED, percentOf, PUBLIC, rational, sub, sum } from '../events/index.js';
import { type IssuerState, outstandingOf, sharesOf } from '../src/domain/issuerState.js';
import { compareText, formatPercent } from './format.js';
import { displayName, type HolderRegistry } from './registry.js';

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

const percentOfShares = (shares: bigint, outstanding: bigint): Rational | null => percentOf(fromBigint(shares), fromBigint(outstanding));

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Changes a chunk of the log holds: 768 KiB of arrays. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/**
 * The changed positions, in visit order: per change its position's number and its shares, in
 * typed arrays (12 bytes a change, where arrays of ids and bigints took ~56: a busy issuer logs
 * millions), a share count past 64 bits kept aside. The arrays come in chunks of a fixed size,
 * never copied to grow: arrays that doubled held up to twice the log, and three times while they
 * were copied.
 */
class ChangeLog {
  private readonly positions: Int32Array[] = [];
  private readonly shares: BigInt64Array[] = [];
  private readonly large = new Map<number, bigint>();
  length = 0;

  push(position: number, shares: bigint): void {
    const k = this.length & (CHUNK - 1);
    if (k === 0) {
      this.positions.push(new Int32Array(CHUNK));
      this.shares.push(new BigInt64Array(CHUNK));
    }
    const c = this.positions.length - 1;
    if (shares < INT64_MIN || shares > INT64_MAX) this.large.set(this.length, shares);
    else this.shares[c]![k] = shares;
    this.positions[c]![k] = position;
    this.length += 1;
  }

  positionAt(n: number): number {
    return this.positions[n >>> CHUNK_BITS]![n & (CHUNK - 1)]!;
  }

  sharesAt(n: number): bigint {
    return (this.large.size > 0 ? this.large.get(n) : undefined) ?? this.shares[n >>> CHUNK_BITS]![n & (CHUNK - 1)]!;
  }
}

/**
 * The chart, built as the audit folds the issuer's timeline (asOf the period's end) once: `start`
 * with the state at the start of the period, `endOfDate` with the state at the end of each date
 * in it and the positions the date's events may have changed, then `finish`. The holdings are
 * visited at those moments only (the start and the end of each date), as the chart draws them.
 * Every changed position is logged, so the major holders' points are drawn once they are known.
 */
export class StakeChartWalk {
  /** Per class, every holder with shares at a visit. */
  private readonly holdersOf = new Map<ClassId, Set<HolderId>>();
  /** Per class, each holder's most shares at a visit. */
  private readonly peakShares = new Map<ClassId, Map<HolderId, bigint>>();
  private startHoldings = new Map<ClassId, Map<HolderId, bigint>>();
  private startOutstanding = new Map<ClassId, bigint>();
  /** The dates visited after the start, and per date the outstanding of every class at its end. */
  private readonly dates: IsoDate[] = [];
  private readonly outstanding: Array<Map<ClassId, bigint>> = [];
  /** Per date visited, where its changes start in the log. */
  private readonly dateStarts: number[] = [];
  private readonly log = new ChangeLog();
  /** The positions the log numbers: per class, per holder, its number; and each number's class and holder. */
  private readonly numbers = new Map<ClassId, Map<HolderId, number>>();
  private readonly positionClass: ClassId[] = [];
  private readonly positionHolder: HolderId[] = [];

  /**
   * `drawn` false: only the main class is found (the notices read it), for a report without the
   * chart (AuditRequest.eventsTableOnly); nothing is logged, and `finish` gives no series or points.
   */
  constructor(
    private readonly period: Readonly<{ from: IsoDate; to: IsoDate }>,
    private readonly drawn = true,
  ) {}

  /** The position's number, given at its first change (its ids kept once, not the events' copies). */
  private numberOf(cls: ClassId, holder: HolderId): number {
    let byHolder = this.numbers.get(cls);
    if (!byHolder) this.numbers.set(cls, (byHolder = new Map()));
    let n = byHolder.get(holder);
    if (n === undefined) {
      byHolder.set(holder, (n = this.positionClass.length));
      this.positionClass.push(cls);
      this.positionHolder.push(holder);
    }
    return n;
  }

  private seen(cls: ClassId, holder: HolderId, shares: bigint): void {
    let holders = this.holdersOf.get(cls);
    if (!holders) this.holdersOf.set(cls, (holders = new Set()));
    holders.add(holder);
    let peaks = this.peakShares.get(cls);
    if (!peaks) this.peakShares.set(cls, (peaks = new Map()));
    const peak = peaks.get(holder);
    if (peak === undefined || shares > peak) peaks.set(holder, shares);
  }

  start(s: IssuerState): void {
    if (this.drawn) this.startHoldings = new Map([...s.holdings].map(([c, m]) => [c, new Map(m)]));
    this.startOutstanding = new Map(s.outstanding);
    for (const [cls, byHolder] of s.holdings) for (const [holder, shares] of byHolder) this.seen(cls, holder, shares);
  }

  endOfDate(date: IsoDate, s: IssuerState, touched: Iterable<readonly [ClassId, HolderId]>): void {
    if (!this.drawn) {
      for (const [cls, holder] of touched) {
        const shares = sharesOf(s, cls, holder);
        if (shares > 0n) this.seen(cls, holder, shares);
      }
      return;
    }
    this.dates.push(date);
    this.outstanding.push(new Map(s.outstanding));
    this.dateStarts.push(this.log.length);
    for (const [c, h] of touched) {
      const n = this.numberOf(c, h);
      const cls = this.positionClass[n]!;
      const holder = this.positionHolder[n]!;
      const shares = sharesOf(s, cls, holder);
      if (shares > 0n) this.seen(cls, holder, shares);
      this.log.push(n, shares);
    }
  }

  /** The chart, from the state at the end of the period and the holder registry as of then. */
  finish(end: IssuerState, registry: HolderRegistry): StakeChartJson {
    const { from, to } = this.period;
    const cls = mainClassOf(end, this.holdersOf);
    if (cls === undefined || !this.drawn) return { class: cls ?? null, from, to, series: [], points: [] };
    const major = [...(this.peakShares.get(cls) ?? [])]
      .filter(([holder]) => holder !== PUBLIC)
      .sort(([a, pa], [b, pb]) => (pb > pa ? 1 : pb < pa ? -1 : compareText(a, b)))
      .slice(0, MAJOR_HOLDERS)
      .map(([holder]) => holder);
    const index = new Map(major.map((h, i) => [h, i]));
    const shares = major.map((h) => this.startHoldings.get(cls)?.get(h) ?? 0n);
    const peakPercent: Array<Rational | null> = major.map(() => null);
    const points: StakeChartJson['points'] = [];
    let othersPeak: Rational | null = null;
    const visit = (date: IsoDate, outstanding: bigint): void => {
      const percents = shares.map((n) => percentOfShares(n, outstanding));
      percents.forEach((p, i) => {
        if (shares[i]! > 0n && p !== null && (peakPercent[i] === null || compare(p, peakPercent[i]!) > 0)) peakPercent[i] = p;
      });
      const others = outstanding === 0n ? null : sub(HUNDRED, sum(percents.map((p) => p ?? rational(0n))));
      if (others !== null && (othersPeak === null || compare(others, othersPeak) > 0)) othersPeak = others;
      const point = { date, outstanding: outstanding.toString(), percents: [...percents, others].map(formatPercent) };
      const last = points[points.length - 1];
      const unchanged = last && last.outstanding === point.outstanding && last.percents.join() === point.percents.join();
      if (!unchanged) points.push(point);
    };
    visit(from, this.startOutstanding.get(cls) ?? 0n);
    // Per position number, its series (undefined: not a major holder of the class drawn).
    const seriesOf = this.positionClass.map((c, n) => (c === cls ? index.get(this.positionHolder[n]!) : undefined));
    for (let d = 0; d < this.dates.length; d++) {
      const end = d + 1 < this.dates.length ? this.dateStarts[d + 1]! : this.log.length;
      for (let k = this.dateStarts[d]!; k < end; k++) {
        const i = seriesOf[this.log.positionAt(k)];
        if (i !== undefined) shares[i] = this.log.sharesAt(k);
      }
      visit(this.dates[d]!, this.outstanding[d]!.get(cls) ?? 0n);
    }
    return {
      class: cls,
      from,
      to,
      series: [
        ...major.map((holder, i) => ({
          holder,
          name: displayName(registry, holder),
          peakShares: this.peakShares.get(cls)!.get(holder)!.toString(),
          peakPercent: formatPercent(peakPercent[i]!),
        })),
        { holder: OTHERS, name: 'Others (incl. free float)', peakShares: null, peakPercent: formatPercent(othersPeak) },
      ],
      points,
    };
  }
}
