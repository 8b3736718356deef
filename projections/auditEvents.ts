import type { ClassId, EventId, EventType, HolderId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { byEffectivePoint } from '../src/domain/timeline.js';
import type { HistoryEntryJson } from './history.js';
import { summaryOf } from '../src/domain/eventTypes/index.js';
import { holdersNamedBy } from '../src/domain/mentions.js';

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
 * The events table and the retractions of an audit (docs/audit.md): every event recorded by knownAt and
 * dated in the period, in timeline order (date, revision), with its holding changes from the
 * history projection; and every retraction dated in the period or aimed at an event that is.
 */
export const auditEvents = (
  recorded: ReadonlyArray<StoredEvent>,
  history: ReadonlyArray<HistoryEntryJson>,
  from: IsoDate,
  to: IsoDate,
): { events: AuditEventJson[]; retractions: AuditRetractionJson[] } => {
  const byId = new Map<EventId, StoredEvent>(recorded.map((e) => [e.id, e]));
  const find = (id: EventId) => byId.get(id);
  const retractedBy = new Map<EventId, StoredEvent>();
  for (const e of recorded) if (e.type === 'EventRetracted') retractedBy.set(e.data.eventId, e);
  const changes = new Map<EventId, AuditChangeJson[]>();
  for (const h of history) {
    const list = changes.get(h.eventId) ?? [];
    list.push({
      holder: h.holder,
      class: h.class,
      sharesBefore: h.sharesBefore,
      sharesAfter: h.sharesAfter,
      delta: (BigInt(h.sharesAfter) - BigInt(h.sharesBefore)).toString(),
      percentOfClassBefore: h.percentOfClassBefore,
      percentOfClassAfter: h.percentOfClassAfter,
    });
    changes.set(h.eventId, list);
  }
  const events = recorded
    .filter((e) => inPeriod(e.date, from, to))
    .sort(byEffectivePoint)
    .map((e): AuditEventJson => {
      const retraction = retractedBy.get(e.id);
      const daysToRecord = daysBetween(e.date, e.recordedAt.slice(0, 10) as IsoDate);
      return {
        eventId: e.id,
        revision: e.revision,
        date: e.date,
        recordedAt: e.recordedAt,
        actor: e.actor,
        source: e.source ?? null,
        note: e.note ?? null,
        type: e.type,
        summary: summaryOf(e, find),
        status: e.type === 'EventRetracted' ? 'retraction' : retraction ? 'retracted' : 'counted',
        retractedBy: retraction?.id ?? null,
        daysToRecord,
        backDated: daysToRecord > BACK_DATED_AFTER_DAYS,
        holders: [...new Set(holdersNamedBy(e))],
        changes: changes.get(e.id) ?? [],
      };
    });
  const retractions = recorded
    .filter((e): e is Extract<StoredEvent, { type: 'EventRetracted' }> => e.type === 'EventRetracted')
    .filter((r) => inPeriod(r.date, from, to) || (find(r.data.eventId) !== undefined && inPeriod(find(r.data.eventId)!.date, from, to)))
    .map((r): AuditRetractionJson => {
      const t = find(r.data.eventId);
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
  return { events, retractions };
};
