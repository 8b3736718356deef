import type {
  ClassId,
  CurrencyCode,
  Decimal,
  EventId,
  EventType,
  HolderId,
  Instant,
  IsoDate,
  IssuerId,
  ShareClassSpec,
  StoredEvent,
} from '../events/index.js';
import { stepsOf } from '../src/domain/eventTypes/index.js';
import {
  evolveIssuer,
  initialIssuerState,
  type IssuerState,
  outstandingOf,
  positionsTouched,
  ratioParts,
  sharesOf,
} from '../src/domain/issuerState.js';
import { IgnoreSteps } from '../src/domain/registerSteps.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { compareText, formatShareOf } from './format.js';
import { END_OF_TIME, selectTimeline } from './timeline.js';

export type HistoryEntryJson = {
  date: IsoDate;
  eventId: EventId;
  type: EventType;
  holder: HolderId;
  class: ClassId;
  sharesBefore: string;
  sharesAfter: string;
  percentOfClassBefore: string | null;
  percentOfClassAfter: string | null;
};

/** docs/cli.md `history`. */
export type HistoryJson = { issuer: IssuerId; entries: HistoryEntryJson[] };

type Position = { cls: ClassId; holder: HolderId; shares: bigint; outstanding: bigint };

const keyOf = (cls: ClassId, holder: HolderId): string => `${cls}\u0000${holder}`;

/** The positions an event may change, with their shares and class outstanding before it applies. */
const positionsBefore = (s: IssuerState, touched: Iterable<[ClassId, HolderId]>, only: HolderId | undefined): Map<string, Position> => {
  const positions = new Map<string, Position>();
  for (const [cls, holder] of touched) {
    if (only !== undefined && holder !== only) continue;
    const key = keyOf(cls, holder);
    if (!positions.has(key)) positions.set(key, { cls, holder, shares: sharesOf(s, cls, holder), outstanding: outstandingOf(s, cls) });
  }
  return positions;
};

/**
 * Every change of a holding in an issuer's timeline (docs/queries.md#history), for one holder or all: the
 * shares and % of class before and after each event that changed it, in timeline order, then by
 * class and holder. Outstanding before/after is that of the position's class.
 */
export const historyOf = (issuer: IssuerId, timeline: ReadonlyArray<PlacedEvent>, holder?: HolderId): HistoryJson => {
  const state = initialIssuerState(issuer);
  const entries: HistoryEntryJson[] = [];
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i]!;
    const positions = positionsBefore(state, positionsTouched(state, e), holder);
    evolveIssuer(state, e);
    if (positions.size === 0) continue;
    const changed: HistoryEntryJson[] = [];
    for (const p of positions.values()) {
      const after = sharesOf(state, p.cls, p.holder);
      if (after === p.shares) continue;
      changed.push({
        date: e.date,
        eventId: e.id,
        type: e.type,
        holder: p.holder,
        class: p.cls,
        sharesBefore: p.shares.toString(),
        sharesAfter: after.toString(),
        percentOfClassBefore: formatShareOf(p.shares, p.outstanding),
        percentOfClassAfter: formatShareOf(after, outstandingOf(state, p.cls)),
      });
    }
    changed.sort((a, b) => compareText(a.class, b.class) || compareText(a.holder, b.holder));
    for (const c of changed) entries.push(c);
  }
  return { issuer, entries };
};

/** History at `knownAt`, over every effective date (docs/queries.md#history). Pure. */
export const projectHistory = (
  issuerEvents: ReadonlyArray<StoredEvent>,
  issuer: IssuerId,
  knownAt: Instant,
  holder?: HolderId,
): HistoryJson => historyOf(issuer, selectTimeline(issuerEvents, { asOf: END_OF_TIME, knownAt }), holder);

// ---- one holder, from the events that name it and those that change the classes ----

/**
 * Whether events of a type may change a class's outstanding shares (or the classes) besides the
 * holdings of the holders they name: what one holder's history reads besides the events naming
 * it (`holderHistoryOf`). A record over every type, so that a new type must say.
 */
const CHANGES_OUTSTANDING: Readonly<Record<EventType, boolean>> = {
  IssuerRegistered: true,
  ShareClassAdded: true,
  SharesIssued: true,
  FundingRoundClosed: true,
  IPOCompleted: true,
  SharesRepurchased: true,
  StockSplit: true,
  SharesConverted: true,
  BlockSale: false,
  SharesTransferred: false,
  StakeDisclosed: false,
  EventRetracted: false,
  HolderRegistered: false,
  FxRateRecorded: false,
};

/** The types `holderHistoryOf` needs besides the events naming the holder. */
export const HOLDER_HISTORY_TYPES: ReadonlyArray<EventType> = (Object.keys(CHANGES_OUTSTANDING) as EventType[]).filter(
  (t) => CHANGES_OUTSTANDING[t],
);

/**
 * One holder's shares and every class's outstanding shares, moved by the events' steps as
 * `evolveIssuer` moves them. A split or a class conversion scales the outstanding shares as a
 * whole: the sum of every holding's scaled shares, which it is on a timeline the checks accepted
 * (holdings sum to outstanding and each scales to whole shares).
 */
class HolderAndOutstanding extends IgnoreSteps {
  readonly classes = new Set<ClassId>();
  readonly outstanding = new Map<ClassId, bigint>();
  readonly shares = new Map<ClassId, bigint>();
  registered = false;
  /** The holder's shares before the event, of each class whose holding it touched. */
  readonly before = new Map<ClassId, bigint>();
  /** The outstanding shares before the event, of each class it changed. */
  private readonly outstandingBefore = new Map<ClassId, bigint>();

  /** Starts an event. */
  next(): void {
    this.before.clear();
    this.outstandingBefore.clear();
  }

  /** The outstanding shares of a class before the event. */
  startOf(cls: ClassId): bigint {
    return this.outstandingBefore.get(cls) ?? this.outstanding.get(cls) ?? 0n;
  }

  private setOutstanding(cls: ClassId, value: bigint): void {
    if (!this.outstandingBefore.has(cls)) this.outstandingBefore.set(cls, this.outstanding.get(cls) ?? 0n);
    this.outstanding.set(cls, value);
  }

  constructor(private readonly holder: HolderId) {
    super();
  }

  private adjust(cls: ClassId, holder: HolderId, delta: bigint, changesOutstanding: boolean): void {
    if (!this.classes.has(cls)) return;
    if (holder === this.holder) {
      const own = this.shares.get(cls) ?? 0n;
      if (!this.before.has(cls)) this.before.set(cls, own);
      this.shares.set(cls, own + delta);
    }
    if (changesOutstanding) this.setOutstanding(cls, (this.outstanding.get(cls) ?? 0n) + delta);
  }

  private newClass(cls: ClassId): void {
    if (this.classes.has(cls)) return;
    this.classes.add(cls);
    this.outstanding.set(cls, 0n);
  }

  override issue(cls: ClassId, holder: HolderId, shares: bigint): void {
    this.adjust(cls, holder, shares, true);
  }
  override move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint): void {
    this.adjust(cls, from, -shares, false);
    this.adjust(cls, to, shares, false);
  }
  override cancel(cls: ClassId, holder: HolderId, shares: bigint): void {
    this.adjust(cls, holder, -shares, true);
  }
  override convert(holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: bigint, ratio: Decimal | undefined): void {
    const [num, den] = ratioParts(ratio);
    this.adjust(fromClass, holder, -shares, true);
    this.adjust(toClass, holder, (shares * num) / den, true);
  }
  override convertClass(_n: number, fromClass: ClassId, toClass: ClassId, ratio: Decimal): void {
    if (!this.classes.has(fromClass) || !this.classes.has(toClass)) return;
    const [num, den] = ratioParts(ratio);
    const own = this.shares.get(fromClass) ?? 0n;
    if (own !== 0n) {
      this.adjust(fromClass, this.holder, -own, false);
      this.adjust(toClass, this.holder, (own * num) / den, false);
    }
    const all = this.outstanding.get(fromClass) ?? 0n;
    this.setOutstanding(fromClass, 0n);
    this.setOutstanding(toClass, (this.outstanding.get(toClass) ?? 0n) + (all * num) / den);
  }
  override split(cls: ClassId | undefined, num: bigint, den: bigint): void {
    for (const c of cls === undefined ? [...this.classes] : [cls]) {
      if (!this.classes.has(c)) continue;
      const own = this.shares.get(c) ?? 0n;
      if (own !== 0n) this.adjust(c, this.holder, (own * num) / den - own, false);
      this.setOutstanding(c, ((this.outstanding.get(c) ?? 0n) * num) / den);
    }
  }
  override register(_date: IsoDate, _name: string, _currency: CurrencyCode, classes: ReadonlyArray<ShareClassSpec>): void {
    if (this.registered) return;
    this.registered = true;
    for (const c of classes) this.newClass(c.class);
  }
  override addClass(cls: ClassId): void {
    this.newClass(cls);
  }
}

/**
 * `historyOf(issuer, timeline, holder)` from a part of the timeline: every event that names the
 * holder or is of one of HOLDER_HISTORY_TYPES must be there (others are skipped as they come).
 * The same entries, without folding every other holder's holdings.
 */
export const holderHistoryOf = (issuer: IssuerId, timeline: Iterable<PlacedEvent>, holder: HolderId): HistoryJson => {
  const fold = new HolderAndOutstanding(holder);
  const entries: HistoryEntryJson[] = [];
  for (const e of timeline) {
    fold.next();
    stepsOf(e, fold);
    if (fold.before.size === 0) continue;
    const changed: HistoryEntryJson[] = [];
    for (const [cls, before] of fold.before) {
      const after = fold.shares.get(cls) ?? 0n;
      if (after === before) continue;
      changed.push({
        date: e.date,
        eventId: e.id,
        type: e.type,
        holder,
        class: cls,
        sharesBefore: before.toString(),
        sharesAfter: after.toString(),
        percentOfClassBefore: formatShareOf(before, fold.startOf(cls)),
        percentOfClassAfter: formatShareOf(after, fold.outstanding.get(cls) ?? 0n),
      });
    }
    changed.sort((a, b) => compareText(a.class, b.class));
    for (const c of changed) entries.push(c);
  }
  return { issuer, entries };
};
