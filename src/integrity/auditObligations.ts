import type { AuditHead } from './auditDocument.js';
import type { ObligationNoticeJson } from '../../projections/obligations/index.js';
import { showPercent } from '../../projections/humanNumbers.js';

/** What every format of the audit says about disclosure notices (docs/obligations.md), so they agree. */

export const noticeFlagged = (n: ObligationNoticeJson): boolean => n.status === 'late' || n.status === 'missing';

export const percentMove = (before: string | null, after: string | null): string =>
  `${before === null ? '–' : showPercent(before)} → ${showPercent(after)}`;

export const noticeStatusText = (n: ObligationNoticeJson): string =>
  n.status === 'late'
    ? `late by ${n.businessDaysLate} business day${n.businessDaysLate === 1 ? '' : 's'}`
    : n.status === 'missing'
      ? 'missing'
      : n.status;

export const obligationsSentence = (a: AuditHead): string =>
  `Notices under regime ${a.obligations.regime} (Hong Kong SFO Part XV: reaching 5%, crossing a whole percentage level at or above 5%, falling below 5%; due 3 business days after the date), for every holder, dated in the period, with their status as of ${a.obligations.asOf}: matched with the holder's StakeDisclosed events, late and missing ones flagged. Passive crossings (only the outstanding shares changed) need no notice.`;

/** Per event, its disclosure notices and passive crossings as one text, for the events table (csv). */
export const noticesByEvent = (a: Pick<AuditHead, 'obligations'>): Map<string, string> => {
  const lines = new Map<string, string[]>();
  const add = (eventId: string, line: string) => lines.set(eventId, [...(lines.get(eventId) ?? []), line]);
  const { regime, notices, passive } = a.obligations;
  for (const n of notices)
    add(
      n.eventId,
      `${regime} ${n.kind} ${n.holder} ${n.class} ${n.percentBefore ?? '-'}→${n.percentAfter ?? '-'} due ${n.dueDate}: ${n.status}`,
    );
  for (const p of passive) add(p.eventId, `${regime} passive ${p.holder} ${p.class} ${p.percentBefore ?? '-'}→${p.percentAfter ?? '-'}`);
  return new Map([...lines].map(([id, texts]) => [id, texts.join('; ')]));
};
