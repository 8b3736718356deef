import type { ClassId, IsoDate } from '../../events/index.js';
import { parseDecimal } from '../../events/index.js';
import type { BusinessCalendar } from './businessDays.js';
import { noticesOf, type ObligationNoticeJson, type PassiveCrossingJson } from './index.js';
import type { InterestStep, InterestWalk } from './interest.js';
import type { Disclosure } from './reconcile.js';
import { findRegime, type LevelsRegime } from './regimes.js';

/** The regime the audit report reconciles (docs/obligations.md). */
export const AUDIT_REGIME = 'hk';

/**
 * The audit's obligations section: the notices dated in the period under regime hk, every holder,
 * with their status as of the period's end; and the threshold levels to draw on the chart of
 * `chartClass`: the threshold and every whole level a notice of that class crossed in the period.
 */
export type AuditObligationsJson = {
  regime: string;
  asOf: IsoDate;
  notices: ObligationNoticeJson[];
  passive: PassiveCrossingJson[];
  levels: string[];
};

const wholeOf = (p: string | null): bigint => {
  const r = parseDecimal(p ?? '0')!;
  return r.num / r.den;
};

/**
 * The disclosures the audit's notices can be matched with, gathered as its walk goes (holders as
 * subjects, not groups): a notice is dated on a date of one of its holder's steps, and is matched
 * only with a disclosure of that holder dated on or after it (reconcile.ts). A disclosure whose
 * holder has no step by the end of its date can therefore match none, and is not kept: on a busy
 * issuer most disclosures are by holders who never come near the threshold, and have no steps.
 */
export class NoticeDisclosures {
  private readonly kept: Disclosure[] = [];
  /** Disclosures not yet settled, all of one date. */
  private waiting: Disclosure[] = [];

  constructor(private readonly walk: InterestWalk) {}

  /** A counted disclosure, in timeline order, once the walk has been given its event. */
  add(d: Disclosure): void {
    // The walk has been given an event of d's date: every earlier date's steps are recorded.
    if (this.waiting.length > 0 && this.waiting[0]!.date !== d.date) this.settle();
    this.waiting.push(d);
  }

  /** Every disclosure a notice may match, in timeline order; only once the walk is finished. */
  finish(): Disclosure[] {
    this.settle();
    return this.kept;
  }

  private settle(): void {
    for (const d of this.waiting) if (this.walk.hasSteps(d.holder)) this.kept.push(d);
    this.waiting = [];
  }
}

/** The regime the audit's notices are computed under: its threshold is what the interest walk watches. */
export const auditRegime = (): LevelsRegime => findRegime(AUDIT_REGIME) as LevelsRegime;

/**
 * The section from what the audit's walk of the timeline (asOf the period's end) found: the
 * interest steps of every holder under `auditRegime()` and every counted disclosure.
 */
export const auditObligations = (
  found: Readonly<{ steps: ReadonlyArray<InterestStep>; disclosures: ReadonlyArray<Disclosure> }>,
  request: Readonly<{ from: IsoDate; to: IsoDate; calendar?: BusinessCalendar }>,
  chartClass: ClassId | null,
): AuditObligationsJson => {
  const regime = auditRegime();
  const o = noticesOf(
    found.steps,
    found.disclosures,
    { regime, from: request.from, to: request.to, ...(request.calendar !== undefined ? { calendar: request.calendar } : {}) },
    request.to,
  );
  const threshold = regime.threshold.num / regime.threshold.den;
  const levels = new Set<bigint>([threshold]);
  for (const n of o.notices) {
    if (n.class !== chartClass || n.percentBefore === null) continue;
    const [a, b] = [wholeOf(n.percentBefore), wholeOf(n.percentAfter)];
    for (let level = (a < b ? a : b) + 1n; level <= (a < b ? b : a); level++) if (level >= threshold) levels.add(level);
  }
  return {
    regime: regime.id,
    asOf: request.to,
    notices: o.notices,
    passive: o.passive,
    levels: [...levels].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)).map(String),
  };
};
