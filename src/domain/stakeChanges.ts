import type { ClassId, HolderId } from '../../events/index.js';
import { positionKey } from './additiveEffect.js';
import type { AdditiveEffect } from './effectCache.js';
import { type IssuerState, sharesOf } from './issuerState.js';

/** A holding before and after an event, as dry-run and history show it. */
export type StakeChange = Readonly<{ class: ClassId; holder: HolderId; before: bigint; after: bigint }>;

export type PositionSnapshot = Array<{ cls: ClassId; holder: HolderId; shares: bigint }>;

/** The holdings at `positions` (deduplicated), read before an event is applied. */
export const snapshotPositions = (s: IssuerState, positions: Array<[ClassId, HolderId]>): PositionSnapshot => {
  const seen = new Set<string>();
  const snapshot: PositionSnapshot = [];
  for (const [cls, holder] of positions) {
    const key = positionKey(cls, holder);
    if (seen.has(key)) continue;
    seen.add(key);
    snapshot.push({ cls, holder, shares: sharesOf(s, cls, holder) });
  }
  return snapshot;
};

/**
 * The positions of a snapshot whose holdings differ in `after`, by class and holder: an event
 * that touches a whole class (a split, an IPO's conversions) lists its holders in the order the
 * state happens to hold them, which depends on how the state was built (replayed, or advanced
 * event by event), and the same event must report the same changes either way.
 */
export const changesSince = (before: PositionSnapshot, after: IssuerState): StakeChange[] =>
  before
    .map(({ cls, holder, shares }) => ({ class: cls, holder, before: shares, after: sharesOf(after, cls, holder) }))
    .filter((c) => c.before !== c.after)
    .sort(byPosition);

const byPosition = (a: StakeChange, b: StakeChange): number =>
  a.class < b.class ? -1 : a.class > b.class ? 1 : a.holder < b.holder ? -1 : a.holder > b.holder ? 1 : 0;

/** Stake changes of an additive effect applied to `before` with the given sign. */
export const changesOfEffect = (before: IssuerState, effect: AdditiveEffect, sign: 1n | -1n): StakeChange[] =>
  effect.positions
    .filter((p) => p.delta !== 0n)
    .map((p) => {
      const b = sharesOf(before, p.cls, p.holder);
      return { class: p.cls, holder: p.holder, before: b, after: b + sign * p.delta };
    });
