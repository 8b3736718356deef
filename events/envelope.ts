import canonicalize from 'canonicalize';
import * as t from 'io-ts';
import { closed } from './closed.js';
import { FAIL, fastOf, withFast, withStoredDecoder } from './fastDecode.js';
import { canonicalOf, canonicalString, fastCanonical, jsonString, jsonWriterOf } from './canonical.js';
import {
  encodeEventData,
  EVENT_TYPES,
  eventDataCodecs,
  isEventType,
  type EventType,
  type LedgerEvent,
  streamKindOf,
} from './ledgerEvent.js';
import { describeErrors, type FieldProblem } from './reporter.js';
import { EventId } from './scalars/eventId.js';
import { Instant } from './scalars/instant.js';
import { IsoDate } from './scalars/isoDate.js';
import { IssuerId } from './scalars/issuerId.js';
import { patternString } from './scalars/pattern.js';
import { LongText, ShortText } from './scalars/text.js';

/** An event as a person or file submits it; the id may be missing (the ledger assigns one). */
export type DraftEvent = LedgerEvent & Readonly<{ id?: EventId; issuer?: IssuerId; date: IsoDate; source?: string; note?: string }>;

/** An event with its id: what `decide` works with before the store assigns revision and hashes. */
export type EventEnvelope = DraftEvent & Readonly<{ id: EventId }>;

/** What the store holds (docs/events.md#streams): the envelope plus stream, revision, recordedAt, actor and hash chain. */
export type StoredEvent = EventEnvelope &
  Readonly<{ stream: string; revision: number; recordedAt: Instant; actor: string; prevHash: string; hash: string }>;

const EventTypeCodec = withFast(
  new t.Type<EventType, string, unknown>(
    `one of ${EVENT_TYPES.join(', ')}`,
    isEventType,
    (u, c) => (isEventType(u) ? t.success(u) : t.failure(u, c)),
    (s) => s,
  ),
  (u) => (isEventType(u) ? u : FAIL),
);

const DataObject = withFast(
  new t.Type<Record<string, unknown>, Record<string, unknown>, unknown>(
    'an object of event data',
    (u): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u),
    (u, c) => (typeof u === 'object' && u !== null && !Array.isArray(u) ? t.success(u as Record<string, unknown>) : t.failure(u, c)),
    (d) => d,
  ),
  (u) => (typeof u === 'object' && u !== null && !Array.isArray(u) ? u : FAIL),
);

const InputEnvelope = closed(
  'an event envelope {id?, type, issuer?, date, data, source?, note?}',
  { type: EventTypeCodec, date: IsoDate, data: DataObject },
  { id: EventId, issuer: IssuerId, source: LongText, note: LongText },
);

const Hash = patternString<string>('a SHA-256 hex digest', /^[0-9a-f]{64}$/);
const isRevision = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;
const Revision = withStoredDecoder(
  new t.Type<number, number, unknown>(
    'a revision (whole number ≥ 0)',
    isRevision,
    (u, c) => {
      const n = typeof u === 'number' ? u : typeof u === 'object' && u !== null ? Number(String(u)) : NaN;
      return Number.isSafeInteger(n) && n >= 0 ? t.success(n) : t.failure(u, c);
    },
    (n) => n,
  ),
  (u) => (isRevision(u) ? u : FAIL),
);

export const StoredEnvelope = closed(
  'a stored event envelope',
  {
    id: EventId,
    stream: ShortText,
    revision: Revision,
    type: EventTypeCodec,
    date: IsoDate,
    data: DataObject,
    recordedAt: Instant,
    actor: ShortText,
    prevHash: Hash,
    hash: Hash,
  },
  { issuer: IssuerId, source: LongText, note: LongText },
);

export type DecodeResult<A> = { ok: true; value: A } | { ok: false; problems: FieldProblem[] };

const decodeData = (type: EventType, data: unknown): DecodeResult<LedgerEvent> => {
  const codec = eventDataCodecs[type] as t.Type<unknown, unknown, unknown>;
  const result = codec.validate(data, [
    { key: '', type: codec, actual: data },
    { key: 'data', type: codec, actual: data },
  ]);
  if (result._tag === 'Left') return { ok: false, problems: describeErrors(result.left) };
  return { ok: true, value: { type, data: result.right } as LedgerEvent };
};

const issuerRule = (type: EventType, issuer: IssuerId | undefined): FieldProblem | undefined => {
  const kind = streamKindOf(type);
  if (kind === 'issuer' && issuer === undefined)
    return {
      path: 'issuer',
      expected: 'an issuer id',
      got: 'nothing',
      message: `issuer: required field is missing (a ${type} belongs to an issuer)`,
    };
  if ((kind === 'holders' || kind === 'fx') && issuer !== undefined)
    return {
      path: 'issuer',
      expected: 'no issuer',
      got: JSON.stringify(issuer),
      message: `issuer: a ${type} belongs to no issuer, remove it`,
    };
  return undefined;
};

type DecodedInput = { type: EventType; data: unknown; date: IsoDate; id?: EventId; issuer?: IssuerId; source?: string; note?: string };

/**
 * decodeDraft's result without io-ts contexts, or undefined when anything is wrong (see withFast):
 * the same value as the io-ts path, built the same way (the same keys in the same order). It also
 * takes numbers as JS numbers whose String() is their literal (parseJsonNumbersAsText): every
 * codec reads a number by its text, and what is not a number is refused the same way; on
 * undefined the caller decodes again with decodeDraft, which decides every message.
 */
export const decodeDraftFast = (u: unknown): DraftEvent | undefined => {
  const outer = fastOf(InputEnvelope)(u);
  if (outer === FAIL) return undefined;
  const o = outer as DecodedInput;
  const inner = fastOf(eventDataCodecs[o.type])(o.data);
  if (inner === FAIL || issuerRule(o.type, o.issuer)) return undefined;
  // What `{ ...rest, type, data }` builds in decodeDraftChecked: the envelope's fields in codec order, then type and data.
  const value: Record<string, unknown> = { date: o.date };
  if (o.id !== undefined) value['id'] = o.id;
  if (o.issuer !== undefined) value['issuer'] = o.issuer;
  if (o.source !== undefined) value['source'] = o.source;
  if (o.note !== undefined) value['note'] = o.note;
  value['type'] = o.type;
  value['data'] = inner;
  return value as DraftEvent;
};

/** Decodes a submitted envelope (docs/events.md#streams) into a typed draft event, or says what is wrong with it. */
export const decodeDraft = (u: unknown): DecodeResult<DraftEvent> => {
  const fast = decodeDraftFast(u);
  return fast !== undefined ? { ok: true, value: fast } : decodeDraftChecked(u);
};

/** decodeDraft through io-ts alone: what explains a rejection (and the reference the fast path is tested against). */
export const decodeDraftChecked = (u: unknown): DecodeResult<DraftEvent> => {
  const outer = InputEnvelope.decode(u);
  if (outer._tag === 'Left') {
    // Report the data's problems too when the type is known, so one run shows every mistake.
    const raw = typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : {};
    const inner = isEventType(raw['type']) && DataObject.is(raw['data']) ? decodeData(raw['type'], raw['data']) : undefined;
    return { ok: false, problems: [...describeErrors(outer.left), ...(inner && !inner.ok ? inner.problems : [])] };
  }
  const { type, data, ...rest } = outer.right;
  const inner = decodeData(type, data);
  if (!inner.ok) return inner;
  const problem = issuerRule(type, rest.issuer);
  if (problem) return { ok: false, problems: [problem] };
  return { ok: true, value: { ...rest, ...inner.value } as DraftEvent };
};

/** Decodes an envelope read back from a store. Stores never cast: every event passes here. */
export const decodeStored = (u: unknown): DecodeResult<StoredEvent> => {
  const outer = StoredEnvelope.decode(u);
  if (outer._tag === 'Left') return { ok: false, problems: describeErrors(outer.left) };
  const { type, data, ...rest } = outer.right;
  const inner = decodeData(type, data);
  if (!inner.ok) return inner;
  return { ok: true, value: { ...rest, ...inner.value } as StoredEvent };
};

const withoutUndefined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The JSON form of a submitted event's content: what decides whether a repeated id is the same event. */
export const encodeContent = (e: DraftEvent): Record<string, unknown> =>
  withoutUndefined({ type: e.type, issuer: e.issuer, date: e.date, data: encodeEventData(e), source: e.source, note: e.note });

/**
 * The JSON form of a stored event, in the field order of docs/events.md#streams (export, stores). Absent
 * optional fields are left undefined, which JSON.stringify and canonicalize both omit; this is
 * on the append and hash path, so it builds the object directly.
 */
export const encodeStored = (e: StoredEvent): Record<string, unknown> => ({
  id: e.id,
  stream: e.stream,
  revision: e.revision,
  type: e.type,
  issuer: e.issuer,
  date: e.date,
  data: encodeEventData(e),
  source: e.source,
  note: e.note,
  recordedAt: e.recordedAt,
  actor: e.actor,
  prevHash: e.prevHash,
  hash: e.hash,
});

const isText = (s: unknown): s is string => typeof s === 'string';

/**
 * `JSON.stringify(encodeStored(e))`, the text a store keeps, written field by field (no encoded
 * copy of the event, no generic stringify walk). Byte-identical to that call (tests/importFastPaths).
 */
export const storedText = (e: StoredEvent): string => {
  const data = jsonWriterOf(eventDataCodecs[e.type] as t.Mixed)(e.data);
  if (
    data === undefined ||
    !isText(e.id) ||
    !isText(e.stream) ||
    !Number.isFinite(e.revision) ||
    !isText(e.type) ||
    !isText(e.date) ||
    !isText(e.recordedAt) ||
    !isText(e.actor) ||
    !isText(e.prevHash) ||
    !isText(e.hash) ||
    !(e.issuer === undefined || isText(e.issuer)) ||
    !(e.source === undefined || isText(e.source)) ||
    !(e.note === undefined || isText(e.note))
  )
    return JSON.stringify(encodeStored(e));
  return (
    `{"id":${jsonString(e.id)},"stream":${jsonString(e.stream)},"revision":${e.revision},"type":${jsonString(e.type)}` +
    (e.issuer === undefined ? '' : `,"issuer":${jsonString(e.issuer)}`) +
    `,"date":${jsonString(e.date)},"data":${data}` +
    (e.source === undefined ? '' : `,"source":${jsonString(e.source)}`) +
    (e.note === undefined ? '' : `,"note":${jsonString(e.note)}`) +
    `,"recordedAt":${jsonString(e.recordedAt)},"actor":${jsonString(e.actor)},"prevHash":${jsonString(e.prevHash)},"hash":${jsonString(e.hash)}}`
  );
};

/** RFC 8785 canonical JSON. */
export const canonicalJson = (value: unknown): string => {
  const fast = fastCanonical(value);
  if (fast !== undefined) return fast;
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no canonical JSON form');
  return text;
};

/** A string field as canonical JSON, or undefined when it is not a plain string (the general path decides). */
const stringField = (s: unknown): string | undefined => (typeof s === 'string' ? canonicalString(s) : undefined);

/**
 * The canonical JSON of `encodeStored(e)` without `hash` (what the hash chain hashes, docs/integrity.md),
 * written field by field in RFC 8785 order instead of encoding, sorting and walking a copy. Equal
 * to `canonicalJson` of that copy (tests/canonicalText.property.test.ts).
 */
export const canonicalStoredText = (e: Omit<StoredEvent, 'hash'>): string => {
  const actor = stringField(e.actor);
  const date = stringField(e.date);
  const id = stringField(e.id);
  const prevHash = stringField(e.prevHash);
  const recordedAt = stringField(e.recordedAt);
  const stream = stringField(e.stream);
  const type = stringField(e.type);
  const issuer = e.issuer === undefined ? '' : stringField(e.issuer);
  const note = e.note === undefined ? '' : stringField(e.note);
  const source = e.source === undefined ? '' : stringField(e.source);
  const data = canonicalOf(eventDataCodecs[e.type] as t.Mixed)(e.data);
  if (
    actor === undefined ||
    date === undefined ||
    id === undefined ||
    prevHash === undefined ||
    recordedAt === undefined ||
    stream === undefined ||
    type === undefined ||
    issuer === undefined ||
    note === undefined ||
    source === undefined ||
    data === undefined ||
    !Number.isSafeInteger(e.revision)
  ) {
    const { hash: _ignored, ...envelope } = encodeStored({ ...e, hash: '' } as StoredEvent);
    return canonicalJson(envelope);
  }
  return (
    `{"actor":${actor},"data":${data},"date":${date},"id":${id}` +
    (issuer === '' ? '' : `,"issuer":${issuer}`) +
    (note === '' ? '' : `,"note":${note}`) +
    `,"prevHash":${prevHash},"recordedAt":${recordedAt},"revision":${e.revision}` +
    (source === '' ? '' : `,"source":${source}`) +
    `,"stream":${stream},"type":${type}}`
  );
};

/**
 * `canonicalJson(encodeContent(e))` written field by field: what derived import ids hash (docs/stores.md),
 * so it must stay equal to that, byte for byte (tests/importFastPaths.property.test.ts).
 */
export const canonicalContentText = (e: DraftEvent): string => {
  const data = canonicalOf(eventDataCodecs[e.type] as t.Mixed)(e.data);
  const date = stringField(e.date);
  const type = stringField(e.type);
  const issuer = e.issuer === undefined ? '' : stringField(e.issuer);
  const note = e.note === undefined ? '' : stringField(e.note);
  const source = e.source === undefined ? '' : stringField(e.source);
  if (data === undefined || date === undefined || type === undefined || issuer === undefined || note === undefined || source === undefined)
    return canonicalJson(encodeContent(e));
  return (
    `{"data":${data},"date":${date}` +
    (issuer === '' ? '' : `,"issuer":${issuer}`) +
    (note === '' ? '' : `,"note":${note}`) +
    (source === '' ? '' : `,"source":${source}`) +
    `,"type":${type}}`
  );
};

export const sameContent = (a: DraftEvent, b: DraftEvent): boolean => canonicalContentText(a) === canonicalContentText(b);
