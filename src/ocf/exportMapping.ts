import { type Rational, rational, type StoredEvent, toRational } from '../../events/index.js';
import { apportion, LotBook, type OcfItem, type Portion, priceTimes } from './exportLots.js';
import { toNumeric } from './numeric.js';

export type ExportInput = Readonly<{
  issuer: string;
  /** The issuer's stream, as stored. */
  events: ReadonlyArray<StoredEvent>;
  /** The holders stream (display names). */
  holders: ReadonlyArray<StoredEvent>;
  /** --country: the issuer's country of formation (else the ledger's). */
  country?: string;
}>;

export type OcfObjects = Readonly<{
  issuer: OcfItem;
  stakeholders: OcfItem[];
  stockClasses: OcfItem[];
  transactions: OcfItem[];
  comments: string[];
}>;

/** The events that count now: not retracted, not retractions, in effective order (date, revision). */
const effective = (events: ReadonlyArray<StoredEvent>): StoredEvent[] => {
  const retracted = new Set(events.flatMap((e) => (e.type === 'EventRetracted' ? [e.data.eventId.toLowerCase()] : [])));
  return events
    .filter((e) => e.type !== 'EventRetracted' && !retracted.has(e.id.toLowerCase()))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.revision - b.revision));
};

const money = (amount: Rational, currency: string) => ({ amount: toNumeric(amount), currency });

/**
 * Maps an issuer's events to OCF objects: a security per cost lot, consumed first-in first-out,
 * with balance and resulting securities (see docs/ocf.md for every rule and what is lost).
 */
export const mapLedgerToOcf = (input: ExportInput): OcfObjects => {
  const { issuer } = input;
  const all = effective(input.events);
  const registered = input.events.find((e) => e.type === 'IssuerRegistered');
  if (!registered || registered.type !== 'IssuerRegistered') throw new Error(`bug: ${issuer} has no IssuerRegistered`);
  const country = input.country ?? registered.data.country;
  if (country === undefined) throw new Error('bug: the country is checked by the caller');
  const book = new LotBook(issuer);
  const tx = book.transactions;
  const classes = new Map<string, number>(registered.data.classes.map((c) => [c.class, c.votesPerShare]));
  const lost = {
    blockSales: 0,
    disclosures: 0,
    rounds: [] as string[],
    ipo: [] as string[],
    retracted: input.events.length - all.length,
    fractions: 0,
  };

  /** A move of shares to another holder: a transfer of each consumed security, its resulting security the receiver's new lot. */
  const transfer = (
    id: string,
    date: string,
    from: string,
    to: string,
    cls: string,
    shares: bigint,
    price: ((p: Portion) => Rational) | undefined,
    currency: string | undefined,
    text: string | undefined,
  ) =>
    book.consume(id, date, from, cls, shares).forEach((p, k) => {
      const lot = book.issue(`${id}-${k}-to`, date, to, cls, p.taken, price ? price(p) : p.lot.price, currency ?? p.lot.currency);
      tx.push({
        id: `${id}-${k}`,
        object_type: 'TX_STOCK_TRANSFER',
        date,
        security_id: p.lot.security,
        quantity: p.taken.toString(),
        resulting_security_ids: [lot.security],
        ...(p.balance ? { balance_security_id: p.balance.security } : {}),
        ...(text ? { consideration_text: text } : {}),
      });
    });

  /** Converts shares of a holder's lots into another class, each consumed lot a TX_STOCK_CONVERSION. */
  const convert = (id: string, date: string, holder: string, fromClass: string, toClass: string, shares: bigint, ratio: Rational) => {
    const portions = book.consume(id, date, holder, fromClass, shares);
    const results = apportion(
      portions.map((p) => p.taken),
      ratio,
    );
    portions.forEach((p, k) => {
      const r = results[k]!;
      const lot =
        r > 0n
          ? book.issue(`${id}-${k}-to`, date, holder, toClass, r, priceTimes(p.lot.price, rational(p.taken, r)), p.lot.currency)
          : undefined;
      tx.push({
        id: `${id}-${k}`,
        object_type: 'TX_STOCK_CONVERSION',
        date,
        security_id: p.lot.security,
        quantity_converted: p.taken.toString(),
        resulting_security_ids: lot ? [lot.security] : [],
        ...(p.balance ? { balance_security_id: p.balance.security } : {}),
      });
    });
  };

  for (const e of all) {
    const { id, date } = e;
    switch (e.type) {
      case 'IssuerRegistered':
        break;
      case 'ShareClassAdded':
        classes.set(e.data.class, e.data.votesPerShare);
        break;
      case 'SharesIssued':
        book.issue(id, date, e.data.holder, e.data.class, e.data.shares, toRational(e.data.pricePerShare), e.data.currency);
        break;
      case 'FundingRoundClosed':
        lost.rounds.push(e.data.round);
        e.data.allocations.forEach((a, k) =>
          book.issue(`${id}-${k}`, date, a.holder, e.data.class, a.shares, toRational(e.data.pricePerShare), e.data.currency),
        );
        break;
      case 'IPOCompleted': {
        const d = e.data;
        lost.ipo.push(`${d.exchange}:${d.ticker}`);
        (d.conversions ?? []).forEach((c, k) => {
          for (const holder of book.holdersOf(c.fromClass)) {
            const shares = book.lotsOf(holder, c.fromClass).reduce((n, l) => n + l.quantity, 0n);
            convert(`${id}-c${k}-${holder}`, date, holder, c.fromClass, c.toClass, shares, toRational(c.ratio));
          }
        });
        if (d.newShares > 0n) book.issue(`${id}-new`, date, 'public', d.class, d.newShares, toRational(d.offerPrice), d.currency);
        (d.secondarySales ?? []).forEach((s, k) =>
          transfer(
            `${id}-s${k}`,
            date,
            s.seller,
            'public',
            d.class,
            s.shares,
            () => toRational(d.offerPrice),
            d.currency,
            `IPO secondary sale at ${d.offerPrice} ${d.currency} a share`,
          ),
        );
        break;
      }
      case 'BlockSale': {
        const d = e.data;
        lost.blockSales++;
        const text = `block sale at ${d.pricePerShare} ${d.currency} a share, fees ${d.fees ?? '0'} ${d.currency}`;
        transfer(id, date, d.seller, d.buyer ?? 'public', d.class, d.shares, () => toRational(d.pricePerShare), d.currency, text);
        break;
      }
      case 'SharesTransferred': {
        const d = e.data;
        const c = d.consideration;
        const perShare = c ? rational(toRational(c.amount).num, toRational(c.amount).den * d.shares) : undefined;
        transfer(
          id,
          date,
          d.from,
          d.to,
          d.class,
          d.shares,
          perShare && (() => perShare),
          c?.currency,
          c && `for ${c.amount} ${c.currency} in all`,
        );
        break;
      }
      case 'SharesRepurchased': {
        const d = e.data;
        const holder = d.holder ?? 'public';
        book.consume(id, date, holder, d.class, d.shares).forEach((p, k) =>
          tx.push({
            id: `${id}-${k}`,
            date,
            security_id: p.lot.security,
            quantity: p.taken.toString(),
            ...(d.pricePerShare !== undefined && d.currency !== undefined
              ? { object_type: 'TX_STOCK_REPURCHASE', price: money(toRational(d.pricePerShare), d.currency) }
              : { object_type: 'TX_STOCK_CANCELLATION', reason_text: 'repurchased without a price (shareledger SharesRepurchased)' }),
            ...(p.balance ? { balance_security_id: p.balance.security } : {}),
          }),
        );
        break;
      }
      case 'SharesConverted': {
        const d = e.data;
        convert(id, date, d.holder, d.fromClass, d.toClass, d.shares, d.ratio === undefined ? rational(1n) : toRational(d.ratio));
        break;
      }
      case 'StockSplit': {
        const d = e.data;
        const factor = rational(d.numerator, d.denominator);
        for (const cls of d.class !== undefined ? [d.class] : [...classes.keys()]) {
          const splitId = d.class !== undefined ? id : `${id}-${cls}`;
          tx.push({
            id: splitId,
            object_type: 'TX_STOCK_CLASS_SPLIT',
            date,
            stock_class_id: cls,
            split_ratio: { numerator: d.numerator.toString(), denominator: d.denominator.toString() },
          });
          for (const holder of book.holdersOf(cls)) {
            const lots = book.lotsOf(holder, cls).splice(0);
            const quantities = apportion(
              lots.map((l) => l.quantity),
              factor,
            );
            lots.forEach((lot, k) => {
              const q = quantities[k]!;
              const next =
                q > 0n
                  ? book.issue(
                      `${splitId}-${holder}-${k}`,
                      date,
                      holder,
                      cls,
                      q,
                      priceTimes(lot.price, rational(lot.quantity, q)),
                      lot.currency,
                    )
                  : undefined;
              tx.push({
                id: `${splitId}-${holder}-${k}-reissue`,
                object_type: 'TX_STOCK_REISSUANCE',
                date,
                security_id: lot.security,
                resulting_security_ids: next ? [next.security] : [],
                split_transaction_id: splitId,
              });
            });
          }
        }
        break;
      }
      case 'StakeDisclosed':
        lost.disclosures++;
        break;
      case 'EventRetracted':
      case 'HolderRegistered':
      case 'FxRateRecorded':
        break;
      default: {
        const _exhaustive: never = e;
        return _exhaustive;
      }
    }
  }

  const names = new Map<string, string>();
  for (const h of effective(input.holders)) if (h.type === 'HolderRegistered') names.set(h.data.holder, h.data.name);
  const stakeholders = [...book.holders].sort().map((holder) => ({
    id: holder,
    object_type: 'STAKEHOLDER',
    name: {
      legal_name:
        holder === 'public' ? (names.get(holder) ?? 'Public (free float and unidentified holders)') : (names.get(holder) ?? holder),
    },
    stakeholder_type: 'INSTITUTION',
  }));
  const stockClasses = [...classes.entries()].map(([cls, votes]) => ({
    id: cls,
    object_type: 'STOCK_CLASS',
    name: cls,
    class_type: 'COMMON',
    default_id_prefix: cls,
    initial_shares_authorized: 'UNLIMITED',
    votes_per_share: votes.toString(),
    seniority: '1',
  }));
  const comments = [
    `Exported by shareledger from the ledger of issuer ${issuer}: ${all.length} events that count now.`,
    'Not carried by OCF: recordedAt, actors, sources, notes and the hash chain of each event; FX rates; control groups (controlledBy); the issuer currency and listing.',
    ...(lost.blockSales ? [`${lost.blockSales} block sales are transfers here; their price and fees are only in consideration_text.`] : []),
    ...(lost.disclosures ? [`${lost.disclosures} stake disclosures (StakeDisclosed) are not carried.`] : []),
    ...(lost.rounds.length ? [`Funding rounds are issuances here; their names are not carried: ${lost.rounds.join(', ')}.`] : []),
    ...(lost.ipo.length
      ? [`IPOs are issuances, conversions and transfers to the stakeholder public here; not carried: ${lost.ipo.join(', ')}.`]
      : []),
    ...(lost.retracted
      ? [`${lost.retracted} retracted events and retractions are left out (the package shows the ledger as it is known now).`]
      : []),
  ];
  const data = registered.data;
  return {
    issuer: {
      id: issuer,
      object_type: 'ISSUER',
      legal_name: data.name,
      formation_date: registered.date,
      country_of_formation: country,
      initial_shares_authorized: 'UNLIMITED',
    },
    stakeholders,
    stockClasses,
    transactions: tx,
    comments,
  };
};
