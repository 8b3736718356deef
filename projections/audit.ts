import type { ClassId, EventId, EventType, HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../events/index.js';
import { utcDateOf } from '../events/index.js';
import type { FindEvent } from '../src/domain/eventTypes/eventKind.js';
import { initialIssuerState } from '../src/domain/issuerState.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import {
  applyWithChanges,
  auditEventRow,
  auditRetractions,
  BACK_DATED_AFTER_DAYS,
  daysBetween,
  retractedByOf,
  statusOf,
  type AuditEntry,
  type AuditEventJson,
  type AuditRetractionJson,
  type RetractionFacts,
} from './auditEvents.js';
import {
  PERCENT_TOLERANCE_PP,
  Reconciliations,
  reconcileDisclosure,
  type Disclosed,
  type Listed,
  type ReconciliationJson,
} from './auditDisclosures.js';
import { StakeChartWalk, type StakeChartJson } from './auditChart.js';
import { eachDisposal } from './disposals.js';
import { compareText, detached } from './format.js';
import { CurrencyConverter, type FxRates } from './fx.js';
import type { BusinessCalendar } from './obligations/businessDays.js';
import { auditObligations, auditRegime, NoticeDisclosures, type AuditObligationsJson } from './obligations/auditSection.js';
import { InterestWalk } from './obligations/interest.js';
import { capTableFromState, type CapTableJson } from './ownership.js';
import { ProceedsTally, type DisposalJson, type ProceedsTotalJson } from './proceeds.js';
import { displayName, type HolderRegistry } from './registry.js';
import type { TextLines } from './textLines.js';

export type HolderProceedsJson = { holder: HolderId; name: string; disposals: DisposalJson[]; totals: ProceedsTotalJson[] };

/** How many disposals each holder's proceeds made by `holderProceeds` hold, known without unpacking them. */
const disposalCounts = new WeakMap<HolderProceedsJson, number>();

/** How many disposals a holder's proceeds list: md and html show only the count. */
export const disposalCount = (h: HolderProceedsJson): number => disposalCounts.get(h) ?? h.disposals.length;

/**
 * A holder's proceeds in the report, its lines unpacked where they are read: a report written as
 * it goes reads one holder's at a time. Made here, outside the fold, so the getter keeps the tally
 * alive and not the fold's state.
 */
const holderProceeds = (holder: HolderId, name: string, tally: ProceedsTally): HolderProceedsJson => {
  const json: HolderProceedsJson = {
    holder,
    name,
    get disposals() {
      return tally.lines();
    },
    totals: tally.totalsJson(),
  };
  disposalCounts.set(json, tally.count);
  return json;
};

/**
 * What the audit report computes from the events: everything but the verification of the log,
 * which src/integrity/auditDocument.ts adds to make the report's document.
 */
export type AuditProjection = {
  issuer: IssuerId;
  name: string | null;
  period: { from: IsoDate; to: IsoDate };
  knownAt: Instant;
  capTable: { start: CapTableJson; end: CapTableJson };
  events: AuditEventJson[];
  retractions: AuditRetractionJson[];
  /** Read as often as needed, in order; kept where AuditRequest.disclosureLines says. */
  disclosures: Listed<ReconciliationJson>;
  proceeds: { method: 'fifo'; holders: HolderProceedsJson[]; warnings: string[] };
  chart: StakeChartJson;
  /** Disclosure notices under regime hk dated in the period (docs/obligations.md). */
  obligations: AuditObligationsJson;
  summary: {
    events: number;
    retracted: number;
    retractions: number;
    backDated: number;
    disclosures: number;
    flaggedDisclosures: number;
    notices: number;
    lateNotices: number;
    missingNotices: number;
    thresholds: { backDatedAfterDays: number; percentTolerancePp: string };
  };
};

/** Events of the period per month (`YYYY-MM` of the effective date) and type: the overview of a large report. */
export type EventsByMonth = Map<string, Map<EventType, number>>;

/**
 * The audit's figures without its events table, which is read again as it is written (it can be
 * longer than memory allows); `events` holds the table only when it has at most `keepEvents` rows.
 */
export type AuditFigures = Omit<AuditProjection, 'events'> & {
  events: AuditEventJson[] | undefined;
  byMonth: EventsByMonth;
};

/**
 * What is known of the issuer's stream before its timeline is read: found in one pass over the
 * stream in revision order (src/auditReport.ts).
 */
export type StreamFacts = RetractionFacts &
  Readonly<{
    /** Its IssuerRegistered, if recorded by knownAt. */
    registration: Extract<StoredEvent, { type: 'IssuerRegistered' }> | undefined;
    /** The date disclosure rules apply from (its first counted IPOCompleted, else its registration; docs/obligations.md). */
    listing: IsoDate | undefined;
    /** The source of each StakeDisclosed that has one, by revision: a reconciliation names it. */
    disclosureSources: ReadonlyMap<number, string>;
  }>;

export type AuditRequest = Readonly<{
  issuer: IssuerId;
  /** Default: the issuer's registration date. */
  from?: IsoDate;
  /** Default: the date of knownAt. */
  to?: IsoDate;
  knownAt: Instant;
  /** Business days for the notices' due dates; default Monday to Friday. */
  calendar?: BusinessCalendar;
  /**
   * Where each holder's disposals are kept for the report: in memory (true, the default), in the
   * lists a function makes (one per holder), or nowhere (false: only counted and totalled; md and
   * html show how many a holder made, json and csv list them).
   */
  disposalLines?: boolean | (() => TextLines);
  /** Where the reconciled disclosures are kept until the report is written, one text each (default: memory). */
  disclosureLines?: () => TextLines;
  /**
   * Whether the report is its events table alone (csv; default false): then what only the other
   * sections show is not made. The lots are not folded, so no proceeds and no exchange-rate
   * warning, and reading `proceeds.holders` throws rather than answering with nothing; each
   * disclosure is reconciled and counted in the summary, but not kept, so `disclosures` is empty;
   * the chart is not drawn: `chart` names its class (the notices are of that class) and has no
   * series or points.
   */
  eventsTableOnly?: boolean;
}>;

export const dayBefore = (date: IsoDate): IsoDate => utcDateOf(new Date(Date.parse(date) - 86_400_000));

/** The period of a request: from the registration (else the day of knownAt) to the day of knownAt, unless given. */
export const auditPeriod = (request: AuditRequest, facts: Pick<StreamFacts, 'registration'>): { from: IsoDate; to: IsoDate } => ({
  from: request.from ?? facts.registration?.date ?? utcDateOf(new Date(request.knownAt)),
  to: request.to ?? utcDateOf(new Date(request.knownAt)),
});

/**
 * The holder registry at the period's two ends, and the FX rates known at knownAt: read only if
 * the proceeds are figured (they alone convert amounts).
 */
type AuditRegistries = Readonly<{ start: HolderRegistry; end: HolderRegistry; fx: () => FxRates }>;

/**
 * The audit report of one issuer over a period (docs/audit.md), as the ledger knew it at `knownAt`,
 * in one pass over the issuer's timeline: `entries` are the stream's events recorded by knownAt
 * (retracted ones and retractions included) in timeline order, up to the period's end at least.
 * Every figure is the one the ownership, history, obligations and proceeds projections give.
 */
export const projectAudit = (
  entries: Iterable<AuditEntry>,
  facts: StreamFacts,
  registries: AuditRegistries,
  request: AuditRequest,
  keepEvents = Number.POSITIVE_INFINITY,
): AuditFigures => {
  const { issuer, knownAt } = request;
  const { from, to } = auditPeriod(request, facts);
  const retractedBy = retractedByOf(facts);
  const find: FindEvent = (id) => facts.targets.get(id);
  const state = initialIssuerState(issuer);
  // A report of every section, or its events table alone (which leaves out what only the others show).
  const whole = request.eventsTableOnly !== true;
  const chart = new StakeChartWalk({ from, to }, whole);
  const interest =
    facts.listing === undefined
      ? undefined
      : new InterestWalk(issuer, { group: false }, facts.listing, auditRegime().threshold, 'crossable');
  const noticeDisclosures = interest && new NoticeDisclosures(interest);
  const disclosures = new Reconciliations(whole ? request.disclosureLines?.() : []);
  let events: AuditEventJson[] | undefined = [];
  const byMonth: EventsByMonth = new Map();
  const counts = { events: 0, retracted: 0, backDated: 0, disclosures: 0, flaggedDisclosures: 0 };
  let start: CapTableJson | undefined;
  // The date being folded: the positions its events touched, its disclosures to reconcile at its end.
  let date: IsoDate | undefined;
  const touched = new Map<string, readonly [ClassId, HolderId]>();
  let pending: Array<{ d: Disclosed; source: string | undefined }> = [];
  const touch = (cls: ClassId, holder: HolderId): void => {
    const key = `${cls}\u0000${holder}`;
    if (!touched.has(key)) touched.set(key, [cls, holder]);
  };
  const enterPeriod = (): void => {
    if (start !== undefined) return;
    start = capTableFromState(state, { asOf: dayBefore(from), knownAt }, registries.start);
    chart.start(state);
  };
  const endOfDate = (): void => {
    if (date === undefined || date < from) return;
    chart.endOfDate(date, state, touched.values());
    for (const { d, source } of pending) {
      const reconciled = reconcileDisclosure(state, d, source);
      counts.disclosures++;
      if (reconciled.flagged) counts.flaggedDisclosures++;
      if (whole) disclosures.add(reconciled);
    }
    touched.clear();
    pending = [];
  };

  /** Folds each entry, and hands the counted events on in timeline order (the proceeds' lots read them). */
  function* fold(): Generator<PlacedEvent> {
    for (const entry of entries) {
      const e = entry.event;
      if (e.date > to) break;
      const status = statusOf(e, retractedBy);
      const here = e.date >= from;
      if (here) {
        enterPeriod();
        counts.events++;
        if (status === 'retracted') counts.retracted++;
        if (daysBetween(e.date, entry.recordedAt.slice(0, 10) as IsoDate) > BACK_DATED_AFTER_DAYS) counts.backDated++;
        const month = e.date.slice(0, 7);
        let types = byMonth.get(month);
        if (!types) byMonth.set(month, (types = new Map()));
        types.set(e.type, (types.get(e.type) ?? 0) + 1);
      }
      if (status !== 'counted') {
        if (here && events !== undefined) events.push(auditEventRow(entry, status, retractedBy.get(e.id) ?? null, [], find));
        if (events !== undefined && events.length > keepEvents) events = undefined;
        continue;
      }
      if (e.date !== date) {
        endOfDate();
        date = e.date;
      }
      interest?.add(e);
      const changes = applyWithChanges(state, e, here && events !== undefined, here ? touch : undefined);
      if (e.type === 'StakeDisclosed') {
        noticeDisclosures?.add({ eventId: detached(e.id), date: e.date, holder: e.data.holder, class: e.data.class });
        if (here) pending.push({ d: e, source: facts.disclosureSources.get(e.revision) });
      }
      if (here && events !== undefined) events.push(auditEventRow(entry, status, null, changes, find));
      if (events !== undefined && events.length > keepEvents) events = undefined;
      yield e;
    }
    endOfDate();
    enterPeriod();
  }

  let proceeds: AuditProjection['proceeds'];
  if (!whole) {
    // The fold makes every other figure as it goes: run it through with nothing to price.
    for (const _ of fold()) void _;
    proceeds = proceedsNotFigured();
  } else proceeds = proceedsOf(issuer, fold(), from, registries, request.disposalLines);

  const stakeChart = chart.finish(state, registries.end);
  // The walk finishes first: its last date's steps settle that date's disclosures.
  const steps = interest?.finish() ?? [];
  const obligations = auditObligations(
    { steps, disclosures: noticeDisclosures?.finish() ?? [] },
    { from, to, ...(request.calendar !== undefined ? { calendar: request.calendar } : {}) },
    stakeChart.class,
  );
  const retractions = auditRetractions(facts, from, to);
  return {
    issuer,
    name: facts.registration?.data.name ?? null,
    period: { from, to },
    knownAt,
    capTable: { start: start!, end: capTableFromState(state, { asOf: to, knownAt }, registries.end) },
    events,
    retractions,
    disclosures,
    proceeds,
    chart: stakeChart,
    obligations,
    byMonth,
    summary: {
      events: counts.events,
      retracted: counts.retracted,
      retractions: retractions.length,
      backDated: counts.backDated,
      disclosures: counts.disclosures,
      flaggedDisclosures: counts.flaggedDisclosures,
      notices: obligations.notices.length,
      lateNotices: obligations.notices.filter((n) => n.status === 'late').length,
      missingNotices: obligations.notices.filter((n) => n.status === 'missing').length,
      thresholds: { backDatedAfterDays: BACK_DATED_AFTER_DAYS, percentTolerancePp: PERCENT_TOLERANCE_PP },
    },
  };
};

/**
 * Proceeds by holder in the period (fifo), folding the lots as `counted` hands on the counted
 * events: the lots of every holder the stream names, so those of each seller are as a replay for
 * that seller alone would have them. Each disposal is priced as the fold makes it, so its lots are
 * not kept.
 */
const proceedsOf = (
  issuer: IssuerId,
  counted: Iterable<PlacedEvent>,
  from: IsoDate,
  registries: AuditRegistries,
  keep: AuditRequest['disposalLines'],
): AuditProjection['proceeds'] => {
  const bySeller = new Map<HolderId, ProceedsTally>();
  const rates = registries.fx();
  const linesOfSeller = (): TextLines | false => (typeof keep === 'function' ? keep() : keep === false ? false : []);
  eachDisposal(
    issuer,
    counted,
    'fifo',
    // Every holder's lots: a position exists only for a holder some event names.
    () => true,
    (_holder, on) => on >= from,
    (d) => {
      let tally = bySeller.get(d.seller);
      if (!tally)
        bySeller.set(
          d.seller,
          (tally = new ProceedsTally({ holder: d.seller, method: 'fifo' }, new CurrencyConverter(rates), linesOfSeller())),
        );
      tally.add(d);
    },
  );
  const warnings: string[] = [];
  const holders = [...bySeller.keys()].sort(compareText).map((holder): HolderProceedsJson => {
    const tally = bySeller.get(holder)!;
    warnings.push(...tally.warnings);
    return holderProceeds(holder, displayName(registries.end, holder), tally);
  });
  return { method: 'fifo', holders, warnings: [...new Set(warnings)] };
};

/** The proceeds of a report that is its events table alone (AuditRequest.eventsTableOnly). */
const proceedsNotFigured = (): AuditProjection['proceeds'] => ({
  method: 'fifo',
  get holders(): HolderProceedsJson[] {
    throw new Error('this audit report was made without its proceeds (eventsTableOnly: the events table alone)');
  },
  warnings: [],
});

/** The events flagged in a large report's short list (docs/audit.md#large-reports). */
export const flaggedEvents = (figures: Pick<AuditFigures, 'obligations'>): ((e: AuditEventJson) => boolean) => {
  const noticed = new Set<EventId>(figures.obligations.notices.map((n) => n.eventId));
  return (e) => e.backDated || e.status !== 'counted' || e.type === 'StakeDisclosed' || noticed.has(e.eventId);
};
