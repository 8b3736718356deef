import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPieces } from './jsonPieces.js';

const joined = (value: unknown): string => [...jsonPieces(value)].join('');

/** Values as a report's document may hold them, and what JSON.stringify treats specially. */
const documentValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1.5, '', 'a\nb "quoted"\t\u0000', 'ünïcode ✓'),
    fc.string(),
    fc.integer(),
    fc.constantFrom(undefined, () => 1, new Date(Date.UTC(2024, 0, 2))),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('jsonPieces', () => {
  it('joins to what JSON.stringify writes with an indent of 2, however deep', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(documentValue), fc.dictionary(fc.string(), documentValue)), (value) => {
        expect(joined(value)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('opens a deep section into small pieces instead of one string', () => {
    const disposals = Array.from({ length: 1000 }, (_, i) => ({ eventId: `e-${i}`, gross: `${i}.00`, skipped: undefined }));
    const document = { proceeds: { holders: [{ holder: 'h', disposals }] }, empty: { list: [], object: {} } };
    const pieces = [...jsonPieces(document)];
    expect(pieces.join('')).toBe(JSON.stringify(document, null, 2));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(100);
  });

  it('writes a list that is read as it is written (an iterable whose toJSON is its items) item by item', () => {
    let wholeLists = 0;
    /** A list as a report keeps one elsewhere: its items read again each time, its toJSON counted. */
    const listOf = <T>(items: T[]) => ({
      *[Symbol.iterator]() {
        yield* items;
      },
      toJSON() {
        wholeLists += 1;
        return items;
      },
    });
    const items = Array.from({ length: 1000 }, (_, i) => ({ eventId: `e-${i}`, shares: String(i), skipped: undefined }));
    const document = { disclosures: listOf(items), none: listOf([]) };
    const expected = JSON.stringify(document, null, 2);
    wholeLists = 0;
    const pieces = [...jsonPieces(document)];
    expect(pieces.join('')).toBe(expected);
    expect(wholeLists).toBe(0);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(100);
  });
});
