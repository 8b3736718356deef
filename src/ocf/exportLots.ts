import { type Rational, rational } from '../../events/index.js';
import { toNumeric } from './numeric.js';

/** One OCF security: a cost lot of a holder in a class. */
export type Lot = { security: string; quantity: bigint; price: Rational; currency: string };

export type OcfItem = Record<string, unknown>;

/** A share of a lot taken by a transaction: the security consumed whole, and what it leaves. */
export type Portion = Readonly<{ lot: Lot; taken: bigint; balance: Lot | undefined }>;

/**
 * The lots of one issuer as OCF securities, consumed first-in first-out. Each new security is a
 * TX_STOCK_ISSUANCE written to `transactions`; what remains of a consumed security is a balance
 * security issued in its place, at the front of its holder's lots.
 */
export class LotBook {
  readonly transactions: OcfItem[] = [];
  readonly holders = new Set<string>(['public']);
  private readonly lots = new Map<string, Lot[]>();
  private next = 1;

  constructor(private readonly issuer: string) {}

  private key = (holder: string, cls: string) => `${holder}\u0000${cls}`;

  lotsOf(holder: string, cls: string): Lot[] {
    const k = this.key(holder, cls);
    let lots = this.lots.get(k);
    if (!lots) this.lots.set(k, (lots = []));
    return lots;
  }

  /** Every holder with lots in the class, in a stable order. */
  holdersOf(cls: string): string[] {
    return [...this.lots.entries()]
      .filter(([k, lots]) => k.endsWith(`\u0000${cls}`) && lots.length > 0)
      .map(([k]) => k.slice(0, k.indexOf('\u0000')))
      .sort();
  }

  /** A new security for `holder`, issued by the transaction `id` (appended to the holder's lots, or first when `front`). */
  issue(id: string, date: string, holder: string, cls: string, quantity: bigint, price: Rational, currency: string, front = false): Lot {
    const lot: Lot = { security: `${this.issuer}-s${this.next}`, quantity, price, currency };
    this.holders.add(holder);
    this.transactions.push({
      id,
      object_type: 'TX_STOCK_ISSUANCE',
      date,
      security_id: lot.security,
      custom_id: `${cls}-${this.next}`,
      stakeholder_id: holder,
      security_law_exemptions: [],
      stock_class_id: cls,
      share_price: { amount: toNumeric(price), currency },
      quantity: quantity.toString(),
      stock_legend_ids: [],
    });
    this.next++;
    const lots = this.lotsOf(holder, cls);
    if (front) lots.unshift(lot);
    else lots.push(lot);
    return lot;
  }

  /** Takes `quantity` shares from the holder's lots, oldest first; `id` names the balance issuances. */
  consume(id: string, date: string, holder: string, cls: string, quantity: bigint): Portion[] {
    const lots = this.lotsOf(holder, cls);
    const portions: Array<{ lot: Lot; taken: bigint }> = [];
    let left = quantity;
    while (left > 0n) {
      const lot = lots.shift();
      if (!lot) throw new Error(`bug: ${holder} holds fewer than ${quantity} ${cls} shares in the export`);
      const taken = lot.quantity < left ? lot.quantity : left;
      portions.push({ lot, taken });
      left -= taken;
    }
    // The remainder of the last lot is issued anew, first in line again.
    return portions.map((p, i) => {
      const rest = p.lot.quantity - p.taken;
      const balance =
        i === portions.length - 1 && rest > 0n
          ? this.issue(`${id}-balance`, date, holder, cls, rest, p.lot.price, p.lot.currency, true)
          : undefined;
      return { ...p, balance };
    });
  }
}

/**
 * Splits `total × ratio` (a whole number) among parts in proportion to their sizes, by cumulative
 * ceilings: every part but possibly the later ones gets at least one share, the sum is exact.
 */
export const apportion = (sizes: ReadonlyArray<bigint>, ratio: Rational): bigint[] => {
  const ceil = (n: bigint, d: bigint) => (n + d - 1n) / d;
  let cumulative = 0n;
  let before = 0n;
  return sizes.map((size) => {
    cumulative += size;
    const upTo = ceil(cumulative * ratio.num, ratio.den);
    const part = upTo - before;
    before = upTo;
    return part;
  });
};

export const priceTimes = (price: Rational, factor: Rational): Rational => rational(price.num * factor.num, price.den * factor.den);
