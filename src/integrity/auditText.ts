import type { AuditFigures, EventsByMonth } from '../../projections/audit.js';
import type { AuditEventJson } from '../../projections/auditEvents.js';
import { compareText } from '../../projections/format.js';
import type { AuditHead } from './auditDocument.js';
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

export const summaryLines = (a: AuditHead): string[] => [
  `Verification ${a.verification.ok ? 'passed' : `FAILED with ${plural(a.verification.problems.length, 'problem')}`}.`,
  `${plural(a.summary.events, 'event')} dated in the period${a.summary.retracted > 0 ? `, ${groupThousands(String(a.summary.retracted))} of them retracted` : ''}; ${plural(a.summary.retractions, 'retraction')}.`,
  `${plural(a.summary.backDated, 'back-dated entry', 'back-dated entries')} (recorded more than ${a.summary.thresholds.backDatedAfterDays} days after the effective date).`,
  `${plural(a.summary.disclosures, 'stake disclosure')} reconciled, ${groupThousands(String(a.summary.flaggedDisclosures))} flagged.`,
  `${plural(a.summary.notices, 'disclosure notice')} due under regime ${a.obligations.regime}, ${groupThousands(String(a.summary.lateNotices))} filed late, ${groupThousands(String(a.summary.missingNotices))} missing.`,
  `${plural(a.proceeds.holders.length, 'holder')} realized proceeds in the period.`,
];

/**
 * A report whose period has more events than md and html list in full (docs/audit.md#large-reports):
 * its document without the events, the events per month and type, and the events table read
 * again as it is written.
 */
export type LargeReport = Readonly<{
  head: AuditHead;
  figures: Pick<AuditFigures, 'byMonth'>;
  /** Events in the period up to which a report lists them all. */
  listUpTo: number;
  events: () => Iterable<AuditEventJson>;
  flagged: (e: AuditEventJson) => boolean;
}>;

/** The command that writes every event of the report's period as CSV. */
const csvCommand = (a: AuditHead): string =>
  `shareledger audit --issuer ${a.issuer} --from ${a.period.from} --to ${a.period.to} --format csv --out ${a.issuer}-events.csv`;

export const largeReportSentence = (r: LargeReport): string =>
  `The period has ${plural(r.head.summary.events, 'event')}, more than the ${groupThousands(String(r.listUpTo))} a report lists in full. Every one of them is in the CSV report (${csvCommand(r.head)}) and in the JSON one. Here: the events per month and type, then every flagged event (back-dated, retracted or retracting, stake disclosures, and events that gave rise to a disclosure notice).`;

/** The events per month and type: one row per month, one column per type that occurs, and the month's total. */
export const monthTable = (byMonth: EventsByMonth): { headers: string[]; rows: string[][] } => {
  const types = [...new Set([...byMonth.values()].flatMap((m) => [...m.keys()]))].sort(compareText);
  const rows = [...byMonth.keys()].sort(compareText).map((month) => {
    const counts = types.map((t) => byMonth.get(month)!.get(t) ?? 0);
    return [
      month,
      ...counts.map((n) => (n === 0 ? '' : groupThousands(String(n)))),
      groupThousands(String(counts.reduce((x, y) => x + y, 0))),
    ];
  });
  return { headers: ['Month', ...types, 'Total'], rows };
};
