import type { ClassId, CurrencyCode, Decimal, HolderId, IsoDate, ShareClassSpec } from '../../events/index.js';

/**
 * What was paid for shares: a price per share, or an amount for all of them, in one currency,
 * with fees where the seller paid some. An event's own data is usually this shape already
 * (a BlockSale's data, a transfer's consideration), so it is passed as is.
 */
export type Payment = Readonly<{ pricePerShare?: Decimal; amount?: Decimal; currency: CurrencyCode; fees?: Decimal }>;

/**
 * The steps an event can take on its issuer's share register, in the order they happen.
 *
 * Each event type says once, in its module under `eventTypes/`, which steps it takes; everything
 * the ledger derives from an event is a reader of those steps: the state change (`evolveIssuer`),
 * the checks (`checkIssuerEvent`), the additive effect and the positions it touches, the holders
 * it names, and the cost lots and disposals of realized proceeds. A new event type composes these
 * steps and every reader handles it; a new kind of step must be taught to every reader (the
 * interface makes the compiler list them). See docs/events.md for what each event does.
 */
export interface RegisterSteps {
  /** The event names a class that must exist at its point of the timeline (`field`: where, for the error). */
  requireClass(cls: ClassId, field: string): void;
  /** New shares to a holder: the class's outstanding shares grow; a cost lot at what was paid. */
  issue(cls: ClassId, holder: HolderId, shares: bigint, paid: Payment): void;
  /**
   * Shares change hands: `from` must hold them and cannot be `to`. With a `sale` it is a disposal
   * for `from` and a lot for `to` at the sale's price; without one the lots move with the shares,
   * keeping their cost and acquisition point.
   */
  move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint, sale: Payment | undefined): void;
  /** Shares bought back and cancelled: the holder must hold them; outstanding shrinks; a disposal when there is a sale. */
  cancel(cls: ClassId, holder: HolderId, shares: bigint, sale: Payment | undefined): void;
  /** One holder's shares of a class become shares of another at `ratio` (default 1, whole results only); basis carried. */
  convert(holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: bigint, ratio: Decimal | undefined): void;
  /** Every holding of a class becomes shares of another (the `n`th conversion of an IPO); whole results only; basis carried. */
  convertClass(n: number, fromClass: ClassId, toClass: ClassId, ratio: Decimal): void;
  /** Every holding of a class, or of every class, × numerator / denominator; whole results only; total basis unchanged. */
  split(cls: ClassId | undefined, numerator: bigint, denominator: bigint): void;
  /** The issuer's registration: its first event, with its first classes. */
  register(date: IsoDate, name: string, currency: CurrencyCode, classes: ReadonlyArray<ShareClassSpec>): void;
  /** A new class. */
  addClass(cls: ClassId, votesPerShare: number): void;
}

/** Steps that do nothing: a reader extends it and overrides the steps it cares about. */
export class IgnoreSteps implements RegisterSteps {
  requireClass(_cls: ClassId, _field: string): void {}
  issue(_cls: ClassId, _holder: HolderId, _shares: bigint, _paid: Payment): void {}
  move(_cls: ClassId, _from: HolderId, _to: HolderId, _shares: bigint, _sale: Payment | undefined): void {}
  cancel(_cls: ClassId, _holder: HolderId, _shares: bigint, _sale: Payment | undefined): void {}
  convert(_holder: HolderId, _fromClass: ClassId, _toClass: ClassId, _shares: bigint, _ratio: Decimal | undefined): void {}
  convertClass(_n: number, _fromClass: ClassId, _toClass: ClassId, _ratio: Decimal): void {}
  split(_cls: ClassId | undefined, _numerator: bigint, _denominator: bigint): void {}
  register(_date: IsoDate, _name: string, _currency: CurrencyCode, _classes: ReadonlyArray<ShareClassSpec>): void {}
  addClass(_cls: ClassId, _votesPerShare: number): void {}
}
