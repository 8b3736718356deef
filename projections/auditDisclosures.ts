import type { ClassId, EventId, HolderId, IsoDate, Rational } from '../events/index.js';
import { compare, parseDecimal, sub, toFixed } from '../events/index.js';
import type { IssuerState } from '../src/domain/issuerState.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { detached, formatPercent } from './format.js';
import { percentagesOf } from './ownership.js';
import type { TextLines } from './textLines.js';

/** A disclosed percentage further than this from the computed one (in percentage points) is flagged (docs/audit.md). */
export const PERCENT_TOLERANCE_PP = '0.05';

/**
 * A `StakeDisclosed` set against the stake the ledger computes for that holder at the end of the
 * disclosure's date (asOf = its date), as known at the report's knownAt. The percentage compared
 * is `percentOfClass` when the disclosure names a class, else `percentOfTotal`; shares likewise
 * (of the class, or of all classes). Differences are disclosed − computed.
 */
export type ReconciliationJson = {
  eventId: EventId;
  date: IsoDate;
  holder: HolderId;
  class: ClassId | null;
  filing: string | null;
  source: string | null;
  basis: 'percentOfClass' | 'percentOfTotal';
  disclosed: { shares: string | null; percent: string | null };
  computed: { shares: string; percent: string | null };
  difference: { shares: string | null; percentagePoints: string | null };
  flagged: boolean;
  reasons: string[];
};

const abs = (r: Rational): Rational => (r.num < 0n ? { num: -r.num, den: r.den } : r);
const signed = (r: Rational): string => {
  const text = toFixed(r, 6);
  return r.num > 0n ? `+${text}` : text;
};

export type Disclosed = Extract<PlacedEvent, { type: 'StakeDisclosed' }>;

/**
 * A counted disclosure dated in the period, reconciled against `state`: the issuer's state at the
 * end of the disclosure's date (every event of that date counts).
 */
export const reconcileDisclosure = (state: IssuerState, d: Disclosed, source: string | undefined): ReconciliationJson => {
  const p = percentagesOf(state, [d.data.holder]);
  const cls = d.data.class;
  const computedShares = cls === undefined ? p.held.shares : (p.held.byClass.get(cls) ?? 0n);
  const computedPercent = cls === undefined ? p.percentOfTotal : p.percentOfClass(cls);
  const reasons: string[] = [];
  let sharesDiff: bigint | null = null;
  if (d.data.shares !== undefined) {
    sharesDiff = d.data.shares - computedShares;
    if (sharesDiff !== 0n) reasons.push(`shares differ by ${sharesDiff > 0n ? '+' : ''}${sharesDiff}`);
  }
  let ppDiff: Rational | null = null;
  if (d.data.percent !== undefined) {
    if (computedPercent === null) reasons.push('no shares are outstanding to compute a percentage from');
    else {
      ppDiff = sub(parseDecimal(d.data.percent)!, computedPercent);
      if (compare(abs(ppDiff), parseDecimal(PERCENT_TOLERANCE_PP)!) > 0)
        reasons.push(`percentage differs by ${signed(ppDiff)} pp (more than ${PERCENT_TOLERANCE_PP})`);
    }
  }
  return {
    eventId: detached(d.id),
    date: d.date,
    holder: d.data.holder,
    class: cls ?? null,
    filing: d.data.filing === undefined ? null : detached(d.data.filing),
    source: source ?? null,
    basis: cls === undefined ? 'percentOfTotal' : 'percentOfClass',
    disclosed: { shares: d.data.shares?.toString() ?? null, percent: d.data.percent ?? null },
    computed: { shares: computedShares.toString(), percent: formatPercent(computedPercent) },
    difference: { shares: sharesDiff === null ? null : sharesDiff.toString(), percentagePoints: ppDiff === null ? null : signed(ppDiff) },
    flagged: reasons.length > 0,
    reasons,
  };
};

/** A list as the report's renderers read it: in order, as often as they need, knowing its length first. */
export type Listed<T> = Iterable<T> & { readonly length: number };

/**
 * A report's reconciled disclosures in the order made, each kept as its JSON text where `lines`
 * keeps them (a busy issuer has 100,000s: 172k at the bench's 10M events), and parsed again each
 * time the list is read. Its JSON is the list (`toJSON`).
 */
export class Reconciliations implements Listed<ReconciliationJson> {
  private count = 0;

  constructor(private readonly lines: TextLines = []) {}

  add(r: ReconciliationJson): void {
    this.lines.push(JSON.stringify(r));
    this.count += 1;
  }

  get length(): number {
    return this.count;
  }

  *[Symbol.iterator](): Iterator<ReconciliationJson> {
    for (const line of this.lines) yield JSON.parse(line) as ReconciliationJson;
  }

  toJSON(): ReconciliationJson[] {
    return [...this];
  }
}
