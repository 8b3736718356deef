/**
 * The library's public entry point: the same core the CLI uses.
 *
 *   import { openStore, Ledger, queryStake } from 'shareledger';
 *   const store = await openStore('sqlite:./ledger.db');
 *   const ledger = new Ledger({ store, actor: 'secretary' });
 *   await ledger.import(jsonlText);
 *   const { result } = await queryStake(store, { issuer: 'sensetime', holder: 'taobao-holding', asOf: '2023-07-07' }, new Date());
 *   await store.close();
 *
 * Every function that can fail for a reason a person should see throws a LedgerError whose
 * `problem.kind` is one of PROBLEM_KINDS (exit codes as in the CLI).
 */
export * from '../events/index.js';
export { Ledger, type AppendReport, type AppendedEvent, type LedgerOptions } from './ledger.js';
export { parseJsonl } from './jsonl.js';
export { errorCodeOf, exitCodeOf, isLedgerError, LedgerError, PROBLEM_KINDS, type Problem, type ProblemKind } from './domain/problem.js';
export type { AppendBatch, EventStore, ExpectedRevision, StreamHead } from './store/eventStore.js';
export { openStore } from './store/openStore.js';
export { createMemoryStore } from './store/memoryStore.js';
export { openSqliteStore } from './store/sqliteStore.js';
export { DEFAULT_STORE_URL, parseStoreUrl, redactUrl } from './store/storeUrl.js';
export { checkChain, GENESIS_HASH, hashOf } from './store/hashChain.js';
export {
  queryCapTable,
  queryHistory,
  queryProceeds,
  queryStake,
  type CapTableQuery,
  type HistoryQuery,
  type ProceedsQuery,
  type QueryAnswer,
  type StakeQuery,
} from './queries.js';
export { queryObligations, type ObligationsQuery } from './obligationsQuery.js';
export type { ObligationNoticeJson, ObligationsJson, PassiveCrossingJson } from '../projections/obligations/index.js';
export { verifyLedger, type VerifyResult, type VerifyProblem } from './integrity/verify.js';
export { digestOf, type Digest } from './integrity/digest.js';
export { auditReport, type AuditOptions } from './auditReport.js';
