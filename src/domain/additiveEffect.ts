import type { ClassId, EventEnvelope, HolderId } from '../../events/index.js';
import { PUBLIC, toRational } from '../../events/index.js';
import type { IssuerState } from './issuerState.js';

/** One position's part in an event: the net change, and how many shares must be held before it. */
export type PositionEffect = { readonly key: string; readonly cls: ClassId; readonly holder: HolderId; delta: bigint; need: bigint };

/** A change of a class's outstanding shares. */
export type OutstandingEffect = { readonly cls: ClassId; delta: bigint };

/**
 * What an event does to holdings when its effect does not depend on the state it meets: fixed
 * deltas at named positions and to outstanding shares. Splits and IPO conversions scale every
 * holding of a class ('scaling'); registrations and new classes change the shape ('structural').
 * Inserting or removing an additive event moves only its own positions by fixed amounts, which
 * is what lets a back-dated event or a retraction be re-checked without replaying the timeline.
 */
export type Effect =
  // Small arrays, not Maps: one effect is kept per event of the timeline (a million at 1M events),
  // and an event touches a handful of positions at most.
  | Readonly<{ kind: 'additive'; positions: ReadonlyArray<PositionEffect>; outstanding: ReadonlyArray<OutstandingEffect> }>
  | Readonly<{ kind: 'scaling'; classes: ReadonlyArray<ClassId> | 'all' }>
  | Readonly<{ kind: 'structural' }>;

export const positionKey = (cls: ClassId, holder: HolderId): string => `${cls}\u0000${holder}`;

/** The position effect at `key`, if the effect touches it. */
export const positionEffect = (effect: Extract<Effect, { kind: 'additive' }>, key: string): PositionEffect | undefined => {
  for (const p of effect.positions) if (p.key === key) return p;
  return undefined;
};

const NO_OUTSTANDING: ReadonlyArray<OutstandingEffect> = [];

class EffectBuilder {
  readonly positions: PositionEffect[] = [];
  outstanding: OutstandingEffect[] | undefined;
  constructor(private readonly keyOf: (cls: ClassId, holder: HolderId) => string) {}
  change(cls: ClassId, holder: HolderId, delta: bigint, need = 0n, changesOutstanding = false): this {
    const key = this.keyOf(cls, holder);
    const p = this.positions.find((x) => x.key === key);
    if (p) {
      p.delta += delta;
      p.need += need;
    } else {
      this.positions.push({ key, cls, holder, delta, need });
    }
    if (changesOutstanding) {
      const o = (this.outstanding ??= []).find((x) => x.cls === cls);
      if (o) o.delta += delta;
      else this.outstanding.push({ cls, delta });
    }
    return this;
  }
  move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint): this {
    return this.change(cls, from, -shares, shares).change(cls, to, shares);
  }
  build(): Effect {
    // slice(): exact-size copies (a pushed-to array keeps room for 16 elements).
    return { kind: 'additive', positions: this.positions.slice(), outstanding: this.outstanding?.slice() ?? NO_OUTSTANDING };
  }
}

/**
 * The effect of an event. `keyOf` gives the positionKey of a position, and may return a string it
 * already holds (a timeline keeps one effect per event: one key string per position, not per event).
 */
export const effectOf = (e: EventEnvelope, keyOf: (cls: ClassId, holder: HolderId) => string = positionKey): Effect => {
  const b = new EffectBuilder(keyOf);
  switch (e.type) {
    case 'IssuerRegistered':
    case 'ShareClassAdded':
      return { kind: 'structural' };
    case 'StockSplit':
      return { kind: 'scaling', classes: e.data.class ? [e.data.class] : 'all' };
    case 'IPOCompleted':
      if ((e.data.conversions ?? []).length > 0)
        return { kind: 'scaling', classes: [e.data.class, ...(e.data.conversions ?? []).flatMap((c) => [c.fromClass, c.toClass])] };
      b.change(e.data.class, PUBLIC, e.data.newShares, 0n, true);
      for (const s of e.data.secondarySales ?? []) b.move(e.data.class, s.seller, PUBLIC, s.shares);
      return b.build();
    case 'SharesIssued':
      return b.change(e.data.class, e.data.holder, e.data.shares, 0n, true).build();
    case 'FundingRoundClosed':
      for (const a of e.data.allocations) b.change(e.data.class, a.holder, a.shares, 0n, true);
      return b.build();
    case 'BlockSale':
      return b.move(e.data.class, e.data.seller, e.data.buyer ?? PUBLIC, e.data.shares).build();
    case 'SharesTransferred':
      return b.move(e.data.class, e.data.from, e.data.to, e.data.shares).build();
    case 'SharesRepurchased':
      return b.change(e.data.class, e.data.holder ?? PUBLIC, -e.data.shares, e.data.shares, true).build();
    case 'SharesConverted': {
      const r = toRational(e.data.ratio ?? ('1' as never));
      return b
        .change(e.data.fromClass, e.data.holder, -e.data.shares, e.data.shares, true)
        .change(e.data.toClass, e.data.holder, (e.data.shares * r.num) / r.den, 0n, true)
        .build();
    }
    case 'StakeDisclosed':
    case 'EventRetracted':
    case 'HolderRegistered':
    case 'FxRateRecorded':
      return b.build();
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
};

/** Adds an additive effect (sign 1) or takes it away (sign -1) in place. */
export const applyEffect = (s: IssuerState, effect: Extract<Effect, { kind: 'additive' }>, sign: 1n | -1n): void => {
  for (const p of effect.positions) {
    if (p.delta === 0n) continue;
    const holders = s.holdings.get(p.cls);
    if (!holders) continue;
    const next = (holders.get(p.holder) ?? 0n) + sign * p.delta;
    if (next === 0n) holders.delete(p.holder);
    else holders.set(p.holder, next);
  }
  for (const { cls, delta } of effect.outstanding) s.outstanding.set(cls, (s.outstanding.get(cls) ?? 0n) + sign * delta);
};

/** Whether a scaling effect touches a class. */
export const scales = (effect: Extract<Effect, { kind: 'scaling' }>, cls: ClassId): boolean =>
  effect.classes === 'all' || effect.classes.includes(cls);
