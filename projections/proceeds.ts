import type { CurrencyCode, EventId, EventType, HolderId, Instant, IsoDate, IssuerId, Rational, StoredEvent } from '../events/index.js';
import { add, issuerOfStream, sub, ZERO } from '../events/index.js';
import type { CostMethod } from './costLots.js';
import { type Disposal, eachDisposal, feedingAndSales } from './disposals.js';
import { compareText, formatMoney, formatPrice } from './format.js';
import { CurrencyConverter, fxRates } from './fx.js';
import { everMembers, groupHistory, isMemberOn } from './registry.js';
import { END_OF_TIME, selectTimeline } from './timeline.js';
import type { TextLines } from './textLines.js';
import type { PlacedEvent } from '../src/domain/timeline.js';

export { COST_METHODS, isCostMethod, type CostMethod } from './costLots.js';

export type DisposalJson = {
  eventId: EventId;
  issuer: IssuerId;
  date: IsoDate;
  type: EventType;
  class: string;
  shares: string;
  pricePerShare: string | null;
  currency: CurrencyCode;
  gross: string | null;
  fees: string | null;
  net: string | null;
  costBasis: string | null;
  gain: string | null;
};

export type ProceedsTotalJson = {
  currency: CurrencyCode;
  gross: string | null;
  fees: string | null;
  net: string | null;
  costBasis: string | null;
  gain: string | null;
};

/** docs/cli.md `proceeds`; `holders` (the group members counted) only in the group view. */
export type ProceedsJson = {
  holder: HolderId;
  method: CostMethod;
  currency: CurrencyCode | null;
  disposals: DisposalJson[];
  totals: ProceedsTotalJson[];
  holders?: HolderId[];
};

export type ProceedsStreams = Readonly<{
  /** Every issuer stream to look at, each in revision order. */
  issuerStreams: ReadonlyArray<ReadonlyArray<StoredEvent>>;
  holderEvents: ReadonlyArray<StoredEvent>;
  fxEvents: ReadonlyArray<StoredEvent>;
}>;

export type ProceedsRequest = Readonly<{
  holder: HolderId;
  method: CostMethod;
  from?: IsoDate;
  to?: IsoDate;
  currency?: CurrencyCode;
  group?: boolean;
}>;

export type ProceedsAnswer = Readonly<{ proceeds: ProceedsJson; warnings: string[] }>;

type Amounts = { gross: Rational | null; fees: Rational | null; net: Rational | null; costBasis: Rational | null; gain: Rational | null };

const plus = (a: Rational | null, b: Rational | null): Rational | null => (a === null || b === null ? null : add(a, b));
const minus = (a: Rational | null, b: Rational | null): Rational | null => (a === null || b === null ? null : sub(a, b));

/**
 * A disposal's amounts in the output currency: its own, unless `--currency` asks for another.
 * Proceeds convert at the disposal date; each lot's cost at its acquisition date, also when only
 * the lot's currency differs from the sale's (docs/proceeds.md#currency). A missing rate nulls what needs it.
 */
const amountsOf = (d: Disposal, target: CurrencyCode, fx: CurrencyConverter): Amounts & { price: Rational | null } => {
  const what = `the ${d.type} of ${d.date} (${d.eventId})`;
  const gross = fx.convert(d.gross, d.currency, target, d.date, what);
  const fees = fx.convert(d.fees, d.currency, target, d.date, what);
  const price = fx.convert(d.pricePerShare, d.currency, target, d.date, what);
  let costBasis: Rational | null = ZERO;
  for (const lot of d.lots) costBasis = plus(costBasis, fx.convert(lot.cost, lot.currency, target, lot.date, `the cost basis of ${what}`));
  const net = minus(gross, fees);
  return { price, gross, fees, net, costBasis, gain: minus(net, costBasis) };
};

const money = (a: Amounts) => ({
  gross: formatMoney(a.gross),
  fees: formatMoney(a.fees),
  net: formatMoney(a.net),
  costBasis: formatMoney(a.costBasis),
  gain: formatMoney(a.gain),
});

/** Sale order across issuers: date, issuer, then the timeline. */
const bySale = (a: Disposal, b: Disposal): number =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : compareText(a.issuer, b.issuer) || a.revision - b.revision;

/** Whose disposals count (docs/proceeds.md#group): the holder, or its group's members while they belong. */
export type ProceedsTargets = Readonly<{
  /** Every holder whose disposals may count. */
  targets: HolderId[];
  counts: (holder: HolderId, date: IsoDate) => boolean;
  /** With `--group`: the members the answer lists. */
  members: HolderId[] | undefined;
}>;

/** The holders a request is about, from the `holders` timeline (every date, as known at knownAt). */
export const proceedsTargets = (holderTimeline: Iterable<PlacedEvent>, request: ProceedsRequest): ProceedsTargets => {
  const { holder } = request;
  if (!request.group) return { targets: [holder], counts: (h) => h === holder, members: undefined };
  const group = groupHistory(holderTimeline, holder);
  const targets = everMembers(group);
  return { targets, counts: (h, date) => isMemberOn(group, h, date), members: targets };
};

/**
 * Which types of event may change the cost lots of holders they do not name (a split, an IPO's
 * class conversions): with the events naming the holders tracked, what `issuerDisposals` needs. A
 * record over every type, so that a new type must say.
 */
const REACHES_UNNAMED: Readonly<Record<EventType, boolean>> = {
  StockSplit: true,
  IPOCompleted: true,
  IssuerRegistered: false,
  ShareClassAdded: false,
  SharesIssued: false,
  FundingRoundClosed: false,
  BlockSale: false,
  SharesTransferred: false,
  SharesRepurchased: false,
  SharesConverted: false,
  StakeDisclosed: false,
  EventRetracted: false,
  HolderRegistered: false,
  FxRateRecorded: false,
};

/** The types `issuerDisposals` needs besides the events naming the holders it tracks. */
export const LOT_CONTEXT_TYPES: ReadonlyArray<EventType> = (Object.keys(REACHES_UNNAMED) as EventType[]).filter((t) => REACHES_UNNAMED[t]);

/**
 * Whether a fold of part of an issuer's timeline gives the whole one's disposals: always with
 * `--currency`, or under fifo. Under avg without it, which lots a pool keeps apart by date depends
 * on every sale's currency in the issuer (`saleCurrencies`), so it needs the whole timeline.
 */
export const foldsFromPart = (request: ProceedsRequest): boolean => request.currency !== undefined || request.method === 'fifo';

/**
 * The counted disposals of one issuer's timeline (at `--to` and knownAt), from `--from` on.
 * `timeline` is the whole timeline, or (when `foldsFromPart`) every event of it that names one of
 * `holdersFeeding(timeline, targets)` or is of one of LOT_CONTEXT_TYPES. Read twice, so an
 * iterable that starts over on each iteration (not a one-shot generator).
 */
export const issuerDisposals = (
  issuer: IssuerId,
  timeline: Iterable<PlacedEvent>,
  request: ProceedsRequest,
  who: ProceedsTargets,
): Disposal[] => {
  const { feeding, saleCurrencies } = feedingAndSales(timeline, who.targets);
  // A cost is converted (at its acquisition date) only into a currency other than its own.
  const into = request.currency ? [request.currency] : [...saleCurrencies];
  const datesMatter = (c: CurrencyCode) => into.some((target) => target !== c);
  const found: Disposal[] = [];
  const { from } = request;
  eachDisposal(
    issuer,
    timeline,
    request.method,
    (h) => feeding.has(h),
    who.counts,
    (d) => {
      if (from === undefined || d.date >= from) found.push(d);
    },
    datesMatter,
  );
  return found;
};

/**
 * Whether a disposal of a fold of the whole timeline (every date, every holder tracked) is one
 * `issuerDisposals` gives for the request: its seller counts on its date, and it is dated in
 * `--from`…`--to` (a disposal depends only on the events before it).
 */
export const isCounted =
  (request: ProceedsRequest, who: ProceedsTargets) =>
  (d: Disposal): boolean =>
    who.counts(d.seller, d.date) &&
    (request.from === undefined || d.date >= request.from) &&
    (request.to === undefined || d.date <= request.to);

/**
 * Realized proceeds (docs/proceeds.md) of a holder, or of its control group (each member's
 * disposals while it belonged to the group), at `knownAt`, over every issuer stream given. Pure:
 * warnings (missing FX rates) are returned for the caller to print, not put in the JSON.
 */
export const projectProceeds = (streams: ProceedsStreams, request: ProceedsRequest, knownAt: Instant): ProceedsAnswer => {
  const who = proceedsTargets(selectTimeline(streams.holderEvents, { asOf: END_OF_TIME, knownAt }), request);
  // Disposals after --to cannot depend on anything later: the timeline stops there.
  const at = { asOf: request.to ?? END_OF_TIME, knownAt };
  const found: Disposal[] = [];
  for (const events of streams.issuerStreams) {
    const issuer = events.length ? issuerOfStream(events[0]!.stream) : undefined;
    if (issuer === undefined) continue;
    for (const d of issuerDisposals(issuer, selectTimeline(events, at), request, who)) found.push(d);
  }
  return proceedsOf(found, selectTimeline(streams.fxEvents, { asOf: END_OF_TIME, knownAt }), request, who);
};

/** The answer from the counted disposals of every issuer (in any order) and the `fx` timeline. */
export const proceedsOf = (
  found: Disposal[],
  fxTimeline: Iterable<PlacedEvent>,
  request: ProceedsRequest,
  who: ProceedsTargets,
): ProceedsAnswer => {
  found.sort(bySale);
  const fx = new CurrencyConverter(fxRates(fxTimeline));
  const tally = new ProceedsTally(request, fx);
  for (const d of found) tally.add(d);
  const proceeds = tally.proceeds();
  if (who.members) proceeds.holders = who.members;
  return { proceeds, warnings: fx.warnings };
};

/**
 * Between the fields of a line as the tally keeps it; no field holds it (ids, dates, types, class
 * ids, currency codes and numbers), and none is empty, so an empty field is a null.
 */
const SEP = '\u001f';

/**
 * The proceeds of disposals, added in sale order: each priced in the output currency as it comes
 * (converted by `fx`, which collects the warnings), and their totals by currency. A long fold
 * keeps the lines and running totals, not the disposals and the lots they used up.
 */
export class ProceedsTally {
  private readonly totals = new Map<CurrencyCode, Amounts>();
  private added = 0;

  /**
   * `packed`: where the lines go, a line per disposal as one text of its fields (half the memory
   * of the object and its strings: a report on a busy issuer keeps one for each of its 100,000s of
   * disposals until it is written); or false for a tally that only counts and totals (see lines).
   */
  constructor(
    private readonly request: Pick<ProceedsRequest, 'holder' | 'method' | 'currency'>,
    private readonly fx: CurrencyConverter,
    private readonly packed: TextLines | false = [],
  ) {}

  add(d: Disposal): void {
    const currency = this.request.currency ?? d.currency;
    const a = amountsOf(d, currency, this.fx);
    const t = this.totals.get(currency);
    this.totals.set(
      currency,
      t
        ? {
            gross: plus(t.gross, a.gross),
            fees: plus(t.fees, a.fees),
            net: plus(t.net, a.net),
            costBasis: plus(t.costBasis, a.costBasis),
            gain: plus(t.gain, a.gain),
          }
        : a,
    );
    this.added += 1;
    if (this.packed === false) return;
    this.packed.push(
      [
        d.eventId,
        d.issuer,
        d.date,
        d.type,
        d.class,
        d.shares.toString(),
        formatPrice(a.price) ?? '',
        currency,
        formatMoney(a.gross) ?? '',
        formatMoney(a.fees) ?? '',
        formatMoney(a.net) ?? '',
        formatMoney(a.costBasis) ?? '',
        formatMoney(a.gain) ?? '',
      ].join(SEP),
    );
  }

  /** The lines so far, in sale order: new objects at each call, unpacked from their text. */
  lines(): DisposalJson[] {
    if (this.packed === false) throw new Error('this proceeds tally counts its disposals without keeping them');
    return Array.from(this.packed, (text) => {
      const f = text.split(SEP);
      return {
        eventId: f[0] as EventId,
        issuer: f[1] as IssuerId,
        date: f[2] as IsoDate,
        type: f[3] as EventType,
        class: f[4]!,
        shares: f[5]!,
        pricePerShare: f[6] || null,
        currency: f[7] as CurrencyCode,
        gross: f[8] || null,
        fees: f[9] || null,
        net: f[10] || null,
        costBasis: f[11] || null,
        gain: f[12] || null,
      };
    });
  }

  /** How many disposals were added. */
  get count(): number {
    return this.added;
  }

  /** The totals so far, by currency. */
  totalsJson(): ProceedsTotalJson[] {
    return [...this.totals].sort(([a], [b]) => compareText(a, b)).map(([currency, a]) => ({ currency, ...money(a) }));
  }

  /** The missing exchange rates met so far (the converter's warnings). */
  get warnings(): string[] {
    return this.fx.warnings;
  }

  proceeds(): ProceedsJson {
    const { holder, method } = this.request;
    return {
      holder,
      method,
      currency: this.request.currency ?? null,
      disposals: this.lines(),
      totals: this.totalsJson(),
    };
  }
}
