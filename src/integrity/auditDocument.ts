import { FX_STREAM, HOLDERS_STREAM, toIssuerStreamId } from '../../events/index.js';
import type { AuditProjection } from '../../projections/audit.js';
import type { StreamHead } from '../store/eventStore.js';
import type { VerifyResult } from './verify.js';

/** The `audit --format json` document; the other formats render it. */
export type AuditJson = AuditProjection & { verification: VerifyResult & { heads: StreamHead[] } };

/**
 * The report's document: the audit projection with the verification of the ledger and the head
 * hashes of the streams the issuer's figures depend on (its own, `holders` and `fx`), placed after
 * `knownAt` where a reader of the JSON looks for them first.
 */
export const auditDocument = (projection: AuditProjection, verification: VerifyResult, heads: ReadonlyArray<StreamHead>): AuditJson => {
  const { issuer, name, period, knownAt, ...figures } = projection;
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
    ...figures,
  };
};
