import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLedger } from './support/ledgerGenerator/generate.js';
import { shapeNamed } from './support/ledgerGenerator/shapes.js';
import { parseJsonl } from '../src/jsonl.js';
import {
  canonicalContentText,
  canonicalJson,
  encodeContent,
  canonicalStoredText,
  decodeDraft,
  decodeDraftChecked,
  encodeStored,
  isCalendarDate,
  isNumberLiteral,
  parseJson,
  parseJsonLossless,
  type StoredEvent,
  storedText,
} from '../events/index.js';

/**
 * The import's fast paths (native JSON.parse, context-free decoding, hand-written canonical JSON)
 * against the implementations they shortcut: for any input, the same value (same keys in the same
 * order, numbers as the same literals) or the same rejection with the same messages.
 */

const RUNS = Number(process.env['SHARELEDGER_FAST_RUNS'] ?? 3_000);

/** A value written out with key order and number literals visible, so two values compare exactly. */
const show = (v: unknown): string => {
  if (isNumberLiteral(v)) return `N(${v.text})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `${Object.getPrototypeOf(v) === Object.prototype ? '' : 'proto?'}{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${show((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return `${typeof v}:${String(v)}`;
};

const generated = [...generateLedger(shapeNamed('2k'), 7).lines].slice(0, 2_000);
const corpus = fc.constantFrom(...generated);

const numberLiteral = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom(
    '1e3',
    '1E3',
    '1.50',
    '0.10',
    '-0',
    '9007199254740993',
    '9007199254740992',
    '1.82',
    '0',
    '100',
    '1e21',
    '1e-7',
    '01',
    '.5',
    '1.',
    '+1',
    'NaN',
  ),
);

type Json = Record<string, unknown>;

/** A generated line with one value (envelope or data) replaced by a number literal, any JSON value, or removed. */
const mutated = fc
  .tuple(
    corpus,
    fc.constantFrom('envelope', 'data'),
    fc.nat(),
    fc.oneof(numberLiteral, fc.json({ maxDepth: 3 }), fc.constant(undefined)),
    fc.option(fc.constantFrom('extra', 'toString', 'id', 'type')),
  )
  .map(([line, where, pick, value, addKey]) => {
    const envelope = JSON.parse(line) as Json;
    const target = where === 'data' ? (envelope['data'] as Json) : envelope;
    const keys = Object.keys(target);
    const key = addKey ?? keys[pick % keys.length]!;
    if (value === undefined) delete target[key];
    else target[key] = `@@${value}@@`;
    return JSON.stringify(envelope).replace(/"@@(.*?)@@"/, (_m, raw: string) => raw.replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
  });

/** Characters deleted, inserted or replaced. */
const charMutated = fc
  .tuple(corpus, fc.nat(), fc.nat({ max: 4 }), fc.string({ unit: 'binary', maxLength: 6 }))
  .map(([line, at, cut, insert]) => {
    const i = at % (line.length + 1);
    return line.slice(0, i) + insert + line.slice(i + cut);
  });

/** Duplicate keys, whitespace, escapes and __proto__: what the fast path must hand to lossless-json. */
const tricky = fc.constantFrom(
  '{"type":"BlockSale","type":"BlockSale"}',
  '{"a":1,"a":1}',
  '{"a":1,"a":2}',
  '{"a":{"b":1},"a":{"b":1}}',
  '{ "a": 1 }',
  '{"a":"\\u00e9"}',
  '{"a":"é"}',
  '{"a":"\\ud800"}',
  '{"a":"\\/"}',
  '{"__proto__":{"x":1}}',
  '{"1":2,"b":1}',
  '{"b":1,"1":2}',
  '{"a":-0}',
  '{"a":[1,2.5,-3,{"b":4}]}',
  '{"a":1e400}',
  '{}',
  '[]',
  '5',
);

const lines = fc.oneof(corpus, mutated, charMutated, tricky, fc.json({ maxDepth: 4 }), fc.string({ maxLength: 40 }));

/** What a call gives: its text, or the error it throws (or returns). */
const outcomeOf = (f: () => string | Error): string | Error => {
  try {
    return f();
  } catch (e) {
    return e as Error;
  }
};

/** The same text, or an error with the same message. */
const expectSameOutcome = (actual: string | Error, expected: string | Error): void => {
  if (expected instanceof Error) expect(actual instanceof Error ? actual.message : actual).toBe(expected.message);
  else expect(actual).toBe(expected);
};

describe('the import fast paths equal the reference implementations', () => {
  it('parseJson (native fast path) gives what lossless-json gives, value or message', () => {
    fc.assert(
      fc.property(lines, (line) => {
        const fast = parseJson(line);
        const slow = parseJsonLossless(line);
        expect(fast.ok).toBe(slow.ok);
        if (fast.ok && slow.ok) expect(show(fast.value)).toBe(show(slow.value));
        if (!fast.ok && !slow.ok) expect(fast.message).toBe(slow.message);
      }),
      { numRuns: RUNS },
    );
  });

  it('decodeDraft (context-free fast path) gives what the io-ts decoder gives, value or problems', () => {
    let accepted = 0;
    fc.assert(
      fc.property(lines, (line) => {
        const parsed = parseJsonLossless(line);
        if (!parsed.ok) return;
        const fast = decodeDraft(parsed.value);
        const slow = decodeDraftChecked(parsed.value);
        expect(fast.ok).toBe(slow.ok);
        if (fast.ok && slow.ok) {
          accepted++;
          expect(show(fast.value)).toBe(show(slow.value));
        }
        if (!fast.ok && !slow.ok) expect(fast.problems).toEqual(slow.problems);
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('parseJsonl (numbers as JS numbers on its quick path) gives what lossless-json and the io-ts decoder give', () => {
    fc.assert(
      fc.property(lines, (line) => {
        const parsed = parseJsonLossless(line);
        const decoded = parsed.ok ? decodeDraftChecked(parsed.value) : undefined;
        const result = parseJsonl(line);
        if (line.trim() === '' || /[\n\r\uFEFF]/.test(line)) return; // one line, as given, only here
        if (!parsed.ok) {
          expect(result.ok ? 'accepted' : result.problem.message).toBe(`line 1: ${parsed.message}`);
          return;
        }
        if (!decoded!.ok) {
          expect(result.ok ? 'accepted' : result.problem.message).toBe(`line 1: ${decoded!.problems.map((p) => p.message).join('; ')}`);
          return;
        }
        expect(result.ok ? show(result.lines[0]!.draft) : result.problem.message).toBe(show(decoded!.value));
      }),
      { numRuns: RUNS },
    );
  });

  it('every generated line decodes the same way through both paths', () => {
    for (const line of generated) {
      const parsed = parseJson(line);
      expect(parsed.ok).toBe(true);
      const value = parsed.ok ? parsed.value : undefined;
      expect(show(decodeDraft(value))).toBe(show(decodeDraftChecked(value)));
    }
  });

  it('canonicalJson gives what canonicalize gives, or throws the same error', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.object({
        maxDepth: 3,
        values: [fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.constant(undefined), fc.boolean(), fc.constant(null)],
      }),
      fc.string({ unit: 'binary' }),
      fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constant(undefined), fc.double())),
    );
    fc.assert(
      fc.property(value, (v) => {
        const expected = outcomeOf(() => {
          const text = canonicalize(v);
          return text === undefined ? new Error('value has no canonical JSON form') : text;
        });
        expectSameOutcome(
          outcomeOf(() => canonicalJson(v)),
          expected,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('canonicalStoredText equals canonicalize of the encoded envelope without its hash; storedText equals JSON.stringify of it', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), fc.constant('plain'));
    // Free text inside data too: escapes and surrogates in a name and a reason.
    const textInData = fc
      .tuple(text, text)
      .filter(([name, reason]) => name.trim() !== '' && reason.trim() !== '')
      .chain(([name, reason]) =>
        fc.constantFrom(
          JSON.stringify({ type: 'HolderRegistered', date: '2023-01-01', data: { holder: 'h-1', name } }),
          JSON.stringify({
            type: 'SharesIssued',
            issuer: 'x',
            date: '2023-01-01',
            data: { holder: 'h-1', class: 'A', shares: 5, pricePerShare: '1.5', currency: 'USD', reason },
          }),
        ),
      );
    fc.assert(
      fc.property(
        fc.oneof(corpus, textInData),
        text,
        text,
        text,
        fc.nat(),
        fc.boolean(),
        (line, actor, note, source, revision, withText) => {
          const parsed = parseJson(line);
          const decoded = parsed.ok ? decodeDraft(parsed.value) : undefined;
          if (!decoded?.ok) throw new Error(`a generated line does not decode: ${line}`);
          const e = {
            ...decoded.value,
            id: decoded.value.id ?? '11111111-1111-4111-8111-111111111111',
            ...(withText ? { note, source } : {}),
            stream: 'issuer-x',
            revision,
            recordedAt: '2023-01-01T00:00:00.000Z',
            actor,
            prevHash: '0'.repeat(64),
            hash: 'f'.repeat(64),
          } as StoredEvent;
          const { hash: _ignored, ...envelope } = encodeStored({ ...e, hash: '' });
          expectSameOutcome(
            outcomeOf(() => canonicalStoredText(e)),
            outcomeOf(() => canonicalize(envelope)!),
          );
          expect(storedText(e)).toBe(JSON.stringify(encodeStored(e)));
          const content = outcomeOf(() => canonicalize(encodeContent(e))!);
          if (content instanceof Error) expect(() => canonicalContentText(e)).toThrow(content.message);
          else expect(canonicalContentText(e)).toBe(content);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('isCalendarDate agrees with the Date-based check for every YYYY-MM-DD string', () => {
    const before = (s: string): boolean => {
      const [y, m, d] = s.split('-').map(Number) as [number, number, number];
      if (m < 1 || m > 12 || d < 1) return false;
      return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
    };
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(fc.nat({ max: 9999 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), (y, m, d) => {
        const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        expect(isCalendarDate(s)).toBe(before(s));
      }),
      { numRuns: RUNS * 10 },
    );
    for (const y of [0, 4, 99, 100, 1900, 2000, 2023, 2024, 2100, 9999])
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          expect(isCalendarDate(s)).toBe(before(s));
        }
  });
});
