import type { HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../events/index.js';
import { utcDateOf } from '../events/index.js';
import { auditEvents, BACK_DATED_AFTER_DAYS, type AuditEventJson, type AuditRetractionJson } from './auditEvents.js';
import { PERCENT_TOLERANCE_PP, reconcileDisclosures, type ReconciliationJson } from './auditDisclosures.js';
import { stakeChart, type StakeChartJson } from './auditChart.js';
import { sellersIn } from './disposals.js';
import { compareText } from './format.js';
import type { BusinessCalendar } from './obligations/businessDays.js';
import { auditObligations, type AuditObligationsJson } from './obligations/auditSection.js';
import { historyOf } from './history.js';
import { projectCapTable, type CapTableJson } from './ownership.js';
import { projectProceeds, type DisposalJson, type ProceedsTotalJson } from './proceeds.js';
import { displayName, holderRegistry } from './registry.js';
import { END_OF_TIME, recordedBy, selectTimeline } from './timeline.js';

export type HolderProceedsJson = { holder: HolderId; name: string; disposals: DisposalJson[]; totals: ProceedsTotalJson[] };

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
  disclosures: ReconciliationJson[];
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

export type AuditStreams = Readonly<{
  issuerEvents: ReadonlyArray<StoredEvent>;
  holderEvents: ReadonlyArray<StoredEvent>;
  fxEvents: ReadonlyArray<StoredEvent>;
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
}>;

const dayBefore = (date: IsoDate): IsoDate => utcDateOf(new Date(Date.parse(date) - 86_400_000));

/** Who disposed of shares in the period (docs/proceeds.md disposals), so their proceeds are listed. */
const disposersIn = (events: ReadonlyArray<AuditEventJson>, recorded: ReadonlyArray<StoredEvent>): HolderId[] => {
  const counted = new Set(events.filter((e) => e.status === 'counted').map((e) => e.eventId));
  return [...sellersIn(recorded.filter((e) => counted.has(e.id)))].sort(compareText);
};

/**
 * The audit report of one issuer over a period (docs/audit.md), as the ledger knew it at `knownAt`.
 * Pure: the streams come in; every figure is computed by the ownership, history and proceeds
 * projections.
 */
export const projectAudit = (streams: AuditStreams, request: AuditRequest): AuditProjection => {
  const { issuer, knownAt } = request;
  const recorded = recordedBy(streams.issuerEvents, knownAt);
  const registration = recorded.find((e) => e.type === 'IssuerRegistered');
  const from = request.from ?? registration?.date ?? utcDateOf(new Date(knownAt));
  const to = request.to ?? utcDateOf(new Date(knownAt));
  const ownership = { issuerEvents: streams.issuerEvents, holderEvents: streams.holderEvents };
  const registry = holderRegistry(selectTimeline(streams.holderEvents, { asOf: to, knownAt }));
  const history = historyOf(issuer, selectTimeline(streams.issuerEvents, { asOf: END_OF_TIME, knownAt }));
  const { events, retractions } = auditEvents(recorded, history.entries, from, to);
  const disclosures = reconcileDisclosures(issuer, streams.issuerEvents, from, to, knownAt);
  const warnings: string[] = [];
  const proceeds = disposersIn(events, recorded).map((holder): HolderProceedsJson => {
    const answer = projectProceeds(
      { issuerStreams: [streams.issuerEvents], holderEvents: streams.holderEvents, fxEvents: streams.fxEvents },
      { holder, method: 'fifo', from, to },
      knownAt,
    );
    warnings.push(...answer.warnings);
    return { holder, name: displayName(registry, holder), disposals: answer.proceeds.disposals, totals: answer.proceeds.totals };
  });
  const chart = stakeChart(issuer, streams.issuerEvents, registry, { from, to, knownAt });
  const obligations = auditObligations(
    ownership,
    { issuer, from, to, knownAt, ...(request.calendar !== undefined ? { calendar: request.calendar } : {}) },
    chart.class,
  );
  return {
    issuer,
    name: registration?.type === 'IssuerRegistered' ? registration.data.name : null,
    period: { from, to },
    knownAt,
    capTable: {
      start: projectCapTable(ownership, issuer, { asOf: dayBefore(from), knownAt }),
      end: projectCapTable(ownership, issuer, { asOf: to, knownAt }),
    },
    events,
    retractions,
    disclosures,
    proceeds: { method: 'fifo', holders: proceeds, warnings: [...new Set(warnings)] },
    chart,
    obligations,
    summary: {
      events: events.length,
      retracted: events.filter((e) => e.status === 'retracted').length,
      retractions: retractions.length,
      backDated: events.filter((e) => e.backDated).length,
      disclosures: disclosures.length,
      flaggedDisclosures: disclosures.filter((d) => d.flagged).length,
      notices: obligations.notices.length,
      lateNotices: obligations.notices.filter((n) => n.status === 'late').length,
      missingNotices: obligations.notices.filter((n) => n.status === 'missing').length,
      thresholds: { backDatedAfterDays: BACK_DATED_AFTER_DAYS, percentTolerancePp: PERCENT_TOLERANCE_PP },
    },
  };
};
