import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLedger } from './support/ledgerGenerator/generate.js';
import { shapeNamed } from './support/ledgerGenerator/shapes.js';
import { decodeStored, encodeStored } from '../events/index.js';
import { decodeCanonicalStored, decodeStoredFast } from '../events/storedFast.js';
import { Ledger } from '../src/ledger.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { decodeBody, decodeWhole, deriveRow, eventOfParts, splitBody } from '../src/store/sqliteTimeline.js';

/**
 * The stores' hand-written envelope decoder must accept and reject exactly what `decodeStored`
 * does, with the same values and the same problems; and the replay code of the timeline rows must decode
 * to the event it was made from. Envelopes: a generated ledger with every event type, and random
 * edits of them (the kinds of damage a file or a hand-edited row can carry).
 */

type Json = Record<string, unknown>;
let envelopes: Json[] = [];

beforeAll(async () => {
  const { lines } = generateLedger(shapeNamed('2k'), 7);
  const store = createMemoryStore();
  await new Ledger({ store, actor: 'prop', now: () => new Date('2024-03-01T09:30:00.123Z') }).import([...lines].join('\n') + '\n');
  for await (const e of store.readAll()) envelopes.push(JSON.parse(JSON.stringify(encodeStored(e))) as Json);
  expect(new Set(envelopes.map((e) => e['type'])).size).toBe(14);
}, 60_000);

/** A replacement value: the kinds of thing that break (or merely unsettle) a field. */
const oddValue = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    0,
    1,
    -1,
    1.5,
    '',
    ' ',
    '0',
    '01',
    '1.50',
    '1.0',
    '-3',
    '100',
    '100.5',
    '2.5',
    'x',
    'X',
    'USD',
    'usd',
    true,
    [],
    {},
    [1],
    { a: 1 },
  ),
  fc.constantFrom<unknown>(
    '2024-02-30',
    '2024-02-29',
    '2023-02-29',
    '2024-13-01',
    '2024-03-01T09:30:00.123Z',
    '2024-03-01T24:00:00.000Z',
    '2024-03-01T09:30:00Z',
  ),
  fc.constantFrom<unknown>(
    'ABCDEF01-0000-4000-8000-000000000001',
    'abcdef01-0000-4000-8000-000000000001',
    '0'.repeat(64),
    'A'.repeat(64),
    'public',
    'Holder',
    'a\u001fb',
  ),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
);

type Edit = { path: 'top' | 'data' | 'nested'; key: number; value: unknown; drop: boolean; add: boolean };
const edit: fc.Arbitrary<Edit> = fc.record({
  path: fc.constantFrom('top', 'data', 'nested'),
  key: fc.nat(),
  value: oddValue,
  drop: fc.boolean(),
  add: fc.boolean(),
});

const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u);

const applyEdit = (envelope: Json, e: Edit): Json => {
  const copy = JSON.parse(JSON.stringify(envelope)) as Json;
  let target: unknown = copy;
  if (e.path !== 'top') target = copy['data'];
  if (e.path === 'nested' && isObject(target)) {
    const inner = Object.values(target).find((v) => typeof v === 'object' && v !== null);
    target = Array.isArray(inner) ? inner[0] : inner;
  }
  if (!isObject(target)) return copy;
  const keys = Object.keys(target);
  if (e.add) target[`extra${e.key % 3}`] = e.value;
  else if (keys.length > 0) {
    const key = keys[e.key % keys.length]!;
    if (e.drop) delete target[key];
    else target[key] = e.value;
  }
  return copy;
};

describe('decodeStoredFast', () => {
  it('decodes every stored envelope to what decodeStored gives', () => {
    for (const e of envelopes) expect(decodeStoredFast(e)).toEqual(decodeStored(e));
  });

  it('takes every envelope the ledger writes on its fast path (the canonical form)', () => {
    for (const e of envelopes) expect(decodeCanonicalStored(e)).toBeDefined();
  });

  it('accepts and rejects exactly what decodeStored does, with the same values and problems', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 3 }), (pick, edits) => {
        const envelope = edits.reduce(applyEdit, envelopes[pick % envelopes.length]!);
        expect(decodeStoredFast(envelope)).toEqual(decodeStored(envelope));
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps the field order of decodeStored (what export prints)', () => {
    for (const e of envelopes.slice(0, 200)) {
      const fast = decodeStoredFast(e);
      const slow = decodeStored(e);
      expect(fast.ok && slow.ok && JSON.stringify(Object.keys(fast.value)) === JSON.stringify(Object.keys(slow.value))).toBe(true);
    }
  });
});

describe('the replay code of the timeline rows', () => {
  it('decodes to the event it was derived from (type, data, id, date, revision, recordedAt)', () => {
    for (const envelope of envelopes) {
      const decoded = decodeStored(envelope);
      if (!decoded.ok) throw new Error('fixture does not decode');
      const e = decoded.value;
      const { event, recordedAt } = decodeBody(deriveRow(e).body);
      expect(event).toEqual({ type: e.type, data: e.data, id: e.id, date: e.date, revision: e.revision });
      expect(recordedAt).toBe(e.recordedAt);
    }
  });

  it('reads every separated row whole, through its type pattern', () => {
    let separated = 0;
    for (const envelope of envelopes) {
      const decoded = decodeStored(envelope);
      if (!decoded.ok) throw new Error('fixture does not decode');
      const body = deriveRow(decoded.value).body;
      if (splitBody(body)[4]!.length > 1) continue;
      separated++;
      expect(decodeWhole(body)).toEqual(decodeBody(body));
    }
    expect(separated).toBeGreaterThan(envelopes.length / 2);
  });

  it('keeps text with a unit separator exact (JSON form)', () => {
    const issued = envelopes.find((e) => e['type'] === 'SharesIssued')!;
    const withSeparator = { ...issued, data: { ...(issued['data'] as Json), reason: 'a\u001fb' } };
    const decoded = decodeStored(withSeparator);
    if (!decoded.ok) throw new Error('fixture does not decode');
    expect(decodeBody(deriveRow(decoded.value).body).event.data).toEqual(decoded.value.data);
  });

  it('reads a damaged or unusual row the same through its whole-row pattern as field by field', () => {
    const bodies = envelopes.flatMap((envelope) => {
      const decoded = decodeStored(envelope);
      return decoded.ok ? [deriveRow(decoded.value).body] : [];
    });
    const outcomeOf = (read: () => unknown): unknown => {
      try {
        return { value: read() };
      } catch (e) {
        return { error: (e as Error).constructor.name };
      }
    };
    const piece = fc.constantFrom(
      '',
      '\u001f',
      '0',
      '1',
      '00',
      '9'.repeat(70),
      '0.10',
      '1.5',
      'x',
      'X',
      'USD',
      ' ',
      'a-b',
      '-',
      '.',
      'T',
      '2024-02-30',
    );
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat({ max: 3 }), piece, (pick, at, cut, text) => {
        const body = bodies[pick % bodies.length]!;
        const i = at % (body.length + 1);
        const damaged = body.slice(0, i) + text + body.slice(i + cut);
        expect(outcomeOf(() => decodeBody(damaged).event)).toEqual(outcomeOf(() => eventOfParts(splitBody(damaged))));
      }),
      { numRuns: 20_000 },
    );
  });
});
