import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeStored } from '../events/index.js';
import { copyLedger } from '../src/copyLedger.js';
import { digestOf } from '../src/integrity/digest.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { openSqliteStore } from '../src/store/sqliteStore.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-copy-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const demo = fs.readFileSync(new URL('../examples/sensetime.jsonl', import.meta.url), 'utf8');

/** Every stored envelope, stream by stream in revision order (the order between streams is not part of a ledger). */
const envelopes = async (store: EventStore): Promise<string[]> => {
  const out: Array<[string, number, string]> = [];
  for await (const e of store.readAll()) out.push([e.stream, e.revision, JSON.stringify(encodeStored(e))]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])).map(([, , json]) => json);
};

describe('copy between stores', () => {
  it('memory → SQLite → memory keeps every envelope, and the digests are identical', async () => {
    const memory = createMemoryStore();
    await new Ledger({ store: memory, actor: 'secretary' }).import(demo);
    await new Ledger({ store: memory, actor: 'auditor' }).import(
      '{"type":"HolderRegistered","date":"2023-08-01","data":{"holder":"hillhouse","name":"Hillhouse Capital"}}',
    );
    const sqlite = openSqliteStore(path.join(dir, 'copy.db'));
    const there = await copyLedger(memory, sqlite);
    expect(there).toMatchObject({ copied: 32, alreadyPresent: 0, headsMatch: true, verify: { ok: true, events: 32 } });
    const back = createMemoryStore();
    await copyLedger(sqlite, back);
    expect(await digestOf(sqlite)).toEqual(await digestOf(memory));
    expect(await digestOf(back)).toEqual(await digestOf(memory));
    expect(await envelopes(back)).toEqual(await envelopes(memory));
    expect(await envelopes(sqlite)).toEqual(await envelopes(memory));
    await sqlite.close();
  });

  it('continues an interrupted copy and refuses a target holding another ledger', async () => {
    const source = createMemoryStore();
    await new Ledger({ store: source, actor: 'a' }).import(demo);
    const partial = createMemoryStore();
    // An interrupted copy: the first 10 events of every stream were written.
    const early = (await envelopes(source)).length;
    for await (const e of source.readAll())
      if (e.revision < 10) await partial.append([{ stream: e.stream, expectedRevision: e.revision - 1, events: [e] }]);
    const resumed = await copyLedger(source, partial);
    expect(resumed.copied + resumed.alreadyPresent).toBe(early);
    expect(resumed.alreadyPresent).toBeGreaterThan(0);
    expect(await digestOf(partial)).toEqual(await digestOf(source));

    const other = createMemoryStore();
    await new Ledger({ store: other, actor: 'b' }).import(demo);
    const before = await envelopes(other);
    const refused = await copyLedger(source, other).catch((e: unknown) => e);
    expect(isLedgerError(refused) && refused.problem.kind).toBe('VerificationFailed');
    expect(await envelopes(other)).toEqual(before);
  });

  it("writes in chunks inside the SQLite target's transaction: a copy that fails midway leaves the target empty", async () => {
    const source = createMemoryStore();
    const lines = Array.from({ length: 6_000 }, (_, i) =>
      JSON.stringify({
        type: 'HolderRegistered',
        date: '2020-01-01',
        data: { holder: `holder-${i}`, name: `Holder ${i}` },
      }),
    );
    await new Ledger({ store: source, actor: 'a' }).import(lines.join('\n'));
    // The source fails after more than a chunk (5,000 events) was read and written.
    let read = 0;
    const failing: EventStore = {
      ...source,
      description: source.description,
      async *readAll() {
        for await (const e of source.readAll()) {
          if ((read += 1) > 5_500) throw new Error('the source went away');
          yield e;
        }
      },
    };
    const target = openSqliteStore(path.join(dir, 'failed.db'));
    await expect(copyLedger(failing, target)).rejects.toThrow(/went away/);
    expect(read).toBeGreaterThan(5_000);
    expect(await target.heads()).toEqual([]);
    expect(await copyLedger(source, target)).toMatchObject({ copied: 6_000, headsMatch: true, verify: { ok: true } });
    await target.close();
  });
});
