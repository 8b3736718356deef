import type { ClassId, CurrencyCode, EventId, EventType, HolderId, IsoDate, IssuerId, Rational } from '../events/index.js';
import { div, fromBigint, mul, PUBLIC, toRational, ZERO } from '../events/index.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import {
  acquireLot,
  type CostMethod,
  type CostPosition,
  type DatesMatter,
  emptyPosition,
  insertLots,
  type Lot,
  scalePosition,
  scaleTaken,
  type Taken,
  takeEverything,
  takeShares,
} from './costLots.js';

/** A disposal (SPEC §6.3) in its own currency, exact, with the lots it used up. */
export type Disposal = Readonly<{
  eventId: EventId;
  issuer: IssuerId;
  date: IsoDate;
  revision: number;
  type: EventType;
  class: ClassId;
  seller: HolderId;
  shares: bigint;
  pricePerShare: Rational;
  currency: CurrencyCode;
  gross: Rational;
  fees: Rational;
  lots: ReadonlyArray<Lot>;
}>;

/**
 * The holders whose lots can end up with one of `targets`: the targets, and whoever gave shares
 * without consideration (lots move with them) to a holder already in the set. Every other holder's
 * lots never matter to the answer, so the fold does not keep them (a million-event issuer has a
 * busy `public`).
 */
export const holdersFeeding = (timeline: ReadonlyArray<PlacedEvent>, targets: Iterable<HolderId>): Set<HolderId> => {
  const givers = new Map<HolderId, Set<HolderId>>();
  for (const e of timeline) {
    if (e.type !== 'SharesTransferred' || e.data.consideration !== undefined) continue;
    let from = givers.get(e.data.to);
    if (!from) givers.set(e.data.to, (from = new Set()));
    from.add(e.data.from);
  }
  const relevant = new Set<HolderId>(targets);
  const queue = [...relevant];
  while (queue.length > 0) {
    for (const giver of givers.get(queue.pop()!) ?? []) {
      if (!relevant.has(giver)) {
        relevant.add(giver);
        queue.push(giver);
      }
    }
  }
  return relevant;
};

/** Every currency a disposal of this timeline is paid in. */
export const saleCurrencies = (timeline: ReadonlyArray<PlacedEvent>): Set<CurrencyCode> => {
  const currencies = new Set<CurrencyCode>();
  for (const e of timeline) {
    if (e.type === 'BlockSale') currencies.add(e.data.currency);
    else if (e.type === 'IPOCompleted' && e.data.secondarySales?.length) currencies.add(e.data.currency);
    else if (e.type === 'SharesRepurchased' && e.data.currency !== undefined) currencies.add(e.data.currency);
    else if (e.type === 'SharesTransferred' && e.data.consideration) currencies.add(e.data.consideration.currency);
  }
  return currencies;
};

/** The lots of every tracked (class, holder) of one issuer. */
class IssuerLots {
  private readonly positions = new Map<ClassId, Map<HolderId, CostPosition>>();

  constructor(
    private readonly method: CostMethod,
    private readonly tracked: ReadonlySet<HolderId>,
    private readonly datesMatter: DatesMatter,
  ) {}

  private position(cls: ClassId, holder: HolderId): CostPosition | undefined {
    if (!this.tracked.has(holder)) return undefined;
    let byHolder = this.positions.get(cls);
    if (!byHolder) this.positions.set(cls, (byHolder = new Map()));
    let p = byHolder.get(holder);
    if (!p) byHolder.set(holder, (p = emptyPosition(this.method, this.datesMatter)));
    return p;
  }

  acquire(cls: ClassId, holder: HolderId, shares: bigint, cost: Rational, currency: CurrencyCode, e: PlacedEvent): void {
    const p = this.position(cls, holder);
    if (p) acquireLot(p, { shares: fromBigint(shares), cost, currency, date: e.date, revision: e.revision });
  }

  take(cls: ClassId, holder: HolderId, shares: bigint): Taken {
    const p = this.position(cls, holder);
    return p ? takeShares(p, fromBigint(shares), this.method) : { shares: fromBigint(shares), lots: [] };
  }

  receive(cls: ClassId, holder: HolderId, taken: Taken): void {
    const p = this.position(cls, holder);
    if (p) insertLots(p, taken);
  }

  split(cls: ClassId | undefined, num: bigint, den: bigint): void {
    for (const [c, byHolder] of this.positions)
      if (cls === undefined || c === cls) for (const p of byHolder.values()) scalePosition(p, num, den);
  }

  /** An IPO conversion: every holding of `from` becomes `to` shares at num/den, lots and all. */
  convertAll(from: ClassId, to: ClassId, num: bigint, den: bigint): void {
    const byHolder = this.positions.get(from);
    if (!byHolder) return;
    for (const [holder, p] of [...byHolder]) {
      byHolder.delete(holder);
      this.receive(to, holder, scaleTaken(takeEverything(p), num, den));
    }
  }
}

/**
 * Replays one issuer's timeline through the lots of the tracked holders and returns the
 * disposals of the holders `counts` accepts (a holder, or a group member on the disposal's
 * date), in timeline order. Pure.
 */
export const disposalsOf = (
  issuer: IssuerId,
  timeline: ReadonlyArray<PlacedEvent>,
  method: CostMethod,
  tracked: ReadonlySet<HolderId>,
  counts: (holder: HolderId, date: IsoDate) => boolean,
  datesMatter: DatesMatter = () => true,
): Disposal[] => {
  const lots = new IssuerLots(method, tracked, datesMatter);
  const disposals: Disposal[] = [];
  const dispose = (
    e: PlacedEvent,
    cls: ClassId,
    seller: HolderId,
    shares: bigint,
    price: Rational,
    currency: CurrencyCode,
    gross: Rational,
    fees: Rational,
    taken: Taken,
  ) => {
    if (!counts(seller, e.date)) return;
    disposals.push({
      eventId: e.id,
      issuer,
      date: e.date,
      revision: e.revision,
      type: e.type,
      class: cls,
      seller,
      shares,
      pricePerShare: price,
      currency,
      gross,
      fees,
      lots: taken.lots,
    });
  };
  const atPrice = (shares: bigint, price: Rational) => mul(fromBigint(shares), price);
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i]!;
    switch (e.type) {
      case 'SharesIssued': {
        const d = e.data;
        lots.acquire(d.class, d.holder, d.shares, atPrice(d.shares, toRational(d.pricePerShare)), d.currency, e);
        break;
      }
      case 'FundingRoundClosed': {
        const price = toRational(e.data.pricePerShare);
        for (const a of e.data.allocations) lots.acquire(e.data.class, a.holder, a.shares, atPrice(a.shares, price), e.data.currency, e);
        break;
      }
      case 'IPOCompleted': {
        const d = e.data;
        const price = toRational(d.offerPrice);
        for (const c of d.conversions ?? []) {
          const r = toRational(c.ratio);
          lots.convertAll(c.fromClass, c.toClass, r.num, r.den);
        }
        if (d.newShares > 0n) lots.acquire(d.class, PUBLIC, d.newShares, atPrice(d.newShares, price), d.currency, e);
        for (const sale of d.secondarySales ?? []) {
          const gross = atPrice(sale.shares, price);
          dispose(e, d.class, sale.seller, sale.shares, price, d.currency, gross, ZERO, lots.take(d.class, sale.seller, sale.shares));
          lots.acquire(d.class, PUBLIC, sale.shares, gross, d.currency, e);
        }
        break;
      }
      case 'BlockSale': {
        const d = e.data;
        const price = toRational(d.pricePerShare);
        const gross = atPrice(d.shares, price);
        const fees = d.fees === undefined ? ZERO : toRational(d.fees);
        dispose(e, d.class, d.seller, d.shares, price, d.currency, gross, fees, lots.take(d.class, d.seller, d.shares));
        lots.acquire(d.class, d.buyer ?? PUBLIC, d.shares, gross, d.currency, e);
        break;
      }
      case 'SharesTransferred': {
        const d = e.data;
        const taken = lots.take(d.class, d.from, d.shares);
        if (d.consideration === undefined) {
          // No sale: the lots move, keeping their cost and acquisition point (the holding period tacks).
          lots.receive(d.class, d.to, taken);
        } else {
          const amount = toRational(d.consideration.amount);
          const price = div(amount, fromBigint(d.shares));
          dispose(e, d.class, d.from, d.shares, price, d.consideration.currency, amount, ZERO, taken);
          lots.acquire(d.class, d.to, d.shares, amount, d.consideration.currency, e);
        }
        break;
      }
      case 'SharesRepurchased': {
        const d = e.data;
        const holder = d.holder ?? PUBLIC;
        const taken = lots.take(d.class, holder, d.shares);
        if (d.pricePerShare !== undefined && d.currency !== undefined) {
          const price = toRational(d.pricePerShare);
          dispose(e, d.class, holder, d.shares, price, d.currency, atPrice(d.shares, price), ZERO, taken);
        }
        break;
      }
      case 'StockSplit':
        lots.split(e.data.class, e.data.numerator, e.data.denominator);
        break;
      case 'SharesConverted': {
        const d = e.data;
        const r = d.ratio === undefined ? { num: 1n, den: 1n } : toRational(d.ratio);
        lots.receive(d.toClass, d.holder, scaleTaken(lots.take(d.fromClass, d.holder, d.shares), r.num, r.den));
        break;
      }
      case 'IssuerRegistered':
      case 'ShareClassAdded':
      case 'StakeDisclosed':
      case 'EventRetracted':
      case 'HolderRegistered':
      case 'FxRateRecorded':
        break;
      default: {
        const _exhaustive: never = e;
        void _exhaustive;
      }
    }
  }
  return disposals;
};
