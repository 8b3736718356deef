import type { ClassId, EventId, HolderId, IsoDate, Rational } from '../../events/index.js';
import { compare, div, sub, ZERO } from '../../events/index.js';
import { compareText } from '../format.js';
import type { InterestStep } from './interest.js';
import type { LastNoticeRegime, NoticeRole, Regime } from './regimes.js';

/**
 * A change of interest that a regime names: a notice when the holder's (group's) own shares
 * changed (`cause: "own"`, or the listing), else a passive crossing (`cause: "capital"`: only the
 * outstanding changed), which has no deadline and changes nothing the regime tracks.
 */
export type Crossing = Readonly<{
  holder: HolderId;
  class: ClassId;
  date: IsoDate;
  eventId: EventId;
  role: NoticeRole;
  kind: string;
  cause: 'own' | 'capital';
  before: Rational | null;
  after: Rational | null;
}>;

const isAbove = (regime: Regime, value: Rational | null): boolean => {
  const c = compare(value ?? ZERO, regime.threshold);
  return regime.thresholdInclusive ? c >= 0 : c > 0;
};

/** The whole part of value / step (value ≥ 0). */
const levelOf = (value: Rational | null, step: Rational): bigint => {
  const q = div(value ?? ZERO, step);
  return q.num / q.den;
};

const magnitude = (r: Rational): Rational => (r.num < 0n ? { num: -r.num, den: r.den } : r);

/** What an interest would call for, measured from the tracked percentage of the last notice. */
const lastNoticeRole = (regime: LastNoticeRegime, tracked: Rational | null, interest: Rational | null): NoticeRole | undefined => {
  const value = interest ?? ZERO;
  if (tracked === null) return isAbove(regime, value) ? 'enter' : undefined;
  if (!isAbove(regime, value)) return 'leave';
  return compare(magnitude(sub(value, tracked)), regime.amendmentMove) >= 0 ? 'move' : undefined;
};

/**
 * The crossings of one holder's (group's) interest in one class, its steps in date order.
 * `tracked` is the percentage of the last notice under a `lastNotice` regime.
 */
const seriesCrossings = (regime: Regime, steps: ReadonlyArray<InterestStep>): Crossing[] => {
  const out: Crossing[] = [];
  let tracked: Rational | null = null;
  for (const s of steps) {
    const cause = s.start || s.own ? 'own' : 'capital';
    let role: NoticeRole | undefined;
    if (s.start) role = isAbove(regime, s.after) ? 'enter' : undefined;
    else if (regime.rule === 'levels') {
      const was = isAbove(regime, s.before);
      const is = isAbove(regime, s.after);
      if (!was && is) role = 'enter';
      else if (was && !is) role = 'leave';
      else if (was && is && levelOf(s.before, regime.levelStep) !== levelOf(s.after, regime.levelStep)) role = 'move';
    } else {
      role = lastNoticeRole(regime, tracked, s.after);
      // Passive: only when the day's change itself crossed (a holder diluted below 5% once is not crossing again at every later issue).
      if (cause === 'capital' && role !== undefined && lastNoticeRole(regime, tracked, s.before) === role) role = undefined;
    }
    if (role === undefined) continue;
    if (regime.rule === 'lastNotice' && cause === 'own') tracked = role === 'leave' ? null : (s.after ?? ZERO);
    out.push({
      holder: s.holder,
      class: s.class,
      date: s.date,
      eventId: s.eventId,
      role,
      kind: regime.kinds[role],
      cause,
      before: s.before,
      after: s.after,
    });
  }
  return out;
};

/** Every crossing of every holder (group) and class, in date, holder, class order. */
export const crossingsOf = (regime: Regime, steps: ReadonlyArray<InterestStep>): Crossing[] => {
  const series = new Map<string, InterestStep[]>();
  for (const s of steps) {
    const key = `${s.holder}\u0000${s.class}`;
    const list = series.get(key);
    if (list) list.push(s);
    else series.set(key, [s]);
  }
  const out: Crossing[] = [];
  for (const list of series.values()) out.push(...seriesCrossings(regime, list));
  return out.sort((a, b) => compareText(a.date, b.date) || compareText(a.holder, b.holder) || compareText(a.class, b.class));
};
