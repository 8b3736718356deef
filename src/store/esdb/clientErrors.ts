import { ErrorType } from '@eventstore/db-client';
import type { AppendExpectedRevision, CurrentRevision } from '@eventstore/db-client';
import { fail } from '../../domain/problem.js';
import { versionConflict } from '../appendRules.js';
import type { EsdbConnection } from './connectionString.js';
import { fromCurrentRevision } from './mapping.js';

// The client's errors are identified by their `type` (its ErrorType), not by `instanceof`: that
// holds for an error built by another copy of the client module too. Raw gRPC errors carry only
// a numeric `code`.
const GRPC_UNAVAILABLE = 14;

const typeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'type' in error ? (error as { type: unknown }).type : undefined;

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const isStreamNotFound = (error: unknown): boolean => typeOf(error) === ErrorType.STREAM_NOT_FOUND;

/**
 * The server cannot be reached or cannot serve the request now: unavailable, a deadline passed,
 * the node is not the leader, a raw gRPC UNAVAILABLE (the single-append path rejects with the
 * transport's error unconverted), or gossip discovery of a cluster gave up (a plain Error).
 */
export const isUnavailable = (error: unknown): boolean => {
  const type = typeOf(error);
  if (type === ErrorType.UNAVAILABLE || type === ErrorType.DEADLINE_EXCEEDED || type === ErrorType.NOT_LEADER) return true;
  if (type === undefined && codeOf(error) === GRPC_UNAVAILABLE) return true;
  return error instanceof Error && /^Failed to discover after \d+ attempts/.test(error.message);
};

type WrongExpectedVersionShape = Readonly<{
  streamName: string;
  expectedVersion: AppendExpectedRevision;
  actualVersion: CurrentRevision;
}>;

const isWrongExpectedVersion = (error: unknown): error is WrongExpectedVersionShape => typeOf(error) === ErrorType.WRONG_EXPECTED_VERSION;

const describeExpected = (expected: AppendExpectedRevision): number | string =>
  typeof expected === 'bigint' || expected === 'no_stream' ? (fromCurrentRevision(expected) ?? expected.toString()) : expected;

/**
 * Throws the ledger's error for a client failure: WrongExpectedVersion → VersionConflict,
 * unavailability → StoreUnavailable (naming the store by its redacted connection string); any
 * other error is rethrown as it is.
 */
export const raiseClientError = (error: unknown, connection: EsdbConnection, doing: string): never => {
  if (isWrongExpectedVersion(error)) {
    const stream = error.streamName;
    const expected = describeExpected(error.expectedVersion);
    const actual = fromCurrentRevision(error.actualVersion);
    if (typeof expected === 'number' && actual !== undefined) return versionConflict(stream, expected, actual);
    return fail('VersionConflict', `stream ${stream} is at revision ${String(error.actualVersion)}, not the expected ${String(expected)}`, {
      stream,
      expectedRevision: String(expected),
      actualRevision: actual ?? String(error.actualVersion),
    });
  }
  if (isUnavailable(error)) {
    const reason = connection.scrub(messageOf(error)) || String(typeOf(error) ?? 'no reason given');
    return fail(
      'StoreUnavailable',
      `EventStoreDB at ${connection.description} is unavailable while ${doing} (${reason}); check that the server is running and reachable with this connection string`,
      { store: connection.description, reason },
    );
  }
  throw error;
};
