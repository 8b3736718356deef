import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLedger, writeLedger } from './support/ledgerGenerator/generate.js';
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

  it('writes the same 10k file for seed 7 as it always has (the bench and BENCHMARKS.md compare runs on it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'generator-'));
    try {
      const file = path.join(dir, '10k.jsonl');
      const stats = writeLedger(file, shapeNamed('10k'), 7);
      const bytes = fs.readFileSync(file);
      // The hash of `node dist/bench/generate.js --size 10k --seed 7` at 49b990a, before the generator streamed.
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(
        'b7bed6be0841b0115a06ebea637a9a7fc162296516e0cd9bee2afc8489bf2087',
      );
      expect(bytes.length).toBe(2_223_387);
      expect(stats).toMatchObject({
        lines: 10_000,
        hotIssuer: 'co-0000',
        hotIssuerEvents: 3_183,
        hotHolder: 'holder-20',
        midIssuer: 'co-0005',
      });
      const midLines = bytes
        .toString('utf8')
        .split('\n')
        .filter((l) => l.includes('"issuer":"co-0005"')).length;
      expect(stats.midIssuerEvents).toBe(midLines);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the hot issuer's most frequent holder and a mid-size issuer for each size", () => {
    expect(shapeNamed('10m')).toMatchObject({ events: 10_000_000, issuers: 3_000, holders: 200_000, groups: 4_000 });
    const { lines, stats } = generateLedger(shapeNamed('2k'), 42);
    const counts = new Map<string, number>();
    for (const line of lines) {
      const e = JSON.parse(line) as { issuer?: string; data: Record<string, unknown> };
      if (e.issuer !== stats.hotIssuer) continue;
      for (const v of Object.values(e.data))
        if (typeof v === 'string' && /^(holder|group)-/.test(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const [busiest] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    expect(stats.hotHolder).toBe(busiest);
    expect(stats.midIssuer).toBe('co-0005');
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
