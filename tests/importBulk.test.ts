import { describe, expect, it } from 'vitest';
import { encodeStored } from '../events/index.js';
import { Ledger } from '../src/ledger.js';
import { isLedgerError } from '../src/domain/problem.js';
import type { EventStore } from '../src/store/eventStore.js';
import { createMemoryStore } from '../src/store/memoryStore.js';

/**
 * Imports of 500 lines or more take other paths to find ids already stored: none at all in an
 * empty store, `findEvents` in bulk where the store has it, `findEvent` one by one where it does
 * not. Every path must give the same report and the same stored events.
 */

const line = (o: object) => JSON.stringify(o);
const REG = {
  type: 'IssuerRegistered',
  issuer: 'acme',
  date: '2018-01-01',
  data: { name: 'Acme', currency: 'USD', classes: [{ class: 'B', votesPerShare: 1 }] },
};
const issue = (i: number) => ({
  type: 'SharesIssued',
  issuer: 'acme',
  date: '2018-06-01',
  data: { holder: `h-${i % 50}`, class: 'B', shares: 10 + i, pricePerShare: '1.5', currency: 'USD' },
});
const FILE = [REG, ...Array.from({ length: 700 }, (_, i) => issue(i))].map(line).join('\n');

/** The memory store without its bulk look-up: the one-by-one path. */
const withoutFindEvents = (store: EventStore): EventStore => {
  const { findEvents: _omitted, ...rest } = store;
  return rest as EventStore;
};

const stored = async (store: EventStore): Promise<string> => {
  const all: unknown[] = [];
  for await (const e of store.readAll()) all.push({ ...encodeStored(e), recordedAt: undefined, hash: undefined, prevHash: undefined });
  return JSON.stringify(all);
};

describe('a large import and the ids already stored', () => {
  it('appends into an empty store, then finds every id again in bulk or one by one', async () => {
    const bulk = createMemoryStore();
    const single = createMemoryStore();
    const first = await new Ledger({ store: bulk, actor: 't' }).import(FILE);
    const firstSingle = await new Ledger({ store: withoutFindEvents(single), actor: 't' }).import(FILE);
    expect(first).toMatchObject({ appended: 701, alreadyPresent: 0 });
    expect(firstSingle.events).toEqual(first.events);
    expect(await stored(single)).toBe(await stored(bulk));

    // The same file again, plus a retraction of a stored event and a new line: found in bulk and one by one alike.
    const target = first.events[5]!.id;
    const again = `${FILE}\n${line({ type: 'EventRetracted', issuer: 'acme', date: '2019-01-01', data: { eventId: target, reason: 'typo' } })}\n${line(issue(9999))}`;
    const second = await new Ledger({ store: bulk, actor: 't' }).import(again);
    const secondSingle = await new Ledger({ store: withoutFindEvents(single), actor: 't' }).import(again);
    expect(second).toMatchObject({ appended: 2, alreadyPresent: 701 });
    expect(secondSingle.events).toEqual(second.events);
    expect(await stored(single)).toBe(await stored(bulk));
  });

  it('rejects a stored id reused for other content, whichever way it was found', async () => {
    for (const wrap of [(s: EventStore) => s, withoutFindEvents]) {
      const store = createMemoryStore();
      const ledger = new Ledger({ store: wrap(store), actor: 't' });
      const first = await ledger.import(FILE);
      const reused = [...FILE.split('\n'), line({ ...issue(1), id: first.events[3]!.id, date: '2018-07-01' })].join('\n');
      const error = await ledger.import(reused).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isLedgerError(error) && error.problem.kind).toBe('DuplicateEventId');
      expect((await store.heads())[0]!.revision).toBe(700);
    }
  });
});
