import type { AuditJson } from './auditDocument.js';
import type { AuditEventJson } from '../../projections/auditEvents.js';
import { groupThousands } from '../../projections/humanNumbers.js';
import type { VerifyResult } from './verify.js';

/** Sentences and flags every format of the audit shares, so they say the same thing. */

const plural = (n: number, one: string, many = `${one}s`): string => `${groupThousands(String(n))} ${n === 1 ? one : many}`;

export const verificationSentence = (v: VerifyResult): string =>
  v.ok
    ? `${plural(v.streams, 'stream')} and ${plural(v.events, 'event')} verified: every hash chain recomputes, every event passes its invariants when replayed, every event id is unique.`
    : `${plural(v.problems.length, 'problem')} found in ${plural(v.streams, 'stream')} and ${plural(v.events, 'event')}.`;

export const problemsSentence = (): string =>
  `Each problem names the stream and revision where that stream first stops verifying; nothing after it in that stream was re-checked.`;

export const eventFlags = (e: AuditEventJson): string[] => {
  const flags: string[] = [];
  if (e.status === 'retracted') flags.push(`retracted by ${e.retractedBy}`);
  if (e.backDated) flags.push(`back-dated (recorded +${groupThousands(String(e.daysToRecord))} d)`);
  return flags;
};

export const summaryLines = (a: AuditJson): string[] => [
  `Verification ${a.verification.ok ? 'passed' : `FAILED with ${plural(a.verification.problems.length, 'problem')}`}.`,
  `${plural(a.summary.events, 'event')} dated in the period${a.summary.retracted > 0 ? `, ${groupThousands(String(a.summary.retracted))} of them retracted` : ''}; ${plural(a.summary.retractions, 'retraction')}.`,
  `${plural(a.summary.backDated, 'back-dated entry', 'back-dated entries')} (recorded more than ${a.summary.thresholds.backDatedAfterDays} days after the effective date).`,
  `${plural(a.summary.disclosures, 'stake disclosure')} reconciled, ${groupThousands(String(a.summary.flaggedDisclosures))} flagged.`,
  `${plural(a.summary.notices, 'disclosure notice')} due under regime ${a.obligations.regime}, ${groupThousands(String(a.summary.lateNotices))} filed late, ${groupThousands(String(a.summary.missingNotices))} missing.`,
  `${plural(a.proceeds.holders.length, 'holder')} realized proceeds in the period.`,
];
