import { type EventId, rational, toDecimalString } from '../../events/index.js';
import { fail } from '../domain/problem.js';
import { classIds, eventIdFromOcf, holderIds, issuerIdOf } from './ids.js';
import { CONSUMING, orderTransactions } from './importOrder.js';
import { decimalOf, numericOf, wholeOf } from './numeric.js';
import { itemsOf, type Located, type Monetary, type OcfObject, rejectItem, str, strings } from './ocfObjects.js';
import type { OcfPackage } from './package.js';

/** An input envelope as the JSONL import reads it (ids given: derived from the OCF ids). */
export type ImportEnvelope = Readonly<{
  id: EventId;
  type: string;
  issuer?: string;
  date: string;
  data: Record<string, unknown>;
  source: string;
}>;

export type ImportPlan = Readonly<{
  issuer: string;
  envelopes: ImportEnvelope[];
  /** Objects shareledger has no event for, counted by OCF object type. */
  skipped: Record<string, number>;
}>;

/** Stock transactions and objects that map to events, or that only name securities (no event of their own). */
const MAPPED = new Set(['STAKEHOLDER', 'STOCK_CLASS', 'TX_STOCK_ISSUANCE', 'TX_STOCK_CLASS_SPLIT', ...CONSUMING]);
MAPPED.delete('TX_STOCK_ACCEPTANCE');

const SHORT = 200;
const short = (text: string): string => (text.length <= SHORT ? text : `${text.slice(0, SHORT - 1)}…`);
const sourceOf = (o: OcfObject, more = 0): string => short(`OCF ${o.object_type} ${o.id}${more > 0 ? ` (+${more} merged)` : ''}`);

type Security = Readonly<{ issuance: Located; holder: string; class: string }>;

/**
 * Maps a validated OCF package to shareledger input envelopes, in append order: the issuer, its
 * holders, then the stock transactions by date (see docs/ocf.md for every rule).
 */
export const mapPackage = (pkg: OcfPackage, options: { issuer?: string } = {}): ImportPlan => {
  const manifest = pkg.manifest.json as {
    issuer: OcfObject & { legal_name: string; formation_date: string; country_of_formation: string };
  };
  const ocfIssuer = manifest.issuer;
  const issuer = options.issuer ?? issuerIdOf(ocfIssuer.id);
  const items = itemsOf(pkg);
  const skipped: Record<string, number> = {};
  const skip = (type: string) => (skipped[type] = (skipped[type] ?? 0) + 1);

  const holders = holderIds();
  const classes = classIds();
  const stakeholders = new Map<string, Located>();
  const stockClasses = new Map<string, Located>();
  const txs: Located[] = [];
  for (const it of items) {
    const type = it.obj.object_type;
    if (type === 'STAKEHOLDER') stakeholders.set(it.obj.id, it);
    else if (type === 'STOCK_CLASS') stockClasses.set(it.obj.id, it);
    else if (type.startsWith('TX_')) txs.push(it);
    else skip(type);
  }
  // Ids are allocated in file order, so a clash always resolves the same way.
  for (const id of stakeholders.keys()) holders.idOf(id);
  for (const id of stockClasses.keys()) classes.idOf(id);
  const holderOf = (at: Located, field: string): string => {
    const id = str(at.obj, field)!;
    return stakeholders.has(id) ? holders.idOf(id) : rejectItem(at, `/${field}`, `no STAKEHOLDER has id ${JSON.stringify(id)}`);
  };
  const classOf = (at: Located, field: string): string => {
    const id = str(at.obj, field)!;
    return stockClasses.has(id) ? classes.idOf(id) : rejectItem(at, `/${field}`, `no STOCK_CLASS has id ${JSON.stringify(id)}`);
  };

  const stockIssuances = new Map<string, Located>();
  for (const tx of txs) if (tx.obj.object_type === 'TX_STOCK_ISSUANCE') stockIssuances.set(str(tx.obj, 'security_id')!, tx);
  /**
   * Securities that are what remains or results from a stock transaction: no event of their own.
   * Stock that a skipped instrument (an option, warrant or convertible) turns into is not among
   * them: shareledger never saw the instrument, so that stock is issued.
   */
  const followOn = new Set<string>();
  for (const tx of txs)
    if (CONSUMING.has(tx.obj.object_type)) {
      for (const s of strings(tx.obj, 'resulting_security_ids')) followOn.add(s);
      const balance = str(tx.obj, 'balance_security_id');
      if (balance !== undefined) followOn.add(balance);
    }
  const securityOf = (at: Located, field: string, id: string = str(at.obj, field)!): Security => {
    const issuance = stockIssuances.get(id);
    if (!issuance) return rejectItem(at, `/${field}`, `no TX_STOCK_ISSUANCE has security_id ${JSON.stringify(id)}`);
    return { issuance, holder: holderOf(issuance, 'stakeholder_id'), class: classOf(issuance, 'stock_class_id') };
  };
  const sharesOf = (at: Located, field: string): bigint => {
    const n = wholeOf(str(at.obj, field)!);
    return n !== undefined && n > 0n
      ? n
      : rejectItem(at, `/${field}`, `expected a positive whole number of shares, got ${JSON.stringify(at.obj[field])}`);
  };
  const priceOf = (at: Located, field: string): Monetary => {
    const m = at.obj[field] as Monetary;
    const amount = decimalOf(m.amount);
    return amount !== undefined
      ? { amount, currency: m.currency }
      : rejectItem(at, `/${field}/amount`, `expected a price ≥ 0, got ${JSON.stringify(m.amount)}`);
  };

  const envelopes: ImportEnvelope[] = [];
  /** The event that brought each security into being, for retractions. */
  const createdBy = new Map<string, EventId>();
  const emit = (at: Located, part: number, type: string, data: Record<string, unknown>, source = sourceOf(at.obj)): EventId => {
    const id = eventIdFromOcf(issuer, at.obj.id, part);
    envelopes.push({ id, type, issuer, date: at.obj.date!, data, source });
    return id;
  };

  const ordered = orderTransactions(txs);
  const txDates = ordered.map((t) => t.obj.date!).filter((d) => d !== '');
  const registration = [ocfIssuer.formation_date, ...txDates].sort()[0]!;
  const firstPrice = ordered.find((t) => t.obj.object_type === 'TX_STOCK_ISSUANCE')?.obj['share_price'] as Monetary | undefined;
  const classPrice = [...stockClasses.values()]
    .map((c) => (c.obj['price_per_share'] ?? c.obj['par_value']) as Monetary | undefined)
    .find(Boolean);
  const currency = firstPrice?.currency ?? classPrice?.currency ?? 'USD';

  if (stockClasses.size === 0)
    fail('InvalidInput', `${pkg.source}: the package has no STOCK_CLASS; shareledger needs at least one class to register the issuer`, {});
  const classSpecs = [...stockClasses.values()].map((c) => {
    const votes = numericOf(str(c.obj, 'votes_per_share')!);
    if (!votes || votes.den !== 1n || votes.num < 0n)
      rejectItem(c, '/votes_per_share', `shareledger counts whole votes per share, got ${JSON.stringify(c.obj['votes_per_share'])}`);
    return { class: classes.idOf(c.obj.id), votesPerShare: votes!.num.toString() };
  });
  envelopes.push({
    id: eventIdFromOcf(issuer, `ISSUER ${ocfIssuer.id}`),
    type: 'IssuerRegistered',
    issuer,
    date: registration,
    data: { name: short(ocfIssuer.legal_name), currency, classes: classSpecs, country: ocfIssuer.country_of_formation },
    source: sourceOf(ocfIssuer),
  });
  for (const s of stakeholders.values()) {
    const holder = holders.idOf(s.obj.id);
    if (holder === 'public') continue; // the reserved holder: the free float keeps its meaning and name
    envelopes.push({
      id: eventIdFromOcf(issuer, `STAKEHOLDER ${s.obj.id}`),
      type: 'HolderRegistered',
      date: registration,
      data: { holder, name: short((s.obj['name'] as { legal_name: string }).legal_name) },
      source: sourceOf(s.obj),
    });
  }

  /** Conversions of one holder, day and pair of classes, while the next may join them: one SharesConverted. */
  type Converting = { ats: Located[]; date: string; holder: string; fromClass: string; toClass: string; from: bigint; to: bigint };
  let converting: Converting | undefined;
  const endConversion = () => {
    const c = converting;
    converting = undefined;
    if (!c) return;
    const last = c.ats[c.ats.length - 1]!;
    const ratio = c.to > 0n ? toDecimalString(rational(c.to, c.from)) : undefined;
    if (ratio === undefined)
      return rejectItem(
        last,
        '/quantity_converted',
        `the conversion ratio ${c.to}/${c.from} is not a finite decimal, which shareledger needs`,
      );
    const data = { holder: c.holder, fromClass: c.fromClass, toClass: c.toClass, shares: c.from.toString(), ratio };
    emit(c.ats[0]!, 0, 'SharesConverted', data, sourceOf(c.ats[0]!.obj, c.ats.length - 1));
  };
  for (const at of ordered) {
    const o = at.obj;
    const type = o.object_type;
    // Any other event ends a run of conversions (one that emits nothing does not).
    if (type !== 'TX_STOCK_CONVERSION' && emitsEvent(at, followOn)) endConversion();
    switch (type) {
      case 'TX_STOCK_ISSUANCE': {
        const security = str(o, 'security_id')!;
        if (followOn.has(security)) break;
        const price = priceOf(at, 'share_price');
        createdBy.set(
          security,
          emit(at, 0, 'SharesIssued', {
            holder: holderOf(at, 'stakeholder_id'),
            class: classOf(at, 'stock_class_id'),
            shares: sharesOf(at, 'quantity').toString(),
            pricePerShare: price.amount,
            currency: price.currency,
          }),
        );
        break;
      }
      case 'TX_STOCK_TRANSFER': {
        const from = securityOf(at, 'security_id');
        strings(o, 'resulting_security_ids').forEach((id, k) => {
          const to = securityOf(at, `resulting_security_ids/${k}`, id);
          if (to.class !== from.class)
            rejectItem(at, `/resulting_security_ids/${k}`, `the resulting security is of class ${to.class}, not ${from.class}`);
          if (to.holder === from.holder) return; // the holder keeps these shares: nothing moves
          createdBy.set(
            id,
            emit(at, k, 'SharesTransferred', {
              from: from.holder,
              to: to.holder,
              class: from.class,
              shares: sharesOf(to.issuance, 'quantity').toString(),
            }),
          );
        });
        break;
      }
      case 'TX_STOCK_REPURCHASE':
      case 'TX_STOCK_CANCELLATION': {
        const held = securityOf(at, 'security_id');
        const price = type === 'TX_STOCK_REPURCHASE' ? priceOf(at, 'price') : undefined;
        emit(at, 0, 'SharesRepurchased', {
          holder: held.holder,
          class: held.class,
          shares: sharesOf(at, 'quantity').toString(),
          ...(price ? { pricePerShare: price.amount, currency: price.currency } : {}),
        });
        break;
      }
      case 'TX_STOCK_CONVERSION': {
        const held = securityOf(at, 'security_id');
        const converted = sharesOf(at, 'quantity_converted');
        const results = strings(o, 'resulting_security_ids').map((id, k) => securityOf(at, `resulting_security_ids/${k}`, id));
        const toClass = results[0]?.class ?? converting?.toClass;
        if (toClass === undefined) return rejectItem(at, '/resulting_security_ids', 'a conversion needs a resulting security');
        results.forEach((r, k) => {
          if (r.class !== toClass)
            rejectItem(at, `/resulting_security_ids/${k}`, `resulting securities of more than one class (${toClass}, ${r.class})`);
          if (r.holder !== held.holder)
            rejectItem(at, `/resulting_security_ids/${k}`, `the resulting security belongs to another stakeholder`);
        });
        const resulting = results.reduce((n, r) => n + sharesOf(r.issuance, 'quantity'), 0n);
        // Conversions of one holder's lots on one day are one event: the ratio of the totals is the
        // ratio converted at (a lot's own quotient may not be a finite decimal).
        const c = converting;
        if (c && c.date === o.date && c.holder === held.holder && c.fromClass === held.class && c.toClass === toClass) {
          c.ats.push(at);
          c.from += converted;
          c.to += resulting;
        } else {
          endConversion();
          converting = { ats: [at], date: o.date!, holder: held.holder, fromClass: held.class, toClass, from: converted, to: resulting };
        }
        break;
      }
      case 'TX_STOCK_CLASS_SPLIT': {
        const r = o['split_ratio'] as { numerator: string; denominator: string };
        const num = numericOf(r.numerator);
        const den = numericOf(r.denominator);
        if (!num || !den || num.num <= 0n || den.num <= 0n) return rejectItem(at, '/split_ratio', 'expected a positive ratio');
        const q = rational(num.num * den.den, num.den * den.num);
        emit(at, 0, 'StockSplit', { class: classOf(at, 'stock_class_id'), numerator: q.num.toString(), denominator: q.den.toString() });
        break;
      }
      case 'TX_STOCK_RETRACTION': {
        const security = str(o, 'security_id')!;
        const target = createdBy.get(security);
        if (target === undefined)
          return rejectItem(
            at,
            '/security_id',
            `the security ${JSON.stringify(security)} was not issued or transferred by an earlier transaction, so there is no event to retract`,
          );
        emit(at, 0, 'EventRetracted', { eventId: target, reason: short(str(o, 'reason_text')!.trim() || 'retracted in OCF') });
        break;
      }
      case 'TX_STOCK_REISSUANCE':
        securityOf(at, 'security_id');
        break;
      default:
        if (!MAPPED.has(type)) skip(type);
    }
  }
  endConversion();
  return { issuer, envelopes, skipped };
};

/** Whether a transaction other than a conversion adds an event (a resulting or balance issuance, a reissuance, a skipped one do not). */
const emitsEvent = (at: Located, followOn: ReadonlySet<string>): boolean => {
  const type = at.obj.object_type;
  if (type === 'TX_STOCK_ISSUANCE') return !followOn.has(str(at.obj, 'security_id')!);
  return MAPPED.has(type) && type !== 'TX_STOCK_REISSUANCE';
};
