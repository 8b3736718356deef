import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RevisionTexts } from '../src/revisionTexts.js';

/**
 * Texts from a small pool (so they repeat, next to each other or not), a large one (mostly
 * distinct), or any text at all (non-ASCII: its UTF-8 bytes are not its characters).
 */
const text = fc.oneof(
  fc.constantFrom('root', 'ops', 'Disclosure of interests form 1', '', '阿里巴巴 filing 🧾'),
  fc.nat(100_000).map((n) => `https://filings.example.com/${n}`),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** Past this many distinct texts, they are stored as they come. */
const INTERNED = 4096;

describe('RevisionTexts', () => {
  it('gives back the text set for each revision, and none for a revision never set', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.nat(3), text), { maxLength: 400 }), (pastInterned, steps) => {
        const texts = new RevisionTexts();
        const expected = new Map<number, string>();
        // Revisions in increasing order with gaps, as the audit's pass over a stream sets them.
        let revision = -1;
        // Either told apart, or (after as many distinct texts as are) stored as they come.
        if (pastInterned)
          for (let i = 0; i < INTERNED; i++) {
            texts.set(++revision, `first ${i}`);
            expected.set(revision, `first ${i}`);
          }
        for (const [gap, t] of steps) {
          revision += gap + 1;
          texts.set(revision, t);
          expected.set(revision, t);
        }
        for (let r = 0; r <= revision + 300; r++) expect(texts.get(r)).toBe(expected.get(r));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps every text when there are more than 16 bits of them, interned or not', () => {
    const texts = new RevisionTexts();
    const n = 70_000;
    // Each distinct text twice, the second time much later: past the interned ones it is stored again.
    for (let r = 0; r < n; r++) texts.set(r, `source ${r}`);
    for (let r = 0; r < n; r++) texts.set(n + r, `source ${r}`);
    texts.set(2 * n, 'root');
    texts.set(2 * n + 1, 'root');
    for (const r of [0, 255, 256, 4_095, 4_096, 65_535, 65_536, n - 1]) {
      expect(texts.get(r)).toBe(`source ${r}`);
      expect(texts.get(n + r)).toBe(`source ${r}`);
    }
    expect([texts.get(2 * n), texts.get(2 * n + 1), texts.get(2 * n + 2)]).toEqual(['root', 'root', undefined]);
  });
});
