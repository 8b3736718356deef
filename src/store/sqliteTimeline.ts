import type * as t from 'io-ts';
import { shapeOf } from '../../events/closed.js';
import { FAIL, readStored, type StoredScalar, storedScalarOf } from '../../events/fastDecode.js';
import {
  encodeEventData,
  EventId as EventIdCodec,
  eventDataCodecs,
  type EventId,
  type EventType,
  Instant,
  IsoDate,
  type LedgerEvent,
  PUBLIC,
  type StoredEvent,
} from '../../events/index.js';
import { holdersNamedBy } from '../domain/mentions.js';
import type { PlacedEvent } from '../domain/timeline.js';

/**
 * The replay encoding of the timeline rows (see sqliteSchema.ts): what `evolve` and the timeline
 * selection need of an event, derived from the validated event when it is appended, so a replay
 * does not parse and validate whole JSON envelopes.
 *
 * `code` is a type letter followed by either
 * - the data fields joined by U+001F (unit separator), each in its stored form (see StoredForm in
 *   events/fastDecode.ts), '' for an absent optional field (no field can be empty: ids, numbers
 *   and texts all have at least one character), used when no text field contains U+001F. The
 *   fields are the data codec's, in its declared order (required, then optional), a nested
 *   object such as a consideration standing for its own fields in place; or
 * - the JSON of the encoded data (`{`…), for the types whose codecs hold lists (registration,
 *   funding round, IPO) and any event whose text contains U+001F.
 * Both the layout and the checks come from the codecs: decoding checks every field as its codec
 * does and applies the codec's cross-field rules, so a damaged row is a CorruptEvent, never a
 * cast. `verify` checks that each row agrees with its envelope.
 */

const SEP = '\u001f';

/** The storage format's type letters: one per event type, never reused. */
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

/** The letter a type's rows carry after the id (a reader may pick rows by it without decoding them). */
export const typeLetter = (type: EventType): string => LETTER[type];

export class ReplayCodeError extends Error {}

const bad = (why: string): never => {
  throw new ReplayCodeError(why);
};

type Data = Record<string, unknown>;
type Rule = (d: Data) => { field: string; message: string } | undefined;

/** One column: a scalar field of the data or of a nested object. */
type Column = Readonly<{ key: string; scalar: StoredScalar; required: boolean }>;
/** A field of the data: one column, or a nested object's columns in its field order. */
type Field = Readonly<{
  key: string;
  required: boolean;
  scalar: StoredScalar | undefined;
  parts: ReadonlyArray<Column>;
  rules: ReadonlyArray<Rule>;
}>;

/** The separated form of one event type, derived from its data codec. */
type Layout = Readonly<{
  type: EventType;
  letter: string;
  fields: ReadonlyArray<Field>;
  /** Columns in all (a nested object's count one each). */
  width: number;
  rules: ReadonlyArray<Rule>;
  /** The whole row body, each field's form checked and cut out by one pattern (see decodeBody). */
  whole: RegExp;
  /** The data from the column texts (see compileColumns). */
  decode: ColumnsDecoder;
}>;

/** The columns of a closed object whose fields all have a stored form, or undefined. */
const columnsOf = (codec: t.Mixed): Column[] | undefined => {
  const shape = shapeOf(codec);
  if (!shape) return undefined;
  const columns: Column[] = [];
  for (const [key, field, required] of shape.fields) {
    const scalar = storedScalarOf(field);
    if (!scalar) return undefined;
    columns.push({ key, scalar, required });
  }
  return columns;
};

const storedOf = (codec: t.Mixed): StoredScalar => storedScalarOf(codec) ?? bad('a codec without a stored form');
const DATE = storedOf(IsoDate);
const INSTANT = storedOf(Instant);
const ID = storedOf(EventIdCodec);
const REVISION = /^(?:0|[1-9][0-9]{0,15})$/;
/** date␟revision␟recordedAt␟id␟: groups 1-4. */
const PREFIX = `^(${DATE.source})${SEP}(${REVISION.source.slice(1, -1)})${SEP}(${INSTANT.source})${SEP}(${ID.source})${SEP}`;

/** A column's value from its text; `tested`: the text already matched the column's pattern. */
const valueOf = (column: Column, text: string, tested: boolean): unknown => {
  const scalar = column.scalar;
  return (tested || scalar.pattern.test(text)) && scalar.check(text) ? scalar.decode(text) : bad(`bad ${column.key}`);
};

const brokenRule = (rules: ReadonlyArray<Rule>, d: Data): void => {
  for (const rule of rules) {
    const broken = rule(d);
    if (broken) bad(broken.message);
  }
};

type ColumnsDecoder = (texts: ArrayLike<string | undefined>, at: number, tested: boolean) => Data;

/**
 * The decoder of a layout's columns at texts[at…] (undefined or '' for absent), checked as the
 * codecs check them: each field's stored form, a nested object whole or absent, the rules. It is
 * compiled from the field names so that each type builds its data with its own property writes
 * by name (a loop over the names shares one generic site across every type, which a replay pays
 * per field of a million rows). Only the codecs' own field names (JSON-quoted) go into the code.
 */
const compileColumns = (fields: ReadonlyArray<Field>, rules: ReadonlyArray<Rule>): ColumnsDecoder => {
  const columns: Column[] = [];
  const fieldRules: Array<ReadonlyArray<Rule>> = [];
  let body = 'const d = {};\nlet t;\n';
  fields.forEach((field, f) => {
    const name = JSON.stringify(field.key);
    const missing = JSON.stringify(`missing ${field.key}`);
    if (field.scalar) {
      body += `t = texts[at + ${columns.length}];\n`;
      body += `if (t === undefined || t === '') { ${field.required ? `bad(${missing});` : ''} } else d[${name}] = valueOf(columns[${columns.length}], t, tested);\n`;
      columns.push(field.parts[0]!);
      return;
    }
    fieldRules[f] = field.rules;
    body += `{\nlet nested;\nlet half = false;\n`;
    for (const part of field.parts) {
      body += `t = texts[at + ${columns.length}];\n`;
      body += `if (t === undefined || t === '') ${part.required ? 'half = true;' : ';'} else (nested ??= {})[${JSON.stringify(part.key)}] = valueOf(columns[${columns.length}], t, tested);\n`;
      columns.push(part);
    }
    body += `if (nested === undefined) { ${field.required ? `bad(${missing});` : ''} } else {\n`;
    body += `if (half) bad(${JSON.stringify(`half a ${field.key}`)});\nbrokenRule(fieldRules[${f}], nested);\nd[${name}] = nested;\n}\n}\n`;
  });
  if (rules.length > 0) body += 'brokenRule(rules, d);\n';
  body += 'return d;';
  return new Function('valueOf', 'bad', 'brokenRule', 'columns', 'fieldRules', 'rules', `return (texts, at, tested) => {\n${body}\n};`)(
    valueOf,
    bad,
    brokenRule,
    columns,
    fieldRules,
    rules,
  ) as ColumnsDecoder;
};

/** The data of a separated row from its column texts at texts[at…]. */
const decodeColumns = (layout: Layout, texts: ArrayLike<string | undefined>, at: number, tested: boolean): Data =>
  layout.decode(texts, at, tested);

/** The separated layout of a type, or undefined when its data holds lists (the JSON form). */
const layoutFor = (type: EventType): Layout | undefined => {
  const codec = eventDataCodecs[type] as t.Mixed;
  const shape = shapeOf(codec);
  if (!shape) return undefined;
  const fields: Field[] = [];
  let pattern = PREFIX + LETTER[type];
  let width = 0;
  for (const [key, field, required] of shape.fields) {
    const scalar = storedScalarOf(field);
    const parts = scalar ? [{ key, scalar, required }] : columnsOf(field);
    // A nested object must have a required field: all its columns '' is how it is absent.
    if (!parts || (!scalar && !parts.some((p) => p.required))) return undefined;
    fields.push({ key, required, scalar, parts, rules: scalar ? [] : (shapeOf(field)!.rules as ReadonlyArray<Rule>) });
    for (const part of parts) pattern += `${SEP}(${part.scalar.source})${required && part.required ? '' : '?'}`;
    width += parts.length;
  }
  const rules = shape.rules as ReadonlyArray<Rule>;
  return { type, letter: LETTER[type], fields, width, rules, whole: new RegExp(pattern + '$'), decode: compileColumns(fields, rules) };
};

const LAYOUTS: ReadonlyMap<EventType, Layout> = new Map(
  (Object.keys(LETTER) as EventType[]).flatMap((type) => {
    const layout = layoutFor(type);
    return layout ? [[type, layout] as const] : [];
  }),
);

/** Event types by the char code of their letter, and their layouts. */
const TYPE_BY_CODE: ReadonlyArray<EventType | undefined> = (() => {
  const table: Array<EventType | undefined> = [];
  for (const [type, letter] of Object.entries(LETTER)) table[letter.charCodeAt(0)] = type as EventType;
  return table;
})();
const LAYOUT_BY_CODE: ReadonlyArray<Layout | undefined> = (() => {
  const table: Array<Layout | undefined> = [];
  for (const layout of LAYOUTS.values()) table[layout.letter.charCodeAt(0)] = layout;
  return table;
})();

/** A column's text: '' for an absent value. */
const textOf = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : String(v));

/** The replay code of a validated event. */
export const encodeReplay = (e: LedgerEvent): string => {
  const letter = LETTER[e.type];
  const layout = LAYOUTS.get(e.type);
  if (layout) {
    const data = e.data as Data;
    let text = letter;
    let clean = true;
    for (const field of layout.fields) {
      const value = data[field.key];
      if (field.scalar) {
        const s = textOf(value);
        if (s.includes(SEP)) clean = false;
        text += SEP + s;
      } else
        for (const part of field.parts) {
          const s = textOf(value === undefined ? undefined : (value as Data)[part.key]);
          if (s.includes(SEP)) clean = false;
          text += SEP + s;
        }
    }
    if (clean) return text;
  }
  return letter + JSON.stringify(encodeEventData(e));
};

/** The data of a split row body: f[4] is the type letter (+ JSON), the fields follow. */
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
  const layout = LAYOUT_BY_CODE[code.charCodeAt(0)] ?? bad(`${type} has no separated form`);
  if (f.length !== 5 + layout.width) bad(`${f.length - 5} fields do not make a ${type}`);
  return decodeColumns(layout, f, 5, false);
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

/** The event of a split row body, placed on its stream's timeline; throws ReplayCodeError when damaged. */
export const eventOfParts = (f: string[]): PlacedEvent => {
  const type = typeOf(f[4]);
  const date = f[0]!;
  const revision = REVISION.test(f[1]!) ? Number(f[1]) : bad('bad revision');
  if (readStored(DATE, date) === FAIL || readStored(INSTANT, f[2]!) === FAIL || !ID.pattern.test(f[3]!)) bad('bad date, recordedAt or id');
  return { type, data: dataOf(type, f), id: f[3], date, revision } as unknown as PlacedEvent;
};

/** A decoded timeline row: its event and when it was recorded. */
export type TimelineEntry = { event: PlacedEvent; recordedAt: string };

/**
 * A separated row matched whole by its type's pattern: one regular-expression pass checks every
 * field's form and cuts it out, which costs about half of a split followed by a check per field.
 * Undefined when the pattern does not take the row (the JSON form, damage); throws
 * ReplayCodeError when it takes it but a field's further check or a rule fails.
 */
export const decodeWhole = (body: string): TimelineEntry | undefined => {
  const layout = LAYOUT_BY_CODE[body.charCodeAt(body.indexOf(SEP, 11) + 63)];
  const m = layout?.whole.exec(body);
  if (!m || !DATE.check(m[1]!) || !INSTANT.check(m[3]!)) return undefined;
  return {
    event: {
      type: layout!.type,
      data: decodeColumns(layout!, m, 5, true),
      id: m[4],
      date: m[1],
      revision: Number(m[2]),
    } as unknown as PlacedEvent,
    recordedAt: m[3]!,
  };
};

/**
 * Decodes a row body into its event and recordedAt; throws ReplayCodeError when it is damaged.
 * Same checks, same values whole (decodeWhole) or split; anything the patterns do not take is
 * split, and then the field checks say why.
 */
export const decodeBody = (body: string): TimelineEntry => {
  const whole = decodeWhole(body);
  if (whole) return whole;
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
