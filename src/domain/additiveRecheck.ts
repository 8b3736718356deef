import type { IssuerId } from '../../events/index.js';
import type { Problem } from './problem.js';
import { positionEffect, type PositionEffect, scales } from './additiveEffect.js';
import type { Checkpoint } from './checkpoints.js';
import type { AdditiveEffect } from './effectCache.js';
import { insufficientShares } from './issuerChecks.js';
import { evolveIssuer, type IssuerState, sharesOf } from './issuerState.js';
import { lowerBound, type PositionIndex } from './positionIndex.js';
import { byEffectivePoint, type PlacedEvent } from './timeline.js';

/*
 * The path of a back-dated event or a retraction whose effect is additive (issuances, sales,
 * transfers, repurchases, conversions between classes): it only moves its own positions by fixed
 * amounts, so only the later events touching those positions need re-checking, read from the
 * position index instead of replaying the timeline.
 */

/**
 * The state just before timeline point `bound` (the event at timeline index `index`, or the event
 * about to be inserted there) as far as the given positions go: registration and classes in full,
 * holdings only at `positions`; `outstanding` is the checkpoint's, not advanced (no caller reads
 * it). `cp` is the last checkpoint at or before `index` and `start` the event at its index (none
 * when that is `index` itself). Undefined when a scaling event lies between the checkpoint and
 * `index`. Built from the indexes instead of walking up to CHECKPOINT_EVERY events: the
 * checkpoint, the registrations and new classes after it, and each position's own events after
 * it. The result is what replaying every event in between would give, because every active event
 * passed its checks at its place, so no event touches a position of a class that does not exist
 * yet.
 */
export const positionsAt = (
  ix: PositionIndex,
  issuer: IssuerId,
  cp: Checkpoint,
  start: PlacedEvent | undefined,
  bound: PlacedEvent,
  positions: ReadonlyArray<PositionEffect>,
): IssuerState | undefined => {
  /** The events of a sorted list between the checkpoint and `bound`. */
  const between = function* (list: ReadonlyArray<PlacedEvent>) {
    if (!start) return;
    for (let i = lowerBound(list, start); i < list.length && byEffectivePoint(list[i]!, bound) < 0; i++) yield list[i]!;
  };
  if (!between(ix.scaling).next().done) return undefined; // a scaling event in between
  const state: IssuerState = {
    issuer,
    registration: cp.state.registration,
    classes: new Map(cp.state.classes),
    holdings: new Map([...cp.state.classes.keys()].map((c) => [c, new Map()])),
    outstanding: new Map(cp.state.outstanding),
  };
  for (const x of between(ix.structural)) evolveIssuer(state, x);
  for (const p of positions) {
    let n = sharesOf(cp.state, p.cls, p.holder);
    for (const x of between(ix.byPosition.get(p.key) ?? [])) n += positionEffect(ix.effects.of(x) as AdditiveEffect, p.key)!.delta;
    if (n !== 0n) state.holdings.get(p.cls)?.set(p.holder, n);
  }
  return state;
};

/** Whether a scaling event after timeline point `e` touches any class of the effect. */
export const scaledAfter = (ix: PositionIndex, e: PlacedEvent, effect: AdditiveEffect): boolean => {
  const classes = new Set(effect.positions.map((p) => p.cls));
  for (let i = lowerBound(ix.scaling, e); i < ix.scaling.length; i++) {
    const s = ix.scaling[i]!;
    if (s === e || byEffectivePoint(s, e) <= 0) continue;
    const effect = ix.effects.of(s);
    if (effect.kind === 'scaling' && [...classes].some((c) => scales(effect, c))) return true;
  }
  return false;
};

/**
 * With `change` (an additive effect × sign) made at timeline point `after` on top of `before`,
 * re-checks every later event that takes shares from a position the change lowers.
 */
export const recheckLater = (
  ix: PositionIndex,
  issuer: IssuerId,
  after: PlacedEvent,
  before: IssuerState,
  change: AdditiveEffect,
  sign: 1n | -1n,
): Problem | undefined => {
  for (const p of change.positions) {
    const key = p.key;
    if (sign * p.delta >= 0n) continue;
    const list = ix.byPosition.get(key) ?? [];
    let held = sharesOf(before, p.cls, p.holder) + sign * p.delta;
    for (let i = lowerBound(list, after); i < list.length; i++) {
      const x = list[i]!;
      if (x === after || byEffectivePoint(x, after) <= 0) continue;
      const xe = ix.effects.of(x) as AdditiveEffect;
      const at = positionEffect(xe, key)!;
      if (held < at.need) return insufficientShares(issuer, x, p.cls, p.holder, held, at.need);
      held += at.delta;
    }
  }
  return undefined;
};
