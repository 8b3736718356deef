import type { ClassId, EventId, HolderId, IsoDate, IssuerId, Rational } from '../../events/index.js';
import { fromBigint, percentOf, PUBLIC } from '../../events/index.js';
import {
  evolveIssuer,
  initialIssuerState,
  type IssuerState,
  outstandingOf,
  positionsTouched,
  sharesOf,
} from '../../src/domain/issuerState.js';
import type { PlacedEvent } from '../../src/domain/timeline.js';
import { compareText } from '../format.js';
import { everMembers, type GroupHistory, groupHistory, isMemberOn } from '../registry.js';
import { RankedHolders } from './rankedHolders.js';

/**
 * The interest of one holder (or group) in one voting class at the end of a date on which it, or
 * the class's outstanding shares, changed: what every regime reads (docs/obligations.md).
 * `before` is the interest at the end of the day before (null on the start date: the listing);
 * a percentage is null when the class has no shares outstanding.
 */
export type InterestStep = Readonly<{
  holder: HolderId;
  class: ClassId;
  date: IsoDate;
  before: Rational | null;
  after: Rational | null;
  /** Whether the holder's (group's) own shares changed that day, net; else only the outstanding did. */
  own: boolean;
  /** The last event of the date that changed the holder's (group's) shares, else the class's outstanding. */
  eventId: EventId;
  start: boolean;
}>;

/** Whose interest is computed: one holder, every holder, or groups (a head and the holders it controls). */
export type InterestSubjects = Readonly<
  { group: false; holder?: HolderId } | { group: true; heads: ReadonlyArray<HolderId>; holdersTimeline: ReadonlyArray<PlacedEvent> }
>;

const DAY = 86_400_000;
const dayBefore = (date: IsoDate): IsoDate => new Date(Date.parse(date) - DAY).toISOString().slice(0, 10) as IsoDate;
const keyOf = (cls: ClassId, holder: HolderId): string => `${cls}\u0000${holder}`;
const pct = (shares: bigint, outstanding: bigint): Rational | null => percentOf(fromBigint(shares), fromBigint(outstanding));

/** What one date did: the shares each changed position held before it, and each event's net changes. */
type Day = {
  startShares: Map<string, bigint>;
  touched: Map<ClassId, Set<HolderId>>;
  startOutstanding: Map<ClassId, bigint>;
  /** In timeline order: per event, the net change of each position it changed. */
  changes: Array<{ eventId: EventId; deltas: Map<string, bigint> }>;
  /** Per position, the last event of `changes` that changed it. */
  lastChangeOf: Map<string, EventId>;
  lastOutstandingChange: Map<ClassId, EventId>;
  lastEvent: EventId | undefined;
  registryEvent: EventId | undefined;
};

/** How the subjects' shares are read: one holder, or the sum over a group's members on a date. */
type SubjectModel = Readonly<{
  /** Every subject, for the start date and days control changed. */
  all: (state: IssuerState, cls: ClassId) => Iterable<HolderId>;
  /**
   * At least the subjects whose shares at the end of the day pass `reaches` (a monotone test: if
   * it holds for some shares it holds for more), for days the outstanding shrank.
   */
  reaching: (state: IssuerState, cls: ClassId, reaches: (shares: bigint) => boolean) => Iterable<HolderId>;
  /** Brings what the model keeps up to date with the end of `day`, before the day is evaluated. */
  settle: (state: IssuerState, day: Day) => void;
  /** The subjects whose shares a changed position may have moved. */
  of: (holder: HolderId) => Iterable<HolderId>;
  shares: (state: IssuerState, day: Day, cls: ClassId, subject: HolderId, date: IsoDate) => { before: bigint; after: bigint };
  lastOwnChange: (day: Day, cls: ClassId, subject: HolderId, date: IsoDate) => EventId | undefined;
}>;

const holderModel = (only: HolderId | undefined): SubjectModel => {
  const ranked = new Map<ClassId, RankedHolders>();
  /** Per class, the holders whose shares moved since the ranking was last brought up to date. */
  const moved = new Map<ClassId, Set<HolderId>>();
  const rankedOf = (state: IssuerState, cls: ClassId): RankedHolders => {
    let r = ranked.get(cls);
    if (!r) ranked.set(cls, (r = new RankedHolders()));
    const holders = moved.get(cls);
    if (holders) {
      // After a split (or a long stretch of days) sorting afresh is cheaper than moving each holder.
      if (holders.size * 4 > r.size) r.reset(state.holdings.get(cls) ?? []);
      else for (const h of holders) r.set(h, sharesOf(state, cls, h));
      moved.delete(cls);
    }
    return r;
  };
  return {
    all: (state, cls) => (only !== undefined ? [only] : (state.holdings.get(cls)?.keys() ?? [])),
    reaching: (state, cls, reaches) => (only !== undefined ? [only] : rankedOf(state, cls).reaching(reaches)),
    // The ranking is brought up to date only on the days that read it.
    settle: (_state, day) => {
      if (only !== undefined) return;
      for (const [cls, holders] of day.touched) {
        let m = moved.get(cls);
        if (!m) moved.set(cls, (m = new Set()));
        for (const h of holders) m.add(h);
      }
    },
    of: (holder) => (only === undefined || holder === only ? [holder] : []),
    shares: (state, day, cls, holder) => ({
      before: day.startShares.get(keyOf(cls, holder)) ?? sharesOf(state, cls, holder),
      after: sharesOf(state, cls, holder),
    }),
    lastOwnChange: (day, cls, holder) => day.lastChangeOf.get(keyOf(cls, holder)),
  };
};

const groupModel = (heads: ReadonlyArray<HolderId>, holdersTimeline: ReadonlyArray<PlacedEvent>): SubjectModel => {
  const groups = new Map<HolderId, { history: GroupHistory; everyone: HolderId[] }>();
  const headsOf = new Map<HolderId, HolderId[]>();
  for (const head of heads) {
    const history = groupHistory(holdersTimeline, head);
    const everyone = everMembers(history);
    groups.set(head, { history, everyone });
    for (const h of everyone) headsOf.set(h, [...(headsOf.get(h) ?? []), head]);
  }
  const membersOn = (head: HolderId, date: IsoDate): HolderId[] => {
    const g = groups.get(head)!;
    return g.everyone.filter((h) => isMemberOn(g.history, h, date));
  };
  return {
    all: () => heads,
    reaching: () => heads,
    settle: () => {},
    of: (holder) => headsOf.get(holder) ?? [],
    shares: (state, day, cls, head, date) => {
      let before = 0n;
      for (const h of membersOn(head, dayBefore(date))) before += day.startShares.get(keyOf(cls, h)) ?? sharesOf(state, cls, h);
      let after = 0n;
      for (const h of membersOn(head, date)) after += sharesOf(state, cls, h);
      return { before, after };
    },
    lastOwnChange: (day, cls, head, date) => {
      const members = membersOn(head, date);
      return lastChange(day, (deltas) => members.reduce((sum, h) => sum + (deltas.get(keyOf(cls, h)) ?? 0n), 0n));
    },
  };
};

/**
 * Which steps a walk keeps: `every` one, or only the `crossable` ones, at or above the threshold
 * on at least one side. Under a levels regime a step below the threshold on both sides is no
 * notice and no passive crossing, so its reader can skip it; a large register has one for every
 * small holder's every trade.
 */
type KeptSteps = 'every' | 'crossable';

/**
 * Walks the issuer's timeline (selected for the question's asOf and knownAt) date by date and
 * returns the interest steps of the subjects from `start` on (the listing date, docs/obligations.md),
 * in date order, then holder, then class. A day on which only the outstanding changed is reported
 * only for subjects at or above `threshold` on one side of it: below it on both sides nothing can
 * cross, and skipping them keeps a large register's issues from costing a pass over every holder.
 * Pure.
 */
export const interestSteps = (
  issuer: IssuerId,
  timeline: Iterable<PlacedEvent>,
  subjects: InterestSubjects,
  start: IsoDate,
  threshold: Rational,
  kept: KeptSteps = 'every',
): InterestStep[] => {
  const walk = new InterestWalk(issuer, subjects, start, threshold, kept);
  for (const e of timeline) walk.add(e);
  return walk.finish();
};

/**
 * `interestSteps` one event at a time, for a reader that folds the timeline for other answers
 * too (the audit report): `add` each event in timeline order, then `finish`.
 */
export class InterestWalk {
  private readonly state: IssuerState;
  private readonly model: SubjectModel;
  /** Per class, the subjects at or above the threshold at the end of the last date walked. */
  private readonly substantial = new Map<ClassId, Set<HolderId>>();
  private readonly registryDates = new Map<IsoDate, EventId>();
  /** The dates on which control changed (groups), sorted, from `nextRegistry` on not yet walked. */
  private readonly registryOrder: IsoDate[];
  private nextRegistry = 0;
  private readonly steps: InterestStep[] = [];
  /** The subjects with a step so far. */
  private readonly stepped = new Set<HolderId>();
  private day: { date: IsoDate; day: Day } | undefined;

  constructor(
    issuer: IssuerId,
    subjects: InterestSubjects,
    private readonly start: IsoDate,
    private readonly threshold: Rational,
    private readonly kept: KeptSteps = 'every',
  ) {
    this.state = initialIssuerState(issuer);
    this.model = subjects.group ? groupModel(subjects.heads, subjects.holdersTimeline) : holderModel(subjects.holder);
    if (subjects.group) for (const e of subjects.holdersTimeline) if (e.type === 'HolderRegistered') this.registryDates.set(e.date, e.id);
    this.registryOrder = [...this.registryDates.keys()].sort(compareText);
  }

  add(e: PlacedEvent): void {
    if (this.day?.date !== e.date) {
      this.endDay();
      this.walkRegistryDatesBefore(e.date);
      this.day = { date: e.date, day: this.newDay(e.date) };
    }
    applyEvent(this.state, e, this.day.day);
  }

  /**
   * Whether a step of the subject has been recorded: each date's steps are, once an event of a
   * later date has been added (or the walk finished).
   */
  hasSteps(subject: HolderId): boolean {
    return this.stepped.has(subject);
  }

  finish(): InterestStep[] {
    this.endDay();
    this.walkRegistryDatesBefore(undefined);
    return this.steps;
  }

  /** The dates on which only control changed, before `date` (all of them when undefined). */
  private walkRegistryDatesBefore(date: IsoDate | undefined): void {
    while (this.nextRegistry < this.registryOrder.length) {
      const next = this.registryOrder[this.nextRegistry]!;
      if (date !== undefined && next >= date) break;
      this.nextRegistry++;
      this.evaluate(next, this.newDay(next));
    }
    if (date !== undefined && this.registryOrder[this.nextRegistry] === date) this.nextRegistry++;
  }

  private newDay(date: IsoDate): Day {
    return {
      startShares: new Map(),
      touched: new Map(),
      startOutstanding: new Map([...this.state.classes.keys()].map((c) => [c, outstandingOf(this.state, c)])),
      changes: [],
      lastChangeOf: new Map(),
      lastOutstandingChange: new Map(),
      lastEvent: undefined,
      registryEvent: this.registryDates.get(date),
    };
  }

  private endDay(): void {
    if (this.day) this.evaluate(this.day.date, this.day.day);
    this.day = undefined;
  }

  private evaluate(date: IsoDate, day: Day): void {
    const { state, model, start, threshold, kept } = this;
    const atOrAbove = (shares: bigint, outstanding: bigint): boolean =>
      outstanding > 0n && shares * 100n * threshold.den >= threshold.num * outstanding;
    const isStart = date === start;
    model.settle(state, day);
    for (const [cls, { votesPerShare }] of state.classes) {
      if (votesPerShare <= 0) continue;
      const outstandingBefore = day.startOutstanding.get(cls) ?? 0n;
      const outstandingAfter = outstandingOf(state, cls);
      const outstandingChanged = outstandingBefore !== outstandingAfter;
      let above = this.substantial.get(cls);
      if (!above) this.substantial.set(cls, (above = new Set()));
      const candidates = new Set<HolderId>();
      for (const holder of day.touched.get(cls) ?? []) for (const s of model.of(holder)) candidates.add(s);
      if (outstandingChanged) for (const s of above) candidates.add(s);
      // Only a shrinking outstanding (or a change of control) can lift a subject nothing touched above the
      // threshold, and only one whose shares now reach it: the others were below it before too.
      if (isStart || day.registryEvent !== undefined) for (const s of model.all(state, cls)) candidates.add(s);
      else if (outstandingAfter < outstandingBefore)
        for (const s of model.reaching(state, cls, (shares) => atOrAbove(shares, outstandingAfter))) candidates.add(s);
      for (const subject of [...candidates].sort(compareText)) {
        if (subject === PUBLIC) continue;
        const { before, after } = model.shares(state, day, cls, subject, date);
        if (atOrAbove(after, outstandingAfter)) above.add(subject);
        else above.delete(subject);
        if (date < start || (isStart ? after === 0n : before === after && !outstandingChanged)) continue;
        const own = before !== after;
        const near = (!isStart && atOrAbove(before, outstandingBefore)) || atOrAbove(after, outstandingAfter);
        if (!near && (kept === 'crossable' || (!isStart && !own))) continue;
        const eventId =
          (own ? model.lastOwnChange(day, cls, subject, date) : undefined) ??
          day.lastOutstandingChange.get(cls) ??
          day.registryEvent ??
          day.lastEvent!;
        this.stepped.add(subject);
        this.steps.push({
          holder: subject,
          class: cls,
          date,
          before: isStart ? null : pct(before, outstandingBefore),
          after: pct(after, outstandingAfter),
          own,
          eventId,
          start: isStart,
        });
      }
    }
  }
}

/** The last event of the day whose net change (as `netOf` sums it) is not zero: for a group, whose members' changes may cancel out. */
const lastChange = (day: Day, netOf: (deltas: Map<string, bigint>) => bigint): EventId | undefined => {
  for (let k = day.changes.length - 1; k >= 0; k--) if (netOf(day.changes[k]!.deltas) !== 0n) return day.changes[k]!.eventId;
  return undefined;
};

const applyEvent = (state: IssuerState, e: PlacedEvent, day: Day): void => {
  const touched = new Map<string, { cls: ClassId; holder: HolderId; before: bigint }>();
  for (const [cls, holder] of positionsTouched(state, e)) {
    const key = keyOf(cls, holder);
    if (!touched.has(key)) touched.set(key, { cls, holder, before: sharesOf(state, cls, holder) });
  }
  const outstandingBefore = new Map([...state.classes.keys()].map((c) => [c, outstandingOf(state, c)]));
  evolveIssuer(state, e);
  const deltas = new Map<string, bigint>();
  for (const [key, { cls, holder, before }] of touched) {
    const delta = sharesOf(state, cls, holder) - before;
    if (delta === 0n) continue;
    deltas.set(key, delta);
    day.lastChangeOf.set(key, e.id);
    if (!day.startShares.has(key)) day.startShares.set(key, before);
    let holders = day.touched.get(cls);
    if (!holders) day.touched.set(cls, (holders = new Set()));
    holders.add(holder);
  }
  if (deltas.size > 0) day.changes.push({ eventId: e.id, deltas });
  for (const cls of state.classes.keys())
    if ((outstandingBefore.get(cls) ?? 0n) !== outstandingOf(state, cls)) day.lastOutstandingChange.set(cls, e.id);
  day.lastEvent = e.id;
};
