import type { ClassId, CurrencyCode, Decimal, EventEnvelope, HolderId, IsoDate, IssuerId, ShareClassSpec } from '../../events/index.js';
import { toRational } from '../../events/index.js';
import { stepsOf } from './eventTypes/index.js';
import { IgnoreSteps, type RegisterSteps } from './registerSteps.js';

export type ShareClass = Readonly<{ votesPerShare: number }>;

/**
 * Who holds how many shares of each class of one issuer, at one point of its timeline.
 * It is mutated in place by `evolve` (replaying a million events must not copy maps a million
 * times); `cloneIssuerState` takes the copies that checkpoints and trial replays need.
 */
export type IssuerState = {
  readonly issuer: IssuerId;
  registration: { date: IsoDate; name: string; currency: CurrencyCode } | undefined;
  /** In the order the classes were added. */
  readonly classes: Map<ClassId, ShareClass>;
  /** Non-zero holdings only. */
  readonly holdings: Map<ClassId, Map<HolderId, bigint>>;
  readonly outstanding: Map<ClassId, bigint>;
};

export const initialIssuerState = (issuer: IssuerId): IssuerState => ({
  issuer,
  registration: undefined,
  classes: new Map(),
  holdings: new Map(),
  outstanding: new Map(),
});

export const cloneIssuerState = (s: IssuerState): IssuerState => ({
  issuer: s.issuer,
  registration: s.registration,
  classes: new Map(s.classes),
  holdings: new Map([...s.holdings].map(([c, m]) => [c, new Map(m)])),
  outstanding: new Map(s.outstanding),
});

export const sharesOf = (s: IssuerState, cls: ClassId, holder: HolderId): bigint => s.holdings.get(cls)?.get(holder) ?? 0n;

export const outstandingOf = (s: IssuerState, cls: ClassId): bigint => s.outstanding.get(cls) ?? 0n;

const addClass = (s: IssuerState, cls: ClassId, votesPerShare: number): void => {
  if (s.classes.has(cls)) return;
  s.classes.set(cls, { votesPerShare });
  s.holdings.set(cls, new Map());
  s.outstanding.set(cls, 0n);
};

/** Adds `delta` (may be negative) to a holding and to the class's outstanding shares. */
const adjust = (s: IssuerState, cls: ClassId, holder: HolderId, delta: bigint, changesOutstanding: boolean): void => {
  const holders = s.holdings.get(cls);
  if (!holders) return;
  const next = (holders.get(holder) ?? 0n) + delta;
  if (next === 0n) holders.delete(holder);
  else holders.set(holder, next);
  if (changesOutstanding) s.outstanding.set(cls, (s.outstanding.get(cls) ?? 0n) + delta);
};

/** shares × ratio for a decimal ratio, or undefined when the result is not whole. */
export const scaleShares = (shares: bigint, num: bigint, den: bigint): bigint | undefined =>
  (shares * num) % den === 0n ? (shares * num) / den : undefined;

/** A ratio's numerator and denominator (default 1). */
export const ratioParts = (ratio: Decimal | undefined): [bigint, bigint] => {
  if (ratio === undefined) return [1n, 1n];
  const r = toRational(ratio);
  return [r.num, r.den];
};

/** Every holding of `fromClass` becomes shares of `toClass` at num/den (IPO conversions). */
const convertClass = (s: IssuerState, from: ClassId, to: ClassId, num: bigint, den: bigint): void => {
  const holders = s.holdings.get(from);
  if (!holders || !s.classes.has(to)) return;
  for (const [holder, shares] of [...holders]) {
    adjust(s, from, holder, -shares, true);
    adjust(s, to, holder, (shares * num) / den, true);
  }
};

const split = (s: IssuerState, cls: ClassId, num: bigint, den: bigint): void => {
  const holders = s.holdings.get(cls);
  if (!holders) return;
  let total = 0n;
  for (const [holder, shares] of holders) {
    const next = (shares * num) / den;
    holders.set(holder, next);
    total += next;
  }
  s.outstanding.set(cls, total);
};

/** The classes a split applies to: its own, or every class of the issuer. */
export const splitClasses = (s: IssuerState, cls: ClassId | undefined): ClassId[] => (cls !== undefined ? [cls] : [...s.classes.keys()]);

/** Applies steps to a state in place. It never fails: what cannot happen is ignored (the checks reject it before). */
class Evolve extends IgnoreSteps {
  s: IssuerState = initialIssuerState('' as IssuerId);
  override issue(cls: ClassId, holder: HolderId, shares: bigint): void {
    adjust(this.s, cls, holder, shares, true);
  }
  override move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint): void {
    adjust(this.s, cls, from, -shares, false);
    adjust(this.s, cls, to, shares, false);
  }
  override cancel(cls: ClassId, holder: HolderId, shares: bigint): void {
    adjust(this.s, cls, holder, -shares, true);
  }
  override convert(holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: bigint, ratio: Decimal | undefined): void {
    const [num, den] = ratioParts(ratio);
    adjust(this.s, fromClass, holder, -shares, true);
    adjust(this.s, toClass, holder, (shares * num) / den, true);
  }
  override convertClass(_n: number, fromClass: ClassId, toClass: ClassId, ratio: Decimal): void {
    const [num, den] = ratioParts(ratio);
    convertClass(this.s, fromClass, toClass, num, den);
  }
  override split(cls: ClassId | undefined, numerator: bigint, denominator: bigint): void {
    for (const c of splitClasses(this.s, cls)) split(this.s, c, numerator, denominator);
  }
  override register(date: IsoDate, name: string, currency: CurrencyCode, classes: ReadonlyArray<ShareClassSpec>): void {
    if (this.s.registration) return;
    this.s.registration = { date, name, currency };
    for (const c of classes) addClass(this.s, c.class, c.votesPerShare);
  }
  override addClass(cls: ClassId, votesPerShare: number): void {
    addClass(this.s, cls, votesPerShare);
  }
}

// One reader for every call (evolve is the replay's inner loop); no step calls evolveIssuer, so
// the state it holds is never swapped under it.
const evolver = new Evolve();

/**
 * Applies one event to the state, in place. It never fails: transitions that cannot happen are
 * ignored; `checkIssuerEvent` is what rejects them before they are stored.
 */
export const evolveIssuer = (s: IssuerState, e: EventEnvelope): IssuerState => {
  const outer = evolver.s;
  evolver.s = s;
  stepsOf(e, evolver);
  evolver.s = outer;
  return s;
};

/** Steps that apply to `s` in place (an event's steps one by one, on a trial copy). */
export const evolvingSteps = (s: IssuerState): RegisterSteps => {
  const steps = new Evolve();
  steps.s = s;
  return steps;
};

/** The positions steps touch, in order (duplicates are removed by the caller). */
class Touched extends IgnoreSteps {
  readonly positions: Array<[ClassId, HolderId]> = [];
  /** The state after the whole event, for conversions of whole classes. */
  private after: IssuerState | undefined;
  constructor(
    private readonly s: IssuerState,
    private readonly e: EventEnvelope,
  ) {
    super();
  }
  private holdersOf(state: IssuerState, cls: ClassId): void {
    for (const h of state.holdings.get(cls)?.keys() ?? []) this.positions.push([cls, h]);
  }
  override issue(cls: ClassId, holder: HolderId): void {
    this.positions.push([cls, holder]);
  }
  override move(cls: ClassId, from: HolderId, to: HolderId): void {
    this.positions.push([cls, from], [cls, to]);
  }
  override cancel(cls: ClassId, holder: HolderId): void {
    this.positions.push([cls, holder]);
  }
  override convert(holder: HolderId, fromClass: ClassId, toClass: ClassId): void {
    this.positions.push([fromClass, holder], [toClass, holder]);
  }
  override convertClass(_n: number, fromClass: ClassId, toClass: ClassId): void {
    // Conversions can chain (A→B, then B→C): the holders before and after the whole event.
    this.after ??= evolveIssuer(cloneIssuerState(this.s), this.e);
    for (const cls of [fromClass, toClass]) {
      this.holdersOf(this.s, cls);
      this.holdersOf(this.after, cls);
    }
  }
  override split(cls: ClassId | undefined): void {
    for (const c of splitClasses(this.s, cls)) this.holdersOf(this.s, c);
  }
}

/**
 * The (class, holder) positions an event may change, in a stable order: what history and dry-run
 * compare before and after the event. Derived from the event's steps, so no type is forgotten.
 */
export const positionsTouched = (s: IssuerState, e: EventEnvelope): Array<[ClassId, HolderId]> => {
  const touched = new Touched(s, e);
  stepsOf(e, touched);
  return touched.positions;
};
