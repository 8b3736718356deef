import type { ClassId, CurrencyCode, EventEnvelope, HolderId, IsoDate, IssuerId } from '../../events/index.js';
import { PUBLIC, toRational } from '../../events/index.js';

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

const move = (s: IssuerState, cls: ClassId, from: HolderId, to: HolderId, shares: bigint): void => {
  adjust(s, cls, from, -shares, false);
  adjust(s, cls, to, shares, false);
};

/** shares × ratio for a decimal ratio, or undefined when the result is not whole. */
export const scaleShares = (shares: bigint, num: bigint, den: bigint): bigint | undefined =>
  (shares * num) % den === 0n ? (shares * num) / den : undefined;

const ratioParts = (ratio: string | undefined): [bigint, bigint] => {
  if (ratio === undefined) return [1n, 1n];
  const r = toRational(ratio as never);
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

/**
 * Applies one event to the state. It never fails: transitions that cannot happen are ignored;
 * `checkIssuerEvent` is what rejects them before they are stored.
 */
export const evolveIssuer = (s: IssuerState, e: EventEnvelope): IssuerState => {
  switch (e.type) {
    case 'IssuerRegistered':
      if (s.registration) return s;
      s.registration = { date: e.date, name: e.data.name, currency: e.data.currency };
      for (const c of e.data.classes) addClass(s, c.class, c.votesPerShare);
      return s;
    case 'ShareClassAdded':
      addClass(s, e.data.class, e.data.votesPerShare);
      return s;
    case 'SharesIssued':
      adjust(s, e.data.class, e.data.holder, e.data.shares, true);
      return s;
    case 'FundingRoundClosed':
      for (const a of e.data.allocations) adjust(s, e.data.class, a.holder, a.shares, true);
      return s;
    case 'IPOCompleted':
      for (const c of e.data.conversions ?? []) {
        const [num, den] = ratioParts(c.ratio);
        convertClass(s, c.fromClass, c.toClass, num, den);
      }
      if (e.data.newShares > 0n) adjust(s, e.data.class, PUBLIC, e.data.newShares, true);
      for (const sale of e.data.secondarySales ?? []) move(s, e.data.class, sale.seller, PUBLIC, sale.shares);
      return s;
    case 'BlockSale':
      move(s, e.data.class, e.data.seller, e.data.buyer ?? PUBLIC, e.data.shares);
      return s;
    case 'SharesTransferred':
      move(s, e.data.class, e.data.from, e.data.to, e.data.shares);
      return s;
    case 'SharesRepurchased':
      adjust(s, e.data.class, e.data.holder ?? PUBLIC, -e.data.shares, true);
      return s;
    case 'StockSplit':
      for (const cls of e.data.class ? [e.data.class] : [...s.classes.keys()]) split(s, cls, e.data.numerator, e.data.denominator);
      return s;
    case 'SharesConverted': {
      const [num, den] = ratioParts(e.data.ratio);
      adjust(s, e.data.fromClass, e.data.holder, -e.data.shares, true);
      adjust(s, e.data.toClass, e.data.holder, (e.data.shares * num) / den, true);
      return s;
    }
    case 'StakeDisclosed':
    case 'EventRetracted':
    case 'HolderRegistered':
    case 'FxRateRecorded':
      return s;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
};

/**
 * The (class, holder) positions an event may change, in a stable order: what history and dry-run
 * compare before and after the event.
 */
export const positionsTouched = (s: IssuerState, e: EventEnvelope): Array<[ClassId, HolderId]> => {
  const all = (cls: ClassId): Array<[ClassId, HolderId]> => [...(s.holdings.get(cls)?.keys() ?? [])].map((h) => [cls, h]);
  switch (e.type) {
    case 'SharesIssued':
      return [[e.data.class, e.data.holder]];
    case 'FundingRoundClosed':
      return e.data.allocations.map((a) => [e.data.class, a.holder]);
    case 'IPOCompleted': {
      // Conversions can chain (A→B, then B→C): read the holders from the states before and after.
      const conversions = e.data.conversions ?? [];
      const converted = conversions.length === 0 ? [] : [...new Set(conversions.flatMap((c) => [c.fromClass, c.toClass]))];
      const after = converted.length === 0 ? s : evolveIssuer(cloneIssuerState(s), e);
      return [
        ...converted.flatMap((cls) =>
          [...new Set([...(s.holdings.get(cls)?.keys() ?? []), ...(after.holdings.get(cls)?.keys() ?? [])])].map(
            (h): [ClassId, HolderId] => [cls, h],
          ),
        ),
        [e.data.class, PUBLIC],
        ...(e.data.secondarySales ?? []).map((x): [ClassId, HolderId] => [e.data.class, x.seller]),
      ];
    }
    case 'BlockSale':
      return [
        [e.data.class, e.data.seller],
        [e.data.class, e.data.buyer ?? PUBLIC],
      ];
    case 'SharesTransferred':
      return [
        [e.data.class, e.data.from],
        [e.data.class, e.data.to],
      ];
    case 'SharesRepurchased':
      return [[e.data.class, e.data.holder ?? PUBLIC]];
    case 'StockSplit':
      return (e.data.class ? [e.data.class] : [...s.classes.keys()]).flatMap(all);
    case 'SharesConverted':
      return [
        [e.data.fromClass, e.data.holder],
        [e.data.toClass, e.data.holder],
      ];
    default:
      return [];
  }
};
