import type { EffectCache } from './effectCache.js';
import { byEffectivePoint, type PlacedEvent } from './timeline.js';

/** Index of `e` in a list sorted by effective point (or where it would go). */
export const lowerBound = (list: ReadonlyArray<PlacedEvent>, e: PlacedEvent): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byEffectivePoint(list[mid]!, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Adds `e` to a sorted list: at the end, or (`inside`) at its timeline place. */
const put = (list: PlacedEvent[], e: PlacedEvent, inside: boolean): void => {
  if (inside) list.splice(lowerBound(list, e), 0, e);
  else list.push(e);
};

/**
 * The active events of an issuer's timeline sorted by what their effect touches, each list in
 * timeline order: the events of each (class, holder) position (by positionKey), the scaling events
 * (splits, IPOs with conversions) and the structural ones (registrations, new classes). A
 * back-dated additive event or a retraction reads only these lists (additiveRecheck.ts), not the
 * whole timeline.
 */
export class PositionIndex {
  byPosition = new Map<string, PlacedEvent[]>();
  scaling: PlacedEvent[] = [];
  /** Registrations and new classes, in timeline order: what a partial state must replay. */
  structural: PlacedEvent[] = [];

  constructor(readonly effects: EffectCache) {}

  /** Adds `e` to the lists its effect belongs to: at the end, or (`inside`) at its timeline place. */
  add(e: PlacedEvent, inside = false): void {
    const effect = this.effects.of(e);
    if (effect.kind === 'scaling') return put(this.scaling, e, inside);
    if (effect.kind === 'structural') return put(this.structural, e, inside);
    for (const { key } of effect.positions) {
      let list = this.byPosition.get(key);
      if (!list) this.byPosition.set(key, (list = []));
      put(list, e, inside);
    }
  }

  remove(e: PlacedEvent): void {
    const effect = this.effects.of(e);
    const lists =
      effect.kind === 'scaling'
        ? [this.scaling]
        : effect.kind === 'structural'
          ? [this.structural]
          : effect.positions.map((p) => this.byPosition.get(p.key)!);
    for (const list of lists) list.splice(lowerBound(list, e), 1);
  }

  /** Indexes a whole timeline afresh. */
  rebuild(active: ReadonlyArray<PlacedEvent>): void {
    this.byPosition = new Map();
    this.scaling = [];
    this.structural = [];
    for (const e of active) this.add(e);
  }
}
