import type { ClassId, Decimal, EventEnvelope, HolderId } from '../../events/index.js';
import { stepsOf } from './eventTypes/index.js';
import { type IssuerState, ratioParts } from './issuerState.js';
import { IgnoreSteps } from './registerSteps.js';

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

/** Reads an event's steps into its effect. */
class EffectBuilder extends IgnoreSteps {
  readonly positions: PositionEffect[] = [];
  outstanding: OutstandingEffect[] | undefined;
  /** Every class a step names, for a scaling effect. */
  private classes: ClassId[] | undefined;
  private shape: 'additive' | 'scaling' | 'structural' = 'additive';
  private allClasses = false;
  constructor(private readonly keyOf: (cls: ClassId, holder: HolderId) => string) {
    super();
  }
  private change(cls: ClassId, holder: HolderId, delta: bigint, need: bigint, changesOutstanding: boolean): void {
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
  }
  private names(...classes: ClassId[]): void {
    for (const cls of classes) if (!(this.classes ??= []).includes(cls)) this.classes.push(cls);
  }
  override requireClass(cls: ClassId): void {
    this.names(cls);
  }
  override issue(cls: ClassId, holder: HolderId, shares: bigint): void {
    this.names(cls);
    this.change(cls, holder, shares, 0n, true);
  }
  override move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint): void {
    this.names(cls);
    this.change(cls, from, -shares, shares, false);
    this.change(cls, to, shares, 0n, false);
  }
  override cancel(cls: ClassId, holder: HolderId, shares: bigint): void {
    this.names(cls);
    this.change(cls, holder, -shares, shares, true);
  }
  override convert(holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: bigint, ratio: Decimal | undefined): void {
    const [num, den] = ratioParts(ratio);
    this.names(fromClass, toClass);
    this.change(fromClass, holder, -shares, shares, true);
    this.change(toClass, holder, (shares * num) / den, 0n, true);
  }
  override convertClass(_n: number, fromClass: ClassId, toClass: ClassId): void {
    this.names(fromClass, toClass);
    if (this.shape === 'additive') this.shape = 'scaling';
  }
  override split(cls: ClassId | undefined): void {
    if (cls === undefined) this.allClasses = true;
    else this.names(cls);
    if (this.shape === 'additive') this.shape = 'scaling';
  }
  override register(): void {
    this.shape = 'structural';
  }
  override addClass(): void {
    this.shape = 'structural';
  }
  build(): Effect {
    if (this.shape === 'structural') return STRUCTURAL;
    if (this.shape === 'scaling') return { kind: 'scaling', classes: this.allClasses ? 'all' : (this.classes ?? []) };
    // slice(): exact-size copies (a pushed-to array keeps room for 16 elements).
    return { kind: 'additive', positions: this.positions.slice(), outstanding: this.outstanding?.slice() ?? NO_OUTSTANDING };
  }
}

const STRUCTURAL: Effect = { kind: 'structural' };

/**
 * The effect of an event, read from its steps. `keyOf` gives the positionKey of a position, and
 * may return a string it already holds (a timeline keeps one effect per event: one key string per
 * position, not per event).
 */
export const effectOf = (e: EventEnvelope, keyOf: (cls: ClassId, holder: HolderId) => string = positionKey): Effect => {
  const b = new EffectBuilder(keyOf);
  stepsOf(e, b);
  return b.build();
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
