import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoLedger, inPool, parseJsonOut, runCli, tempDir } from './harness.js';

/** `obligations` through the real bin, on the SenseTime demo (docs/obligations.md). */

let dir: string;
let store: string[];

beforeAll(async () => {
  dir = tempDir('shareledger-obligations-');
  store = ['--store', `sqlite:${await demoLedger(dir)}`];
});

type Notice = Record<string, unknown> & { date: string; holder: string; class: string; kind: string; status: string };
type Answer = { issuer: string; regime: string; asOf: string; knownAt: string; notices: Notice[]; passive: unknown[] };

const obligations = (...args: string[]) => runCli(['--json', ...store, 'obligations', '--issuer', 'sensetime', ...args]);

describe('obligations', () => {
  it("prints Taobao Holding's hk notices in the JSON shape, reconciled with its disclosures", async () => {
    const run = await obligations('--holder', 'taobao-holding', '--as-of', '2024-01-01');
    expect(run.code, run.stderr).toBe(0);
    const o = parseJsonOut<Answer>(run);
    expect(Object.keys(o)).toEqual(['issuer', 'regime', 'asOf', 'knownAt', 'notices', 'passive']);
    expect(o).toMatchObject({ issuer: 'sensetime', regime: 'hk', asOf: '2024-01-01', passive: [] });
    expect(o.notices).toHaveLength(4);
    expect(o.notices[3]).toEqual({
      holder: 'taobao-holding',
      class: 'B',
      date: '2023-07-06',
      eventId: '2cce0d02-506a-4dd8-9847-da85d255a88e',
      kind: 'ceased',
      cause: 'own',
      percentBefore: '5.303846',
      percentAfter: '3.161538',
      dueDate: '2023-07-11',
      status: 'on-time',
      disclosureEventId: 'ca7e51f7-4243-44ef-8a78-f2ae04b7d079',
      disclosedOn: '2023-07-06',
      businessDaysLate: 0,
    });
    expect(o.notices.map((n) => [n.date, n.kind, n.percentBefore, n.dueDate, n.status, n.businessDaysLate])).toEqual([
      ['2021-12-30', 'became', null, '2022-01-04', 'missing', null],
      ['2022-11-15', 'crossed', '9.230769', '2022-11-18', 'missing', null],
      ['2023-05-31', 'crossed', '8.769231', '2023-06-05', 'late', 22],
      ['2023-07-06', 'ceased', '5.303846', '2023-07-11', 'on-time', 0],
    ]);
  });

  it('lists every holder that reached the threshold, sorted by date, holder, class; --from/--to select by date', async () => {
    const [all, period] = await inPool([() => obligations(), () => obligations('--from', '2022-01-01', '--to', '2023-06-30')]);
    const o = parseJsonOut<Answer>(all!);
    expect(o.notices.filter((n) => n.date === '2021-12-30').map((n) => `${n.holder}/${n.class}`)).toEqual([
      'cdh-investments/B',
      'idg-capital/B',
      'other-investors/B',
      'softbank/B',
      'tang-xiaoou/A',
      'taobao-holding/B',
      'xu-li/A',
    ]);
    expect(o.notices.some((n) => n.holder === 'public')).toBe(false);
    expect(parseJsonOut<Answer>(period!).notices.map((n) => [n.date, n.kind, n.percentBefore])).toEqual([
      ['2022-11-15', 'crossed', '9.230769'],
      ['2023-05-31', 'crossed', '8.769231'],
    ]);
  });

  it('--group names the group by its head; --regime us gives initial, amendment and exit', async () => {
    const run = await obligations('--holder', 'alibaba-group', '--group', '--regime', 'us', '--as-of', '2024-01-01');
    expect(run.code, run.stderr).toBe(0);
    const o = parseJsonOut<Answer>(run);
    expect(o.regime).toBe('us');
    expect(o.notices.map((n) => [n.holder, n.date, n.kind, n.dueDate, n.status])).toEqual([
      ['alibaba-group', '2021-12-30', 'initial', '2022-01-06', 'missing'],
      ['alibaba-group', '2023-05-31', 'amendment', '2023-06-02', 'missing'],
      ['alibaba-group', '2023-07-06', 'exit', '2023-07-10', 'missing'],
    ]);
  });

  it('--holidays moves due dates and late counts', async () => {
    const file = path.join(dir, 'hk.txt');
    fs.writeFileSync(file, '# HK\n2022-01-03   # observed New Year\n\n2023-06-22\n');
    const o = parseJsonOut<Answer>(await obligations('--holder', 'taobao-holding', '--holidays', file));
    expect(o.notices.map((n) => [n.dueDate, n.businessDaysLate])).toEqual([
      ['2022-01-05', null],
      ['2022-11-18', null],
      ['2023-06-05', 21],
      ['2023-07-11', 0],
    ]);
  });

  it('prints a table for people', async () => {
    const run = await runCli([...store, 'obligations', '--issuer', 'sensetime', '--holder', 'taobao-holding']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/date\s+holder\s+class\s+kind\s+% before → after\s+due\s+status\s+filed on\s+days late/);
    expect(run.stdout).toMatch(/2023-05-31\s+taobao-holding\s+B\s+crossed\s+8\.77% → 5\.50%\s+2023-06-05\s+late\s+2023-07-05\s+22/);
  });

  it('bad input exits 2 naming it: the regime, the holidays file, an invalid holiday, the holder', async () => {
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, '2023-01-02\n# fine\n2023-02-30\n');
    const missing = path.join(dir, 'nowhere.txt');
    const [regime, noFile, badDate, holder, issuer] = await inPool([
      () => obligations('--regime', 'uk'),
      () => obligations('--holidays', missing),
      () => obligations('--holidays', bad),
      () => obligations('--holder', 'nobody'),
      () => runCli([...store, 'obligations', '--issuer', 'nosuch']),
    ]);
    const error = (run: typeof regime) => (JSON.parse(run!.stderr) as { error: { code: string; message: string } }).error;
    expect(regime!.code).toBe(2);
    expect(error(regime).message).toContain('--regime: expected one of hk, us, got "uk"');
    expect(noFile!.code).toBe(2);
    expect(error(noFile).message).toContain(missing);
    expect(badDate!.code).toBe(2);
    expect(error(badDate).message).toBe(`--holidays ${bad}: line 3: expected a date YYYY-MM-DD, got "2023-02-30"`);
    expect(holder!.code).toBe(2);
    expect(error(holder)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('unknown holder nobody') });
    expect(issuer!.code).toBe(1);
    for (const run of [regime, noFile, badDate, holder]) expect(run!.stdout).toBe('');
  });
});
