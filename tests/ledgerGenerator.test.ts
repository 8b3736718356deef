import { describe, expect, it } from 'vitest';
import { generateLedger } from './support/ledgerGenerator/generate.js';
import { shapeNamed } from './support/ledgerGenerator/shapes.js';
import { Ledger } from '../src/ledger.js';
import { createMemoryStore } from '../src/store/memoryStore.js';

const textOf = (seed: number): { text: string; stats: ReturnType<typeof generateLedger>['stats'] } => {
  const { lines, stats } = generateLedger(shapeNamed('2k'), seed);
  return { text: [...lines].join('\n') + '\n', stats };
};

describe('the benchmark ledger generator', () => {
  it('gives byte-identical output for the same seed, and different output for another seed', () => {
    const a = textOf(42).text;
    expect(textOf(42).text).toBe(a);
    expect(textOf(43).text).not.toBe(a);
  });

  it('writes a 2k-event ledger that imports cleanly, with every event type, back-dated entries and retractions', async () => {
    const { text, stats } = textOf(42);
    expect(stats.lines).toBe(2_000);
    expect(Object.keys(stats.byType).sort()).toEqual(
      [
        'BlockSale',
        'EventRetracted',
        'FundingRoundClosed',
        'FxRateRecorded',
        'HolderRegistered',
        'IPOCompleted',
        'IssuerRegistered',
        'ShareClassAdded',
        'SharesConverted',
        'SharesIssued',
        'SharesRepurchased',
        'SharesTransferred',
        'StakeDisclosed',
        'StockSplit',
      ].sort(),
    );
    expect(stats.backDated).toBeGreaterThan(10);
    expect(stats.retractions).toBeGreaterThan(1);
    const ledger = new Ledger({ store: createMemoryStore(), actor: 'bench', now: () => new Date('2030-01-01T00:00:00.000Z') });
    const report = await ledger.import(text);
    expect(report.appended).toBe(2_000);
    expect(report.alreadyPresent).toBe(0);
  });

  it('stays valid across seeds (every line passes the invariants)', async () => {
    for (const seed of [1, 2, 3]) {
      const ledger = new Ledger({ store: createMemoryStore(), actor: 'bench' });
      await expect(ledger.import(textOf(seed).text)).resolves.toMatchObject({ appended: 2_000 });
    }
  });
});
