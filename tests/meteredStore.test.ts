import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meteredStore } from '../src/cli/progress.js';
import { Ledger } from '../src/ledger.js';
import { queryCapTable, queryStake } from '../src/queries.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { withoutDerivedReads } from './derivedReadsContract.js';
import { withStore } from './support/sqliteFile.js';

/**
 * The CLI hands every query a wrapper of the store that counts the events read (progress). The
 * wrapper must pass the store's derived reads on, or a cold `stake` on SQLite would replay every
 * envelope of the issuer instead of reading a snapshot and the timeline after it.
 */

const demo = fs.readFileSync(new URL('../examples/sensetime.jsonl', import.meta.url), 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-metered-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const NOW = new Date('2024-06-30T12:00:00.000Z');

/** Runs the questions through the metered wrapper of `store`: their answers and how many envelopes were read. */
const metered = async (store: EventStore) => {
  let read = 0;
  const wrapped = meteredStore(store, { read: (n) => (read = n) });
  const answers = [
    await queryStake(wrapped, { issuer: 'sensetime', holder: 'taobao-holding', asOf: '2023-07-07' }, NOW),
    await queryStake(wrapped, { issuer: 'sensetime', holder: 'alibaba-group', asOf: '2021-12-29', group: true }, NOW),
    await queryCapTable(wrapped, { issuer: 'sensetime', asOf: '2023-07-21' }, NOW),
  ];
  return { wrapped, answers, read };
};

describe("the CLI's metered store", () => {
  it('passes the derived reads of an SQLite store on: stake and cap-table read no envelope, and answer as a replay', async () => {
    await withStore(path.join(dir, 'demo.db'), async (store) => {
      await new Ledger({ store, actor: 'test', now: () => NOW }).import(demo);
      const fast = await metered(store);
      expect(fast.wrapped.derivedReads).toBe(store.derivedReads);
      expect(fast.read).toBe(0);
      // Without the capability the same wrapper counts the envelopes it replays, and the answers are the same.
      const replayed = await metered(withoutDerivedReads(store));
      expect(replayed.read).toBeGreaterThan(0);
      expect(fast.answers).toEqual(replayed.answers);
    });
  });

  it('offers no derived reads over a store that has none', async () => {
    const store = createMemoryStore();
    await new Ledger({ store, actor: 'test', now: () => NOW }).import(demo);
    const { wrapped, read } = await metered(store);
    expect('derivedReads' in wrapped).toBe(false);
    expect(read).toBeGreaterThan(0);
  });
});
