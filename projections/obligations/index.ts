import type { ClassId, EventId, HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../../events/index.js';
import { PUBLIC } from '../../events/index.js';
import type { PlacedEvent } from '../../src/domain/timeline.js';
import { compareText, formatPercent } from '../format.js';
import { holderRegistry } from '../registry.js';
import { END_OF_TIME, type PointInTime, selectTimeline } from '../timeline.js';
import { type BusinessCalendar, WEEKDAYS_ONLY } from './businessDays.js';
import { interestSteps, type InterestStep, type InterestSubjects } from './interest.js';
import { crossingsOf } from './notices.js';
import { type Disclosure, type NoticeStatus, reconcileNotices } from './reconcile.js';
import type { Regime } from './regimes.js';

export { addBusinessDays, businessDaysAfter, isBusinessDay, parseHolidays, WEEKDAYS_ONLY, type BusinessCalendar } from './businessDays.js';
export { DEFAULT_REGIME, findRegime, REGIMES, regimeIds, type Regime } from './regimes.js';

export type ObligationNoticeJson = {
  holder: HolderId;
  class: ClassId;
  date: IsoDate;
  eventId: EventId;
  kind: string;
  cause: 'own';
  percentBefore: string | null;
  percentAfter: string | null;
  dueDate: IsoDate;
  status: NoticeStatus;
  disclosureEventId: EventId | null;
  disclosedOn: IsoDate | null;
  businessDaysLate: number | null;
};

export type PassiveCrossingJson = {
  holder: HolderId;
  class: ClassId;
  date: IsoDate;
  eventId: EventId;
  percentBefore: string | null;
  percentAfter: string | null;
};

/** `obligations --json` (docs/obligations.md). */
export type ObligationsJson = {
  issuer: IssuerId;
  regime: string;
  asOf: IsoDate;
  knownAt: Instant;
  notices: ObligationNoticeJson[];
  passive: PassiveCrossingJson[];
};

export type ObligationsStreams = Readonly<{ issuerEvents: ReadonlyArray<StoredEvent>; holderEvents: ReadonlyArray<StoredEvent> }>;

export type ObligationsRequest = Readonly<{
  issuer: IssuerId;
  regime: Regime;
  /** One holder (or with `group`, the group it heads); every holder when absent. */
  holder?: HolderId;
  group?: boolean;
  /** Notices and passive crossings dated in [from, to] are listed; all are computed, so levels are right. */
  from?: IsoDate;
  to?: IsoDate;
  calendar?: BusinessCalendar;
}>;

/**
 * The date the rules apply from: the issuer's listing (its first IPOCompleted as the ledger knew
 * it at knownAt, whatever the asOf), else its first event.
 */
const regimeStart = (issuerEvents: ReadonlyArray<StoredEvent>, knownAt: Instant): { date: IsoDate | undefined } => {
  const all = selectTimeline(issuerEvents, { asOf: END_OF_TIME, knownAt });
  return { date: (all.find((e) => e.type === 'IPOCompleted') ?? all[0])?.date };
};

/** The holders no one controls as of the question: the heads of the groups listed without --holder. */
const groupHeads = (issuerTimeline: ReadonlyArray<PlacedEvent>, holdersTimeline: ReadonlyArray<PlacedEvent>): HolderId[] => {
  const registry = holderRegistry(holdersTimeline);
  const named = new Set<HolderId>(registry.keys());
  for (const e of issuerTimeline) {
    const d = e.data as Record<string, unknown>;
    for (const field of ['holder', 'seller', 'buyer', 'from', 'to']) if (typeof d[field] === 'string') named.add(d[field] as HolderId);
    if (Array.isArray(d['allocations'])) for (const a of d['allocations'] as Array<{ holder: HolderId }>) named.add(a.holder);
  }
  named.delete(PUBLIC);
  return [...named].filter((h) => registry.get(h)?.controlledBy === undefined).sort(compareText);
};

/**
 * Every notice the holders (or groups) had to file under a regime, reconciled with their
 * `StakeDisclosed` events, and the passive crossings (docs/obligations.md). Pure: the streams,
 * the question's point in time (asOf stands for "today") and the business calendar come in.
 */
export const projectObligations = (streams: ObligationsStreams, request: ObligationsRequest, at: PointInTime): ObligationsJson => {
  const { issuer, regime } = request;
  const timeline = selectTimeline(streams.issuerEvents, at);
  const start = regimeStart(streams.issuerEvents, at.knownAt).date;
  const empty: ObligationsJson = { issuer, regime: regime.id, asOf: at.asOf, knownAt: at.knownAt, notices: [], passive: [] };
  if (start === undefined) return empty;
  let subjects: InterestSubjects;
  if (request.group) {
    const holdersTimeline = selectTimeline(streams.holderEvents, at);
    const heads = request.holder !== undefined ? [request.holder] : groupHeads(timeline, holdersTimeline);
    subjects = { group: true, heads, holdersTimeline };
  } else subjects = request.holder !== undefined ? { group: false, holder: request.holder } : { group: false };
  const steps = interestSteps(issuer, timeline, subjects, start, regime.threshold, regime.rule === 'levels' ? 'crossable' : 'every');
  const disclosures: Disclosure[] = [];
  for (const e of timeline)
    if (e.type === 'StakeDisclosed') disclosures.push({ eventId: e.id, date: e.date, holder: e.data.holder, class: e.data.class });
  return { ...empty, ...noticesOf(steps, disclosures, request, at.asOf) };
};

/**
 * The notices and passive crossings of the interest steps, dated in the request's period, each
 * notice reconciled with the disclosures (every `StakeDisclosed` of the timeline, in its order)
 * as of `asOf`.
 */
export const noticesOf = (
  steps: ReadonlyArray<InterestStep>,
  disclosures: ReadonlyArray<Disclosure>,
  request: Pick<ObligationsRequest, 'regime' | 'from' | 'to' | 'calendar'>,
  asOf: IsoDate,
): Pick<ObligationsJson, 'notices' | 'passive'> => {
  const { regime } = request;
  const crossings = crossingsOf(regime, steps);
  const notices = reconcileNotices(
    regime,
    crossings.filter((c) => c.cause === 'own'),
    disclosures,
    asOf,
    request.calendar ?? WEEKDAYS_ONLY,
  );
  const inPeriod = (date: IsoDate): boolean =>
    (request.from === undefined || date >= request.from) && (request.to === undefined || date <= request.to);
  return {
    notices: notices
      .filter((n) => inPeriod(n.date))
      .map((n) => ({
        holder: n.holder,
        class: n.class,
        date: n.date,
        eventId: n.eventId,
        kind: n.kind,
        cause: 'own',
        percentBefore: formatPercent(n.before),
        percentAfter: formatPercent(n.after),
        dueDate: n.dueDate,
        status: n.status,
        disclosureEventId: n.disclosure?.eventId ?? null,
        disclosedOn: n.disclosure?.date ?? null,
        businessDaysLate: n.businessDaysLate,
      })),
    passive: crossings
      .filter((c) => c.cause === 'capital' && inPeriod(c.date))
      .map((c) => ({
        holder: c.holder,
        class: c.class,
        date: c.date,
        eventId: c.eventId,
        percentBefore: formatPercent(c.before),
        percentAfter: formatPercent(c.after),
      })),
  };
};
