import type { CurrencyCode, IsoDate, Rational } from '../events/index.js';
import { add, compare, div, isZero, mul, rational, sub, ZERO } from '../events/index.js';

export type CostMethod = 'fifo' | 'avg';
export const COST_METHODS: ReadonlyArray<CostMethod> = ['fifo', 'avg'];
export const isCostMethod = (value: string): value is CostMethod => (COST_METHODS as ReadonlyArray<string>).includes(value);

/**
 * Shares acquired together (docs/proceeds.md): their cost in its currency and their acquisition point
 * (date, revision). Under `fifo` shares are rational (a 3-for-2 split keeps every holding whole,
 * not every lot). Under `avg` a lot is a component of the pool — the cost of one currency and
 * acquisition date — and its `shares` are not kept (ZERO): only the pool's total matters.
 * Lots are owned by one position and mutated in place as shares leave it.
 */
export type Lot = { shares: Rational; cost: Rational; currency: CurrencyCode; date: IsoDate; revision: number };

/** Shares that left a position, and the lots (or parts of lots) that carry their cost. */
export type Taken = { shares: Rational; lots: Lot[] };

/**
 * Whether the acquisition date of a cost in this currency still matters: it does only when the
 * cost may have to be converted into another currency (at its acquisition date's rate, docs/proceeds.md#currency).
 */
export type DatesMatter = (currency: CurrencyCode) => boolean;

/**
 * The lots of one (holder, issuer, class). `fifo`: in acquisition order from `head` on. `avg`:
 * one component per currency — and per acquisition date where dates matter — found through
 * `components`, so a pool stays small however many lots it took in.
 */
export type CostPosition = {
  lots: Lot[];
  head: number;
  shares: Rational;
  components: Map<string, Lot> | undefined;
  datesMatter: DatesMatter;
  /**
   * `fifo`: lots that arrived out of order (transferred with an older acquisition point), in
   * arrival order, merged in by `settle` when the position is next read: a holder receiving
   * transfers from thousands of holders would otherwise rebuild its lots on every one.
   */
  pending: Lot[] | undefined;
};

export const emptyPosition = (method: CostMethod, datesMatter: DatesMatter = () => true): CostPosition => ({
  lots: [],
  head: 0,
  shares: ZERO,
  components: method === 'avg' ? new Map() : undefined,
  datesMatter,
  pending: undefined,
});

/**
 * Share counts are whole but for splits that leave fractions: these take the bigint path when
 * both are whole (what `add`/`sub` give, without a gcd per step of a long fold).
 */
const plusShares = (a: Rational, b: Rational): Rational => (a.den === 1n && b.den === 1n ? { num: a.num + b.num, den: 1n } : add(a, b));
const minusShares = (a: Rational, b: Rational): Rational => (a.den === 1n && b.den === 1n ? { num: a.num - b.num, den: 1n } : sub(a, b));
const compareShares = (a: Rational, b: Rational): number =>
  a.den === 1n && b.den === 1n ? (a.num < b.num ? -1 : a.num > b.num ? 1 : 0) : compare(a, b);

const byAcquisition = (a: Lot, b: Lot): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.revision - b.revision);

/**
 * The part of a pool component's cost that leaves with a fraction of the pool, rounded half-even
 * to 12 decimals. Exact fractions of fractions grow without bound over a long history (every
 * disposal multiplies the denominators of every component); rounding the part taken, 10 orders
 * below the cents shown, keeps them small, and since what stays is the exact remainder, the cost
 * a pool ever held is conserved exactly.
 */
const SCALE = 10n ** 12n;
const portionOf = (cost: Rational, fraction: Rational): Rational => {
  const x = mul(cost, fraction);
  if (SCALE % x.den === 0n) return x;
  const scaled = x.num * SCALE;
  let q = scaled / x.den;
  const r = scaled % x.den;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice > x.den || (twice === x.den && (q < 0n ? -q : q) % 2n === 1n)) q += scaled < 0n ? -1n : 1n;
  return rational(q, SCALE);
};

const componentKey = (p: CostPosition, lot: Lot): string =>
  p.datesMatter(lot.currency) ? `${lot.currency}\u0000${lot.date}` : lot.currency;

/** Drops lots already used up once they are most of the array (keeps taking from the front cheap). */
const compact = (p: CostPosition): void => {
  if (p.head > 32 && p.head * 2 > p.lots.length) {
    p.lots = p.lots.slice(p.head);
    p.head = 0;
  }
};

/**
 * Adds lots where their acquisition points put them: a transferred lot keeps its point, so it may
 * land before the receiver's own lots (`fifo`); under `avg` it joins the pool's component of its
 * currency and date. `taken.lots` are sorted by acquisition.
 */
export const insertLots = (p: CostPosition, taken: Taken): void => {
  p.shares = plusShares(p.shares, taken.shares);
  if (p.components) {
    for (const lot of taken.lots) {
      const key = componentKey(p, lot);
      const same = p.components.get(key);
      if (same) same.cost = add(same.cost, lot.cost);
      else {
        const component = { ...lot, shares: ZERO };
        p.components.set(key, component);
        p.lots.push(component);
      }
    }
    return;
  }
  const pieces = taken.lots;
  if (pieces.length === 0) return;
  const last = p.lots[p.lots.length - 1];
  if (p.pending === undefined && (p.head === p.lots.length || (last !== undefined && byAcquisition(last, pieces[0]!) <= 0))) {
    for (const piece of pieces) p.lots.push(piece);
    return;
  }
  const pending = (p.pending ??= []);
  for (const piece of pieces) pending.push(piece);
};

/**
 * Merges the pending lots in: what merging each arrival in turn gives (a stable sort keeps
 * arrivals with the same acquisition point in arrival order, after the lots already there).
 */
const settle = (p: CostPosition): void => {
  if (p.pending === undefined) return;
  const pieces = p.pending.sort(byAcquisition);
  p.pending = undefined;
  const merged: Lot[] = [];
  let i = p.head;
  let j = 0;
  while (i < p.lots.length || j < pieces.length) {
    if (j >= pieces.length || (i < p.lots.length && byAcquisition(p.lots[i]!, pieces[j]!) <= 0)) merged.push(p.lots[i++]!);
    else merged.push(pieces[j++]!);
  }
  p.lots = merged;
  p.head = 0;
};

/** A new lot bought for whole `shares`. */
export const acquireLot = (p: CostPosition, lot: Lot): void => insertLots(p, { shares: lot.shares, lots: [lot] });

const takeAll = (p: CostPosition): Taken => {
  settle(p);
  const taken = { shares: p.shares, lots: p.lots.slice(p.head) };
  p.lots = [];
  p.head = 0;
  p.shares = ZERO;
  p.components?.clear();
  return taken;
};

/**
 * Takes `shares` out of a position by the cost method and returns the lots (or parts of lots)
 * taken, with their cost: `fifo` the oldest first, `avg` the same fraction of every component (the
 * pool's average cost, currency by currency). Whatever leaves — a sale, a transfer, a buyback,
 * a conversion — leaves this way.
 */
export const takeShares = (p: CostPosition, shares: Rational, method: CostMethod): Taken => {
  if (compareShares(shares, p.shares) >= 0) return takeAll(p);
  const fraction = method === 'avg' ? div(shares, p.shares) : ZERO;
  p.shares = minusShares(p.shares, shares);
  const taken: Lot[] = [];
  if (p.components) {
    const kept: Lot[] = [];
    for (const component of p.lots) {
      const cost = portionOf(component.cost, fraction);
      if (!isZero(cost)) taken.push({ ...component, cost });
      component.cost = sub(component.cost, cost);
      if (isZero(component.cost)) p.components.delete(componentKey(p, component));
      else kept.push(component);
    }
    p.lots = kept;
    return { shares, lots: taken.sort(byAcquisition) };
  }
  settle(p);
  let remaining = shares;
  while (remaining.num > 0n && p.head < p.lots.length) {
    const lot = p.lots[p.head]!;
    if (compareShares(lot.shares, remaining) <= 0) {
      taken.push(lot);
      remaining = minusShares(remaining, lot.shares);
      p.head += 1;
    } else {
      const cost = mul(lot.cost, div(remaining, lot.shares));
      taken.push({ ...lot, shares: remaining, cost });
      lot.shares = minusShares(lot.shares, remaining);
      lot.cost = sub(lot.cost, cost);
      remaining = ZERO;
    }
  }
  compact(p);
  return { shares, lots: taken };
};

/** A split or conversion of taken shares: their number changes by num/den; cost and acquisition point do not. */
export const scaleTaken = (taken: Taken, num: bigint, den: bigint): Taken => {
  const factor = rational(num, den);
  for (const lot of taken.lots) if (!isZero(lot.shares)) lot.shares = mul(lot.shares, factor);
  return { shares: mul(taken.shares, factor), lots: taken.lots };
};

/** A split of the whole position. */
export const scalePosition = (p: CostPosition, num: bigint, den: bigint): void => {
  const factor = rational(num, den);
  settle(p);
  if (!p.components) for (let i = p.head; i < p.lots.length; i++) p.lots[i]!.shares = mul(p.lots[i]!.shares, factor);
  p.shares = mul(p.shares, factor);
};

/** Every lot of the position, for a conversion that moves them all. */
export const takeEverything = (p: CostPosition): Taken => takeAll(p);
