import type * as t from 'io-ts';
import {
  encodeEventData,
  eventDataCodecs,
  type EventId,
  type EventType,
  type LedgerEvent,
  PUBLIC,
  type StoredEvent,
} from '../../events/index.js';
import {
  isCanonicalDate,
  isCanonicalInstant,
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
import { holdersNamedBy } from '../domain/mentions.js';
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

// Field readers: each checks its field as the codec would, and returns the decoded value.
const holder = (s: string | undefined): string => (isHolder(s) ? s : bad('bad holder'));
const cls = (s: string | undefined): string => (isClass(s) ? s : bad('bad class'));
const shares = (s: string | undefined): bigint => (isPositive(s) ? BigInt(s) : bad('bad share count'));
const decimal = (s: string | undefined): string => (isDecimal(s) ? s : bad('bad decimal'));
const positiveDecimal = (s: string | undefined): string => (isPositiveDecimal(s) ? s : bad('bad positive decimal'));
const currency = (s: string | undefined): string => (isCurrency(s) ? s : bad('bad currency'));
const short = (s: string | undefined): string => (isShort(s) ? s : bad('bad text'));
const long = (s: string | undefined): string => (isLong(s) ? s : bad('bad text'));
const percent = (s: string): string => (isDecimal(s) && (/^\d{1,2}(\.|$)/.test(s) || s === '100') ? s : bad('bad percent'));
const nonNegative = (s: string): bigint => (isNonNegative(s) ? BigInt(s) : bad('bad share count'));
/** Whether an optional field is present ('' is absent; a missing field is damage). */
const present = (s: string | undefined): s is string => (s === undefined ? bad('missing field') : s !== '');

type Data = Record<string, unknown>;

/** `f` is the split code: f[4] is the type letter, the fields follow. */
const decodeFields = (type: EventType, f: string[]): Data => {
  switch (type) {
    case 'SharesIssued': {
      if (f.length !== 11) break;
      const d: Data = {
        holder: holder(f[5]),
        class: cls(f[6]),
        shares: shares(f[7]),
        pricePerShare: decimal(f[8]),
        currency: currency(f[9]),
      };
      if (present(f[10])) d['reason'] = short(f[10]);
      return d;
    }
    case 'BlockSale': {
      if (f.length !== 12) break;
      const d: Data = {
        seller: holder(f[5]),
        class: cls(f[7]),
        shares: shares(f[8]),
        pricePerShare: decimal(f[9]),
        currency: currency(f[10]),
      };
      if (present(f[6])) d['buyer'] = holder(f[6]);
      if (present(f[11])) d['fees'] = decimal(f[11]);
      return d;
    }
    case 'SharesTransferred': {
      if (f.length !== 11) break;
      const d: Data = { from: holder(f[5]), to: holder(f[6]), class: cls(f[7]), shares: shares(f[8]) };
      if (present(f[9]) !== present(f[10])) bad('half a consideration');
      if (f[9] !== '') d['consideration'] = { amount: decimal(f[9]), currency: currency(f[10]) };
      return d;
    }
    case 'SharesRepurchased': {
      if (f.length !== 10) break;
      const d: Data = { class: cls(f[6]), shares: shares(f[7]) };
      if (present(f[5])) d['holder'] = holder(f[5]);
      if (present(f[8]) !== present(f[9])) bad('a price without its currency');
      if (f[8] !== '') {
        d['pricePerShare'] = decimal(f[8]);
        d['currency'] = currency(f[9]);
      }
      return d;
    }
    case 'StockSplit': {
      if (f.length !== 8) break;
      const d: Data = { numerator: shares(f[6]), denominator: shares(f[7]) };
      if (present(f[5])) d['class'] = cls(f[5]);
      return d;
    }
    case 'SharesConverted': {
      if (f.length !== 10) break;
      const d: Data = { holder: holder(f[5]), fromClass: cls(f[6]), toClass: cls(f[7]), shares: shares(f[8]) };
      if (present(f[9])) d['ratio'] = positiveDecimal(f[9]);
      return d;
    }
    case 'StakeDisclosed': {
      if (f.length !== 10) break;
      const d: Data = { holder: holder(f[5]) };
      if (present(f[6])) d['class'] = cls(f[6]);
      if (present(f[7])) d['shares'] = nonNegative(f[7]);
      if (present(f[8])) d['percent'] = percent(f[8]);
      if (f[7] === '' && f[8] === '') bad('a disclosure without shares or percent');
      if (present(f[9])) d['filing'] = long(f[9]);
      return d;
    }
    case 'EventRetracted':
      if (f.length !== 7) break;
      return { eventId: UUID.test(f[5]!) ? f[5] : bad('bad event id'), reason: short(f[6]) };
    case 'HolderRegistered': {
      if (f.length !== 8) break;
      const d: Data = { holder: holder(f[5]), name: short(f[7]) };
      if (present(f[6])) d['controlledBy'] = holder(f[6]);
      return d;
    }
    case 'FxRateRecorded':
      if (f.length !== 8) break;
      return { base: currency(f[5]), quote: currency(f[6]), rate: positiveDecimal(f[7]) };
    case 'ShareClassAdded': {
      if (f.length !== 7) break;
      const votes = isNonNegative(f[6]) ? Number(f[6]) : NaN;
      return { class: cls(f[5]), votesPerShare: Number.isSafeInteger(votes) ? votes : bad('bad votes per share') };
    }
    default:
      return bad(`${type} has no separated form`);
  }
  return bad(`${f.length - 5} fields do not make a ${type}`);
};

/** Event types by the char code of their letter. */
const TYPE_BY_CODE: ReadonlyArray<EventType | undefined> = (() => {
  const table: Array<EventType | undefined> = [];
  for (const [letter, type] of TYPE_OF) table[letter.charCodeAt(0)] = type;
  return table;
})();

/** The data of a split row body (see decodeFields). */
const dataOf = (type: EventType, f: string[]): Data => {
  const code = f[4]!;
  if (code.length > 1) {
    if (code.charCodeAt(1) !== 0x7b /* { */ || f.length !== 5) bad('damaged data');
    let json: unknown;
    try {
      json = JSON.parse(code.slice(1));
    } catch {
      return bad('data is not JSON');
    }
    const decoded = (eventDataCodecs[type] as t.Type<unknown, unknown, unknown>).decode(json);
    return decoded._tag === 'Right' ? (decoded.right as Data) : bad(`data does not decode as ${type}`);
  }
  return decodeFields(type, f);
};

const typeOf = (letter: string | undefined): EventType =>
  (letter && TYPE_BY_CODE[letter.charCodeAt(0)]) || bad(`unknown type letter ${JSON.stringify(letter)}`);

/**
 * A timeline row's body: `date␟revision␟recordedAt␟id␟code` — everything a replay reads, in one
 * column, because better-sqlite3 pays per column read more than per byte.
 */
export const bodyOf = (e: StoredEvent): string =>
  `${e.date}${SEP}${e.revision}${SEP}${e.recordedAt}${SEP}${e.id.toLowerCase()}${SEP}${encodeReplay(e)}`;

/** A row body split into its parts: [date, revision, recordedAt, id, letter (+JSON), fields…]. */
export const splitBody = (body: string): string[] => {
  const f = body.split(SEP);
  return f.length >= 5 ? f : bad('not a timeline row');
};

const REVISION = /^(0|[1-9][0-9]{0,15})$/;

/** The event of a split row body, placed on its stream's timeline; throws ReplayCodeError when damaged. */
export const eventOfParts = (f: string[]): PlacedEvent => {
  const type = typeOf(f[4]);
  const date = f[0]!;
  const revision = REVISION.test(f[1]!) ? Number(f[1]) : bad('bad revision');
  if (!isCanonicalDate(date) || !isCanonicalInstant(f[2]) || !UUID.test(f[3]!)) bad('bad date, recordedAt or id');
  return { type, data: dataOf(type, f), id: f[3], date, revision } as unknown as PlacedEvent;
};

/** A decoded timeline row: its event and when it was recorded. */
export type TimelineEntry = { event: PlacedEvent; recordedAt: string };

// The three types that make up most ledgers (sales, issues, transfers) are matched whole by one
// pattern each: one regular-expression pass checks every field's form and cuts it out, which
// costs about half of a split followed by a check per field. Same checks, same values.
const S = '\u001f';
const PREFIX = `^(\\d{4}-\\d{2}-\\d{2})${S}(0|[1-9][0-9]{0,15})${S}(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)${S}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})${S}`;
const HOLDER = '[a-z0-9][a-z0-9-]{0,63}';
const CLASS = '[A-Za-z0-9][A-Za-z0-9-]{0,31}';
const COUNT = '[1-9][0-9]*';
const DECIMAL = '(?:0|[1-9][0-9]*)(?:\\.[0-9]*[1-9])?';
const CURRENCY = '[A-Z]{3}';
const WHOLE: Readonly<Record<string, RegExp>> = {
  B: new RegExp(`${PREFIX}B${S}(${HOLDER})${S}(${HOLDER})?${S}(${CLASS})${S}(${COUNT})${S}(${DECIMAL})${S}(${CURRENCY})${S}(${DECIMAL})?$`),
  I: new RegExp(`${PREFIX}I${S}(${HOLDER})${S}(${CLASS})${S}(${COUNT})${S}(${DECIMAL})${S}(${CURRENCY})${S}([^${S}]*)$`),
  T: new RegExp(`${PREFIX}T${S}(${HOLDER})${S}(${HOLDER})${S}(${CLASS})${S}(${COUNT})${S}(${DECIMAL})?${S}(${CURRENCY})?$`),
};

/** The hot types' data from a whole-row match (groups 5… are the fields), or undefined. */
const wholeData = (letter: string, m: RegExpExecArray): Data | undefined => {
  switch (letter) {
    case 'B': {
      if (m[9]!.length > 64) return undefined;
      const d: Data = { seller: m[5], class: m[7], shares: BigInt(m[8]!), pricePerShare: m[9], currency: m[10] };
      if (m[6] !== undefined) d['buyer'] = m[6];
      if (m[11] !== undefined) {
        if (m[11].length > 64) return undefined;
        d['fees'] = m[11];
      }
      return d;
    }
    case 'I': {
      if (m[8]!.length > 64) return undefined;
      const d: Data = { holder: m[5], class: m[6], shares: BigInt(m[7]!), pricePerShare: m[8], currency: m[9] };
      if (m[10] !== '') d['reason'] = short(m[10]);
      return d;
    }
    case 'T': {
      const d: Data = { from: m[5], to: m[6], class: m[7], shares: BigInt(m[8]!) };
      if ((m[9] === undefined) !== (m[10] === undefined)) bad('half a consideration');
      if (m[9] !== undefined) {
        if (m[9].length > 64) return undefined;
        d['consideration'] = { amount: m[9], currency: m[10] };
      }
      return d;
    }
    default:
      return undefined;
  }
};

/** Decodes a row body into its event and recordedAt; throws ReplayCodeError when it is damaged. */
export const decodeBody = (body: string): TimelineEntry => {
  const letter = body.charAt(body.indexOf(SEP, 11) + 63);
  const pattern = WHOLE[letter];
  const m = pattern?.exec(body);
  if (m && isCanonicalDate(m[1]) && isCanonicalInstant(m[3])) {
    const data = wholeData(letter, m);
    if (data)
      return {
        event: { type: TYPE_OF.get(letter), data, id: m[4], date: m[1], revision: Number(m[2]) } as unknown as PlacedEvent,
        recordedAt: m[3]!,
      };
  }
  // Every other type, and anything the patterns do not take (then the field checks say why).
  const f = splitBody(body);
  return { event: eventOfParts(f), recordedAt: f[2]! };
};

/** A name the mentions table records for an issuer's registration (no holder id contains "@"). */
export const REGISTERED = '@registered';

/** What schema v2 derives from one stored event, besides the envelope. */
export type DerivedRow = Readonly<{
  /** The timeline row's body (bodyOf). */
  body: string;
  /** Holders the event names (retracted or not), and REGISTERED for an IssuerRegistered. */
  mentions: ReadonlyArray<string>;
  /** The event a retraction retracts. */
  retracts: EventId | undefined;
}>;

export const deriveRow = (e: StoredEvent): DerivedRow => {
  const named: string[] = holdersNamedBy(e);
  if (e.type === 'IssuerRegistered') named.push(REGISTERED);
  return {
    body: bodyOf(e),
    mentions: named.filter((h) => h !== PUBLIC),
    retracts: e.type === 'EventRetracted' ? e.data.eventId : undefined,
  };
};
