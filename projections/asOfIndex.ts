import type { ClassId, HolderId, IsoDate, IssuerId } from '../events/index.js';
import { evolveIssuer, initialIssuerState, type IssuerState, positionsTouched, sharesOf, type ShareClass } from '../src/domain/issuerState.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import type { HolderRegistry } from './registry.js';
import { capTableFromState, type CapTableJson, stakeFromState, type StakeJson } from './ownership.js';
import type { PointInTime } from './timeline.js';

/** A value that changes on some dates: the value at the end of each date it changed, dates ascending. */
type Steps = { dates: IsoDate[]; values: bigint[] };

const record = (steps: Steps, date: IsoDate, value: bigint): void => {
  const last = steps.dates.length - 1;
  if (last >= 0 && steps.dates[last] === date) steps.values[last] = value;
  else {
    steps.dates.push(date);
    steps.values.push(value);
  }
};

/** The value at the end of `date` (0 before the first change): binary search. */
const valueAt = (steps: Steps, date: IsoDate): bigint => {
  let lo = 0;
  let hi = steps.dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps.dates[mid]! <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0n : steps.values[lo - 1]!;
};

/**
 * An issuer's holdings indexed by date, for one knowledge time: every (class, holder) position
 * and every class's outstanding shares as step functions over effective dates. Built by one replay
 * of the selected timeline (the domain's evolve), it answers "as of D" questions by binary search
 * instead of a replay — what a long-running process keeps warm. The answers are those of a replay
 * to the end of D (same JSON, by construction: the state it rebuilds feeds the same formatter).
 */
export class AsOfIndex {
  private readonly positions = new Map<ClassId, Map<HolderId, Steps>>();
  private readonly outstanding = new Map<ClassId, Steps>();
  private readonly classes: Array<{ cls: ClassId; since: IsoDate; spec: ShareClass }> = [];
  private registration: IssuerState['registration'];

  private constructor(readonly issuer: IssuerId) {}

  /** `timeline`: the issuer's events that count at the knowledge time, in timeline order, all dates. */
  static build(issuer: IssuerId, timeline: ReadonlyArray<PlacedEvent>): AsOfIndex {
    const index = new AsOfIndex(issuer);
    const state = initialIssuerState(issuer);
    for (const e of timeline) {
      const touched = positionsTouched(state, e);
      const classesBefore = state.classes.size;
      evolveIssuer(state, e);
      if (!index.registration && state.registration) index.registration = state.registration;
      if (state.classes.size !== classesBefore)
        for (const [cls, spec] of [...state.classes].slice(classesBefore)) index.classes.push({ cls, since: e.date, spec });
      for (const [cls, holder] of touched) {
        let byHolder = index.positions.get(cls);
        if (!byHolder) index.positions.set(cls, (byHolder = new Map()));
        let steps = byHolder.get(holder);
        if (!steps) byHolder.set(holder, (steps = { dates: [], values: [] }));
        record(steps, e.date, sharesOf(state, cls, holder));
      }
      for (const cls of new Set(touched.map(([c]) => c))) {
        let steps = index.outstanding.get(cls);
        if (!steps) index.outstanding.set(cls, (steps = { dates: [], values: [] }));
        record(steps, e.date, state.outstanding.get(cls) ?? 0n);
      }
    }
    return index;
  }

  /** The state at the end of `asOf`, with holdings of `holders` only (all holders when omitted). */
  stateAsOf(asOf: IsoDate, holders?: ReadonlyArray<HolderId>): IssuerState {
    const state = initialIssuerState(this.issuer);
    if (!this.registration || this.registration.date > asOf) return state;
    state.registration = this.registration;
    for (const { cls, since, spec } of this.classes) {
      if (since > asOf) continue;
      state.classes.set(cls, spec);
      const held = new Map<HolderId, bigint>();
      const byHolder = this.positions.get(cls);
      if (byHolder) {
        for (const holder of holders ?? byHolder.keys()) {
          const steps = byHolder.get(holder);
          const n = steps ? valueAt(steps, asOf) : 0n;
          if (n !== 0n) held.set(holder, n);
        }
      }
      state.holdings.set(cls, held);
      const out = this.outstanding.get(cls);
      state.outstanding.set(cls, out ? valueAt(out, asOf) : 0n);
    }
    return state;
  }

  stake(at: PointInTime, holder: HolderId, members?: ReadonlyArray<HolderId>): StakeJson {
    return stakeFromState(this.stateAsOf(at.asOf, members ?? [holder]), at, holder, members);
  }

  capTable(at: PointInTime, registry: HolderRegistry): CapTableJson {
    return capTableFromState(this.stateAsOf(at.asOf), at, registry);
  }
}
