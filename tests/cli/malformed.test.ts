import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoEvents, demoLedger, inPool, ledgerDigest, runCli, tempDir, type Run } from './harness.js';

/**
 * Given the demo ledger, when a malformed or rejected command runs, then it exits 1 (domain
 * rejection) or 2 (invalid input or usage) with a message that says what is wrong, and the store
 * holds exactly what it held before. Every case runs on its own copy of the ledger.
 */

type Case = Readonly<{ name: string; args: string[]; exit: 1 | 2; message: RegExp; input?: string; json?: true }>;

const byType = (type: string, pick: (d: Record<string, unknown>) => boolean = () => true): string => {
  const e = demoEvents().find((x) => x.type === type && pick(x.data));
  if (!e) throw new Error(`no ${type} in the demo`);
  return e.id;
};

const SALE = [
  '--issuer',
  'sensetime',
  '--date',
  '2023-08-01',
  '--seller',
  'softbank',
  '--class',
  'B',
  '--shares',
  '1000',
  '--price-per-share',
  '1.5',
  '--currency',
  'HKD',
];
/** A valid BlockSale with one flag replaced (or removed when value is undefined). */
const sale = (flag: string, value?: string): string[] => {
  const args = [...SALE];
  const i = args.indexOf(flag);
  if (i >= 0) args.splice(i, 2, ...(value === undefined ? [] : [flag, value]));
  else if (value !== undefined) args.push(flag, value);
  return ['append', 'BlockSale', ...args];
};

let dir: string;
let fixture: string;
let fixtureDigest: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = tempDir();
  fixture = await demoLedger(dir, 'fixture.db');
  fixtureDigest = await ledgerDigest(fixture);
  const write = (name: string, lines: string[]) => {
    files[name] = path.join(dir, name);
    fs.writeFileSync(files[name]!, `${lines.join('\n')}\n`);
  };
  const ok = JSON.stringify({ type: 'HolderRegistered', date: '2023-01-01', data: { holder: 'new-holder', name: 'New Holder' } });
  write('bad-json.jsonl', [ok, ok.replace('New Holder', 'Other'), '{"type": "BlockSale",']);
  write('unknown-type.jsonl', [ok, JSON.stringify({ type: 'Dividend', issuer: 'sensetime', date: '2023-01-01', data: {} })]);
  write('negative.jsonl', [
    ok,
    JSON.stringify({
      type: 'BlockSale',
      issuer: 'sensetime',
      date: '2023-08-01',
      data: { seller: 'softbank', class: 'B', shares: '-5', pricePerShare: '1', currency: 'HKD' },
    }),
  ]);
  write('oversale.jsonl', [
    ok,
    JSON.stringify({
      type: 'BlockSale',
      issuer: 'sensetime',
      date: '2023-08-01',
      data: { seller: 'temasek', class: 'B', shares: '400000000', pricePerShare: '1', currency: 'HKD' },
    }),
    JSON.stringify({
      type: 'BlockSale',
      issuer: 'sensetime',
      date: '2023-08-02',
      data: { seller: 'temasek', class: 'B', shares: '400000000', pricePerShare: '1', currency: 'HKD' },
    }),
  ]);
  write('exponent.jsonl', [
    JSON.stringify({ type: 'FxRateRecorded', date: '2023-01-01', data: { base: 'USD', quote: 'HKD', rate: 'x' } }).replace('"x"', '7.8e0'),
  ]);
}, 60_000);

const cases = (): Case[] => {
  const lastSale = byType('BlockSale', (d) => d['shares'] === '822000000');
  const julySale = byType('BlockSale', (d) => d['shares'] === '557000000');
  const seriesC = byType('FundingRoundClosed', (d) => d['round'] === 'Series C');
  const registration = byType('IssuerRegistered');
  return [
    // ---- usage: the command line itself (exit 2)
    { name: 'append without a type', args: ['append', '--date', '2023-08-01'], exit: 2, message: /missing required argument 'Type'/ },
    { name: 'append without --date', args: ['append', 'BlockSale', '--issuer', 'sensetime'], exit: 2, message: /required option '--date/ },
    {
      name: 'unknown event type',
      args: ['append', 'Dividend', '--issuer', 'sensetime', '--date', '2023-01-01'],
      exit: 2,
      message: /unknown event type "Dividend"; one of: IssuerRegistered/,
    },
    { name: 'event type in the wrong case', args: ['append', 'blocksale', ...SALE], exit: 2, message: /did you mean BlockSale\?/ },
    {
      name: 'a misspelt field flag',
      args: [...sale('--seller'), '--seler', 'softbank'],
      exit: 2,
      message: /unknown option --seler for a BlockSale; its fields: --seller, .*--price-per-share/,
    },
    {
      name: 'a flag of another type',
      args: [...sale('--shares', '5'), '--ratio', '2'],
      exit: 2,
      message: /unknown option --ratio for a BlockSale/,
    },
    {
      name: 'a list field as a flag',
      args: ['append', 'FundingRoundClosed', '--issuer', 'sensetime', '--date', '2023-08-01', '--round', 'E', '--allocations', 'x'],
      exit: 2,
      message: /allocations is a list; give it through --data/,
    },
    {
      name: 'IssuerRegistered classes as a flag',
      args: [
        'append',
        'IssuerRegistered',
        '--issuer',
        'acme',
        '--date',
        '2020-01-01',
        '--name',
        'Acme',
        '--currency',
        'USD',
        '--classes',
        'A',
      ],
      exit: 2,
      message: /classes is a list/,
    },
    {
      name: 'an object field as one flag',
      args: [
        'append',
        'SharesTransferred',
        '--issuer',
        'sensetime',
        '--date',
        '2023-08-01',
        '--from',
        'softbank',
        '--to',
        'temasek',
        '--class',
        'B',
        '--shares',
        '1',
        '--consideration',
        '5',
      ],
      exit: 2,
      message: /unknown option --consideration .*--consideration-amount/,
    },
    { name: 'a field flag without a value', args: [...sale('--shares'), '--shares'], exit: 2, message: /option --shares needs a value/ },
    { name: 'a field flag twice', args: [...sale('--shares', '5'), '--shares', '6'], exit: 2, message: /--shares is given twice/ },
    { name: 'a stray argument', args: [...sale('--shares', '5'), 'stray'], exit: 2, message: /unexpected argument "stray"/ },
    {
      name: 'a field in --data and as a flag',
      args: [...sale('--shares', '5'), '--data', '{"shares":"6"}'],
      exit: 2,
      message: /shares is given both in --data and as a flag/,
    },
    { name: 'unknown global option', args: ['--colour', 'stake'], exit: 2, message: /unknown option '--colour'/ },
    { name: 'unknown command', args: ['stak', '--issuer', 'sensetime'], exit: 2, message: /unknown command 'stak'/ },
    {
      name: 'unknown option of a query',
      args: ['stake', '--issuer', 'sensetime', '--holder', 'softbank', '--bogus'],
      exit: 2,
      message: /unknown option '--bogus'/,
    },
    { name: 'stake without --holder', args: ['stake', '--issuer', 'sensetime'], exit: 2, message: /required option '--holder/ },
    { name: 'cap-table without --issuer', args: ['cap-table'], exit: 2, message: /required option '--issuer/ },
    { name: 'copy without --to', args: ['copy'], exit: 2, message: /required option '--to/ },
    { name: 'retract without --reason', args: ['retract', lastSale], exit: 2, message: /required option '--reason/ },
    {
      name: 'an unsupported store URL',
      args: ['--store', 'ftp://host/x', 'stake', '--issuer', 'sensetime', '--holder', 'softbank'],
      exit: 2,
      message: /unsupported store URL "ftp:\/\/host\/x"/,
    },
    { name: 'copy to an unsupported URL', args: ['copy', '--to', 'postgres://x'], exit: 2, message: /unsupported store URL/ },
    { name: 'copy onto itself', args: ['copy', '--to', 'SELF'], exit: 2, message: /is the source store itself/ },
    {
      name: 'a bad log level',
      args: ['--log-level', 'loud', 'stake', '--issuer', 'sensetime', '--holder', 'softbank'],
      exit: 2,
      message: /--log-level: expected one of trace, debug/,
    },
    { name: 'an empty actor', args: ['--actor', '', ...sale('--shares', '5')], exit: 2, message: /--actor: expected non-empty text/ },
    {
      name: 'correct with nothing to change',
      args: ['correct', lastSale, '--reason', 'no change'],
      exit: 2,
      message: /nothing to correct/,
    },
    {
      name: 'correct with a flag the type lacks',
      args: ['correct', lastSale, '--reason', 'typo', '--sellr', 'x'],
      exit: 2,
      message: /unknown option --sellr for a BlockSale/,
    },
    // ---- invalid input: values (exit 2)
    { name: 'bad JSON in --data', args: [...sale('--shares', '5'), '--data', '{bad json'], exit: 2, message: /--data: invalid JSON/ },
    {
      name: '--data not an object',
      args: [...sale('--shares', '5'), '--data', '[1,2]'],
      exit: 2,
      message: /--data: expected a JSON object/,
    },
    {
      name: 'a number with an exponent',
      args: [...sale('--fees'), '--data', '{"fees":1e3}'],
      exit: 2,
      message: /data\.fees \(--fees\): expected a decimal ≥ 0 .*no exponent.*got 1e3/,
    },
    {
      name: 'an unknown field in --data',
      args: [...sale('--fees'), '--data', '{"fee":"1"}'],
      exit: 2,
      message: /data\.fee: unknown field/,
    },
    {
      name: 'an impossible date',
      args: sale('--date', '2023-02-30'),
      exit: 2,
      message: /date: expected a calendar date YYYY-MM-DD, got "2023-02-30"/,
    },
    { name: 'a malformed date', args: sale('--date', '23-07-06'), exit: 2, message: /date: expected a calendar date/ },
    {
      name: 'negative shares',
      args: sale('--shares', '-5'),
      exit: 2,
      message: /data\.shares \(--shares\): expected a positive whole number, got "-5"/,
    },
    {
      name: 'zero shares',
      args: sale('--shares', '0'),
      exit: 2,
      message: /data\.shares \(--shares\): expected a positive whole number, got "0"/,
    },
    { name: 'fractional shares', args: sale('--shares', '1.5'), exit: 2, message: /expected a positive whole number, got "1\.5"/ },
    {
      name: 'shares with a thousands separator',
      args: sale('--shares', '1,000'),
      exit: 2,
      message: /expected a positive whole number, got "1,000"/,
    },
    {
      name: 'a negative price',
      args: sale('--price-per-share', '-1.82'),
      exit: 2,
      message: /data\.pricePerShare \(--price-per-share\): expected a decimal ≥ 0/,
    },
    { name: 'a NaN price', args: sale('--price-per-share', 'NaN'), exit: 2, message: /--price-per-share.*got "NaN"/ },
    {
      name: 'a lowercase currency',
      args: sale('--currency', 'hkd'),
      exit: 2,
      message: /data\.currency \(--currency\): expected an ISO-4217 currency code/,
    },
    {
      name: 'an issuer id in capitals',
      args: sale('--issuer', 'SenseTime'),
      exit: 2,
      message: /issuer: expected an id of lowercase letters.*got "SenseTime"/,
    },
    {
      name: 'a holder id with spaces',
      args: sale('--seller', 'Taobao Holding'),
      exit: 2,
      message: /data\.seller \(--seller\): expected a holder id/,
    },
    { name: 'a class id with a symbol', args: sale('--class', 'B!'), exit: 2, message: /data\.class \(--class\): expected a class id/ },
    { name: 'a required field missing', args: sale('--seller'), exit: 2, message: /data\.seller \(--seller\): required field is missing/ },
    {
      name: 'an issuer on a holders event',
      args: ['append', 'HolderRegistered', '--issuer', 'sensetime', '--date', '2023-01-01', '--holder', 'x', '--name', 'X'],
      exit: 2,
      message: /issuer: a HolderRegistered belongs to no issuer/,
    },
    { name: 'no issuer on an issuer event', args: sale('--issuer'), exit: 2, message: /issuer: required field is missing/ },
    { name: 'an id that is not a UUID', args: sale('--id', 'not-a-uuid'), exit: 2, message: /^error: .*id: expected/m },
    { name: 'an empty note', args: sale('--note', ''), exit: 2, message: /note: expected non-empty text/ },
    {
      name: 'an empty name',
      args: ['append', 'HolderRegistered', '--date', '2023-01-01', '--holder', 'x', '--name', ' '],
      exit: 2,
      message: /data\.name \(--name\): expected non-empty text/,
    },
    {
      name: 'a stake date out of range',
      args: ['stake', '--issuer', 'sensetime', '--holder', 'softbank', '--as-of', '2023-13-01'],
      exit: 2,
      message: /--as-of/,
    },
    {
      name: 'a known-at that is no time',
      args: ['stake', '--issuer', 'sensetime', '--holder', 'softbank', '--known-at', 'yesterday'],
      exit: 2,
      message: /--known-at/,
    },
    {
      name: 'history at an impossible time',
      args: ['history', '--issuer', 'sensetime', '--known-at', '2023-02-30'],
      exit: 2,
      message: /--known-at/,
    },
    {
      name: 'an unknown cost method',
      args: ['proceeds', '--holder', 'taobao-holding', '--method', 'lifo'],
      exit: 2,
      message: /--method: expected one of fifo, avg/,
    },
    {
      name: 'a lowercase report currency',
      args: ['proceeds', '--holder', 'taobao-holding', '--currency', 'usd'],
      exit: 2,
      message: /--currency/,
    },
    {
      name: 'a period that ends before it starts',
      args: ['proceeds', '--holder', 'taobao-holding', '--from', '2023-08-01', '--to', '2023-01-01'],
      exit: 2,
      message: /--from 2023-08-01 is after --to 2023-01-01/,
    },
    {
      name: 'export of a malformed issuer id',
      args: ['export', '--issuer', 'Bad_Id'],
      exit: 2,
      message: /--issuer: expected an id of lowercase letters.*got "Bad_Id"/,
    },
    { name: 'retract with a malformed id', args: ['retract', 'not-a-uuid', '--reason', 'x'], exit: 2, message: /<eventId>: expected/ },
    {
      name: 'retract with an impossible date',
      args: ['retract', lastSale, '--reason', 'x', '--date', '2023-02-29'],
      exit: 2,
      message: /date: expected a calendar date/,
    },
    {
      name: 'import of a missing file',
      args: ['import', 'SELFDIR/nope.jsonl'],
      exit: 2,
      message: /cannot read .*nope\.jsonl: no such file/,
    },
    { name: 'import of a directory', args: ['import', 'SELFDIR'], exit: 2, message: /cannot read .*: it is a directory/ },
    { name: 'import with bad JSON on line 3', args: ['import', 'FILE:bad-json.jsonl'], exit: 2, message: /line 3: invalid JSON/ },
    {
      name: 'import with an unknown type on line 2',
      args: ['import', 'FILE:unknown-type.jsonl'],
      exit: 2,
      message: /line 2: type: expected one of/,
    },
    {
      name: 'import with negative shares on line 2',
      args: ['import', 'FILE:negative.jsonl'],
      exit: 2,
      message: /line 2: data\.shares: expected a positive whole number, got "-5"/,
    },
    {
      name: 'import of a number with an exponent',
      args: ['import', 'FILE:exponent.jsonl'],
      exit: 2,
      message: /line 1: data\.rate: expected a decimal > 0/,
    },
    { name: 'import from stdin that is not JSONL', args: ['import', '-'], input: 'hello\n', exit: 2, message: /line 1: invalid JSON/ },
    {
      name: 'a usage error under --json',
      args: ['--json', 'stake', '--issuer', 'sensetime'],
      exit: 2,
      message: /"code":"USAGE"/,
      json: true,
    },
    // ---- domain rejections (exit 1)
    {
      name: 'an over-sale',
      args: [
        'append',
        'BlockSale',
        '--issuer',
        'sensetime',
        '--date',
        '2023-08-01',
        '--seller',
        'taobao-holding',
        '--class',
        'B',
        '--shares',
        '1',
        '--price-per-share',
        '1.7',
        '--currency',
        'HKD',
      ],
      exit: 1,
      message: /BlockSale 2023-08-01: taobao-holding holds 0 class B shares of sensetime \(needs 1\)/,
    },
    {
      name: 'a back-dated sale that breaks a later one',
      args: [
        'append',
        'BlockSale',
        '--issuer',
        'sensetime',
        '--date',
        '2023-07-06',
        '--seller',
        'taobao-holding',
        '--class',
        'B',
        '--shares',
        '557000000',
        '--price-per-share',
        '1.82',
        '--currency',
        'HKD',
      ],
      exit: 1,
      message: /BlockSale 2023-07-21: taobao-holding holds 265000000 class B shares of sensetime \(needs 822000000\)/,
    },
    {
      name: 'an over-sale under --json',
      args: [
        '--json',
        'append',
        'BlockSale',
        '--issuer',
        'sensetime',
        '--date',
        '2023-08-01',
        '--seller',
        'temasek',
        '--class',
        'B',
        '--shares',
        '500000001',
        '--price-per-share',
        '1',
        '--currency',
        'HKD',
      ],
      exit: 1,
      message: /"code":"INSUFFICIENT_SHARES"/,
      json: true,
    },
    {
      name: 'an import line that over-sells',
      args: ['import', 'FILE:oversale.jsonl'],
      exit: 1,
      message: /line 3: BlockSale 2023-08-02: temasek holds 100000000 class B shares of sensetime \(needs 400000000\)/,
    },
    { name: 'an unknown issuer', args: sale('--issuer', 'nosuch'), exit: 1, message: /nosuch/ },
    { name: 'an unknown class', args: sale('--class', 'C'), exit: 1, message: /class C/ },
    { name: 'a sale to oneself', args: sale('--buyer', 'softbank'), exit: 1, message: /softbank/ },
    { name: 'an event before the registration', args: sale('--date', '2010-01-01'), exit: 1, message: /2010-01-01/ },
    {
      name: 'a second IssuerRegistered',
      args: [
        'append',
        'IssuerRegistered',
        '--issuer',
        'sensetime',
        '--date',
        '2020-01-01',
        '--name',
        'Again',
        '--currency',
        'HKD',
        '--data',
        '{"classes":[{"class":"A","votesPerShare":1}]}',
      ],
      exit: 1,
      message: /sensetime/,
    },
    {
      name: 'an id already used by another event',
      args: sale('--id', lastSale),
      exit: 1,
      message: new RegExp(`event id ${lastSale} is already used by a different event`),
    },
    {
      name: 'a control cycle',
      args: [
        'append',
        'HolderRegistered',
        '--date',
        '2023-01-01',
        '--holder',
        'alibaba-group',
        '--name',
        'Alibaba',
        '--controlled-by',
        'taobao-holding',
      ],
      exit: 1,
      message: /control would go round in a cycle/,
    },
    {
      name: 'an FX rate of a currency against itself',
      args: ['append', 'FxRateRecorded', '--date', '2023-01-01', '--base', 'HKD', '--quote', 'HKD', '--rate', '1'],
      exit: 1,
      message: /base and quote are both HKD/,
    },
    {
      name: 'retract an unknown event',
      args: ['retract', '00000000-0000-4000-8000-000000000000', '--reason', 'x'],
      exit: 1,
      message: /no event 00000000-0000-4000-8000-000000000000/,
    },
    {
      name: 'retract the registration',
      args: ['retract', registration, '--reason', 'x'],
      exit: 1,
      message: /IssuerRegistered event cannot be retracted/,
    },
    { name: 'retract an issuance later sales need', args: ['retract', seriesC, '--reason', 'x'], exit: 1, message: /taobao-holding holds/ },
    {
      name: 'correct a sale so a later one fails',
      args: ['correct', julySale, '--shares', '600000000', '--reason', 'x'],
      exit: 1,
      message: /needs 822000000/,
    },
    {
      name: 'correct an unknown event',
      args: ['correct', '00000000-0000-4000-8000-000000000000', '--shares', '1', '--reason', 'x'],
      exit: 1,
      message: /no event/,
    },
    {
      name: 'stake in an unknown issuer',
      args: ['stake', '--issuer', 'nosuch', '--holder', 'softbank'],
      exit: 1,
      message: /unknown issuer nosuch/,
    },
    {
      name: 'stake of an unknown holder',
      args: ['stake', '--issuer', 'sensetime', '--holder', 'nobody'],
      exit: 1,
      message: /unknown holder nobody/,
    },
    { name: 'export of an unknown issuer', args: ['export', '--issuer', 'nosuch'], exit: 1, message: /unknown issuer nosuch/ },
  ];
};

describe('malformed and rejected commands', () => {
  it('there are at least 50 distinct cases', () => {
    expect(cases().length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases().map((c) => c.name)).size).toBe(cases().length);
  });

  it('each exits 1 or 2 with a clear message and leaves the store unchanged', async () => {
    const all = cases();
    const runs = await inPool(
      all.map((c, i) => async (): Promise<{ c: Case; run: Run; digest: string; leftovers: string[] }> => {
        const store = path.join(dir, `case-${i}.db`);
        fs.copyFileSync(fixture, store);
        const args = c.args.map((a) =>
          a === 'SELF'
            ? `sqlite:${store}`
            : a === 'SELFDIR'
              ? dir
              : a.startsWith('SELFDIR/')
                ? path.join(dir, a.slice(8))
                : a.startsWith('FILE:')
                  ? files[a.slice(5)]!
                  : a,
        );
        const run = await runCli(['--store', `sqlite:${store}`, ...args], c.input !== undefined ? { input: c.input } : {});
        const leftovers = fs.readdirSync(dir).filter((f) => f.startsWith(`case-${i}.db-`));
        return { c, run, digest: await ledgerDigest(store), leftovers };
      }),
    );
    const failures: string[] = [];
    for (const { c, run, digest } of runs) {
      const problems: string[] = [];
      if (run.code !== c.exit) problems.push(`exit ${run.code}, expected ${c.exit}`);
      if (!c.message.test(run.stderr)) problems.push(`stderr does not match ${c.message}`);
      if (run.stdout !== '') problems.push(`stdout is not empty: ${run.stdout.slice(0, 200)}`);
      if (digest !== fixtureDigest) problems.push('the store changed');
      if (c.json) {
        const error = (JSON.parse(run.stderr) as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
        if (typeof error?.code !== 'string' || typeof error.message !== 'string' || typeof error.details !== 'object')
          problems.push('stderr is not {"error":{code,message,details}}');
      } else if (!/^error: /.test(run.stderr)) problems.push('stderr does not start with "error: "');
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}\n    stderr: ${run.stderr.trim()}`);
    }
    expect(failures).toEqual([]);
  });
});
