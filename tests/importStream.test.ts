import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeStored } from '../events/index.js';
import { IssuerTimeline } from '../src/domain/issuerTimeline.js';
import { isLedgerError } from '../src/domain/problem.js';
import { UuidSet } from '../src/domain/uuidSet.js';
import { foldPolicy } from '../src/importer.js';
import { Ledger } from '../src/ledger.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { openSqliteStore } from '../src/store/sqliteStore.js';
import { generateLedger } from './support/ledgerGenerator/generate.js';
import { shapeNamed } from './support/ledgerGenerator/shapes.js';

/**
 * The streamed import (src/importer.ts) reads, decides and writes a file a chunk of lines at a time.
 * Whatever the chunk size and however the input arrives in pieces, it must store and report exactly
 * what one whole decision does, and stay all or nothing where the store has transactions.
 */

const NOW = () => new Date('2024-03-01T09:30:00.000Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-stream-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A generated ledger where every third line that no retraction targets has no id (derived ids). */
const generated = [...generateLedger(shapeNamed('2k'), 11).lines].slice(0, 1_200);
const targeted = new Set(
  generated.filter((l) => l.includes('"EventRetracted"')).map((l) => (JSON.parse(l) as { data: { eventId: string } }).data.eventId),
);
const baseLines = generated.map((l, i) => {
  if (i % 3 !== 0 || targeted.has((JSON.parse(l) as { id: string }).id)) return l;
  const { id: _id, ...rest } = JSON.parse(l) as Record<string, unknown>;
  return JSON.stringify(rest);
});
/** Repeated identical lines without ids far apart (across chunks), a retraction of an event many chunks back, a repeated line with its id. */
const extraLines = (): string[] => {
  const fx = JSON.stringify({ type: 'FxRateRecorded', date: '2020-01-01', data: { base: 'USD', quote: 'EUR', rate: '0.9' } });
  const target = JSON.parse(baseLines.find((l) => l.includes('"StakeDisclosed"') && l.includes('"id"'))!) as { id: string; issuer: string };
  return [
    fx,
    fx,
    JSON.stringify({ type: 'EventRetracted', issuer: target.issuer, date: '2030-01-01', data: { eventId: target.id, reason: 'typo' } }),
    baseLines[1]!,
    fx,
  ];
};
const FILE = [...baseLines.slice(0, 600), ...extraLines().slice(0, 2), ...baseLines.slice(600), ...extraLines().slice(2)].join('\n') + '\n';

/** The stored events stream by stream (chunks interleave the streams' appends differently; each stream's order is what counts). */
const stored = async (store: EventStore): Promise<string[]> => {
  const all: Array<{ key: string; json: string }> = [];
  for await (const e of store.readAll())
    all.push({ key: `${e.stream}\u0000${String(e.revision).padStart(9, '0')}`, json: JSON.stringify(encodeStored(e)) });
  return all.sort((a, b) => (a.key < b.key ? -1 : 1)).map((e) => e.json);
};

const rejectionOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (isLedgerError(e) ? e.problem : e),
  );

const ledgerOn = (store: EventStore) => new Ledger({ store, actor: 'stream', now: NOW });

describe('a streamed import', () => {
  it('stores and reports the same in chunks of any size as in one, and a re-run finds every line already present', async () => {
    const whole = createMemoryStore();
    const reference = await ledgerOn(whole).import(FILE);
    // One line repeats an earlier line with its id: already present.
    expect(reference.appended).toBe(FILE.trim().split('\n').length - 1);
    for (const linesPerChunk of [1, 7, 100, 1_000]) {
      const store = createMemoryStore();
      const events: unknown[] = [];
      const summary = await ledgerOn(store).importStreamed(FILE, { linesPerChunk, onEvent: (p) => events.push(p) });
      expect(summary).toMatchObject({ appended: reference.appended, alreadyPresent: reference.alreadyPresent });
      expect(events).toEqual(reference.planned);
      expect(await stored(store)).toEqual(await stored(whole));
      const again = await ledgerOn(store).importStreamed(FILE, { linesPerChunk });
      expect(again).toMatchObject({ appended: 0, alreadyPresent: reference.appended + reference.alreadyPresent });
    }
  });

  it('reads an input that arrives in pieces cut anywhere, a character cut in two included', async () => {
    const text = `${FILE}${JSON.stringify({ type: 'HolderRegistered', date: '2021-01-01', data: { holder: 'zoe', name: 'Zoë 中文' } })}`;
    const bytes = Buffer.from(text, 'utf8');
    const reference = await ledgerOn(createMemoryStore()).import(text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), async (cuts) => {
        const at = [...new Set([0, ...cuts, bytes.length])].sort((a, b) => a - b);
        const pieces = at.slice(1).map((end, i) => bytes.subarray(at[i]!, end));
        const store = createMemoryStore();
        const summary = await ledgerOn(store).importStreamed(pieces, { linesPerChunk: 50 });
        expect(summary.appended).toBe(reference.appended);
      }),
      { numRuns: 15 },
    );
  });

  it('names the first line that is not UTF-8, in a later piece', async () => {
    const good = Buffer.from(`${baseLines.slice(0, 3).join('\n')}\n`, 'utf8');
    const bad = Buffer.from([0x7b, 0xff, 0x7d, 0x0a]);
    const p = await rejectionOf(ledgerOn(createMemoryStore()).importStreamed([good, bad], { linesPerChunk: 2 }));
    expect(p).toMatchObject({ kind: 'InvalidInput', details: { line: 4 } });
  });

  describe('a rejection in a late chunk', () => {
    const broken = [
      ...FILE.trim().split('\n'),
      JSON.stringify({ type: 'SharesIssued', issuer: 'nobody-here', date: '2020-01-01', data: { holder: 'h', class: 'A', shares: 1 } }),
    ];
    const badLine = broken.length;

    it('undoes every earlier chunk, in memory and in SQLite, and names its line', async () => {
      const file = path.join(dir, 'late.db');
      for (const store of [createMemoryStore(), openSqliteStore(file)]) {
        const before = await stored(store);
        const p = await rejectionOf(ledgerOn(store).importStreamed(broken.join('\n'), { linesPerChunk: 64 }));
        expect(p).toMatchObject({ details: { line: badLine } });
        expect((p as { message: string }).message).toMatch(new RegExp(`^line ${badLine}: `));
        expect(await stored(store)).toEqual(before);
        await store.close();
      }
    });

    it('leaves the earlier chunks where the store has no transactions, and a re-run of the fixed file completes it', async () => {
      const { transaction: _none, ...rest } = createMemoryStore();
      const store = rest as EventStore;
      const p = await rejectionOf(ledgerOn(store).importStreamed(broken.join('\n'), { linesPerChunk: 64 }));
      expect(p).toMatchObject({ details: { line: badLine } });
      const partial = (await stored(store)).length;
      expect(partial).toBeGreaterThan(0);
      const fixed = await ledgerOn(store).importStreamed(FILE, { linesPerChunk: 64 });
      expect(fixed.alreadyPresent).toBeGreaterThanOrEqual(partial);
      const whole = createMemoryStore();
      await ledgerOn(whole).import(FILE);
      const [a, b] = [(await stored(store)).map(withoutRecording), (await stored(whole)).map(withoutRecording)];
      const i = a.findIndex((x, j) => x !== b[j]);
      expect(i < 0 ? undefined : [a[i], b[i]]).toBeUndefined();
    });
  });

  describe("with the streams' earlier events folded often (a few days kept)", () => {
    const policy = { ...foldPolicy };
    beforeAll(() => Object.assign(foldPolicy, { keepEvents: 4, lookbackDays: 3 }));
    afterAll(() => Object.assign(foldPolicy, policy));

    it('stores and reports what one decision does, reading a stream again for a line dated or retracting before its fold', async () => {
      const whole = createMemoryStore();
      const reference = await ledgerOn(whole).import(FILE);
      const folds = vi.spyOn(IssuerTimeline.prototype, 'foldedBefore');
      const file = path.join(dir, 'folded.db');
      for (const [store, linesPerChunk] of [
        [createMemoryStore(), 7],
        [openSqliteStore(file), 50],
      ] as const) {
        folds.mockClear();
        const reads = vi.spyOn(store, 'readStream');
        const events: unknown[] = [];
        const summary = await ledgerOn(store).importStreamed(FILE, { linesPerChunk, onEvent: (p) => events.push(p) });
        expect(folds.mock.results.filter((r) => r.value !== undefined).length).toBeGreaterThan(50);
        const streams = new Set(reads.mock.calls.map(([stream]) => stream));
        expect(reads.mock.calls.length).toBeGreaterThan(streams.size); // some streams read again
        expect(summary).toMatchObject({ appended: reference.appended, alreadyPresent: reference.alreadyPresent });
        expect(events).toEqual(reference.planned);
        expect(await stored(store)).toEqual(await stored(whole));
        await store.close();
      }
      folds.mockRestore();
    });

    it('rejects, naming its line, an id or a retraction that only a folded event makes wrong', async () => {
      const lines = FILE.trim().split('\n');
      const old = JSON.parse(lines.find((l) => l.includes('"SharesIssued"') && l.includes('"id"'))!) as { id: string; issuer: string };
      const retraction = lines.find((l) => l.includes('"EventRetracted"'))!;
      const cases = [
        // a folded event's id with other content
        JSON.stringify({ ...old, date: '2029-12-31', note: 'other content' }),
        // the retraction of a folded event that is retracted already
        JSON.stringify({ ...(JSON.parse(retraction) as object), id: undefined, date: '2030-02-01' }),
      ];
      for (const extra of cases) {
        const text = [...lines, extra].join('\n');
        const expected = await rejectionOf(ledgerOn(createMemoryStore()).import(text));
        expect(expected).toMatchObject({ details: { line: lines.length + 1 } });
        const store = createMemoryStore();
        expect(await rejectionOf(ledgerOn(store).importStreamed(text, { linesPerChunk: 9 }))).toEqual(expected);
        expect(await stored(store)).toEqual([]);
      }
    });
  });

  describe('keeping as far back as the file reaches', () => {
    const policy = { ...foldPolicy };
    beforeAll(() => Object.assign(foldPolicy, { lookbackDays: 3, keepEvents: 8, growth: 1.5 }));
    afterAll(() => Object.assign(foldPolicy, policy));

    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const registered = JSON.stringify({
      id: id(0),
      type: 'IssuerRegistered',
      issuer: 'co-1',
      date: day(0),
      data: { name: 'One', currency: 'EUR', classes: [{ class: 'ord', votesPerShare: 1 }] },
    });
    /** Issuance n, dated day 10n (ten days apart: the 3 days kept hold one event). */
    const issued = (n: number, date = day(10 * n)) =>
      JSON.stringify({
        id: id(n),
        type: 'SharesIssued',
        issuer: 'co-1',
        date,
        data: { holder: `h-${n % 5}`, class: 'ord', shares: 100, pricePerShare: '1', currency: 'EUR' },
      });
    const retract = (n: number, of: number) =>
      JSON.stringify({ id: id(n), type: 'EventRetracted', issuer: 'co-1', date: day(10 * n), data: { eventId: id(of), reason: 'typo' } });
    const issuances = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => issued(from + i));

    /** How often the import read the issuer's stream (once at first, then once per miss), and that it stored what one decision does. */
    const readsOf = async (lines: string[]): Promise<number> => {
      const text = lines.join('\n');
      const whole = createMemoryStore();
      await ledgerOn(whole).import(text);
      const store = createMemoryStore();
      const reads = vi.spyOn(store, 'readStream');
      await ledgerOn(store).importStreamed(text, { linesPerChunk: 4 });
      expect(await stored(store)).toEqual(await stored(whole));
      return reads.mock.calls.filter(([stream]) => stream === 'issuer-co-1').length;
    };

    it('keeps its last keepEvents events, whatever their dates, for the retractions of recent events', async () => {
      // 6 events after the target: 60 days back, far past the 3 days kept, but among the last 8 events.
      expect(await readsOf([registered, ...issuances(1, 40), retract(40, 34), ...issuances(41, 50)])).toBe(1);
      // 20 events after it: read again, and from then on 1.5 × 20 = 30 events kept.
      expect(await readsOf([registered, ...issuances(1, 40), retract(40, 20), ...issuances(41, 80), retract(80, 55)])).toBe(2);
      // Without the growth, the second retraction would be read again too.
      expect(await readsOf([registered, ...issuances(1, 40), retract(40, 20), ...issuances(41, 80), retract(80, 45)])).toBe(3);
    });

    it('keeps growth times as many days back as a back-dated line went', async () => {
      // 100 days back, past the 8 events (80 days) kept: read again, and from then on 150 days kept,
      // so a line 120 days back is decided without a read, and one 200 days back is not.
      const late = (n: number, back: number) => issued(n, day(10 * (n - 1) - back));
      expect(await readsOf([registered, ...issuances(1, 40), late(40, 100), ...issuances(41, 80), late(80, 120)])).toBe(2);
      expect(await readsOf([registered, ...issuances(1, 40), late(40, 100), ...issuances(41, 80), late(80, 200)])).toBe(3);
    });
  });

  it('in a dry run, reports what a real import would and stores nothing', async () => {
    const store = createMemoryStore();
    const dry = await ledgerOn(store).import(FILE, { dryRun: true });
    expect(await stored(store)).toEqual([]);
    const real = await ledgerOn(createMemoryStore()).import(FILE);
    expect(dry.planned).toEqual(real.planned);
    const chunked = await ledgerOn(store).importStreamed(FILE, { dryRun: true, linesPerChunk: 10 });
    expect(chunked).toMatchObject({ appended: real.appended, dryRun: true });
    expect(await stored(store)).toEqual([]);
  });
});

/** A stored event without what differs between two runs (recordedAt, and the hashes that cover it). */
const withoutRecording = (json: string): string => {
  const { recordedAt: _r, hash: _h, prevHash: _p, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(rest);
};

describe('UuidSet', () => {
  it('holds exactly the UUIDs a Set of their lower-case forms holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uuid(), fc.constantFrom('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-000000000001')), {
          maxLength: 3_000,
        }),
        fc.array(fc.uuid(), { maxLength: 100 }),
        (ids, others) => {
          const set = new UuidSet(4);
          const reference = new Set<string>();
          for (const id of ids) {
            const cased = reference.size % 2 ? id.toUpperCase() : id;
            expect(set.add(cased)).toBe(!reference.has(id.toLowerCase()));
            reference.add(id.toLowerCase());
          }
          for (const id of [...ids, ...others]) expect(set.has(id)).toBe(reference.has(id.toLowerCase()));
        },
      ),
      { numRuns: 60 },
    );
  });
});
