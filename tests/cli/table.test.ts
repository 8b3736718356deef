import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/table.js';

describe('renderTable', () => {
  it('pads each column to its widest cell, over more rows than a function call takes arguments', () => {
    // A cap table of a register of 200,000 holders: widths spread into Math.max overflowed the stack.
    const rows = Array.from({ length: 200_000 }, (_, i) => [`holder-${i}`, String(i)]);
    const lines = renderTable([{ header: 'Holder' }, { header: 'Shares', align: 'right' }], rows).split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines[1]).toBe(`${'-'.repeat('holder-199999'.length)}  ------`);
    expect(lines[2]).toBe(`holder-0${' '.repeat(5)}       0`);
  });
});
