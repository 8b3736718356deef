import type { ClassId, EventId, EventType, HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../events/index.js';
import type { FindEvent } from '../src/domain/eventTypes/eventKind.js';
import { summaryOf } from '../src/domain/eventTypes/index.js';
import {
  evolveIssuer,
  initialIssuerState,
  type IssuerState,
  outstandingOf,
  positionsTouched,
  sharesOf,
} from '../src/domain/issuerState.js';
import { holdersNamedBy } from '../src/domain/mentions.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { compareText, formatShareOf } from './format.js';

/** Recorded this many days or more after its effective date, an entry is flagged as back-dated (docs/audit.md). */
export const BACK_DATED_AFTER_DAYS = 30;

export type AuditChangeJson = {
  holder: HolderId;
  class: ClassId;
  sharesBefore: string;
  sharesAfter: string;
  delta: string;
  percentOfClassBefore: string | null;
  percentOfClassAfter: string | null;
};

/**
 * One stored event in the audit's events table. `status`: `counted` (part of the timeline now),
 * `retracted` (a later retraction took it out), `retraction` (the retraction itself).
 */
export type AuditEventJson = {
  eventId: EventId;
  revision: number;
  date: IsoDate;
  recordedAt: Instant;
  actor: string;
  source: string | null;
  note: string | null;
  type: EventType;
  summary: string;
  status: 'counted' | 'retracted' | 'retraction';
  retractedBy: EventId | null;
  /** Whole days from the effective date to the UTC date of recordedAt (negative: recorded ahead). */
  daysToRecord: number;
  backDated: boolean;
  /** Every holder the event names (a disclosure names one without changing its holding). */
  holders: HolderId[];
  changes: AuditChangeJson[];
};

export type AuditRetractionJson = {
  eventId: EventId;
  date: IsoDate;
  recordedAt: Instant;
  actor: string;
  reason: string;
  target: {
    eventId: EventId;
    type: EventType | null;
    date: IsoDate | null;
    recordedAt: Instant | null;
    actor: string | null;
    summary: string | null;
  };
};

const DAY_MS = 86_400_000;

export const daysBetween = (from: IsoDate, to: IsoDate): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

const inPeriod = (date: IsoDate, from: IsoDate, to: IsoDate): boolean => date >= from && date <= to;

/**
 * One event of the issuer's stream recorded by the report's knownAt, as the audit reads it in
 * timeline order: the event, and who recorded it when, from what source (the envelope's own
 * fields, which a store's derived timeline may not carry).
 */
export type AuditEntry = Readonly<{
  event: PlacedEvent;
  recordedAt: Instant;
  actor: string;
  source: string | undefined;
  note: string | undefined;
}>;

export type Retracted = Extract<StoredEvent, { type: 'EventRetracted' }>;

/**
 * What the audit knows of the stream before it reads it in timeline order: its retractions
 * recorded by knownAt (in revision order), and the events they aim at, by id.
 */
export type RetractionFacts = Readonly<{
  retractions: ReadonlyArray<Retracted>;
  targets: ReadonlyMap<EventId, StoredEvent>;
}>;

/** Whom each retracted event was retracted by (the last retraction aimed at it, as recorded). */
export const retractedByOf = (facts: RetractionFacts): Map<EventId, EventId> => {
  const by = new Map<EventId, EventId>();
  for (const r of facts.retractions) by.set(r.data.eventId, r.id);
  return by;
};

export const statusOf = (e: PlacedEvent, retractedBy: ReadonlyMap<EventId, EventId>): AuditEventJson['status'] =>
  e.type === 'EventRetracted' ? 'retraction' : retractedBy.has(e.id) ? 'retracted' : 'counted';

const keyOf = (cls: ClassId, holder: HolderId): string => `${cls}\u0000${holder}`;

/**
 * Applies a counted event to the state, in place, and returns the holdings it changed: shares
 * and % of class before and after, by class then holder (as docs/queries.md#history lists them).
 * `touched` receives every position the event may have changed.
 */
export const applyWithChanges = (
  state: IssuerState,
  e: PlacedEvent,
  wanted: boolean,
  touched?: (cls: ClassId, holder: HolderId) => void,
): AuditChangeJson[] => {
  const positions = new Map<string, { cls: ClassId; holder: HolderId; shares: bigint; outstanding: bigint }>();
  for (const [cls, holder] of positionsTouched(state, e)) {
    const key = keyOf(cls, holder);
    if (positions.has(key)) continue;
    positions.set(key, { cls, holder, shares: sharesOf(state, cls, holder), outstanding: outstandingOf(state, cls) });
    touched?.(cls, holder);
  }
  evolveIssuer(state, e);
  if (!wanted) return [];
  const changes: AuditChangeJson[] = [];
  for (const p of positions.values()) {
    const after = sharesOf(state, p.cls, p.holder);
    if (after === p.shares) continue;
    changes.push({
      holder: p.holder,
      class: p.cls,
      sharesBefore: p.shares.toString(),
      sharesAfter: after.toString(),
      delta: (after - p.shares).toString(),
      percentOfClassBefore: formatShareOf(p.shares, p.outstanding),
      percentOfClassAfter: formatShareOf(after, outstandingOf(state, p.cls)),
    });
  }
  return changes.sort((a, b) => compareText(a.class, b.class) || compareText(a.holder, b.holder));
};

/** The events table's row of one event. */
export const auditEventRow = (
  entry: AuditEntry,
  status: AuditEventJson['status'],
  retractedBy: EventId | null,
  changes: AuditChangeJson[],
  find: FindEvent,
): AuditEventJson => {
  const e = entry.event;
  const daysToRecord = daysBetween(e.date, entry.recordedAt.slice(0, 10) as IsoDate);
  return {
    eventId: e.id,
    revision: e.revision,
    date: e.date,
    recordedAt: entry.recordedAt,
    actor: entry.actor,
    source: entry.source ?? null,
    note: entry.note ?? null,
    type: e.type,
    summary: summaryOf(e, find),
    status,
    retractedBy,
    daysToRecord,
    backDated: daysToRecord > BACK_DATED_AFTER_DAYS,
    holders: [...new Set(holdersNamedBy(e))],
    changes,
  };
};

type EventRowsRequest = Readonly<{ issuer: IssuerId; from: IsoDate; to: IsoDate }>;

/**
 * The events table (docs/audit.md): every entry dated in the period, in the order given (timeline
 * order), with its holding changes, folding the counted entries before it. `entries` are the
 * stream's events recorded by knownAt in timeline order, up to the period's end at least.
 */
export function* auditEventRows(
  entries: Iterable<AuditEntry>,
  facts: RetractionFacts,
  request: EventRowsRequest,
): Generator<AuditEventJson> {
  const { from, to } = request;
  const retractedBy = retractedByOf(facts);
  const find: FindEvent = (id) => facts.targets.get(id);
  const state = initialIssuerState(request.issuer);
  for (const entry of entries) {
    const e = entry.event;
    if (e.date > to) break;
    const status = statusOf(e, retractedBy);
    const here = e.date >= from;
    const changes = status === 'counted' ? applyWithChanges(state, e, here) : [];
    if (here) yield auditEventRow(entry, status, retractedBy.get(e.id) ?? null, changes, find);
  }
}

/** Every retraction dated in the period, or aimed at an event that is, in the order recorded. */
export const auditRetractions = (facts: RetractionFacts, from: IsoDate, to: IsoDate): AuditRetractionJson[] => {
  const find: FindEvent = (id) => facts.targets.get(id);
  return facts.retractions
    .filter(
      (r) =>
        inPeriod(r.date, from, to) ||
        (facts.targets.get(r.data.eventId) !== undefined && inPeriod(facts.targets.get(r.data.eventId)!.date, from, to)),
    )
    .map((r): AuditRetractionJson => {
      const t = facts.targets.get(r.data.eventId);
      return {
        eventId: r.id,
        date: r.date,
        recordedAt: r.recordedAt,
        actor: r.actor,
        reason: r.data.reason,
        target: {
          eventId: r.data.eventId,
          type: t?.type ?? null,
          date: t?.date ?? null,
          recordedAt: t?.recordedAt ?? null,
          actor: t?.actor ?? null,
          summary: t ? summaryOf(t, find) : null,
        },
      };
    });
};
