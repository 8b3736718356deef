import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIdFilter, emptyIdFilter, encodeIdFilter, mayHold, withIds } from '../src/store/idFilter.js';
import { fromSnapshotData, SNAPSHOT_EVENT_TYPE, snapshotStreamOf, toSnapshotData } from '../src/store/esdb/snapshotRecord.js';
import { isLedgerStream } from '../src/store/esdb/mapping.js';

const idNo = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

describe('the id filter of a snapshot', () => {
  it('never says no to an id it holds, whatever its case, and survives its stored form', () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 300 }), fc.integer({ min: 1, max: 500 }), (ids, capacity) => {
        const filter = withIds(emptyIdFilter(capacity), ids);
        const stored = decodeIdFilter(JSON.parse(JSON.stringify(encodeIdFilter(filter))));
        expect(stored).toEqual(filter);
        for (const id of ids) {
          expect(mayHold(filter, id)).toBe(true);
          expect(mayHold(stored!, id.toUpperCase())).toBe(true);
        }
      }),
    );
  });

  it('says maybe to few ids it does not hold (under 2% at capacity)', () => {
    const filter = withIds(
      emptyIdFilter(20_000),
      Array.from({ length: 20_000 }, (_, i) => idNo(i)),
    );
    let maybe = 0;
    for (let i = 0; i < 20_000; i++) if (mayHold(filter, idNo(1_000_000 + i))) maybe += 1;
    expect(maybe).toBeLessThan(400);
  });

  it('leaves the filter it extends as it was', () => {
    const before = withIds(emptyIdFilter(10), [idNo(1)]);
    const after = withIds(before, [idNo(2)]);
    expect(after.count).toBe(2);
    expect(before.count).toBe(1);
    expect(mayHold(after, idNo(2))).toBe(true);
  });

  it('refuses a stored filter whose size does not match its capacity', () => {
    const stored = encodeIdFilter(emptyIdFilter(2_000));
    expect(decodeIdFilter({ ...stored, capacity: 4_000 })).toBeUndefined();
    expect(decodeIdFilter({ ...stored, bits: 3 })).toBeUndefined();
    expect(decodeIdFilter(null)).toBeUndefined();
  });
});

describe('snapshot records on EventStoreDB', () => {
  const snapshot = {
    stream: 'issuer-acme',
    revision: 41,
    hash: 'ab'.repeat(32),
    date: '2024-05-01',
    recordedAt: '2024-05-02T10:00:00.000Z',
    state: '{"registration":null,"classes":[],"holdings":[],"outstanding":[]}',
    ids: withIds(emptyIdFilter(100), [idNo(7)]),
  };

  it('live in a stream of their own that is neither a system stream nor a ledger stream', () => {
    expect(snapshotStreamOf('issuer-acme')).toBe('snapshot-issuer-acme');
    expect(snapshotStreamOf('issuer-acme').startsWith('$')).toBe(false);
    expect(isLedgerStream(snapshotStreamOf('issuer-acme'))).toBe(false);
  });

  it('round-trip through their JSON data', () => {
    const data = JSON.parse(JSON.stringify(toSnapshotData(snapshot)));
    expect(fromSnapshotData('issuer-acme', SNAPSHOT_EVENT_TYPE, data)).toEqual(snapshot);
  });

  it('are not used when they are of another stream, another type or malformed (a cache: never an error)', () => {
    const data = JSON.parse(JSON.stringify(toSnapshotData(snapshot)));
    expect(fromSnapshotData('issuer-other', SNAPSHOT_EVENT_TYPE, data)).toBeUndefined();
    expect(fromSnapshotData('issuer-acme', 'SomethingElse', data)).toBeUndefined();
    expect(fromSnapshotData('issuer-acme', SNAPSHOT_EVENT_TYPE, { ...data, revision: -1 })).toBeUndefined();
    expect(fromSnapshotData('issuer-acme', SNAPSHOT_EVENT_TYPE, { ...data, state: 3 })).toBeUndefined();
    expect(fromSnapshotData('issuer-acme', SNAPSHOT_EVENT_TYPE, 'text')).toBeUndefined();
  });
});
