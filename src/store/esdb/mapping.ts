import { NO_STREAM as CLIENT_NO_STREAM } from '@eventstore/db-client';
import type { CurrentRevision, JSONType } from '@eventstore/db-client';
import {
  decodeStored,
  encodeStored,
  FX_STREAM,
  HOLDERS_STREAM,
  IssuerId,
  issuerOfStream,
  type StoredEvent,
} from '../../../events/index.js';
import { fail } from '../../domain/problem.js';
import { NO_STREAM, type ExpectedRevision } from '../eventStore.js';

// ---- streams ----

/** The ledger's own streams (docs/events.md#streams); everything else in $all (system streams, other apps) is skipped. */
export const isLedgerStream = (stream: string): boolean =>
  stream === HOLDERS_STREAM || stream === FX_STREAM || IssuerId.is(issuerOfStream(stream));

/** What a $all subscription asks the server for; `isLedgerStream` then drops e.g. `fxrates` or `holders2`. */
export const LEDGER_STREAM_PREFIXES = ['issuer-', HOLDERS_STREAM, FX_STREAM];

// ---- revisions: the ledger counts in numbers, the client in bigints ----

export const toClientRevision = (revision: number): bigint => {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new Error(`bug: ${revision} is not a stream revision`);
  return BigInt(revision);
};

/**
 * -1 (an empty stream) is the client's NO_STREAM, n is BigInt(n). Never ANY or STREAM_EXISTS: an
 * exact expected revision is what makes the server's event-id idempotency strong (a retried
 * append of the same ids at the same revision succeeds without writing twice).
 */
export const toClientExpectedRevision = (expected: ExpectedRevision): typeof CLIENT_NO_STREAM | bigint =>
  expected === NO_STREAM ? CLIENT_NO_STREAM : toClientRevision(expected);

/** A revision the server reports, as the ledger's number; undefined when it is not a whole number ≥ 0 below 2^53. */
export const fromClientRevision = (revision: bigint): number | undefined =>
  revision >= 0n && revision <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(revision) : undefined;

/** A stream's current revision as the server reports it (NO_STREAM when it does not exist) → -1 or n. */
export const fromCurrentRevision = (current: CurrentRevision): number | undefined =>
  current === CLIENT_NO_STREAM ? NO_STREAM : fromClientRevision(current);

// ---- events ----

/** The fields of the stored envelope kept in an EventStoreDB event's metadata. */
const METADATA_FIELDS = ['stream', 'revision', 'issuer', 'date', 'source', 'note', 'recordedAt', 'actor', 'prevHash', 'hash'];

export type EsdbEventInput = Readonly<{ id: string; type: string; data: JSONType; metadata: Record<string, unknown> }>;

/**
 * What `jsonEvent` is given for a stored event: the ledger's id and type, the encoded event data,
 * and the rest of the stored envelope (issuer?, date, source?, note?, recordedAt, actor, prevHash,
 * hash, plus stream and revision to cross-check where the event was found) as metadata.
 */
export const toEventInput = (event: StoredEvent): EsdbEventInput => {
  const { id, type, data, ...envelope } = encodeStored(event);
  const metadata = Object.fromEntries(Object.entries(envelope).filter(([, v]) => v !== undefined));
  return { id: id as string, type: type as string, data: data as JSONType, metadata };
};

/** The fields of a RecordedEvent the ledger reads. */
export type RecordedLedgerEvent = Readonly<{
  streamId: string;
  revision: bigint;
  id: string;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
}>;

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u) && !(u instanceof Uint8Array);

const corrupt = (stream: string, revision: bigint, why: string, problems?: ReadonlyArray<string>): never =>
  fail('CorruptEvent', `stored event ${stream}@${revision} is not a ledger event: ${why}`, {
    stream,
    revision: fromClientRevision(revision) ?? revision.toString(),
    ...(problems ? { problems } : {}),
  });

/**
 * A recorded event back into the stored envelope, through the codecs (never a cast). An event that
 * does not decode, or whose metadata names another stream or revision than where it was found,
 * is a CorruptEvent naming the stream and revision.
 */
export const fromRecordedEvent = (recorded: RecordedLedgerEvent): StoredEvent => {
  const { streamId: stream, revision } = recorded;
  if (!recorded.isJson) return corrupt(stream, revision, 'its content is not JSON');
  const { metadata } = recorded;
  if (!isPlainObject(metadata)) return corrupt(stream, revision, 'its metadata is not a JSON object');
  const unknown = Object.keys(metadata).filter((key) => !METADATA_FIELDS.includes(key));
  if (unknown.length > 0) return corrupt(stream, revision, `unexpected metadata field ${unknown.join(', ')}`);
  const at = fromClientRevision(revision);
  if (at === undefined) return corrupt(stream, revision, 'its revision is beyond 2^53');
  if (metadata.stream !== stream || metadata.revision !== at)
    return corrupt(
      stream,
      revision,
      `its metadata says ${JSON.stringify(metadata.stream)}@${JSON.stringify(metadata.revision)} (moved or copied)`,
    );
  const decoded = decodeStored({ ...metadata, id: recorded.id, type: recorded.type, data: recorded.data });
  if (!decoded.ok) {
    const problems = decoded.problems.map((p) => p.message);
    return corrupt(stream, revision, problems.join('; '), problems);
  }
  return decoded.value;
};
