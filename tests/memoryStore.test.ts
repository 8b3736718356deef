import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/store/memoryStore.js';
import { describeStoreContract } from './storeContract.js';
import { batchOf, newIssuerHistory } from './fixtures/sealed.js';

describeStoreContract('memory', async () => createMemoryStore());

describe('memory store', () => {
  it('treats a batch that does not continue its stream as a bug, not a conflict', async () => {
    const store = createMemoryStore();
    const history = newIssuerHistory(1);
    await expect(store.append([batchOf(history.events, 0)])).rejects.toThrow(/^bug: /);
    await expect(store.append([{ ...batchOf(history.events, -1), stream: 'issuer-elsewhere' }])).rejects.toThrow(/^bug: /);
    expect(await store.readStream(history.stream)).toEqual([]);
  });

  it('describes itself by its URL', () => {
    expect(createMemoryStore().description).toBe('memory:');
  });
});
