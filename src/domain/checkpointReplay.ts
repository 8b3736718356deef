import type { Problem } from './problem.js';
import type { Checkpoint } from './checkpoints.js';
import type { EffectCache } from './effectCache.js';
import { checkIssuerEvent } from './issuerChecks.js';
import { cloneIssuerState, evolveIssuer, type IssuerState, positionsTouched } from './issuerState.js';
import { changesSince, snapshotPositions, type StakeChange } from './stakeChanges.js';
import type { PlacedEvent } from './timeline.js';

export type Replayed = { state: IssuerState; checkpoints: Checkpoint[]; changes?: StakeChange[] };
export type ReplayFailed = { problem: Problem; failedAt: PlacedEvent };

/**
 * The path of every change to an issuer's timeline that is not additive (a back-dated split, a
 * new class, an IPO with conversions, an additive event behind a later split of its class), and
 * the building of a timeline from its stored stream: replays `events` (the active timeline from
 * checkpoint `from` on) onto `from.state`, which it advances in place (pass a copy).
 *
 * Every event at timeline index `checkFrom` or later is checked first (none when undefined: a
 * stored stream is trusted). Records a checkpoint every `every` events and right after every
 * scaling event (so `positionsAt` never has to cross one). `watch`: the event
 * whose stake changes to report.
 */
export const replayFrom = (
  from: Checkpoint,
  events: ReadonlyArray<PlacedEvent>,
  checkFrom: number | undefined,
  every: number,
  effects: EffectCache,
  watch?: PlacedEvent,
): ReplayFailed | Replayed => {
  const state = from.state;
  const checkpoints: Checkpoint[] = [];
  let last = -Infinity;
  let changes: StakeChange[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const index = from.index + i;
    if (index - last >= every || i === 0 || effects.of(events[i - 1]!).kind === 'scaling') {
      checkpoints.push({ index, state: cloneIssuerState(state) });
      last = index;
    }
    const e = events[i]!;
    if (checkFrom !== undefined && index >= checkFrom) {
      const p = checkIssuerEvent(state, e);
      if (p) return { problem: p, failedAt: e };
    }
    if (e === watch) {
      const before = snapshotPositions(state, positionsTouched(state, e));
      evolveIssuer(state, e);
      changes = changesSince(before, state);
    } else {
      evolveIssuer(state, e);
    }
  }
  if (events.length === 0) checkpoints.push({ index: from.index, state: cloneIssuerState(state) });
  return changes ? { state, checkpoints, changes } : { state, checkpoints };
};
