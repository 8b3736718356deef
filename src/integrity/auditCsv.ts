import type { AuditHead, AuditJson } from './auditDocument.js';
import type { AuditChangeJson, AuditEventJson } from '../../projections/auditEvents.js';
import { noticesByEvent } from './auditObligations.js';

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
 * Written a line at a time, as the events are read.
 */
export function* auditCsvLines(a: Pick<AuditHead, 'obligations'>, events: Iterable<AuditEventJson>): Generator<string> {
  yield `${csvLine(HEADER)}\r\n`;
  const noticesOf = noticesByEvent(a);
  for (const e of events) {
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
    const notices = noticesOf.get(e.eventId) || null;
    const changes: ReadonlyArray<AuditChangeJson | undefined> = e.changes.length > 0 ? e.changes : [undefined];
    let lines = '';
    for (const c of changes)
      lines += `${csvLine([
        ...event,
        c?.holder ?? null,
        c?.class ?? null,
        c?.sharesBefore ?? null,
        c?.sharesAfter ?? null,
        c?.delta ?? null,
        c?.percentOfClassBefore ?? null,
        c?.percentOfClassAfter ?? null,
        notices,
      ])}\r\n`;
    yield lines;
  }
}

/** The whole events table as CSV text. */
export const auditCsv = (a: AuditJson): string => [...auditCsvLines(a, a.events)].join('');
