import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/integrity/verify.js';
import { parseJsonl } from '../../src/jsonl.js';
import { Ledger } from '../../src/ledger.js';
import { isLedgerError, PROBLEM_KINDS, type ProblemKind } from '../../src/domain/problem.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { DEMO_FILE, scaled, SEED, tempDir } from './support.js';

/**
 * Given the demo ledger in a store, when `Ledger.import` gets arbitrary text, arbitrary bytes or
 * valid lines mutated by characters or by JSON values, then it either imports (the input happened
 * to be valid) or fails with a LedgerError of kind InvalidInput or a domain kind — never a store
 * kind, never an untyped exception — and a failure appends nothing.
 */

const RUNS = scaled(400, 20_000);
const STORED_RUNS = scaled(40, 1_000);

/** Domain rejections (exit 1) an import may legitimately end in; never a verification or store kind. */
const DOMAIN_KINDS = (Object.keys(PROBLEM_KINDS) as ProblemKind[]).filter(
  (k) => PROBLEM_KINDS[k] === 1 && k !== 'VerificationFailed' && k !== 'CorruptEvent',
);
const ACCEPTED_KINDS = new Set<ProblemKind>(['InvalidInput', ...DOMAIN_KINDS]);

const demoLines = fs
  .readFileSync(DEMO_FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim());

let demoStore: EventStore;
let dir: string;

beforeAll(async () => {
  demoStore = createMemoryStore();
  await new Ledger({ store: demoStore, actor: 'fuzz' }).import(demoLines.join('\n'));
  dir = tempDir('fuzz');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const countEvents = async (store: EventStore): Promise<number> => (await store.heads()).reduce((n, h) => n + h.revision + 1, 0);

/** How the attempts ended, by kind ("imported" when the input was valid): the fuzz must reach past the parser. */
const outcomes = new Map<string, number>();
const tally = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

/** What must hold of one import attempt: the only failures are typed, and they store nothing. */
const importHolds = async (input: string | Uint8Array): Promise<void> => {
  const before = JSON.stringify(await demoStore.heads());
  const count = await countEvents(demoStore);
  try {
    const report = await new Ledger({ store: demoStore, actor: 'fuzz' }).import(input);
    expect(await countEvents(demoStore)).toBe(count + report.appended);
    tally(report.appended > 0 ? 'imported' : 'already present');
  } catch (e) {
    if (!isLedgerError(e)) throw new Error(`an untyped failure: ${e instanceof Error ? e.stack : String(e)}`);
    if (!ACCEPTED_KINDS.has(e.problem.kind)) throw new Error(`a ${e.problem.kind} from an import: ${e.message}`);
    expect(e.message).toMatch(/^line \d+: /);
    tally(e.problem.kind);
    expect(JSON.stringify(await demoStore.heads())).toBe(before);
  }
};

// ---- inputs ----

const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const anyBytes = fc.uint8Array({ maxLength: 300 });

/** A demo line with characters deleted, inserted or replaced. */
const charMutated = fc
  .tuple(fc.constantFrom(...demoLines), fc.nat(), fc.nat({ max: 8 }), fc.string({ unit: 'binary', maxLength: 8 }))
  .map(([line, at, cut, insert]) => {
    const i = at % (line.length + 1);
    return line.slice(0, i) + insert + line.slice(i + cut);
  });

type Json = Record<string, unknown>;

/** A demo line with one value (of the envelope or its data) replaced by any JSON value, or removed, or one key added. */
const valueMutated = fc
  .tuple(
    fc.constantFrom(...demoLines),
    fc.constantFrom('envelope', 'data'),
    fc.nat(),
    fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined)),
    fc.option(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'toString'), { nil: undefined }),
    fc.boolean(),
  )
  .map(([line, where, pick, value, addKey, dropId]) => {
    const envelope = JSON.parse(line) as Json;
    if (dropId) delete envelope['id'];
    const target = where === 'data' ? (envelope['data'] as Json) : envelope;
    const keys = Object.keys(target);
    const key = addKey ?? keys[pick % keys.length]!;
    if (value === undefined) delete target[key];
    else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    return JSON.stringify(envelope);
  });

/** A few lines: valid ones, mutated ones, blank ones, in any order. */
const fileOf = fc
  .array(fc.oneof(fc.constantFrom(...demoLines), charMutated, valueMutated, fc.constantFrom('', '  ', '\r')), {
    minLength: 1,
    maxLength: 6,
  })
  .map((lines) => lines.join('\n'));

describe('the import decoder under fuzzing', () => {
  it('parseJsonl never throws; every refusal is InvalidInput naming a line of the input', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, anyBytes, charMutated, valueMutated, fileOf), (input) => {
        const parsed = parseJsonl(input);
        if (parsed.ok) return;
        expect(parsed.problem.kind).toBe('InvalidInput');
        const line = parsed.problem.details?.['line'];
        const lines = (typeof input === 'string' ? input : Buffer.from(input).toString('latin1')).split('\n').length;
        expect(Number.isInteger(line) && (line as number) >= 1 && (line as number) <= lines).toBe(true);
      }),
      { numRuns: RUNS * 4, seed: SEED },
    );
  });

  it('a value nested at any depth up to 6,000 is refused as InvalidInput, never a crash', () => {
    // Somewhere between what the JSON reader can read and what JSON.stringify can print (about
    // 4,000 to 5,000 levels, depending on the stack), a message quoting the value used to throw.
    const failures: string[] = [];
    for (let depth = 1; depth <= 6_000; depth += depth < 3_000 ? 500 : scaled(20, 1)) {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const line of [
        `{"type":"BlockSale","issuer":"sensetime","date":"2023-08-01","data":${nested}}`,
        `{"type":"BlockSale","issuer":"sensetime","date":"2023-08-01","data":{"seller":${nested}}}`,
        `{"type":${nested},"date":"2023-08-01","data":{}}`,
      ])
        try {
          const parsed = parseJsonl(line);
          if (parsed.ok || parsed.problem.kind !== 'InvalidInput') failures.push(`depth ${depth}: ${JSON.stringify(parsed).slice(0, 100)}`);
        } catch (e) {
          failures.push(`depth ${depth}: throws ${(e as Error).message}`);
        }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('Ledger.import of arbitrary text or bytes fails only with InvalidInput, storing nothing', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(anyText, anyBytes), importHolds), { numRuns: RUNS, seed: SEED });
  });

  it('Ledger.import of mutated valid lines imports, or fails with InvalidInput or a domain kind, storing nothing', async () => {
    outcomes.clear();
    await fc.assert(fc.asyncProperty(fc.oneof(charMutated, valueMutated, fileOf), importHolds), { numRuns: RUNS, seed: SEED });
    console.info(`decoder fuzz: ${RUNS} mutated imports: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    // Beyond the parser: some inputs decode and reach the domain's checks, some are even valid.
    expect([...outcomes.keys()].filter((k) => k !== 'InvalidInput').length).toBeGreaterThanOrEqual(2);
  });

  it('any free text (lone surrogates, controls, injection) in note and source round-trips through SQLite and verifies', async () => {
    const file = path.join(dir, 'text.db');
    const store = openSqliteStore(file);
    const ledger = new Ledger({ store, actor: 'fuzz' });
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0);
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(text, text, async (note, source) => {
          const holder = `fuzz-${++n}`;
          const line = JSON.stringify({ type: 'HolderRegistered', date: '2023-08-01', data: { holder, name: `Fuzz ${n}` }, note, source });
          await ledger.import(line);
          const [stored] = (await store.readStream('holders')).filter((e) => e.type === 'HolderRegistered' && e.data.holder === holder);
          expect({ note: stored?.note, source: stored?.source }).toEqual({ note, source });
        }),
        { numRuns: STORED_RUNS, seed: SEED },
      );
      const reopened = openSqliteStore(file);
      expect(await verifyLedger(reopened).finally(() => reopened.close())).toMatchObject({ ok: true, events: STORED_RUNS });
    } finally {
      await store.close();
    }
  });
});
