import type { AuditJson } from './auditDocument.js';
import type { AuditChangeJson } from '../../projections/auditEvents.js';
import { noticesOfEvent } from './auditObligations.js';

/** An RFC 4180 field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. */
const csvField = (value: string | number | boolean | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const csvLine = (fields: ReadonlyArray<string | number | boolean | null>): string => fields.map(csvField).join(',');

const HEADER = [
  'date',
  'recordedAt',
  'actor',
  'eventId',
  'revision',
  'type',
  'status',
  'retractedBy',
  'backDated',
  'daysToRecord',
  'source',
  'note',
  'summary',
  'holder',
  'class',
  'sharesBefore',
  'sharesAfter',
  'delta',
  'percentOfClassBefore',
  'percentOfClassAfter',
  'obligations',
] as const;

/**
 * The audit's events table as CSV (docs/audit.md, `--format csv`): one row per holding change, the
 * event's own columns repeated on each; an event that changes no holding (a disclosure, a
 * retracted event, a retraction) has one row with the holding columns empty. The last column
 * names the disclosure notices (regime hk) and passive crossings the event caused. CRLF line ends.
 */
export const auditCsv = (a: AuditJson): string => {
  const lines = [csvLine(HEADER)];
  for (const e of a.events) {
    const event = [
      e.date,
      e.recordedAt,
      e.actor,
      e.eventId,
      e.revision,
      e.type,
      e.status,
      e.retractedBy,
      e.backDated,
      e.daysToRecord,
      e.source,
      e.note,
      e.summary,
    ];
    const notices = noticesOfEvent(a, e.eventId) || null;
    const changes: ReadonlyArray<AuditChangeJson | undefined> = e.changes.length > 0 ? e.changes : [undefined];
    for (const c of changes)
      lines.push(
        csvLine([
          ...event,
          c?.holder ?? null,
          c?.class ?? null,
          c?.sharesBefore ?? null,
          c?.sharesAfter ?? null,
          c?.delta ?? null,
          c?.percentOfClassBefore ?? null,
          c?.percentOfClassAfter ?? null,
          notices,
        ]),
      );
  }
  return `${lines.join('\r\n')}\r\n`;
};
