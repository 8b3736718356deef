import {
  AccessDeniedError,
  DeadlineExceededError,
  EventStoreDBClient,
  jsonEvent,
  NotLeaderError,
  NO_STREAM as CLIENT_NO_STREAM,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { decodeDraft, type DraftEvent, type EventEnvelope, type StoredEvent } from '../events/index.js';
import { isLedgerError, type Problem } from '../src/domain/problem.js';
import { isStreamNotFound, isUnavailable, raiseClientError } from '../src/store/esdb/clientErrors.js';
import { toEsdbConnection } from '../src/store/esdb/connectionString.js';
import {
  fromClientRevision,
  fromCurrentRevision,
  fromRecordedEvent,
  isLedgerStream,
  toClientExpectedRevision,
  toClientRevision,
  toEventInput,
  type RecordedLedgerEvent,
} from '../src/store/esdb/mapping.js';
import { sealEvents } from '../src/store/hashChain.js';
import { ACTOR, newEventId, newIssuerHistory, RECORDED_AT } from './fixtures/sealed.js';

const SECRET = 's3cr%40t!';
const DECODED_SECRET = 's3cr@t!';
const connection = toEsdbConnection(`esdb://admin:${SECRET}@db.example:2113?tls=false`);

const problemOf = (run: () => unknown): Problem => {
  try {
    run();
  } catch (e) {
    if (isLedgerError(e)) return e.problem;
    throw e;
  }
  throw new Error('expected a LedgerError');
};

const neverShowsCredentials = (problem: Problem): void => {
  const shown = `${problem.message} ${JSON.stringify(problem.details ?? {})}`;
  for (const secret of [SECRET, DECODED_SECRET, 's3cr', 'admin:']) expect(shown).not.toContain(secret);
};

const draft = (input: unknown): DraftEvent => {
  const decoded = decodeDraft(input);
  if (!decoded.ok) throw new Error(decoded.problems.map((p) => p.message).join('; '));
  return decoded.value;
};

const sealedIn = (stream: string, input: unknown): StoredEvent =>
  sealEvents(
    stream,
    { revision: -1, hash: '0'.repeat(64) },
    [{ ...draft(input), id: newEventId() } as EventEnvelope],
    RECORDED_AT,
    ACTOR,
  )[0]!;

/** What the client hands back for an event written from `toEventInput`: JSON through the wire and back. */
const recordedFrom = (event: StoredEvent, changes: Partial<RecordedLedgerEvent> = {}): RecordedLedgerEvent => {
  const input = toEventInput(event);
  return {
    streamId: event.stream,
    revision: BigInt(event.revision),
    id: input.id,
    type: input.type,
    isJson: true,
    data: JSON.parse(JSON.stringify(input.data)),
    metadata: JSON.parse(JSON.stringify(input.metadata)),
    ...changes,
  };
};

describe('EventStoreDB mapping: events', () => {
  const history = newIssuerHistory(2);
  const holder = sealedIn('holders', {
    type: 'HolderRegistered',
    date: '2018-01-01',
    data: { holder: 'taobao-holding', name: 'Taobao Holding', controlledBy: 'alibaba' },
  });
  const fx = sealedIn('fx', {
    type: 'FxRateRecorded',
    date: '2023-07-06',
    data: { base: 'USD', quote: 'HKD', rate: '7.8213' },
    source: 'HKMA',
  });

  it('puts the ledger type, the encoded data and the rest of the envelope in the client event', () => {
    const event = history.events[1]!;
    const input = toEventInput(event);
    expect(input.id).toBe(event.id);
    expect(input.type).toBe('SharesIssued');
    expect(input.data).toEqual({
      holder: 'taobao-holding',
      class: 'B',
      shares: expect.stringMatching(/^24\d{17}$/),
      pricePerShare: '1.82',
      currency: 'HKD',
    });
    expect(input.metadata).toEqual({
      stream: event.stream,
      revision: 1,
      issuer: history.issuer,
      date: '2018-06-01',
      note: event.note,
      recordedAt: RECORDED_AT,
      actor: ACTOR,
      prevHash: history.events[0]!.hash,
      hash: event.hash,
    });
    const data = jsonEvent(input);
    expect(data).toMatchObject({ id: event.id, type: 'SharesIssued', contentType: 'application/json' });
  });

  it('leaves absent optional fields out of the metadata (issuer of holders/fx events, source, note)', () => {
    expect(Object.keys(toEventInput(holder).metadata).sort()).toEqual([
      'actor',
      'date',
      'hash',
      'prevHash',
      'recordedAt',
      'revision',
      'stream',
    ]);
    expect(toEventInput(fx).metadata).toMatchObject({ source: 'HKMA' });
  });

  it.each([
    ['an issuer registration', history.events[0]!],
    ['an issuance (bigint shares, unicode, newlines)', history.events[2]!],
    ['a holder registration', holder],
    ['an fx rate', fx],
  ])('reads %s back exactly, hashes included', (_, event) => {
    expect(fromRecordedEvent(recordedFrom(event))).toEqual(event);
  });

  const corruptionOf = (recorded: RecordedLedgerEvent): Problem => problemOf(() => fromRecordedEvent(recorded));
  const event = history.events[2]!;
  const metadata = toEventInput(event).metadata;

  it.each<[string, Partial<RecordedLedgerEvent>, RegExp]>([
    ['data that fails its codec', { data: { ...(toEventInput(event).data as object), shares: '-5' } }, /data\.shares.*"-5"/],
    ['an unknown event type', { type: 'SharesStolen' }, /type/],
    ['binary content', { isJson: false, data: new Uint8Array([1, 2]) }, /not JSON/],
    ['no metadata', { metadata: undefined }, /metadata is not a JSON object/],
    ['metadata that is not JSON', { metadata: new Uint8Array([0xff]) }, /metadata is not a JSON object/],
    ['metadata naming another stream', { metadata: { ...metadata, stream: 'issuer-other' } }, /"issuer-other"@2 \(moved or copied\)/],
    ['metadata naming another revision', { metadata: { ...metadata, revision: 7 } }, /@7 \(moved or copied\)/],
    ['an event found at another revision', { revision: 5n }, /@2 \(moved or copied\)/],
    ['an unexpected metadata field', { metadata: { ...metadata, data: {} } }, /unexpected metadata field data/],
    ['a malformed hash', { metadata: { ...metadata, hash: 'abc' } }, /hash/],
    ['a missing recordedAt', { metadata: { ...metadata, recordedAt: undefined } }, /recordedAt/],
  ])('reports %s as CorruptEvent naming the stream and revision', (_, changes, why) => {
    const recorded = recordedFrom(event, changes);
    const problem = corruptionOf(recorded);
    expect(problem.kind).toBe('CorruptEvent');
    expect(problem.message).toContain(`${event.stream}@${recorded.revision}`);
    expect(problem.message).toMatch(why);
    expect(problem.details).toMatchObject({ stream: event.stream, revision: Number(recorded.revision) });
  });

  it('tells the ledger streams from system streams and other applications', () => {
    for (const stream of ['issuer-sensetime', 'holders', 'fx']) expect(isLedgerStream(stream)).toBe(true);
    for (const stream of ['$ce-issuer', '$$issuer-x', 'issuer-', 'issuer-Bad', 'holders-2', 'fxrates', '$stats-127.0.0.1:2113'])
      expect(isLedgerStream(stream)).toBe(false);
  });
});

describe('EventStoreDB mapping: revisions', () => {
  it('expects an empty stream as NO_STREAM and revision n as BigInt(n), never ANY', () => {
    expect(toClientExpectedRevision(-1)).toBe(CLIENT_NO_STREAM);
    expect(toClientExpectedRevision(0)).toBe(0n);
    expect(toClientExpectedRevision(41)).toBe(41n);
    expect(typeof toClientExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe('bigint');
  });

  it('refuses what is not a revision (a bug in the caller)', () => {
    for (const bad of [-2, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) expect(() => toClientRevision(bad)).toThrow(/bug/);
  });

  it('reads the server revisions back as numbers', () => {
    expect(fromClientRevision(0n)).toBe(0);
    expect(fromClientRevision(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromClientRevision(2n ** 53n)).toBeUndefined();
    expect(fromCurrentRevision(CLIENT_NO_STREAM)).toBe(-1);
    expect(fromCurrentRevision(3n)).toBe(3);
  });
});

describe('EventStoreDB mapping: client errors', () => {
  const raised = (error: unknown): Problem => problemOf(() => raiseClientError(error, connection, 'appending to issuer-x'));

  it('maps WrongExpectedVersion to VersionConflict with stream, expected and actual', () => {
    const problem = raised(new WrongExpectedVersionError(undefined, { streamName: 'issuer-sensetime', expected: 2n, current: 4n }));
    expect(problem).toEqual({
      kind: 'VersionConflict',
      message: expect.stringMatching(/issuer-sensetime.*4.*2/),
      details: { stream: 'issuer-sensetime', expectedRevision: 2, actualRevision: 4 },
    });
  });

  it('maps NO_STREAM on either side to revision -1', () => {
    expect(raised(new WrongExpectedVersionError(undefined, { streamName: 's', expected: CLIENT_NO_STREAM, current: 1n })).details).toEqual({
      stream: 's',
      expectedRevision: -1,
      actualRevision: 1,
    });
    expect(raised(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: CLIENT_NO_STREAM })).details).toEqual({
      stream: 's',
      expectedRevision: 0,
      actualRevision: -1,
    });
  });

  it('recognises StreamNotFound (a read of a stream that does not exist)', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'issuer-x'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound(new Error('issuer-x not found'))).toBe(false);
  });

  const notLeader = new NotLeaderError({
    code: 5,
    details: 'Leader info available',
    message: '5 NOT_FOUND: Leader info available',
    metadata: { getMap: () => ({ 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }) },
  } as never);
  const rawUnavailable = Object.assign(
    new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.5:2113'),
    {
      code: 14,
      details: 'No connection established',
    },
  );

  it.each<[string, unknown]>([
    ['UnavailableError', new UnavailableError(undefined, '14 UNAVAILABLE: No connection established')],
    ['DeadlineExceededError', new DeadlineExceededError(undefined, '4 DEADLINE_EXCEEDED: Deadline exceeded')],
    ['NotLeaderError', notLeader],
    ['a raw gRPC UNAVAILABLE (code 14) from the append path', rawUnavailable],
    ['a failed cluster discovery', new Error('Failed to discover after 10 attempts.')],
    ['an error with no message', new UnavailableError()],
  ])('maps %s to StoreUnavailable naming the redacted connection string', (_, error) => {
    expect(isUnavailable(error)).toBe(true);
    const problem = raised(error);
    expect(problem.kind).toBe('StoreUnavailable');
    expect(problem.message).toContain('esdb://***:***@db.example:2113?tls=false');
    expect(problem.message).toContain('appending to issuer-x');
    neverShowsCredentials(problem);
  });

  it('scrubs credentials the underlying message may carry', () => {
    const problem = raised(new UnavailableError(undefined, `14 UNAVAILABLE: auth admin:${DECODED_SECRET} refused (${SECRET})`));
    expect(problem.kind).toBe('StoreUnavailable');
    neverShowsCredentials(problem);
  });

  it.each<[string, unknown]>([
    ['AccessDeniedError', new AccessDeniedError()],
    ['a plain Error', new Error('boom')],
    ['another gRPC status', Object.assign(new Error('7 PERMISSION_DENIED'), { code: 7 })],
    ['a non-error value', 'oops'],
  ])('rethrows %s unchanged', (_, error) => {
    expect(isUnavailable(error)).toBe(false);
    let thrown: unknown;
    try {
      raiseClientError(error, connection, 'reading');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(error);
  });
});

describe('EventStoreDB connection strings', () => {
  it.each([
    ['esdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['esdb+discover://cluster.example:2113', 'esdb+discover://cluster.example:2113'],
    ['kurrentdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['kurrentdb+discover://cluster.example:2113', 'esdb+discover://cluster.example:2113'],
    ['KurrentDB://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    [
      'esdb://admin:changeit@localhost:2111,localhost:2112,localhost:2113?tls=true&tlsCAFile=certs/ca/ca.crt',
      'esdb://admin:changeit@localhost:2111,localhost:2112,localhost:2113?tls=true&tlsCAFile=certs/ca/ca.crt',
    ],
  ])('gives the client %s as %s', (url, clientString) => {
    expect(toEsdbConnection(url).clientString).toBe(clientString);
  });

  it('produces strings the 6.2.1 client parses (no server needed: it connects lazily)', async () => {
    for (const url of [
      'kurrentdb://localhost:2113?tls=false',
      'kurrentdb+discover://admin:changeit@cluster.example:2113?nodePreference=leader',
    ]) {
      const client = EventStoreDBClient.connectionString(toEsdbConnection(url).clientString);
      await client.dispose();
    }
  });

  it('describes the store with its credentials redacted', () => {
    const described = toEsdbConnection(`kurrentdb://admin:${SECRET}@db.example:2113?tls=false`);
    expect(described.description).toBe('kurrentdb://***:***@db.example:2113?tls=false');
    expect(described.scrub(`user admin:${SECRET} / ${DECODED_SECRET}`)).not.toMatch(/s3cr/);
  });

  it.each<[string, RegExp]>([
    [`http://admin:${SECRET}@db.example:2113`, /expected esdb:\/\//],
    [`esdb://admin:${SECRET}@db.example:2113?tls=false&bogus=1`, /unknown option "bogus"/],
    [`esdb://admin:${SECRET}@db.example:2113?tlsVerifyCert=false`, /tlsCAFile/],
    [`esdb://admin:${SECRET}@db.example:2113?throwOnAppendFailure=false`, /silent/],
  ])('refuses %s as a usage error without repeating the credentials', (url, why) => {
    const problem = problemOf(() => toEsdbConnection(url));
    expect(problem.kind).toBe('Usage');
    expect(problem.message).toMatch(why);
    neverShowsCredentials(problem);
  });
});
