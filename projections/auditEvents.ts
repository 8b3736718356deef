import type { ClassId, EventEnvelope, EventId, EventType, HolderId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { PUBLIC } from '../events/index.js';
import { byEffectivePoint } from '../src/domain/timeline.js';
import type { HistoryEntryJson } from './history.js';
import { holdersNamedBy } from './mentions.js';

/** Recorded this many days or more after its effective date, an entry is flagged as back-dated (SPEC §9). */
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

const group = (n: bigint | string): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** One line saying what an event does, for people (tables, CSV). */
export const summaryOf = (e: EventEnvelope, find: (id: EventId) => EventEnvelope | undefined): string => {
  switch (e.type) {
    case 'IssuerRegistered':
      return `registered ${e.data.name} (${e.data.currency}); classes ${e.data.classes.map((c) => `${c.class} (${c.votesPerShare} ${c.votesPerShare === 1 ? 'vote' : 'votes'}/share)`).join(', ')}`;
    case 'ShareClassAdded':
      return `added class ${e.data.class} (${e.data.votesPerShare} ${e.data.votesPerShare === 1 ? 'vote' : 'votes'}/share)`;
    case 'SharesIssued':
      return `issued ${group(e.data.shares)} ${e.data.class} to ${e.data.holder} at ${e.data.pricePerShare} ${e.data.currency}`;
    case 'FundingRoundClosed':
      return `${e.data.round}: ${e.data.allocations.map((a) => `${group(a.shares)} ${e.data.class} to ${a.holder}`).join(', ')} at ${e.data.pricePerShare} ${e.data.currency}`;
    case 'IPOCompleted': {
      const parts = [`IPO on ${e.data.exchange} (${e.data.ticker}) at ${e.data.offerPrice} ${e.data.currency}`];
      for (const c of e.data.conversions ?? []) parts.push(`${c.fromClass} converted to ${c.toClass} at ${c.ratio}`);
      if (e.data.newShares > 0n) parts.push(`${group(e.data.newShares)} new ${e.data.class} to ${PUBLIC}`);
      for (const s of e.data.secondarySales ?? []) parts.push(`${s.seller} sold ${group(s.shares)} ${e.data.class}`);
      return parts.join('; ');
    }
    case 'BlockSale': {
      const fees = e.data.fees !== undefined && e.data.fees !== '0' ? ` (fees ${e.data.fees})` : '';
      return `${e.data.seller} sold ${group(e.data.shares)} ${e.data.class} to ${e.data.buyer ?? PUBLIC} at ${e.data.pricePerShare} ${e.data.currency}${fees}`;
    }
    case 'SharesTransferred': {
      const c = e.data.consideration;
      return `${e.data.from} transferred ${group(e.data.shares)} ${e.data.class} to ${e.data.to}${c ? ` for ${c.amount} ${c.currency}` : ' (no consideration)'}`;
    }
    case 'SharesRepurchased': {
      const price = e.data.pricePerShare !== undefined ? ` at ${e.data.pricePerShare} ${e.data.currency}` : '';
      return `repurchased and cancelled ${group(e.data.shares)} ${e.data.class} from ${e.data.holder ?? PUBLIC}${price}`;
    }
    case 'StockSplit':
      return `split ${e.data.class === undefined ? 'every class' : `class ${e.data.class}`} ${e.data.numerator}:${e.data.denominator}`;
    case 'SharesConverted':
      return `${e.data.holder} converted ${group(e.data.shares)} ${e.data.fromClass} to ${e.data.toClass} at ${e.data.ratio ?? '1'}`;
    case 'StakeDisclosed': {
      const what = [
        e.data.shares !== undefined ? `${group(e.data.shares)} shares` : undefined,
        e.data.percent !== undefined ? `${e.data.percent}%` : undefined,
      ];
      return `disclosed: ${e.data.holder} holds ${what.filter(Boolean).join(' = ')}${e.data.class !== undefined ? ` of class ${e.data.class}` : ' in all'}${e.data.filing ? ` (${e.data.filing})` : ''}`;
    }
    case 'EventRetracted': {
      const t = find(e.data.eventId);
      return `retracts ${t ? `${t.type} ${t.date}` : 'event'} ${e.data.eventId}: ${e.data.reason}`;
    }
    case 'HolderRegistered':
      return `registered holder ${e.data.holder} as ${e.data.name}${e.data.controlledBy ? `, controlled by ${e.data.controlledBy}` : ''}`;
    case 'FxRateRecorded':
      return `1 ${e.data.base} = ${e.data.rate} ${e.data.quote}`;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
};

const inPeriod = (date: IsoDate, from: IsoDate, to: IsoDate): boolean => date >= from && date <= to;

/**
 * The events table and the retractions of an audit (SPEC §9): every event recorded by knownAt and
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
