import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detached, formatShareOf, percentText } from './format.js';

/** Values around the edges that matter: tiny, exactly at the doubles' exact range, and far beyond. */
const amount = fc.oneof(
  fc.bigInt({ min: 0n, max: 1_000n }),
  fc.bigInt({ min: 0n, max: 10n ** 13n }),
  fc.bigInt({ min: 4_503_599_627_300n, max: 4_503_599_627_400n }),
  fc.bigInt({ min: 45_035_996_273_600n, max: 45_035_996_273_800n }),
  fc.bigInt({ min: 0n, max: 10n ** 30n }),
);

describe('percentText', () => {
  it('prints exactly the digits of formatShareOf (part / whole × 100, 6 decimals, half to even)', () => {
    fc.assert(
      fc.property(amount, amount, (part, whole) => {
        expect(percentText(part, whole)).toBe(formatShareOf(part, whole));
      }),
      { numRuns: 20_000 },
    );
  });

  it('rounds exact halves to the even digit and carries into the whole percent', () => {
    // 1 / 16 000 000 × 100 = 0.00000625 → 0.000006; 3 / 16 000 000 × 100 = 0.00001875 → 0.000019
    expect(percentText(1n, 16_000_000n)).toBe('0.000006');
    expect(percentText(3n, 16_000_000n)).toBe('0.000019');
    expect(percentText(99_999_999_5n, 1_000_000_000_0n)).toBe(formatShareOf(99_999_999_5n, 1_000_000_000_0n));
    expect(percentText(1n, 3n)).toBe('33.333333');
    expect(percentText(2n, 3n)).toBe('66.666667');
    expect(percentText(5n, 5n)).toBe('100.000000');
    expect(percentText(0n, 7n)).toBe('0.000000');
    expect(percentText(7n, 0n)).toBeNull();
  });
});

describe('detached', () => {
  it('is the same text, also when cut from a longer one', () => {
    const row = `2024-01-02\u001f7\u001f${'x'.repeat(200)}`;
    const id = /\u001f(x+)$/.exec(row)![1]!;
    expect(detached(id)).toBe(id);
    expect(detached('')).toBe('');
  });
});
