import type { ClassId, CurrencyCode, Decimal, EventId, EventType, HolderId, IsoDate, IssuerId, Rational } from '../events/index.js';
import { div, fromBigint, mul, toRational, ZERO } from '../events/index.js';
import { stepsOf } from '../src/domain/eventTypes/index.js';
import { IgnoreSteps, type Payment } from '../src/domain/registerSteps.js';
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

/** A disposal (docs/proceeds.md) in its own currency, exact, with the lots it used up. */
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
export const holdersFeeding = (timeline: Iterable<PlacedEvent>, targets: Iterable<HolderId>): Set<HolderId> =>
  feedingAndSales(timeline, targets).feeding;

/**
 * `holdersFeeding` and every currency a disposal of the timeline is paid in, from one pass over
 * it: a long timeline is then read once here and once by the lot fold, never held.
 */
export const feedingAndSales = (
  timeline: Iterable<PlacedEvent>,
  targets: Iterable<HolderId>,
): { feeding: Set<HolderId>; saleCurrencies: Set<CurrencyCode> } => {
  const moves = new FreeMoves();
  for (const e of timeline) stepsOf(e, moves);
  const relevant = new Set<HolderId>(targets);
  const queue = [...relevant];
  while (queue.length > 0) {
    for (const giver of moves.givers.get(queue.pop()!) ?? []) {
      if (!relevant.has(giver)) {
        relevant.add(giver);
        queue.push(giver);
      }
    }
  }
  return { feeding: relevant, saleCurrencies: moves.saleCurrencies };
};

/**
 * Who gave shares to whom without a sale (the lots moved with them), and who sold, in which
 * currencies: what the proceeds of a holder depend on, read from the events' steps.
 */
class FreeMoves extends IgnoreSteps {
  readonly givers = new Map<HolderId, Set<HolderId>>();
  readonly sellers = new Set<HolderId>();
  readonly saleCurrencies = new Set<CurrencyCode>();
  override move(_cls: ClassId, from: HolderId, to: HolderId, _shares: bigint, sale: Payment | undefined): void {
    if (sale) {
      this.sold(from, sale);
      return;
    }
    let given = this.givers.get(to);
    if (!given) this.givers.set(to, (given = new Set()));
    given.add(from);
  }
  override cancel(_cls: ClassId, holder: HolderId, _shares: bigint, sale: Payment | undefined): void {
    if (sale) this.sold(holder, sale);
  }
  private sold(seller: HolderId, sale: Payment): void {
    this.sellers.add(seller);
    this.saleCurrencies.add(sale.currency);
  }
}

type Priced = { price: Rational; gross: Rational; fees: Rational };
/** `price` is computed only for a disposal that counts: most sales of a busy issuer are someone else's. */
type Dispose = (cls: ClassId, seller: HolderId, shares: bigint, currency: CurrencyCode, price: () => Priced, taken: Taken) => void;

/** The price per share, gross and fees of a sale of `shares`, exact. */
const priced = (shares: bigint, sale: Payment): Priced => {
  const count = fromBigint(shares);
  const fees = sale.fees === undefined ? ZERO : toRational(sale.fees);
  if (sale.amount !== undefined) {
    const gross = toRational(sale.amount);
    return { price: div(gross, count), gross, fees };
  }
  const price = toRational(sale.pricePerShare ?? ('0' as Decimal));
  return { price, gross: mul(count, price), fees };
};

/** The lots of every tracked (class, holder) of one issuer, moved by each event's steps. */
class IssuerLots extends IgnoreSteps {
  private readonly positions = new Map<ClassId, Map<HolderId, CostPosition>>();
  /** The event whose steps are being read. */
  event: PlacedEvent | undefined;

  constructor(
    private readonly method: CostMethod,
    private readonly tracked: (holder: HolderId) => boolean,
    private readonly datesMatter: DatesMatter,
    private readonly dispose: Dispose,
  ) {
    super();
  }

  private position(cls: ClassId, holder: HolderId): CostPosition | undefined {
    if (!this.tracked(holder)) return undefined;
    let byHolder = this.positions.get(cls);
    if (!byHolder) this.positions.set(cls, (byHolder = new Map()));
    let p = byHolder.get(holder);
    if (!p) byHolder.set(holder, (p = emptyPosition(this.method, this.datesMatter)));
    return p;
  }

  private acquire(cls: ClassId, holder: HolderId, shares: bigint, cost: Rational, currency: CurrencyCode): void {
    const p = this.position(cls, holder);
    const e = this.event!;
    if (p) acquireLot(p, { shares: fromBigint(shares), cost, currency, date: e.date, revision: e.revision });
  }

  private take(cls: ClassId, holder: HolderId, shares: bigint): Taken {
    const p = this.position(cls, holder);
    return p ? takeShares(p, fromBigint(shares), this.method) : { shares: fromBigint(shares), lots: [] };
  }

  private receive(cls: ClassId, holder: HolderId, taken: Taken): void {
    const p = this.position(cls, holder);
    if (p) insertLots(p, taken);
  }

  override issue(cls: ClassId, holder: HolderId, shares: bigint, paid: Payment): void {
    this.acquire(cls, holder, shares, priced(shares, paid).gross, paid.currency);
  }

  override move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint, sale: Payment | undefined): void {
    const taken = this.take(cls, from, shares);
    if (sale === undefined) {
      // No sale: the lots move, keeping their cost and acquisition point (the holding period tacks).
      this.receive(cls, to, taken);
      return;
    }
    let paid: Priced | undefined;
    const price = () => (paid ??= priced(shares, sale));
    this.dispose(cls, from, shares, sale.currency, price, taken);
    if (this.tracked(to)) this.acquire(cls, to, shares, price().gross, sale.currency);
  }

  override cancel(cls: ClassId, holder: HolderId, shares: bigint, sale: Payment | undefined): void {
    const taken = this.take(cls, holder, shares);
    if (sale) this.dispose(cls, holder, shares, sale.currency, () => priced(shares, sale), taken);
  }

  override convert(holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: bigint, ratio: Decimal | undefined): void {
    const r = ratio === undefined ? { num: 1n, den: 1n } : toRational(ratio);
    this.receive(toClass, holder, scaleTaken(this.take(fromClass, holder, shares), r.num, r.den));
  }

  /** An IPO conversion: every holding of `from` becomes `to` shares at the ratio, lots and all. */
  override convertClass(_n: number, from: ClassId, to: ClassId, ratio: Decimal): void {
    const byHolder = this.positions.get(from);
    if (!byHolder) return;
    const r = toRational(ratio);
    for (const [holder, p] of [...byHolder]) {
      byHolder.delete(holder);
      this.receive(to, holder, scaleTaken(takeEverything(p), r.num, r.den));
    }
  }

  override split(cls: ClassId | undefined, num: bigint, den: bigint): void {
    for (const [c, byHolder] of this.positions)
      if (cls === undefined || c === cls) for (const p of byHolder.values()) scalePosition(p, num, den);
  }
}

/**
 * The fold of one issuer's timeline through the lots of the tracked holders, one event at a time
 * in timeline order: each disposal of the holders `counts` accepts (a holder, or a group member on
 * the disposal's date) goes to `found` as it is made, so a reader that prices them at once keeps
 * none of their lots. Pure but for `found`.
 */
export const disposalFold = (
  issuer: IssuerId,
  method: CostMethod,
  tracked: (holder: HolderId) => boolean,
  counts: (holder: HolderId, date: IsoDate) => boolean,
  found: (d: Disposal) => void,
  datesMatter: DatesMatter = () => true,
): ((e: PlacedEvent) => void) => {
  const lots = new IssuerLots(method, tracked, datesMatter, (cls, seller, shares, currency, price, taken) => {
    const e = lots.event!;
    if (!counts(seller, e.date)) return;
    const paid = price();
    found({
      eventId: e.id,
      issuer,
      date: e.date,
      revision: e.revision,
      type: e.type,
      class: cls,
      seller,
      shares,
      pricePerShare: paid.price,
      currency,
      gross: paid.gross,
      fees: paid.fees,
      lots: taken.lots,
    });
  });
  return (e) => {
    lots.event = e;
    stepsOf(e, lots);
  };
};

/** `disposalFold` over a whole timeline. */
export const eachDisposal = (
  issuer: IssuerId,
  timeline: Iterable<PlacedEvent>,
  method: CostMethod,
  tracked: (holder: HolderId) => boolean,
  counts: (holder: HolderId, date: IsoDate) => boolean,
  found: (d: Disposal) => void,
  datesMatter: DatesMatter = () => true,
): void => {
  const step = disposalFold(issuer, method, tracked, counts, found, datesMatter);
  for (const e of timeline) step(e);
};
