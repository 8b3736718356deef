import { FX_STREAM, HOLDERS_STREAM, toIssuerStreamId } from '../../events/index.js';
import type { AuditFigures, AuditProjection } from '../../projections/audit.js';
import type { ReconciliationJson } from '../../projections/auditDisclosures.js';
import type { StreamHead } from '../store/eventStore.js';
import type { VerifyResult } from './verify.js';

/** The `audit --format json` document (the library's `auditReport`); the other formats render it. */
export type AuditJson = Omit<AuditProjection, 'disclosures'> & {
  disclosures: ReconciliationJson[];
  verification: VerifyResult & { heads: StreamHead[] };
};

/**
 * The document without its events table (which a large report reads again as it writes it), its
 * reconciled disclosures read where they are kept (AuditProjection).
 */
export type AuditHead = Omit<AuditJson, 'events' | 'disclosures'> & Pick<AuditProjection, 'disclosures'>;

/** The document a renderer reads: the head with the events table in its place. */
export type AuditDocument = AuditHead & Pick<AuditJson, 'events'>;

/**
 * The report's document without its events: the audit's figures with the verification of the
 * streams they depend on (the issuer's own, `holders` and `fx`) and their head hashes, placed
 * after `knownAt` where a reader of the JSON looks for them first.
 */
export const auditDocument = (figures: AuditFigures, verification: VerifyResult, heads: ReadonlyArray<StreamHead>): AuditHead => {
  const { issuer, name, period, knownAt, capTable, retractions, disclosures, proceeds, chart, obligations, summary } = figures;
  const relevant = new Set<string>([toIssuerStreamId(issuer), HOLDERS_STREAM, FX_STREAM]);
  return {
    issuer,
    name,
    period,
    knownAt,
    verification: {
      ...verification,
      heads: heads.filter((h) => relevant.has(h.stream)).map(({ stream, revision, hash }) => ({ stream, revision, hash })),
    },
    capTable,
    retractions,
    disclosures,
    proceeds,
    chart,
    obligations,
    summary,
  };
};

/** The whole document: the head with the events table in its place (after the cap tables). */
export const withEvents = (head: AuditHead, events: AuditJson['events']): AuditDocument => {
  const { issuer, name, period, knownAt, verification, capTable, ...rest } = head;
  return { issuer, name, period, knownAt, verification, capTable, events, ...rest };
};

/** The whole document in memory (the library's `auditReport`): the head with its events, its disclosures read into a list. */
export const wholeDocument = (head: AuditHead, events: AuditJson['events']): AuditJson => ({
  ...withEvents(head, events),
  disclosures: [...head.disclosures],
});
