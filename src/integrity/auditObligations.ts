import type { AuditJson } from './auditDocument.js';
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

export const obligationsSentence = (a: AuditJson): string =>
  `Notices under regime ${a.obligations.regime} (Hong Kong SFO Part XV: reaching 5%, crossing a whole percentage level at or above 5%, falling below 5%; due 3 business days after the date), for every holder, dated in the period, with their status as of ${a.obligations.asOf}: matched with the holder's StakeDisclosed events, late and missing ones flagged. Passive crossings (only the outstanding shares changed) need no notice.`;

/** One line per notice of the event, for the events table (csv). */
export const noticesOfEvent = (a: AuditJson, eventId: string): string =>
  [
    ...a.obligations.notices
      .filter((n) => n.eventId === eventId)
      .map(
        (n) =>
          `${a.obligations.regime} ${n.kind} ${n.holder} ${n.class} ${n.percentBefore ?? '-'}→${n.percentAfter ?? '-'} due ${n.dueDate}: ${n.status}`,
      ),
    ...a.obligations.passive
      .filter((p) => p.eventId === eventId)
      .map((p) => `${a.obligations.regime} passive ${p.holder} ${p.class} ${p.percentBefore ?? '-'}→${p.percentAfter ?? '-'}`),
  ].join('; ');
