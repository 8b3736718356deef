import { FX_STREAM, HOLDERS_STREAM, instantOf, IssuerId, toIssuerStreamId } from '../events/index.js';
import { projectAudit } from '../projections/audit.js';
import { fail } from './domain/problem.js';
import { readHolidays } from './obligationsQuery.js';
import { auditDocument, type AuditJson } from './integrity/auditDocument.js';
import { verifyLedger } from './integrity/verify.js';
import type { EventStore } from './store/eventStore.js';
import { parseDate } from './timeArguments.js';

export type AuditOptions = Readonly<{
  issuer: string;
  from?: string;
  to?: string;
  /** The report's time: knownAt, and the default end of the period. */
  now: Date;
  onProgress?: (checked: number, total: number) => void;
  /** A holidays file for the obligations' due dates (docs/obligations.md). */
  holidays?: string;
}>;

/**
 * Gathers an issuer's audit report: reads the options as given, verifies the whole ledger, reads
 * the issuer's stream and the registries, hands them to the pure audit projection and adds the
 * verification to its result.
 */
export const auditReport = async (store: EventStore, options: AuditOptions): Promise<AuditJson> => {
  const issuer = IssuerId.is(options.issuer)
    ? options.issuer
    : fail('InvalidInput', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(options.issuer)}`, {
        flag: '--issuer',
        value: options.issuer,
      });
  const from = options.from === undefined ? undefined : parseDate(options.from, '--from');
  const to = options.to === undefined ? undefined : parseDate(options.to, '--to');
  if (from !== undefined && to !== undefined && from > to)
    fail('InvalidInput', `--from ${from} is after --to ${to}`, { flag: '--from', from, to });
  const calendar = readHolidays(options.holidays);
  const knownAt = instantOf(options.now);
  const heads = await store.heads();
  const verification = await verifyLedger(store, options.onProgress ? { onProgress: options.onProgress } : {});
  const issuerEvents = await store.readStream(toIssuerStreamId(issuer));
  if (!issuerEvents.some((e) => e.type === 'IssuerRegistered' && e.recordedAt <= knownAt))
    fail('UnknownIssuer', `unknown issuer ${issuer}`, { issuer });
  const holderEvents = await store.readStream(HOLDERS_STREAM);
  const fxEvents = await store.readStream(FX_STREAM);
  const projection = projectAudit(
    { issuerEvents, holderEvents, fxEvents },
    { issuer, knownAt, calendar, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
  );
  return auditDocument(projection, verification, heads);
};
