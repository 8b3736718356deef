import { applyEffect } from './additiveEffect.js';
import type { AdditiveEffect } from './effectCache.js';
import { cloneIssuerState, evolveIssuer, type IssuerState } from './issuerState.js';
import type { PlacedEvent } from './timeline.js';

/**
 * Each checkpoint is a full copy of the holdings (thousands of positions in a large issuer), so
 * they are spaced widely: a back-dated additive event reads only its own positions' events since
 * the checkpoint (positionsAt), and the other paths replay the rest of the timeline anyway.
 */
export const CHECKPOINT_EVERY = 8192;

/** The state before active[index]. */
export type Checkpoint = { index: number; state: IssuerState };

/** The last checkpoint at or before timeline index `index` (there is always one at 0). */
export const checkpointAt = (checkpoints: ReadonlyArray<Checkpoint>, index: number): Checkpoint => {
  let lo = 0;
  let hi = checkpoints.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (checkpoints[mid]!.index <= index) lo = mid;
    else hi = mid - 1;
  }
  return checkpoints[lo]!;
};

/** The state before active[index] (replayed from the nearest checkpoint). */
export const stateAt = (checkpoints: ReadonlyArray<Checkpoint>, active: ReadonlyArray<PlacedEvent>, index: number): IssuerState => {
  const cp = checkpointAt(checkpoints, index);
  const state = cloneIssuerState(cp.state);
  for (let i = cp.index; i < index && i < active.length; i++) evolveIssuer(state, active[i]!);
  return state;
};

/**
 * The checkpoints after an additive event was inserted at (shift 1) or removed from (shift -1)
 * timeline index `index`: those after it are moved by its effect × sign and their indexes by
 * `shift`. Changes them in place; returns the list without the duplicates a removal can leave.
 */
export const shiftCheckpoints = (
  checkpoints: Checkpoint[],
  index: number,
  change: AdditiveEffect,
  sign: 1n | -1n,
  shift: 1 | -1,
): Checkpoint[] => {
  for (const c of checkpoints) {
    if (c.index <= index) continue;
    c.index += shift;
    applyEffect(c.state, change, sign);
  }
  return checkpoints.filter((c, i, all) => i === 0 || all[i - 1]!.index !== c.index);
};
