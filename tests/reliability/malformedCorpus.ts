import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES, type EventType } from '../../events/index.js';
import { dataFieldsOf, type DataField } from '../../src/cli/dataFields.js';

/**
 * The malformed-input corpus (issue 8): every input here must be refused with exit 1 or 2, a
 * message naming the field or the line, and no change to the store. It is run against a copy of
 * the demo ledger, so the templates below are valid there and each case breaks exactly one thing.
 *
 * Three channels reach the decoder: `append` field flags, `append --data JSON`, and `import FILE`.
 * Generated cases mutate every data field of every event type (the fields are read from the
 * codecs, like the CLI's flags) in every way its kind can be wrong; hand-written cases live in
 * tests/fixtures/malformed/ (files whose bytes matter, and command lines worth keeping as written).
 */

export type Channel = 'flags' | 'data' | 'import';

export type MalformedCase = Readonly<{
  name: string;
  channel: Channel;
  /** CLI arguments after `--store URL`; `FILE:<name>` stands for the path of files[name]. */
  args: ReadonlyArray<string>;
  /** Import files this case needs, by name. */
  files?: Readonly<Record<string, string | Buffer>>;
  exit: 1 | 2;
  /** stderr must match every one: the line, the field, or the offending value. */
  mentions: ReadonlyArray<RegExp>;
  /** Whether the case can run as its own process too (argv has a size limit of 128 KiB per argument). */
  spawnable: boolean;
  handWritten: boolean;
}>;

/** A JSON fragment written verbatim (exponents, huge integers, NaN: what JSON.stringify cannot write). */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);
/** A field left out. */
const MISSING = Symbol('missing');
type Value = unknown;

const jsonText = (value: Value): string => {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== MISSING)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

// ---- templates: one valid event of each type against the demo ledger ----

type Template = Readonly<{ issuer?: string; date: string; data: Record<string, Value> }>;

const DEMO_SALE_ID = '9d3ae7fc-fce5-409c-aeb0-75bcd690464f';

const TEMPLATES: Readonly<Record<EventType, Template>> = {
  IssuerRegistered: {
    issuer: 'acme',
    date: '2020-01-01',
    data: { name: 'Acme Ltd', currency: 'USD', classes: [{ class: 'A', votesPerShare: 1 }], exchange: 'NYSE', ticker: 'ACME' },
  },
  ShareClassAdded: { issuer: 'sensetime', date: '2023-08-01', data: { class: 'C', votesPerShare: 1 } },
  SharesIssued: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: { holder: 'softbank', class: 'B', shares: '1000', pricePerShare: '1.5', currency: 'HKD', reason: 'employee grant' },
  },
  FundingRoundClosed: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: {
      round: 'Series Z',
      class: 'B',
      pricePerShare: '1',
      currency: 'HKD',
      allocations: [{ holder: 'softbank', shares: '1' }],
      preMoneyValuation: '1000',
    },
  },
  IPOCompleted: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: {
      exchange: 'HKEX',
      ticker: '0020',
      class: 'B',
      offerPrice: '3.85',
      currency: 'HKD',
      newShares: '0',
      conversions: [{ fromClass: 'A', toClass: 'B', ratio: '1' }],
      secondarySales: [{ seller: 'softbank', shares: '1' }],
    },
  },
  BlockSale: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: { seller: 'softbank', buyer: 'temasek', class: 'B', shares: '1000', pricePerShare: '1.5', currency: 'HKD', fees: '10' },
  },
  SharesTransferred: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: { from: 'softbank', to: 'temasek', class: 'B', shares: '1000', consideration: { amount: '100', currency: 'HKD' } },
  },
  SharesRepurchased: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: { holder: 'softbank', class: 'B', shares: '1000', pricePerShare: '1', currency: 'HKD' },
  },
  StockSplit: { issuer: 'sensetime', date: '2023-08-01', data: { class: 'B', numerator: '2', denominator: '1' } },
  SharesConverted: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: { holder: 'softbank', fromClass: 'B', toClass: 'A', shares: '1000', ratio: '1' },
  },
  StakeDisclosed: {
    issuer: 'sensetime',
    date: '2023-08-01',
    data: { holder: 'softbank', class: 'B', shares: '1000', percent: '1.5', filing: 'annual report' },
  },
  EventRetracted: { issuer: 'sensetime', date: '2023-08-01', data: { eventId: DEMO_SALE_ID, reason: 'entered twice' } },
  HolderRegistered: { date: '2023-08-01', data: { holder: 'newco', name: 'New Co', controlledBy: 'softbank' } },
  FxRateRecorded: { date: '2023-08-01', data: { base: 'USD', quote: 'HKD', rate: '7.8' } },
};

// ---- how each kind of field can be wrong (all decode failures: exit 2) ----

const INJECTION = "'; DROP TABLE events; --";
const HUGE_INTEGER = raw('9007199254740993');
const WRONG_TYPES: Value[] = [true, [], {}, raw('42')];

const badIds = (max: number): Value[] => [
  'Taobao Holding',
  'UPPER',
  INJECTION,
  '__proto__',
  'x'.repeat(max + 1),
  '-lead',
  'ünïcode',
  '',
  '../../etc/passwd',
  '\u0000nul',
  '\ud800',
];
const badCounts = (positive: boolean): Value[] => [
  '-5',
  ...(positive ? ['0', raw('0')] : []),
  '1.5',
  raw('1.5'),
  '1e3',
  raw('1e3'),
  raw('1E+3'),
  'NaN',
  'Infinity',
  HUGE_INTEGER,
  raw('-1'),
  '1,000',
  ' 5',
  '0x10',
  '+5',
  '05',
  '١٢٣',
  '',
];
const badDecimals = (positive: boolean, percent: boolean): Value[] => [
  '-1.82',
  raw('-1.82'),
  '1e3',
  raw('1.5e2'),
  raw('1E-2'),
  'NaN',
  'Infinity',
  '-Infinity',
  '1.',
  '.5',
  '1,5',
  '0x1F',
  '1.2.3',
  '1'.repeat(65),
  '',
  ...(positive ? ['0', '0.000'] : []),
  ...(percent ? ['100.01', '1000'] : []),
];
const badCurrencies: Value[] = ['hkd', 'HK', 'HKDX', 'US$', '', INJECTION, raw('840')];
const badCountries: Value[] = ['ky', 'KYM', 'K', 'Cayman', '', INJECTION, raw('136')];
const badTexts = (max: number): Value[] => ['', '   ', 'x'.repeat(max + 1)];
const badUuids: Value[] = ['not-a-uuid', '9d3ae7fc-fce5-409c-aeb0', INJECTION, '', `${DEMO_SALE_ID}0`];

const deep = (depth: number): Raw => raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Lists and objects: wrong shapes, and items that are wrong inside. */
const badLists: Record<string, Value[]> = {
  classes: [
    [],
    'A',
    {},
    [{}],
    [null],
    [{ class: 'A' }],
    [{ class: 'A', votesPerShare: -1 }],
    [{ class: 'A', votesPerShare: '1.5' }],
    [{ class: INJECTION, votesPerShare: 1 }],
    [{ class: 'A', votesPerShare: 1, extra: true }],
    deep(2000),
  ],
  allocations: [
    [],
    'softbank',
    {},
    [{}],
    [null],
    [{ holder: 'UPPER', shares: '1' }],
    [{ holder: 'softbank', shares: '-1' }],
    [{ holder: 'softbank', shares: raw('1e3') }],
    [{ holder: 'softbank', shares: '1', __proto__x: 1 }],
    deep(2000),
  ],
  conversions: [
    'x',
    {},
    [{}],
    [{ fromClass: 'A', toClass: 'B', ratio: '-1' }],
    [{ fromClass: 'A', toClass: 'B', ratio: raw('1e0') }],
    [{ fromClass: 'A!', toClass: 'B', ratio: '1' }],
  ],
  secondarySales: [
    'x',
    {},
    [{}],
    [{ seller: 'softbank', shares: '0' }],
    [{ seller: 'SoftBank', shares: '1' }],
    [{ seller: 'softbank', shares: HUGE_INTEGER }],
  ],
  consideration: [
    '100',
    [],
    {},
    { amount: '-1', currency: 'HKD' },
    { amount: '1' },
    { amount: '1', currency: 'hkd' },
    { amount: raw('1e2'), currency: 'HKD' },
    { amount: '1', currency: 'HKD', extra: 1 },
  ],
};

const mutationsOf = (field: DataField): Value[] => {
  const e = field.expected;
  const base: Value[] =
    field.kind !== 'scalar'
      ? (badLists[field.name] ?? [])
      : e.startsWith('a holder id')
        ? badIds(64)
        : e.startsWith('a class id')
          ? badIds(32).filter((v) => v !== 'UPPER')
          : e === 'a positive whole number'
            ? badCounts(true)
            : e === 'a whole number ≥ 0'
              ? badCounts(false)
              : e.startsWith('a decimal ≥ 0')
                ? badDecimals(false, false)
                : e.startsWith('a decimal > 0')
                  ? badDecimals(true, false)
                  : e.startsWith('a percentage')
                    ? badDecimals(false, true)
                    : e.startsWith('an ISO-4217')
                      ? badCurrencies
                      : e.startsWith('an ISO 3166-1')
                        ? badCountries
                        : e.startsWith('non-empty text of at most 200')
                          ? badTexts(200)
                          : e.startsWith('non-empty text of at most 4000')
                            ? badTexts(4000)
                            : e.startsWith('a UUID')
                              ? badUuids
                              : [];
  if (base.length === 0) throw new Error(`no mutations for ${field.name}: ${e}`);
  // A JSON integer is a valid share count, price or vote count (read by its literal text).
  const numeric = /whole number|decimal|percentage/.test(e);
  const wrongTypes = field.kind === 'scalar' ? WRONG_TYPES.filter((v) => !(numeric && v instanceof Raw)) : [raw('42'), true];
  return [...base, ...wrongTypes, ...(field.required ? [MISSING, null] : [])];
};

const describe = (v: Value): string =>
  v === MISSING ? 'missing' : v instanceof Raw ? `raw ${v.text.slice(0, 24)}` : jsonText(v).slice(0, 24);

// ---- rendering one event through each channel ----

type Envelope = Record<string, Value>;

const envelopeOf = (type: EventType, data: Record<string, Value>, over: Envelope = {}): Envelope => {
  const t = TEMPLATES[type];
  return { type, ...(t.issuer !== undefined ? { issuer: t.issuer } : {}), date: t.date, data, ...over };
};

/** A few valid lines, so the bad one is not always line 1 (blank lines count: line numbers are physical). */
const PREFIXES: ReadonlyArray<ReadonlyArray<string>> = [
  [],
  [jsonText(envelopeOf('HolderRegistered', { holder: 'corpus-a', name: 'Corpus A' }))],
  [
    jsonText(envelopeOf('HolderRegistered', { holder: 'corpus-a', name: 'Corpus A' })),
    '',
    jsonText(envelopeOf('FxRateRecorded', { base: 'EUR', quote: 'USD', rate: '1.1' })),
  ],
  [
    jsonText(envelopeOf('SharesIssued', { ...TEMPLATES.SharesIssued.data, holder: 'corpus-b' })),
    jsonText(envelopeOf('StakeDisclosed', { holder: 'corpus-b', percent: '0.01' })),
    '   ',
    '',
  ],
];

let fileCounter = 0;
const importCase = (
  name: string,
  badLine: string,
  mentions: ReadonlyArray<RegExp>,
  exit: 1 | 2,
  prefix = PREFIXES[fileCounter % PREFIXES.length]!,
): MalformedCase => {
  const file = `gen-${++fileCounter}.jsonl`;
  const line = prefix.length + 1;
  return {
    name: `import: ${name}`,
    channel: 'import',
    args: ['import', `FILE:${file}`],
    files: { [file]: `${[...prefix, badLine].join('\n')}\n` },
    exit,
    mentions: [new RegExp(`\\bline ${line}\\b`), ...mentions],
    spawnable: true,
    handWritten: false,
  };
};

const envelopeFlags = (e: Envelope): string[] => {
  const flags: string[] = [];
  for (const key of ['issuer', 'date', 'id', 'source', 'note'])
    if (key in e && e[key] !== MISSING && typeof e[key] === 'string') flags.push(`--${key}`, e[key] as string);
  return flags;
};

const dataCase = (
  name: string,
  type: EventType,
  data: Record<string, Value>,
  mentions: ReadonlyArray<RegExp>,
  exit: 1 | 2,
  over: Envelope = {},
): MalformedCase => {
  const json = jsonText(data);
  return {
    name: `--data: ${name}`,
    channel: 'data',
    args: ['append', type, ...envelopeFlags(envelopeOf(type, data, over)), '--data', json],
    exit,
    mentions,
    spawnable: json.length < 100_000,
    handWritten: false,
  };
};

/** Field flags for the scalars (object fields part by part), --data for the lists; undefined when a value cannot be a flag. */
const flagsCase = (
  name: string,
  type: EventType,
  data: Record<string, Value>,
  mentions: ReadonlyArray<RegExp>,
  exit: 1 | 2,
  over: Envelope = {},
): MalformedCase | undefined => {
  const flags: string[] = [];
  const lists: Record<string, Value> = {};
  for (const field of dataFieldsOf(type)) {
    const value = data[field.name];
    if (value === undefined || value === MISSING) continue;
    if (field.kind === 'list') lists[field.name] = value;
    else if (field.kind === 'object') {
      // An object with no parts would be no flag at all: the mutation would vanish.
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Raw || Object.keys(value).length === 0)
        return undefined;
      for (const [part, v] of Object.entries(value)) {
        if (typeof v !== 'string' || !field.fields?.some((f) => f.name === part)) return undefined;
        flags.push(`--${field.flag}-${kebab(part)}`, v);
      }
    } else if (typeof value === 'string' && !value.includes('\u0000')) flags.push(`--${field.flag}`, value);
    else return undefined;
  }
  const listArgs = Object.keys(lists).length ? ['--data', jsonText(lists)] : [];
  return {
    name: `flags: ${name}`,
    channel: 'flags',
    args: ['append', type, ...envelopeFlags(envelopeOf(type, data, over)), ...flags, ...listArgs],
    exit,
    mentions,
    spawnable: true,
    handWritten: false,
  };
};

/** Every data field of every type, mutated every way its kind allows, through all three channels. */
const fieldCases = (): MalformedCase[] => {
  const cases: MalformedCase[] = [];
  for (const type of EVENT_TYPES) {
    const template = TEMPLATES[type];
    for (const field of dataFieldsOf(type)) {
      for (const value of mutationsOf(field)) {
        const data = { ...template.data, [field.name]: value };
        const name = `${type}.${field.name} = ${describe(value)}`;
        const path = new RegExp(`data\\.${field.name}\\b`);
        cases.push(importCase(name, jsonText(envelopeOf(type, data)), [path], 2));
        cases.push(dataCase(name, type, data, [path], 2));
        const flagged = flagsCase(name, type, data, [new RegExp(`data\\.${field.name}\\b|--${field.flag}\\b`)], 2);
        if (flagged) cases.push(flagged);
      }
      // An unknown field beside each one: a typo must not pass silently.
      const typo = { ...template.data, [`${field.name}s`]: template.data[field.name] ?? 'x' };
      cases.push(
        importCase(
          `${type} with unknown field ${field.name}s`,
          jsonText(envelopeOf(type, typo)),
          [new RegExp(`data\\.${field.name}s: unknown field`)],
          2,
        ),
      );
    }
  }
  return cases;
};

/** The envelope around valid data: type, issuer, date, id, source, note, unknown and prototype keys. */
const envelopeCases = (): MalformedCase[] => {
  const cases: MalformedCase[] = [];
  const sale = TEMPLATES.BlockSale.data;
  const holder = TEMPLATES.HolderRegistered.data;
  const bad: Array<[string, EventType, Envelope, RegExp]> = [
    ...[
      '2023-02-30',
      '2023-02-29',
      '2023-13-01',
      '2023-00-10',
      '2023-04-31',
      '23-07-06',
      '2023-7-6',
      '2023/07/06',
      '',
      '2023-07-06T00:00:00Z',
      '0000-00-00',
      '+02023-07-06',
    ].map((d): [string, EventType, Envelope, RegExp] => [`date ${JSON.stringify(d)}`, 'BlockSale', { date: d }, /\bdate\b/]),
    ['date as a number', 'BlockSale', { date: raw('20230706') }, /\bdate\b/],
    ['date missing', 'BlockSale', { date: MISSING }, /\bdate\b/],
    ['issuer in capitals', 'BlockSale', { issuer: 'SenseTime' }, /\bissuer\b/],
    ['issuer injection', 'BlockSale', { issuer: INJECTION }, /\bissuer\b/],
    ['issuer too long', 'BlockSale', { issuer: 'x'.repeat(65) }, /\bissuer\b/],
    ['issuer __proto__', 'BlockSale', { issuer: '__proto__' }, /\bissuer\b/],
    ['issuer missing', 'BlockSale', { issuer: MISSING }, /\bissuer\b/],
    ['issuer on a holders event', 'HolderRegistered', { issuer: 'sensetime' }, /\bissuer\b/],
    ['issuer on an fx event', 'FxRateRecorded', { issuer: 'sensetime' }, /\bissuer\b/],
    ['id not a uuid', 'BlockSale', { id: 'not-a-uuid' }, /\bid\b/],
    ['id injection', 'BlockSale', { id: INJECTION }, /\bid\b/],
    ['id empty', 'BlockSale', { id: '' }, /\bid\b/],
    ['note empty', 'BlockSale', { note: '' }, /\bnote\b/],
    ['note blank', 'BlockSale', { note: '  \t ' }, /\bnote\b/],
    ['note too long', 'BlockSale', { note: 'n'.repeat(4001) }, /\bnote\b/],
    ['source empty', 'BlockSale', { source: '' }, /\bsource\b/],
    ['source too long', 'BlockSale', { source: 's'.repeat(4001) }, /\bsource\b/],
  ];
  for (const [name, type, over, mention] of bad) {
    const data = type === 'BlockSale' ? sale : type === 'HolderRegistered' ? holder : TEMPLATES[type].data;
    cases.push(importCase(name, jsonText(envelopeOf(type, data, over)), [mention], 2));
    const flagged = flagsCase(name, type, data, [mention], 2, over);
    // A flag can only carry text; a missing or non-text envelope value is an import-only case.
    if (flagged && Object.values(over).every((v) => typeof v === 'string')) cases.push(flagged);
  }
  // Keys no envelope has, including the ones that reach prototypes in careless code.
  for (const key of [
    'foo',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    'stream',
    'revision',
    'recordedAt',
    'actor',
    'hash',
    'prevHash',
  ]) {
    cases.push(
      importCase(
        `envelope key ${key}`,
        jsonText(envelopeOf('BlockSale', sale, { [key]: { polluted: true } })),
        [new RegExp(`\\b${escape(key)}\\b`)],
        2,
      ),
    );
    cases.push(
      importCase(
        `data key ${key}`,
        jsonText(envelopeOf('BlockSale', { ...sale, [key]: { seller: 'temasek' } })),
        [new RegExp(`data\\.${escape(key)}\\b`)],
        2,
      ),
    );
    cases.push(
      dataCase(`data key ${key}`, 'BlockSale', { ...sale, [key]: { seller: 'temasek' } }, [new RegExp(`data\\.${escape(key)}\\b`)], 2),
    );
  }
  for (const type of ['Dividend', 'blocksale', 'BLOCKSALE', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', INJECTION])
    cases.push(importCase(`type ${JSON.stringify(type)}`, jsonText({ ...envelopeOf('BlockSale', sale), type }), [/\btype\b/], 2));
  for (const type of [raw('42'), null, ['BlockSale'], { BlockSale: true }, MISSING])
    cases.push(importCase(`type ${describe(type)}`, jsonText({ ...envelopeOf('BlockSale', sale), type }), [/\btype\b/], 2));
  for (const data of [raw('42'), '"x"', [], null, MISSING])
    cases.push(importCase(`data ${describe(data)}`, jsonText({ ...envelopeOf('BlockSale', sale), data }), [/\bdata\b/], 2));
  // Around what the JSON reader can read (4,000 to 5,000 levels, depending on the stack): refused either as
  // invalid JSON or as the wrong shape, on its line; never a crash.
  for (const depth of [4_000, 4_250, 4_500, 4_750, 5_000])
    cases.push(
      importCase(
        `data nested ${depth} deep`,
        jsonText({ ...envelopeOf('BlockSale', sale), data: deep(depth) }),
        [/\bdata\b|invalid JSON/],
        2,
      ),
    );
  return cases;
};

/** Lines that are not one JSON object at all. */
const syntaxCases = (): MalformedCase[] => {
  const sale = jsonText(envelopeOf('BlockSale', TEMPLATES.BlockSale.data));
  const lines: Array<[string, string]> = [
    ['an unterminated object', sale.slice(0, -1)],
    ['a truncated line', sale.slice(0, sale.length / 2)],
    ['trailing garbage', `${sale} x`],
    ['two objects on one line', `${sale}${sale}`],
    ['a trailing comma', sale.replace(/}$/, ',}')],
    ['single quotes', sale.replace(/"/g, "'")],
    ['unquoted keys', sale.replace(/"(\w+)":/g, '$1:')],
    ['a NaN literal', sale.replace('"1.5"', 'NaN')],
    ['an Infinity literal', sale.replace('"1.5"', 'Infinity')],
    ['a negative Infinity literal', sale.replace('"1.5"', '-Infinity')],
    ['a hex literal', sale.replace('"1000"', '0x3e8')],
    ['a leading-zero number', sale.replace('"1000"', '01000')],
    ['a comment', `// a comment\n`.trim() + sale],
    ['a block comment', sale.replace('{', '{/* c */')],
    ['a duplicate key', sale.replace('"type":"BlockSale"', '"type":"BlockSale","type":"SharesIssued"')],
    ['a duplicate data key', sale.replace('"shares":"1000"', '"shares":"1000","shares":"5"')],
    ['an array', `[${sale}]`],
    ['a string', JSON.stringify(sale)],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['an unterminated string', sale.replace('"softbank"', '"softbank')],
    ['a raw control character', sale.replace('softbank', 'soft\u0001bank')],
    ['a raw tab in a string', sale.replace('softbank', 'soft\tbank')],
    ['a bad escape', sale.replace('softbank', 'soft\\xbank')],
    ['a lone backslash', sale.replace('softbank', 'softbank\\')],
    ['a NUL byte', sale.replace('softbank', 'soft\u0000bank')],
    ['an object nested 100,000 deep', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
    ['an array nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['a deep array inside data', jsonText(envelopeOf('BlockSale', { ...TEMPLATES.BlockSale.data, seller: deep(20_000) }))],
  ];
  return lines.map(([name, line]) => importCase(name, line, [], 2));
};

/** Valid to the codecs, impossible in the ledger: domain rejections (exit 1) naming what is wrong. */
const domainCases = (): MalformedCase[] => {
  const cases: MalformedCase[] = [];
  const domain: Array<[string, EventType, Record<string, Value>, Envelope, RegExp]> = [
    ['an unknown class', 'BlockSale', { class: 'Z' }, {}, /\bZ\b/],
    ['an unknown seller', 'BlockSale', { seller: 'nobody' }, {}, /\bnobody\b/],
    ['a sale to oneself', 'BlockSale', { buyer: 'softbank' }, {}, /\bsoftbank\b/],
    ['huge shares', 'BlockSale', { shares: `1${'0'.repeat(40)}` }, {}, new RegExp(`1${'0'.repeat(40)}`)],
    ['shares of 2^53-1 as a JSON integer', 'BlockSale', { shares: raw('9007199254740991') }, {}, /9007199254740991/],
    ['an unknown issuer', 'BlockSale', {}, { issuer: 'nosuch' }, /\bnosuch\b/],
    ['a date before the registration', 'BlockSale', {}, { date: '1999-01-01' }, /1999-01-01/],
    ['an unknown transferor', 'SharesTransferred', { from: 'nobody' }, {}, /\bnobody\b/],
    ['a transfer to oneself', 'SharesTransferred', { to: 'softbank' }, {}, /\bsoftbank\b/],
    ['an unknown class issued', 'SharesIssued', { class: 'Z' }, {}, /\bZ\b/],
    ['a repurchase of more than held', 'SharesRepurchased', { shares: `1${'0'.repeat(30)}` }, {}, new RegExp(`1${'0'.repeat(30)}`)],
    ['a conversion to an unknown class', 'SharesConverted', { toClass: 'Z' }, {}, /\bZ\b/],
    ['a conversion within one class', 'SharesConverted', { toClass: 'B' }, {}, /\bB\b/],
    ['a class that exists', 'ShareClassAdded', { class: 'B' }, {}, /\bB\b/],
    ['a second registration', 'IssuerRegistered', {}, { issuer: 'sensetime' }, /\bsensetime\b/],
    [
      'a retraction of an unknown event',
      'EventRetracted',
      { eventId: '00000000-0000-4000-8000-000000000000' },
      {},
      /00000000-0000-4000-8000-000000000000/,
    ],
    [
      'a retraction of the registration',
      'EventRetracted',
      { eventId: '3f779286-ef07-49dd-bbd3-ab7c29d27057' },
      {},
      /IssuerRegistered|3f779286/,
    ],
    ['a control cycle', 'HolderRegistered', { holder: 'alibaba-group', name: 'Alibaba', controlledBy: 'taobao-holding' }, {}, /cycle/],
    ['a holder controlling itself', 'HolderRegistered', { controlledBy: 'newco' }, {}, /\bnewco\b/],
    ['an fx rate of a currency against itself', 'FxRateRecorded', { quote: 'USD' }, {}, /\bUSD\b/],
  ];
  for (const [name, type, patch, over, mention] of domain) {
    const data = { ...TEMPLATES[type].data, ...patch };
    cases.push(importCase(name, jsonText(envelopeOf(type, data, over)), [mention], 1));
    cases.push(dataCase(name, type, data, [mention], 1, over));
    const flagged = flagsCase(name, type, data, [mention], 1, over);
    if (flagged) cases.push(flagged);
  }
  return cases;
};

/** Cases built at run time because of their size: a line over 1 MiB, and --data of 2 MiB. */
const oversizedCases = (): MalformedCase[] => {
  const long = jsonText(envelopeOf('BlockSale', TEMPLATES.BlockSale.data, { note: 'n'.repeat(1024 * 1024) }));
  return [
    importCase('a line over 1 MiB', long, [/1048576 bytes|1 MiB/], 2),
    {
      ...dataCase('2 MiB of --data', 'BlockSale', { ...TEMPLATES.BlockSale.data, fees: '1'.repeat(2 * 1024 * 1024) }, [/data\.fees/], 2),
      spawnable: false,
    },
  ];
};

// ---- hand-written cases: tests/fixtures/malformed/ ----

const FIXTURES = fileURLToPath(new URL('../fixtures/malformed/', import.meta.url));

type Expected = Readonly<{ exit: 1 | 2; mentions: string[] }>;

const handWritten = (): MalformedCase[] => {
  const cases: MalformedCase[] = [];
  const importDir = path.join(FIXTURES, 'import');
  const expected = JSON.parse(fs.readFileSync(path.join(importDir, 'expected.json'), 'utf8')) as Record<string, Expected>;
  const files = fs
    .readdirSync(importDir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  for (const f of files) {
    const e = expected[f];
    if (!e) throw new Error(`tests/fixtures/malformed/import/${f} has no entry in expected.json`);
    cases.push({
      name: `import (hand-written): ${f}`,
      channel: 'import',
      args: ['import', `FILE:${f}`],
      files: { [f]: fs.readFileSync(path.join(importDir, f)) },
      exit: e.exit,
      mentions: e.mentions.map((m) => new RegExp(m)),
      spawnable: true,
      handWritten: true,
    });
  }
  for (const f of Object.keys(expected))
    if (!files.includes(f)) throw new Error(`expected.json names ${f}, which is not in tests/fixtures/malformed/import/`);
  const commands = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'append.json'), 'utf8')) as Array<
    { name: string; args: string[] } & Expected
  >;
  for (const c of commands)
    cases.push({
      name: `${c.args.includes('--data') ? '--data' : 'flags'} (hand-written): ${c.name}`,
      channel: c.args.includes('--data') ? 'data' : 'flags',
      args: c.args,
      exit: c.exit,
      mentions: c.mentions.map((m) => new RegExp(m)),
      spawnable: true,
      handWritten: true,
    });
  return cases;
};

/** The whole corpus, in a fixed order. */
export const malformedCorpus = (): MalformedCase[] => {
  fileCounter = 0;
  const all = [...handWritten(), ...fieldCases(), ...envelopeCases(), ...syntaxCases(), ...domainCases(), ...oversizedCases()];
  const names = new Set<string>();
  return all.map((c) => {
    let name = c.name;
    for (let n = 2; names.has(name); n++) name = `${c.name} #${n}`;
    names.add(name);
    return { ...c, name };
  });
};

/** The cases worth running before a template is trusted: every template as a valid dry run. */
export const templateDryRuns = (): Array<{ type: EventType; args: string[] }> =>
  EVENT_TYPES.map((type) => ({
    type,
    args: ['append', type, ...envelopeFlags(envelopeOf(type, TEMPLATES[type].data)), '--data', jsonText(TEMPLATES[type].data), '--dry-run'],
  }));
