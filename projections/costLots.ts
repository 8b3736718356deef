import type { CurrencyCode, IsoDate, Rational } from '../events/index.js';
import { add, compare, div, mul, rational, sub, ZERO } from '../events/index.js';

export type CostMethod = 'fifo' | 'avg';
export const COST_METHODS: ReadonlyArray<CostMethod> = ['fifo', 'avg'];

/**
 * Shares acquired together (SPEC §6.3): their cost in its currency and their acquisition point
 * (date, revision). Shares are rational: a split of 3-for-2 keeps every holding whole, not every
 * lot. Lots are owned by one position and mutated in place as shares leave it.
 */
export type Lot = { shares: Rational; cost: Rational; currency: CurrencyCode; date: IsoDate; revision: number };

/** The lots of one (holder, issuer, class), in acquisition order from `head` on. */
export type CostPosition = { lots: Lot[]; head: number; shares: Rational };

export const emptyPosition = (): CostPosition => ({ lots: [], head: 0, shares: ZERO });

const byAcquisition = (a: Lot, b: Lot): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.revision - b.revision);

/** Drops lots already used up once they are most of the array (keeps taking from the front cheap). */
const compact = (p: CostPosition): void => {
  if (p.head > 32 && p.head * 2 > p.lots.length) {
    p.lots = p.lots.slice(p.head);
    p.head = 0;
  }
};

/**
 * Adds lots (sorted by acquisition) where their acquisition points put them: a transferred lot
 * keeps its point, so it may land before the receiver's own lots. Under `avg` only the pool
 * matters; lots of the same date and currency are merged there so a pool stays small.
 */
export const insertLots = (p: CostPosition, pieces: ReadonlyArray<Lot>, method: CostMethod): void => {
  if (pieces.length === 0) return;
  for (const piece of pieces) p.shares = add(p.shares, piece.shares);
  const last = p.lots[p.lots.length - 1];
  let lots: Lot[];
  if (p.head === p.lots.length || (last !== undefined && byAcquisition(last, pieces[0]!) <= 0)) {
    lots = p.lots;
    for (const piece of pieces) lots.push(piece);
  } else {
    lots = [];
    let i = p.head;
    let j = 0;
    while (i < p.lots.length || j < pieces.length) {
      if (j >= pieces.length || (i < p.lots.length && byAcquisition(p.lots[i]!, pieces[j]!) <= 0)) lots.push(p.lots[i++]!);
      else lots.push(pieces[j++]!);
    }
    p.head = 0;
  }
  if (method === 'avg') lots = mergeSameDate(lots, p.head);
  p.lots = lots;
};

const mergeSameDate = (lots: Lot[], head: number): Lot[] => {
  const merged: Lot[] = lots.slice(0, head);
  for (let i = head; i < lots.length; i++) {
    const lot = lots[i]!;
    const prev = merged.length > head ? merged[merged.length - 1]! : undefined;
    if (prev && prev.date === lot.date && prev.currency === lot.currency) {
      prev.shares = add(prev.shares, lot.shares);
      prev.cost = add(prev.cost, lot.cost);
    } else merged.push(lot);
  }
  return merged;
};

/** A new lot bought at `cost` for whole `shares`. */
export const acquireLot = (p: CostPosition, method: CostMethod, lot: Lot): void => insertLots(p, [lot], method);

/**
 * Takes `shares` out of a position by the cost method and returns the lots (or parts of lots)
 * taken, with their cost: `fifo` the oldest first, `avg` the same fraction of every lot (the
 * pool's average cost, currency by currency). Whatever leaves — a sale, a transfer, a buyback,
 * a conversion — leaves this way.
 */
export const takeShares = (p: CostPosition, shares: Rational, method: CostMethod): Lot[] => {
  const taken: Lot[] = [];
  if (compare(shares, p.shares) >= 0) {
    for (let i = p.head; i < p.lots.length; i++) taken.push(p.lots[i]!);
    p.lots = [];
    p.head = 0;
    p.shares = ZERO;
    return taken;
  }
  p.shares = sub(p.shares, shares);
  if (method === 'avg') {
    const fraction = div(shares, add(p.shares, shares));
    for (let i = p.head; i < p.lots.length; i++) {
      const lot = p.lots[i]!;
      const piece = { ...lot, shares: mul(lot.shares, fraction), cost: mul(lot.cost, fraction) };
      lot.shares = sub(lot.shares, piece.shares);
      lot.cost = sub(lot.cost, piece.cost);
      taken.push(piece);
    }
    return taken;
  }
  let remaining = shares;
  while (remaining.num > 0n && p.head < p.lots.length) {
    const lot = p.lots[p.head]!;
    if (compare(lot.shares, remaining) <= 0) {
      taken.push(lot);
      remaining = sub(remaining, lot.shares);
      p.head += 1;
    } else {
      const cost = mul(lot.cost, div(remaining, lot.shares));
      taken.push({ ...lot, shares: remaining, cost });
      lot.shares = sub(lot.shares, remaining);
      lot.cost = sub(lot.cost, cost);
      remaining = ZERO;
    }
  }
  compact(p);
  return taken;
};

/** A split or conversion: the lots' shares change by num/den; cost and acquisition point do not. */
export const scaleLots = (lots: Lot[], from: number, num: bigint, den: bigint): void => {
  const factor = rational(num, den);
  for (let i = from; i < lots.length; i++) lots[i]!.shares = mul(lots[i]!.shares, factor);
};

export const scalePosition = (p: CostPosition, num: bigint, den: bigint): void => {
  scaleLots(p.lots, p.head, num, den);
  p.shares = mul(p.shares, rational(num, den));
};

export const totalCost = (lots: ReadonlyArray<Lot>): Rational => lots.reduce((acc, l) => add(acc, l.cost), ZERO);
