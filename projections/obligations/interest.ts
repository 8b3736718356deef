import type { ClassId, EventId, HolderId, IsoDate, IssuerId, Rational } from '../../events/index.js';
import { fromBigint, percentOf, PUBLIC } from '../../events/index.js';
import { evolveIssuer, initialIssuerState, outstandingOf, positionsTouched, sharesOf } from '../../src/domain/issuerState.js';
import type { PlacedEvent } from '../../src/domain/timeline.js';
import { compareText } from '../format.js';
import { everMembers, type GroupHistory, groupHistory, isMemberOn } from '../registry.js';

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

type Group = Readonly<{ head: HolderId; history: GroupHistory; everyone: ReadonlyArray<HolderId> }>;

/** What one date did: the shares each touched position held before it, and each event's net changes. */
type Day = {
  startShares: Map<string, bigint>;
  startOutstanding: Map<ClassId, bigint>;
  /** In timeline order: per event, the net change of each position it changed. */
  changes: Array<{ eventId: EventId; deltas: Map<string, bigint> }>;
  lastOutstandingChange: Map<ClassId, EventId>;
  lastEvent: EventId | undefined;
  registryEvent: EventId | undefined;
};

/**
 * Walks the issuer's timeline (selected for the question's asOf and knownAt) date by date and
 * returns the interest steps of the subjects from `start` on (the listing date, docs/obligations.md),
 * in date order, then holder, then class. Pure.
 */
export const interestSteps = (
  issuer: IssuerId,
  timeline: ReadonlyArray<PlacedEvent>,
  subjects: InterestSubjects,
  start: IsoDate,
): InterestStep[] => {
  const state = initialIssuerState(issuer);
  const groups: Group[] | undefined = subjects.group
    ? subjects.heads.map((head) => {
        const history = groupHistory(subjects.holdersTimeline, head);
        return { head, history, everyone: everMembers(history) };
      })
    : undefined;
  const registryDates = new Map<IsoDate, EventId>();
  if (subjects.group) for (const e of subjects.holdersTimeline) if (e.type === 'HolderRegistered') registryDates.set(e.date, e.id);
  // The dates to look at: those of the issuer's events and, for groups, those on which control changed.
  const dates = [...new Set([...timeline.map((e) => e.date), ...registryDates.keys()])].sort(compareText);
  const steps: InterestStep[] = [];
  let i = 0;
  for (const date of dates) {
    const day: Day = {
      startShares: new Map(),
      startOutstanding: new Map([...state.classes.keys()].map((c) => [c, outstandingOf(state, c)])),
      changes: [],
      lastOutstandingChange: new Map(),
      lastEvent: undefined,
      registryEvent: registryDates.get(date),
    };
    for (; i < timeline.length && timeline[i]!.date === date; i++) applyEvent(state, timeline[i]!, day);
    if (date < start) continue;
    for (const [cls, { votesPerShare }] of state.classes) {
      if (votesPerShare <= 0) continue;
      const isStart = date === start;
      const outstandingBefore = day.startOutstanding.get(cls) ?? 0n;
      const outstandingAfter = outstandingOf(state, cls);
      const outstandingChanged = outstandingBefore !== outstandingAfter;
      const step = (holder: HolderId, sharesBefore: bigint, sharesAfter: bigint, ownEvent: () => EventId | undefined): void => {
        if (isStart ? sharesAfter === 0n : sharesBefore === sharesAfter && !outstandingChanged) return;
        const own = sharesBefore !== sharesAfter;
        const eventId = (own ? ownEvent() : undefined) ?? day.lastOutstandingChange.get(cls) ?? day.registryEvent ?? day.lastEvent!;
        steps.push({
          holder,
          class: cls,
          date,
          before: isStart ? null : pct(sharesBefore, outstandingBefore),
          after: pct(sharesAfter, outstandingAfter),
          own,
          eventId,
          start: isStart,
        });
      };
      if (groups === undefined) {
        const only = subjects.group ? undefined : subjects.holder;
        const candidates = new Set<HolderId>();
        for (const key of day.startShares.keys()) if (key.startsWith(`${cls}\u0000`)) candidates.add(key.slice(cls.length + 1) as HolderId);
        if (isStart || outstandingChanged) for (const h of state.holdings.get(cls)?.keys() ?? []) candidates.add(h);
        for (const holder of [...candidates].sort(compareText)) {
          if (holder === PUBLIC || (only !== undefined && holder !== only)) continue;
          const key = keyOf(cls, holder);
          step(holder, day.startShares.get(key) ?? sharesOf(state, cls, holder), sharesOf(state, cls, holder), () =>
            lastChange(day, (deltas) => deltas.get(key) ?? 0n),
          );
        }
      } else {
        const previous = dayBefore(date);
        for (const g of groups) {
          const before = g.everyone.filter((h) => isMemberOn(g.history, h, previous));
          const after = g.everyone.filter((h) => isMemberOn(g.history, h, date));
          let sharesBefore = 0n;
          for (const h of before) sharesBefore += day.startShares.get(keyOf(cls, h)) ?? sharesOf(state, cls, h);
          let sharesAfter = 0n;
          for (const h of after) sharesAfter += sharesOf(state, cls, h);
          step(g.head, sharesBefore, sharesAfter, () =>
            lastChange(day, (deltas) => after.reduce((sum, h) => sum + (deltas.get(keyOf(cls, h)) ?? 0n), 0n)),
          );
        }
      }
    }
  }
  return steps;
};

/** The last event of the day whose net change (as `netOf` sums it) is not zero. */
const lastChange = (day: Day, netOf: (deltas: Map<string, bigint>) => bigint): EventId | undefined => {
  for (let k = day.changes.length - 1; k >= 0; k--) if (netOf(day.changes[k]!.deltas) !== 0n) return day.changes[k]!.eventId;
  return undefined;
};

const applyEvent = (state: ReturnType<typeof initialIssuerState>, e: PlacedEvent, day: Day): void => {
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
    if (!day.startShares.has(key)) day.startShares.set(key, before);
  }
  if (deltas.size > 0) day.changes.push({ eventId: e.id, deltas });
  for (const cls of state.classes.keys())
    if ((outstandingBefore.get(cls) ?? 0n) !== outstandingOf(state, cls)) day.lastOutstandingChange.set(cls, e.id);
  day.lastEvent = e.id;
};
