import fs from 'node:fs';
import { IssuerModel, type RetractionCandidate } from './issuerModel.js';
import { Prng, uniqueUuid } from './prng.js';
import type { LedgerShape } from './shapes.js';

/**
 * A deterministic synthetic ledger (issue 7): many issuers and holders, every event type of docs/events.md
 * in realistic proportions, a few % back-dated entries and a few ‰ retractions — all valid against
 * the ledger's invariants, because the generator keeps its own model of every holding (see
 * IssuerModel for which back-dates and retractions it allows). Output: docs/events.md#streams input envelopes
 * with ids, one JSON object per line.
 */

/** Relative weights of issuer-stream events once an issuer is registered. */
const ISSUER_MIX = {
  BlockSale: 30,
  SharesTransferred: 18,
  SharesIssued: 22,
  FundingRoundClosed: 3,
  SharesRepurchased: 4,
  SharesConverted: 2,
  StakeDisclosed: 5,
  StockSplit: 0.04,
  ShareClassAdded: 0.05,
  IPOCompleted: 0.15,
  EventRetracted: 0.35,
} as const;
type IssuerKind = keyof typeof ISSUER_MIX;
const ISSUER_MIX_TOTAL = Object.values(ISSUER_MIX).reduce((a, b) => a + b, 0);

const HOLDER_REGISTRATIONS = 0.012;
const FX_RATES = 0.008;
const BACK_DATED = 0.08;
const MAX_BACK_DAYS = 120;
const MAX_SPLITS = 3;
const MID_ISSUER_INDEX = 5;
/** Lines per write of writeLedger. */
const CHUNK_LINES = 4096;
const START_DAY_MS = Date.UTC(1995, 0, 2);
const CURRENCIES = ['HKD', 'USD', 'CNY', 'EUR', 'GBP'] as const;
const FX_PAIRS: ReadonlyArray<[string, string, number]> = [
  ['USD', 'HKD', 7.8],
  ['USD', 'CNY', 6.9],
  ['EUR', 'USD', 1.1],
  ['GBP', 'USD', 1.3],
];
const EXCHANGES = ['HKEX', 'NYSE', 'NASDAQ', 'SSE', 'LSE'] as const;
const REASONS = ['entered twice', 'wrong counterparty', 'filing was amended', 'share count typo', 'booked against the wrong issuer'];

type Envelope = Record<string, unknown>;
export type GenerationStats = {
  lines: number;
  byType: Record<string, number>;
  backDated: number;
  retractions: number;
  hotIssuer: string;
  hotIssuerEvents: number;
  /** The holder the hot issuer names most: the head of its skewed cast (see castHolder). */
  hotHolder: string;
  /**
   * An ordinary issuer for per-issuer questions: the sixth registered (the last when there are
   * fewer), early enough to have a cold issuer's share of the whole span (~3,200 events at 1m).
   */
  midIssuer: string;
  midIssuerEvents: number;
};

const shareJson = (n: bigint): number | string => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());
const money = (x: number, digits = 2): string => Math.max(x, 10 ** -digits).toFixed(digits);
const fraction = (n: bigint, f: number): bigint => (n * BigInt(Math.floor(f * 1_000_000))) / 1_000_000n;
const roundLot = (n: bigint): bigint => (n >= 1_000n ? (n / 100n) * 100n : n);

class LedgerGenerator {
  private readonly rng: Prng;
  private readonly salt: number;
  private day = 0;
  private counter = 0;
  private readonly models: IssuerModel[] = [];
  private readonly holderNames: string[] = [];
  private nextHolderToRegister = 0;
  private readonly registryCandidates: string[] = [];
  private readonly fxCandidates: string[] = [];
  private readonly fxLevels = FX_PAIRS.map(([, , level]) => level);
  private readonly dates: string[] = [];
  private readonly dayStep: number;
  private readonly registerChance: number;
  readonly stats: GenerationStats;

  constructor(
    private readonly shape: LedgerShape,
    seed: number,
  ) {
    this.rng = new Prng(seed);
    this.salt = this.rng.next32();
    for (let i = 0; i < shape.holders; i++) this.holderNames.push(i < shape.groups ? `group-${i}` : `holder-${i}`);
    this.dayStep = shape.spanDays / shape.events;
    this.registerChance = shape.issuers / (0.15 * shape.events);
    this.stats = {
      lines: 0,
      byType: {},
      backDated: 0,
      retractions: 0,
      hotIssuer: 'co-0000',
      hotIssuerEvents: 0,
      hotHolder: this.holderNames[Math.min(shape.groups, shape.holders - 1)]!,
      midIssuer: '',
      midIssuerEvents: 0,
    };
  }

  *lines(): Generator<string> {
    for (let i = 0; i < this.shape.events; i++) {
      this.advanceDay();
      const e = this.next();
      const type = e['type'] as string;
      this.stats.byType[type] = (this.stats.byType[type] ?? 0) + 1;
      if (e['issuer'] === this.stats.hotIssuer) this.stats.hotIssuerEvents++;
      this.stats.lines++;
      yield JSON.stringify(e);
    }
    const mid = this.models[Math.min(MID_ISSUER_INDEX, this.models.length - 1)];
    if (mid) Object.assign(this.stats, { midIssuer: mid.id, midIssuerEvents: 1 + mid.seq });
  }

  private advanceDay(): void {
    const whole = Math.floor(this.dayStep);
    this.day += whole + (this.rng.chance(this.dayStep - whole) ? 1 : 0);
  }

  private dateOf(day: number): string {
    return (this.dates[day] ??= new Date(START_DAY_MS + day * 86_400_000).toISOString().slice(0, 10));
  }

  private newId(): string {
    return uniqueUuid(this.rng, this.counter++, this.salt);
  }

  private envelope(type: string, issuer: string | undefined, day: number, data: Envelope): Envelope {
    const e: Envelope = { id: this.newId(), type };
    if (issuer !== undefined) e['issuer'] = issuer;
    e['date'] = this.dateOf(day);
    e['data'] = data;
    if (this.rng.chance(0.2)) e['source'] = `https://filings.example.com/${this.dateOf(day).slice(0, 4)}/${this.rng.int(10_000, 99_999)}`;
    if (day < this.day) {
      e['note'] = 'recorded late from a filing';
      this.stats.backDated++;
    }
    return e;
  }

  private next(): Envelope {
    if (this.models.length === 0 || (this.models.length < this.shape.issuers && this.rng.chance(this.registerChance)))
      return this.registerIssuer();
    const r = this.rng.float();
    if (r < HOLDER_REGISTRATIONS) return this.holderRegistered();
    if (r < HOLDER_REGISTRATIONS + FX_RATES) return this.fxRate();
    return this.issuerEvent(this.pickIssuer());
  }

  // ---- global streams ----

  private holderRegistered(): Envelope {
    if (this.registryCandidates.length > 8 && this.rng.chance(0.01)) {
      const id = this.registryCandidates.splice(this.rng.int(0, this.registryCandidates.length - 1), 1)[0]!;
      this.stats.retractions++;
      return this.envelope('EventRetracted', undefined, this.day, { eventId: id, reason: this.rng.pick(REASONS) });
    }
    const index = this.nextHolderToRegister < this.shape.holders ? this.nextHolderToRegister++ : this.rng.int(0, this.shape.holders - 1);
    const holder = this.holderNames[index]!;
    const isGroup = index < this.shape.groups;
    const data: Envelope = {
      holder,
      name: isGroup ? `Group ${index} Holdings` : `Holder ${index} ${this.rng.pick(['Capital', 'Partners', 'Fund', 'Investments', 'Ltd'])}`,
    };
    // Two levels only (heads are never controlled): no control cycle can arise at any date.
    if (!isGroup && this.rng.chance(0.4)) data['controlledBy'] = this.holderNames[this.rng.int(0, this.shape.groups - 1)]!;
    const e = this.envelope('HolderRegistered', undefined, this.day, data);
    this.registryCandidates.push(e['id'] as string);
    if (this.registryCandidates.length > 64) this.registryCandidates.shift();
    return e;
  }

  private fxRate(): Envelope {
    if (this.fxCandidates.length > 8 && this.rng.chance(0.01)) {
      const id = this.fxCandidates.splice(this.rng.int(0, this.fxCandidates.length - 1), 1)[0]!;
      this.stats.retractions++;
      return this.envelope('EventRetracted', undefined, this.day, { eventId: id, reason: this.rng.pick(REASONS) });
    }
    const i = this.rng.int(0, FX_PAIRS.length - 1);
    const [base, quote] = FX_PAIRS[i]!;
    this.fxLevels[i] = this.fxLevels[i]! * Math.exp(0.01 * (this.rng.float() - 0.5));
    const e = this.envelope('FxRateRecorded', undefined, this.day, { base, quote, rate: money(this.fxLevels[i]!, 5) });
    this.fxCandidates.push(e['id'] as string);
    if (this.fxCandidates.length > 64) this.fxCandidates.shift();
    return e;
  }

  // ---- issuers ----

  private registerIssuer(): Envelope {
    const n = this.models.length;
    const id = `co-${String(n).padStart(4, '0')}`;
    const listed = n === 0 ? true : this.rng.chance(0.5);
    const m = new IssuerModel(id, this.rng.pick(CURRENCIES), listed, this.day, this.rng);
    const classes = listed
      ? [
          { class: 'A', votesPerShare: 10 },
          { class: 'B', votesPerShare: 1 },
        ]
      : [
          { class: 'ord', votesPerShare: 1 },
          { class: 'pref', votesPerShare: 1 },
        ];
    for (const c of classes) m.addClass(c.class, c.votesPerShare, this.day);
    this.models.push(m);
    const data: Envelope = { name: `Company ${n} ${listed ? 'Group' : 'Technologies'}`, currency: m.currency, classes };
    if (listed) Object.assign(data, { exchange: this.rng.pick(EXCHANGES), ticker: `C${String(n).padStart(4, '0')}` });
    return this.envelope('IssuerRegistered', id, this.day, data);
  }

  private pickIssuer(): IssuerModel {
    if (this.models.length === 1 || this.rng.chance(this.shape.hotIssuerShare)) return this.models[0]!;
    return this.models[this.rng.int(1, this.models.length - 1)]!;
  }

  /** A holder from the issuer's cast: a skewed pick from a window of the universe. */
  private castHolder(m: IssuerModel, not?: string): string {
    const groups = this.shape.groups;
    const others = this.shape.holders - groups;
    for (;;) {
      const pickGroup = this.rng.chance(0.08);
      const cast = m === this.models[0] ? Math.min(others, 2_000) : Math.min(others, 150);
      const offset = (Number(m.id.slice(3)) * 97) % others;
      const h = pickGroup
        ? this.holderNames[this.rng.int(0, groups - 1)]!
        : this.holderNames[groups + ((offset + this.rng.skewed(cast, 1.6)) % others)]!;
      if (h !== not) return h;
    }
  }

  private price(m: IssuerModel): string {
    m.priceLevel = Math.min(5_000, Math.max(0.05, m.priceLevel * Math.exp(0.04 * (this.rng.float() - 0.5))));
    return money(m.priceLevel);
  }

  private issuedShares(): bigint {
    return roundLot(BigInt(Math.floor(10 ** (3 + this.rng.float() * 4))));
  }

  /** The effective day of an increase: today, or now and then back-dated as far as the model allows. */
  private increaseDay(m: IssuerModel, cls: string): number {
    if (!this.rng.chance(BACK_DATED)) return this.day;
    return Math.max(m.backDateFloor(cls), this.day - this.rng.int(1, MAX_BACK_DAYS));
  }

  private classWithHolders(m: IssuerModel, named = false): string | undefined {
    const usable = [...m.classes.keys()].filter((c) => m.holdersOf(c).some((h) => !named || h !== 'public'));
    return usable.length ? this.rng.pick(usable) : undefined;
  }

  private issuanceClass(m: IssuerModel): string {
    const extra = [...m.classes.keys()].filter((c) => c !== 'A' && c !== 'B' && c !== 'ord' && c !== 'pref');
    if (extra.length && this.rng.chance(0.1)) return this.rng.pick(extra);
    if (m.listed) return this.rng.chance(0.2) ? 'A' : 'B';
    return m.ipoDone ? 'ord' : this.rng.chance(0.6) ? 'pref' : 'ord';
  }

  private issuerEvent(m: IssuerModel): Envelope {
    m.seq++;
    const holdersNow = [...m.classes.keys()].reduce((n, c) => n + m.holdersOf(c).length, 0);
    const kind: IssuerKind = holdersNow < 3 ? 'SharesIssued' : this.rng.weighted(ISSUER_MIX, ISSUER_MIX_TOTAL);
    return this.tryKind(m, kind) ?? this.issue(m);
  }

  private tryKind(m: IssuerModel, kind: IssuerKind): Envelope | undefined {
    switch (kind) {
      case 'SharesIssued':
        return this.issue(m);
      case 'BlockSale':
        return this.blockSale(m);
      case 'SharesTransferred':
        return this.transfer(m);
      case 'FundingRoundClosed':
        return m.ipoDone ? undefined : this.fundingRound(m);
      case 'SharesRepurchased':
        return this.repurchase(m);
      case 'SharesConverted':
        return this.conversion(m);
      case 'StakeDisclosed':
        return this.disclosure(m);
      case 'StockSplit':
        return this.split(m);
      case 'ShareClassAdded':
        return this.classAdded(m);
      case 'IPOCompleted':
        return m.ipoDone || m.seq < 30 ? undefined : this.ipo(m);
      case 'EventRetracted':
        return this.retraction(m);
      default: {
        const _exhaustive: never = kind;
        return _exhaustive;
      }
    }
  }

  private issue(m: IssuerModel): Envelope {
    const cls = this.issuanceClass(m);
    const holder = m.outstandingOf(cls) === 0n && m.listed && cls === 'B' ? 'public' : this.castHolder(m);
    const shares = this.issuedShares();
    const day = this.increaseDay(m, cls);
    const data: Envelope = {
      holder,
      class: cls,
      shares: shareJson(shares),
      pricePerShare: this.rng.chance(0.1) ? '0' : this.price(m),
      currency: m.currency,
    };
    if (this.rng.chance(0.3)) data['reason'] = this.rng.pick(['employee share scheme', 'placing', 'scrip dividend', 'founder grant']);
    m.adjust(cls, holder, shares, true);
    const e = this.envelope('SharesIssued', m.id, day, data);
    if (day === this.day) m.remember({ id: e['id'] as string, seq: m.seq, cls, loser: holder, gainer: undefined, shares });
    return e;
  }

  private fundingRound(m: IssuerModel): Envelope {
    const cls = 'pref';
    const day = this.increaseDay(m, cls);
    const count = this.rng.int(1, 5);
    const allocations: Envelope[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const holder = this.castHolder(m);
      if (seen.has(holder)) continue;
      seen.add(holder);
      const shares = this.issuedShares();
      m.adjust(cls, holder, shares, true);
      allocations.push({ holder, shares: shareJson(shares) });
    }
    const data: Envelope = {
      round: `Series ${String.fromCharCode(65 + (m.seq % 26))}`,
      class: cls,
      pricePerShare: this.price(m),
      currency: m.currency,
      allocations,
    };
    if (this.rng.chance(0.5)) data['preMoneyValuation'] = money(Number(m.outstandingOf(cls)) * m.priceLevel * 3, 0);
    return this.envelope('FundingRoundClosed', m.id, day, data);
  }

  private blockSale(m: IssuerModel): Envelope | undefined {
    const cls = this.classWithHolders(m);
    if (cls === undefined) return undefined;
    const seller = this.rng.pick(m.holdersOf(cls));
    const held = m.sharesOf(cls, seller);
    const shares =
      this.rng.chance(0.15) && seller !== 'public'
        ? held
        : [roundLot(fraction(held, this.rng.float() ** 2 * 0.5)), 1n].reduce((a, b) => (a > b ? a : b));
    const buyer = seller === 'public' || this.rng.chance(0.35) ? this.castHolder(m, seller) : 'public';
    const pricePerShare = this.price(m);
    const data: Envelope = { seller, class: cls, shares: shareJson(shares), pricePerShare, currency: m.currency };
    if (buyer !== 'public') data['buyer'] = buyer;
    if (this.rng.chance(0.5)) data['fees'] = money(Number(shares) * Number(pricePerShare) * 0.001);
    m.adjust(cls, seller, -shares, false);
    m.adjust(cls, buyer, shares, false);
    const e = this.envelope('BlockSale', m.id, this.day, data);
    m.remember({ id: e['id'] as string, seq: m.seq, cls, loser: buyer, gainer: seller, shares });
    return e;
  }

  private transfer(m: IssuerModel): Envelope | undefined {
    const cls = this.classWithHolders(m, true);
    if (cls === undefined) return undefined;
    const from = this.rng.pick(m.holdersOf(cls).filter((h) => h !== 'public'));
    const shares = [roundLot(fraction(m.sharesOf(cls, from), this.rng.float() * 0.6)), 1n].reduce((a, b) => (a > b ? a : b));
    const to = this.castHolder(m, from);
    const data: Envelope = { from, to, class: cls, shares: shareJson(shares) };
    if (this.rng.chance(0.4)) data['consideration'] = { amount: money(Number(shares) * m.priceLevel), currency: m.currency };
    m.adjust(cls, from, -shares, false);
    m.adjust(cls, to, shares, false);
    return this.envelope('SharesTransferred', m.id, this.day, data);
  }

  private repurchase(m: IssuerModel): Envelope | undefined {
    const cls = this.classWithHolders(m);
    if (cls === undefined) return undefined;
    const fromPublic = m.sharesOf(cls, 'public') > 0n && this.rng.chance(0.7);
    const holder = fromPublic ? 'public' : this.rng.pick(m.holdersOf(cls));
    const shares = [roundLot(fraction(m.sharesOf(cls, holder), this.rng.float() * 0.05)), 1n].reduce((a, b) => (a > b ? a : b));
    const data: Envelope = { class: cls, shares: shareJson(shares) };
    if (holder !== 'public') data['holder'] = holder;
    if (this.rng.chance(0.7)) Object.assign(data, { pricePerShare: this.price(m), currency: m.currency });
    m.adjust(cls, holder, -shares, true);
    return this.envelope('SharesRepurchased', m.id, this.day, data);
  }

  private conversion(m: IssuerModel): Envelope | undefined {
    const from = this.classWithHolders(m, true);
    if (from === undefined) return undefined;
    const to = this.rng.pick([...m.classes.keys()].filter((c) => c !== from));
    const holder = this.rng.pick(m.holdersOf(from).filter((h) => h !== 'public'));
    const shares = [fraction(m.sharesOf(from, holder), this.rng.float()), 1n].reduce((a, b) => (a > b ? a : b));
    const ratio = this.rng.chance(0.8) ? 1n : 2n;
    const data: Envelope = { holder, fromClass: from, toClass: to, shares: shareJson(shares) };
    if (ratio !== 1n || this.rng.chance(0.5)) data['ratio'] = ratio.toString();
    m.adjust(from, holder, -shares, true);
    m.adjust(to, holder, shares * ratio, true);
    return this.envelope('SharesConverted', m.id, this.day, data);
  }

  private disclosure(m: IssuerModel): Envelope | undefined {
    const cls = this.classWithHolders(m, true);
    if (cls === undefined) return undefined;
    const holder = this.rng.pick(m.holdersOf(cls).filter((h) => h !== 'public'));
    const held = m.sharesOf(cls, holder);
    const data: Envelope = { holder, class: cls };
    const r = this.rng.float();
    if (r < 0.8) data['shares'] = shareJson(this.rng.chance(0.9) ? held : held + 100n);
    if (r > 0.5) data['percent'] = ((Number(held) / Number(m.outstandingOf(cls))) * 100).toFixed(4);
    if (this.rng.chance(0.5)) data['filing'] = `Disclosure of interests form ${this.rng.int(1, 3)}A`;
    const day = this.increaseDay(m, cls);
    const e = this.envelope('StakeDisclosed', m.id, day, data);
    if (day === this.day) m.remember({ id: e['id'] as string, seq: m.seq, cls, loser: undefined, gainer: undefined, shares: 0n });
    return e;
  }

  private split(m: IssuerModel): Envelope | undefined {
    const n = BigInt(this.rng.pick([2, 3, 4, 5, 10]));
    const cls = this.rng.chance(0.5) ? undefined : this.rng.pick([...m.classes.keys()]);
    const biggest = [...m.classes.keys()].reduce((a, c) => (m.outstandingOf(c) > a ? m.outstandingOf(c) : a), 0n);
    if (m.splits >= MAX_SPLITS || biggest * n * 100n > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    m.splits++;
    m.split(cls, n, this.day);
    const data: Envelope = { numerator: Number(n), denominator: 1 };
    if (cls !== undefined) data['class'] = cls;
    return this.envelope('StockSplit', m.id, this.day, data);
  }

  private classAdded(m: IssuerModel): Envelope | undefined {
    if (m.classesAdded >= 2) return undefined;
    const cls = ['C', 'D'][m.classesAdded++]!;
    const votesPerShare = this.rng.chance(0.5) ? 0 : 1;
    m.addClass(cls, votesPerShare, this.day);
    return this.envelope('ShareClassAdded', m.id, this.day, { class: cls, votesPerShare });
  }

  private ipo(m: IssuerModel): Envelope | undefined {
    const ratio = this.rng.chance(0.7) ? 1n : 2n;
    const data: Envelope = {
      exchange: this.rng.pick(EXCHANGES),
      ticker: `C${m.id.slice(3)}`,
      class: 'ord',
      offerPrice: this.price(m),
      currency: m.currency,
    };
    if (m.holdersOf('pref').length > 0) {
      data['conversions'] = [{ fromClass: 'pref', toClass: 'ord', ratio: ratio.toString() }];
      m.convertAll('pref', 'ord', ratio);
    }
    const newShares = roundLot(fraction(m.outstandingOf('ord'), 0.1 + this.rng.float() * 0.3));
    data['newShares'] = shareJson(newShares);
    if (newShares > 0n) m.adjust('ord', 'public', newShares, true);
    const sellers = m
      .holdersOf('ord')
      .filter((h) => h !== 'public')
      .slice(0, this.rng.int(0, 2));
    if (sellers.length) {
      data['secondarySales'] = sellers.map((seller) => {
        const shares = [roundLot(fraction(m.sharesOf('ord', seller), 0.1 + this.rng.float() * 0.2)), 1n].reduce((a, b) => (a > b ? a : b));
        m.adjust('ord', seller, -shares, false);
        m.adjust('ord', 'public', shares, false);
        return { seller, shares: shareJson(shares) };
      });
    }
    m.ipoDone = true;
    m.markStructural(this.day);
    return this.envelope('IPOCompleted', m.id, this.day, data);
  }

  private retraction(m: IssuerModel): Envelope | undefined {
    const usable = m.candidates.filter((c) => m.canRetract(c));
    if (usable.length === 0) return undefined;
    const target: RetractionCandidate = this.rng.pick(usable);
    m.retract(target);
    this.stats.retractions++;
    return this.envelope('EventRetracted', m.id, this.day, { eventId: target.id, reason: this.rng.pick(REASONS) });
  }
}

/** The lines of a generated ledger (without newlines), lazily: a 1M-event file never sits in memory. */
export const generateLedger = (shape: LedgerShape, seed: number): { lines: Iterable<string>; stats: GenerationStats } => {
  const generator = new LedgerGenerator(shape, seed);
  return { lines: generator.lines(), stats: generator.stats };
};

/**
 * Streams a generated ledger to `path` (JSONL) and returns what it wrote. Lines are produced one at
 * a time and written a chunk at a time with a blocking write, so the generator can never run ahead
 * of the disk (that is its backpressure) and memory holds one chunk, whatever the size.
 */
export const writeLedger = (path: string, shape: LedgerShape, seed: number): GenerationStats => {
  const { lines, stats } = generateLedger(shape, seed);
  const fd = fs.openSync(path, 'w');
  try {
    let chunk: string[] = [];
    for (const line of lines) {
      chunk.push(line);
      if (chunk.length === CHUNK_LINES) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
  return stats;
};
