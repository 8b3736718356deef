import { describe, expect, it } from 'vitest';
import * as api from '../src/api.js';

describe('the library API', () => {
  it('answers the README example through the public entry point alone', async () => {
    const store = api.createMemoryStore();
    const ledger = new api.Ledger({ store, actor: 'secretary', now: () => new Date('2024-01-01T00:00:00.000Z') });
    await ledger.import(
      [
        '{"type":"IssuerRegistered","issuer":"sensetime","date":"2018-01-01","data":{"name":"SenseTime","currency":"HKD","classes":[{"class":"B","votesPerShare":1}]}}',
        '{"type":"SharesIssued","issuer":"sensetime","date":"2018-06-01","data":{"holder":"taobao-holding","class":"B","shares":"3000","pricePerShare":"1","currency":"HKD"}}',
        '{"type":"SharesIssued","issuer":"sensetime","date":"2018-06-01","data":{"holder":"public","class":"B","shares":"1000","pricePerShare":"1","currency":"HKD"}}',
      ].join('\n'),
    );
    const { result } = await api.queryStake(
      store,
      { issuer: 'sensetime', holder: 'taobao-holding', asOf: '2023-07-07' },
      new Date('2024-01-02T00:00:00.000Z'),
    );
    expect(result).toMatchObject({ shares: '3000', percentOfTotal: '75.000000', classes: [{ class: 'B', percentOfClass: '75.000000' }] });
    const notices = await api.queryObligations(store, { issuer: 'sensetime', asOf: '2024-01-01' }, new Date('2024-01-02T00:00:00.000Z'));
    expect(notices.result.notices.map((n) => [n.holder, n.date, n.kind, n.status])).toEqual([
      ['taobao-holding', '2018-06-01', 'became', 'missing'],
    ]);
    expect((await api.verifyLedger(store)).ok).toBe(true);
    expect(api.exitCodeOf('InsufficientShares')).toBe(1);
    await store.close();
  });
});
