import type * as t from 'io-ts';
import {
  encodeEventData,
  eventDataCodecs,
  type EventId,
  type EventType,
  type IsoDate,
  type LedgerEvent,
  PUBLIC,
  type StoredEvent,
} from '../../events/index.js';
import {
  isClass,
  isCurrency,
  isDecimal,
  isHolder,
  isLong,
  isNonNegative,
  isPositive,
  isPositiveDecimal,
  isShort,
  UUID,
} from '../../events/storedFast.js';
import { holdersNamedBy } from '../../projections/mentions.js';
import type { PlacedEvent } from '../domain/timeline.js';

/**
 * The replay encoding of schema v2 (see sqliteSchema.ts): what `evolve` and the timeline
 * selection need of an event, derived from the validated event when it is appended, so a replay
 * does not parse and validate whole JSON envelopes.
 *
 * `code` is a type letter followed by either
 * - the data fields joined by U+001F (unit separator), in a fixed order per type, '' for an absent
 *   optional field (no field can be empty: ids, numbers and texts all have at least one
 *   character), used when no text field contains U+001F; or
 * - the JSON of the encoded data (`{`…), for the types with lists (registration, funding round,
 *   IPO) and any event whose text contains U+001F.
 * Decoding checks every field as the codecs do (patterns, share counts), so a damaged row is a
 * CorruptEvent, never a cast. `verify` checks that each row agrees with its envelope.
 */

const SEP = '\u001f';

const LETTER: Readonly<Record<EventType, string>> = {
  IssuerRegistered: 'R',
  ShareClassAdded: 'K',
  SharesIssued: 'I',
  FundingRoundClosed: 'F',
  IPOCompleted: 'O',
  BlockSale: 'B',
  SharesTransferred: 'T',
  SharesRepurchased: 'P',
  StockSplit: 'S',
  SharesConverted: 'C',
  StakeDisclosed: 'D',
  EventRetracted: 'X',
  HolderRegistered: 'H',
  FxRateRecorded: 'Q',
};
const TYPE_OF: ReadonlyMap<string, EventType> = new Map(Object.entries(LETTER).map(([type, letter]) => [letter, type as EventType]));

/** The separated fields of an event, or undefined for the JSON form. */
const fieldsOf = (e: LedgerEvent): Array<string | bigint | number | undefined> | undefined => {
  switch (e.type) {
    case 'SharesIssued':
      return [e.data.holder, e.data.class, e.data.shares, e.data.pricePerShare, e.data.currency, e.data.reason];
    case 'BlockSale':
      return [e.data.seller, e.data.buyer, e.data.class, e.data.shares, e.data.pricePerShare, e.data.currency, e.data.fees];
    case 'SharesTransferred':
      return [e.data.from, e.data.to, e.data.class, e.data.shares, e.data.consideration?.amount, e.data.consideration?.currency];
    case 'SharesRepurchased':
      return [e.data.holder, e.data.class, e.data.shares, e.data.pricePerShare, e.data.currency];
    case 'StockSplit':
      return [e.data.class, e.data.numerator, e.data.denominator];
    case 'SharesConverted':
      return [e.data.holder, e.data.fromClass, e.data.toClass, e.data.shares, e.data.ratio];
    case 'StakeDisclosed':
      return [e.data.holder, e.data.class, e.data.shares, e.data.percent, e.data.filing];
    case 'EventRetracted':
      return [e.data.eventId, e.data.reason];
    case 'HolderRegistered':
      return [e.data.holder, e.data.controlledBy, e.data.name];
    case 'FxRateRecorded':
      return [e.data.base, e.data.quote, e.data.rate];
    case 'ShareClassAdded':
      return [e.data.class, e.data.votesPerShare];
    case 'IssuerRegistered':
    case 'FundingRoundClosed':
    case 'IPOCompleted':
      return undefined;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
};

/** The replay code of a validated event. */
export const encodeReplay = (e: LedgerEvent): string => {
  const letter = LETTER[e.type];
  const fields = fieldsOf(e);
  if (fields) {
    let text = letter;
    let clean = true;
    for (const f of fields) {
      const s = f === undefined ? '' : typeof f === 'string' ? f : String(f);
      if (s.includes(SEP)) clean = false;
      text += SEP + s;
    }
    if (clean) return text;
  }
  return letter + JSON.stringify(encodeEventData(e));
};

export class ReplayCodeError extends Error {}

const bad = (why: string): never => {
  throw new ReplayCodeError(why);
};
const need = <T>(ok: boolean, value: T, what: string): T => (ok ? value : bad(`bad ${what}`));

const holder = (s: string | undefined): string => need(isHolder(s), s!, 'holder');
const cls = (s: string | undefined): string => need(isClass(s), s!, 'class');
const shares = (s: string | undefined): bigint => (isPositive(s) ? BigInt(s) : bad('share count'));
const decimal = (s: string | undefined): string => need(isDecimal(s), s!, 'decimal');
const currency = (s: string | undefined): string => need(isCurrency(s), s!, 'currency');
const short = (s: string | undefined): string => need(isShort(s), s!, 'text');
/** An optional field: '' is absent. */
const maybe = <T>(s: string | undefined, read: (s: string) => T): T | undefined => (s === '' ? undefined : s === undefined ? bad('missing field') : read(s));

/** Sets the optional fields that are present, so decoded data has the codecs' shape (absent stays absent). */
const withOptional = (data: Record<string, unknown>, optional: Record<string, unknown>): Record<string, unknown> => {
  for (const k in optional) if (optional[k] !== undefined) data[k] = optional[k];
  return data;
};

const decodeFields = (type: EventType, f: string[]): Record<string, unknown> => {
  const arity = (n: number) => (f.length === n ? undefined : bad(`${f.length} fields, expected ${n}`));
  switch (type) {
    case 'SharesIssued':
      arity(6);
      return withOptional({ holder: holder(f[0]), class: cls(f[1]), shares: shares(f[2]), pricePerShare: decimal(f[3]), currency: currency(f[4]) }, { reason: maybe(f[5], short) });
    case 'BlockSale':
      arity(7);
      return withOptional(
        { seller: holder(f[0]), class: cls(f[2]), shares: shares(f[3]), pricePerShare: decimal(f[4]), currency: currency(f[5]) },
        { buyer: maybe(f[1], holder), fees: maybe(f[6], decimal) },
      );
    case 'SharesTransferred': {
      arity(6);
      const amount = maybe(f[4], decimal);
      const cur = maybe(f[5], currency);
      if ((amount === undefined) !== (cur === undefined)) bad('half a consideration');
      return withOptional({ from: holder(f[0]), to: holder(f[1]), class: cls(f[2]), shares: shares(f[3]) }, { consideration: amount === undefined ? undefined : { amount, currency: cur } });
    }
    case 'SharesRepurchased': {
      arity(5);
      const price = maybe(f[3], decimal);
      const cur = maybe(f[4], currency);
      if ((price === undefined) !== (cur === undefined)) bad('price without currency');
      return withOptional({ class: cls(f[1]), shares: shares(f[2]) }, { holder: maybe(f[0], holder), pricePerShare: price, currency: cur });
    }
    case 'StockSplit':
      arity(3);
      return withOptional({ numerator: shares(f[1]), denominator: shares(f[2]) }, { class: maybe(f[0], cls) });
    case 'SharesConverted':
      arity(5);
      return withOptional(
        { holder: holder(f[0]), fromClass: cls(f[1]), toClass: cls(f[2]), shares: shares(f[3]) },
        { ratio: maybe(f[4], (s) => need(isPositiveDecimal(s), s, 'ratio')) },
      );
    case 'StakeDisclosed': {
      arity(5);
      const n = maybe(f[2], (s) => (isNonNegative(s) ? BigInt(s) : bad('share count')));
      const percent = maybe(f[3], (s) => need(isDecimal(s) && (/^\d{1,2}(\.|$)/.test(s) || s === '100'), s, 'percent'));
      if (n === undefined && percent === undefined) bad('a disclosure without shares or percent');
      return withOptional({ holder: holder(f[0]) }, { class: maybe(f[1], cls), shares: n, percent, filing: maybe(f[4], (s) => need(isLong(s), s, 'filing')) });
    }
    case 'EventRetracted':
      arity(2);
      return { eventId: need(UUID.test(f[0] ?? ''), f[0]!, 'event id'), reason: short(f[1]) };
    case 'HolderRegistered':
      arity(3);
      return withOptional({ holder: holder(f[0]), name: short(f[2]) }, { controlledBy: maybe(f[1], holder) });
    case 'FxRateRecorded':
      arity(3);
      return { base: currency(f[0]), quote: currency(f[1]), rate: need(isPositiveDecimal(f[2]), f[2]!, 'rate') };
    case 'ShareClassAdded': {
      arity(2);
      const votes = isNonNegative(f[1]) ? Number(f[1]) : bad('votes per share');
      return { class: cls(f[0]), votesPerShare: need(Number.isSafeInteger(votes), votes, 'votes per share') };
    }
    default:
      return bad(`${type} has no separated form`);
  }
};

/** Decodes a replay code into the event's type and data; throws ReplayCodeError when it is damaged. */
export const decodeReplay = (code: string): LedgerEvent => {
  const type = TYPE_OF.get(code.charAt(0)) ?? bad(`unknown type letter ${JSON.stringify(code.charAt(0))}`);
  if (code.charCodeAt(1) === 0x7b /* { */) {
    let json: unknown;
    try {
      json = JSON.parse(code.slice(1));
    } catch {
      return bad('data is not JSON');
    }
    const decoded = (eventDataCodecs[type] as t.Type<unknown, unknown, unknown>).decode(json);
    return decoded._tag === 'Right' ? ({ type, data: decoded.right } as LedgerEvent) : bad(`data does not decode as ${type}`);
  }
  if (code.charAt(1) !== SEP) bad('no field separator');
  return { type, data: decodeFields(type, code.slice(2).split(SEP)) } as LedgerEvent;
};

/** A timeline row as read: [revision, date, recordedAt, id, code]. */
export type TimelineRow = [number, string, string, string, string];

/** The event of a timeline row, placed on its stream's timeline (what selection and evolve need). */
export const placedEventOf = (row: TimelineRow): PlacedEvent => {
  const [revision, date, , id, code] = row;
  const { type, data } = decodeReplay(code);
  return { type, data, id: id as EventId, date: date as IsoDate, revision } as PlacedEvent;
};

/** A name the mentions table records for an issuer's registration (no holder id contains "@"). */
export const REGISTERED = '@registered';

/** What schema v2 derives from one stored event, besides the envelope. */
export type DerivedRow = Readonly<{
  code: string;
  /** Holders the event names (retracted or not), and REGISTERED for an IssuerRegistered. */
  mentions: ReadonlyArray<string>;
  /** The event a retraction retracts. */
  retracts: EventId | undefined;
}>;

export const deriveRow = (e: StoredEvent): DerivedRow => {
  const named: string[] = holdersNamedBy(e);
  if (e.type === 'IssuerRegistered') named.push(REGISTERED);
  return { code: encodeReplay(e), mentions: named.filter((h) => h !== PUBLIC), retracts: e.type === 'EventRetracted' ? e.data.eventId : undefined };
};
