import fs from 'node:fs';
import os from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSpool } from '../src/lineSpool.js';

/** A line: any text without a line break, non-ASCII included (its bytes are not its characters). */
const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/\n/g, ' '));

describe('LineSpool', () => {
  it('gives each list back its lines in order, however they interleave and whenever they are written', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), line), { maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (pushes, flushAt) => {
        const spool = new LineSpool(flushAt);
        try {
          const lists = Array.from({ length: 6 }, () => spool.list());
          const expected: string[][] = lists.map(() => []);
          for (const [i, text] of pushes) {
            lists[i]!.push(text);
            expected[i]!.push(text);
          }
          expect(lists.map((l) => [...l])).toEqual(expected);
          // Read again: the same lines.
          expect(lists.map((l) => [...l])).toEqual(expected);
        } finally {
          spool.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes past its threshold, so lists longer than memory allows stay on disk', () => {
    const spool = new LineSpool(1_000);
    try {
      const list = spool.list();
      const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
      for (const l of lines) list.push(l);
      expect([...list]).toEqual(lines);
    } finally {
      spool.close();
    }
  });

  it('refuses a line with a line break', () => {
    const spool = new LineSpool();
    try {
      expect(() => spool.list().push('two\nlines')).toThrow(/line break/);
    } finally {
      spool.close();
    }
  });

  it('leaves nothing in the temporary directory, even before it is closed', () => {
    const before = new Set(fs.readdirSync(os.tmpdir()));
    const spool = new LineSpool(10);
    spool.list().push('a line written to disk');
    const made = fs.readdirSync(os.tmpdir()).filter((f) => !before.has(f) && f.startsWith('shareledger-lines-'));
    spool.close();
    expect(made).toEqual([]);
  });
});
