import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSI, DEMO_FILE, demoEvents, demoLedger, inPool, ledgerDigest, parseJsonOut, runCli, tempDir } from './harness.js';

/**
 * Every command through the real argument parser, against real SQLite files: what it prints
 * for people, the one JSON document it prints with --json (docs/cli.md shapes), and its exit code.
 */

const COMMANDS = [
  'init',
  'demo',
  'append',
  'import',
  'export',
  'copy',
  'retract',
  'correct',
  'stake',
  'cap-table',
  'history',
  'proceeds',
  'obligations',
];
const PERCENT = /^\d+\.\d{6}$/;

let dir: string;
let demo: string;
const sqlite = (file: string) => ['--store', `sqlite:${file}`];
const copyOfDemo = (name: string): string => {
  const file = path.join(dir, name);
  fs.copyFileSync(demo, file);
  return file;
};

beforeAll(async () => {
  dir = tempDir();
  demo = await demoLedger(dir);
}, 60_000);

describe('help', () => {
  it('lists every command, and each command shows a real example', async () => {
    const runs = await inPool([() => runCli(['--help']), ...COMMANDS.map((c) => () => runCli([c, '--help'])), () => runCli(['--version'])]);
    const [root, ...rest] = runs;
    expect(root!.code).toBe(0);
    for (const c of [...COMMANDS, 'audit', 'digest', 'verify']) expect(root!.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(root!.stdout).toMatch(/Exit codes: 0 success, 1 domain rejection/);
    rest.slice(0, COMMANDS.length).forEach((run, i) => {
      expect(run.code, COMMANDS[i]).toBe(0);
      expect(run.stdout, COMMANDS[i]).toMatch(new RegExp(`Examples?:\\n  \\$ shareledger .*${COMMANDS[i]}`));
    });
    expect(rest.at(-1)!.stdout.trim()).toBe('0.1.0');
  });

  it('running with no command prints help on stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Usage: shareledger/);
  });
});

describe('init and stores', () => {
  it('creates an empty SQLite store with mode 0600; again it reports what is there', async () => {
    const file = path.join(dir, 'fresh.db');
    const first = await runCli(['--json', ...sqlite(file), 'init']);
    expect(first.code).toBe(0);
    expect(parseJsonOut(first)).toEqual({ store: `sqlite:${file}`, created: true, events: 0 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = await runCli([...sqlite(file), 'init']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already exists and holds 0 events/);
  });

  it('exits 3 when the store cannot be opened, and never prints credentials', async () => {
    const notADir = path.join(dir, 'plain-file');
    fs.writeFileSync(notADir, 'x');
    const runs = await inPool([
      () => runCli([...sqlite(path.join(dir, 'no', 'such', 'dir', 'x.db')), 'init']),
      () => runCli([...sqlite(path.join(notADir, 'x.db')), 'stake', '--issuer', 'a', '--holder', 'b']),
      () =>
        runCli([
          '--json',
          '--store',
          'esdb://admin:s3cret-pw@127.0.0.1:1?tls=false',
          '--log-level',
          'debug',
          'cap-table',
          '--issuer',
          'sensetime',
        ]),
      () =>
        runCli(['cap-table', '--issuer', 'sensetime'], { env: { SHARELEDGER_STORE: 'kurrentdb://admin:s3cret-pw@127.0.0.1:1?tls=false' } }),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain('s3cret');
    }
    expect(runs[0]!.stderr).toMatch(/^error: cannot use the SQLite store/);
    const json = runs[2]!.stderr.split('\n').filter((l) => l.startsWith('{"error"'));
    expect(JSON.parse(json[0]!)).toMatchObject({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('***:***@127.0.0.1:1') },
    });
    expect(runs[2]!.stderr).toMatch(/"level":20.*"msg":"opening store"/);
    expect(runs[3]!.stderr).toContain('kurrentdb://***:***@127.0.0.1:1');
  });

  it('takes the store from SHARELEDGER_STORE, else ./shareledger.db', async () => {
    const cwd = tempDir();
    const runs = await inPool([
      () => runCli(['--json', 'init'], { cwd, env: { SHARELEDGER_STORE: 'sqlite:from-env.db' } }),
      () => runCli(['--json', 'init'], { cwd }),
      () =>
        runCli(['--json', 'init'], { cwd, env: { SHARELEDGER_STORE: 'sqlite:from-env.db' } }).then(() =>
          runCli(['--json', '--store', 'memory:', 'init'], { cwd }),
        ),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(fs.existsSync(path.join(cwd, 'from-env.db'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'shareledger.db'))).toBe(true);
    expect(parseJsonOut(runs[2]!)).toEqual({ store: 'memory:', events: 0 });
  });
});

describe('import', () => {
  it('imports the demo once: the second run appends nothing and the store is unchanged', async () => {
    const file = path.join(dir, 'twice.db');
    const first = await runCli(['--json', ...sqlite(file), 'import', DEMO_FILE]);
    expect(first.code).toBe(0);
    const report = parseJsonOut<{ appended: number; alreadyPresent: number; events: Array<Record<string, unknown>> }>(first);
    expect(report.appended).toBe(demoEvents().length);
    expect(report.alreadyPresent).toBe(0);
    expect(report.events[0]).toMatchObject({ id: demoEvents()[0]!.id, stream: 'issuer-sensetime', revision: 0 });
    for (const e of report.events) expect(Object.keys(e)).toEqual(expect.arrayContaining(['id', 'stream', 'revision']));
    const before = await ledgerDigest(file);
    const second = await runCli(['--json', ...sqlite(file), 'import', DEMO_FILE]);
    expect(second.code).toBe(0);
    expect(parseJsonOut(second)).toMatchObject({ appended: 0, alreadyPresent: demoEvents().length });
    expect(await ledgerDigest(file)).toBe(before);
  });

  it('reads stdin for "-", and --dry-run stores nothing', async () => {
    const file = path.join(dir, 'stdin.db');
    const lines = `${JSON.stringify({ type: 'HolderRegistered', date: '2023-01-01', data: { holder: 'acme-holder', name: 'Acme' } })}\n`;
    const dry = await runCli([...sqlite(file), 'import', '-', '--dry-run'], { input: lines });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dry run: nothing was stored; would append 1 event/);
    expect((await runCli([...sqlite(file), 'export'])).stdout).toBe('');
    const real = await runCli(['--json', ...sqlite(file), 'import', '-'], { input: lines });
    expect(parseJsonOut(real)).toMatchObject({ appended: 1, alreadyPresent: 0, events: [{ stream: 'holders', revision: 0 }] });
  });

  it('a line without an id gets the same derived id every time', async () => {
    const line = `${JSON.stringify({ type: 'FxRateRecorded', date: '2023-01-01', data: { base: 'USD', quote: 'HKD', rate: 7.8 } })}\n`;
    const [a, b] = await inPool([
      () => runCli(['--json', '--store', 'memory:', 'import', '-'], { input: line }),
      () => runCli(['--json', '--store', 'memory:', 'import', '-'], { input: line }),
    ]);
    const id = (r: typeof a) => parseJsonOut<{ events: Array<{ id: string }> }>(r!).events[0]!.id;
    expect(id(a)).toBe(id(b));
  });
});

describe('append, retract and correct', () => {
  it('appends with field flags, records the actor, and a repeated id with the same content is a no-op', async () => {
    const file = copyOfDemo('append.db');
    const id = '7d0c1f2e-3a4b-4c5d-8e6f-001122334455';
    const args = [
      'append',
      'BlockSale',
      '--issuer',
      'sensetime',
      '--date',
      '2023-08-01',
      '--seller',
      'softbank',
      '--class',
      'B',
      '--shares',
      '50000000',
      '--price-per-share',
      '2.76',
      '--currency',
      'HKD',
      '--fees',
      '0.5',
      '--id',
      id,
      '--source',
      'test',
      '--note',
      'a test sale',
    ];
    const first = await runCli(['--json', '--actor', 'alice', ...sqlite(file), ...args]);
    expect(first.code, first.stderr).toBe(0);
    expect(parseJsonOut(first)).toMatchObject({
      appended: 1,
      alreadyPresent: 0,
      events: [
        {
          id,
          stream: 'issuer-sensetime',
          revision: demoEvents().filter((e) => (e as { issuer?: string }).issuer === 'sensetime').length,
          changes: [
            { class: 'B', holder: 'softbank', before: '4000000000', after: '3950000000' },
            { class: 'B', holder: 'public', after: expect.any(String) },
          ],
        },
      ],
    });
    const again = await runCli(['--json', ...sqlite(file), ...args], { env: { SHARELEDGER_ACTOR: 'bob' } });
    expect(parseJsonOut(again)).toMatchObject({ appended: 0, alreadyPresent: 1 });
    const holder = await runCli(
      ['--json', ...sqlite(file), 'append', 'HolderRegistered', '--date', '2023-08-01', '--holder', 'zeta', '--name', 'Zeta Capital'],
      { env: { SHARELEDGER_ACTOR: 'bob' } },
    );
    expect(parseJsonOut(holder)).toMatchObject({ appended: 1, events: [{ stream: 'holders' }] });
    const plain = await runCli([
      ...sqlite(file),
      'append',
      'FxRateRecorded',
      '--date',
      '2023-08-01',
      '--base',
      'USD',
      '--quote',
      'HKD',
      '--rate',
      '7.82',
    ]);
    expect(plain.stdout).toMatch(/^appended 1 event\n/);
    const exported = (await runCli([...sqlite(file), 'export'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const actors = Object.fromEntries(exported.slice(-3).map((e) => [e['type'], e['actor']]));
    expect(actors).toEqual({ BlockSale: 'alice', HolderRegistered: 'bob', FxRateRecorded: os.userInfo().username });
    expect(exported.find((e) => e['id'] === id)).toMatchObject({
      data: { fees: '0.5', pricePerShare: '2.76', shares: '50000000' },
      source: 'test',
      note: 'a test sale',
    });
  });

  it('--dry-run prints the stake changes and stores nothing', async () => {
    const file = copyOfDemo('dry.db');
    const before = await ledgerDigest(file);
    const args = [
      'append',
      'BlockSale',
      '--issuer',
      'sensetime',
      '--date',
      '2023-08-01',
      '--seller',
      'temasek',
      '--buyer',
      'softbank',
      '--class',
      'B',
      '--shares',
      '1000',
      '--price-per-share',
      '2',
      '--currency',
      'HKD',
      '--dry-run',
    ];
    const [human, json] = await inPool([() => runCli([...sqlite(file), ...args]), () => runCli(['--json', ...sqlite(file), ...args])]);
    expect(human!.code).toBe(0);
    expect(human!.stdout).toMatch(/dry run: nothing was stored; would append 1 event/);
    expect(human!.stdout).toMatch(/stake changes it would cause:/);
    expect(human!.stdout).toMatch(/temasek\s+B\s+500,000,000\s+499,999,000\s+-1,000/);
    expect(human!.stdout).toMatch(/softbank\s+B\s+4,000,000,000\s+4,000,001,000\s+\+1,000/);
    expect(parseJsonOut(json!)).toMatchObject({
      appended: 1,
      dryRun: true,
      events: [{ status: 'appended', changes: [{ holder: 'temasek', before: '500000000', after: '499999000' }, { holder: 'softbank' }] }],
    });
    expect(await ledgerDigest(file)).toBe(before);
  });

  it('takes lists through --data, read exactly', async () => {
    const run = await runCli([
      '--json',
      '--store',
      'memory:',
      'append',
      'IssuerRegistered',
      '--issuer',
      'acme',
      '--date',
      '2020-01-01',
      '--name',
      'Acme Ltd',
      '--currency',
      'USD',
      '--data',
      '{"classes":[{"class":"A","votesPerShare":10},{"class":"B","votesPerShare":1}]}',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(parseJsonOut(run)).toMatchObject({ appended: 1, events: [{ stream: 'issuer-acme', revision: 0 }] });
  });

  it('retracts and corrects; queries see it only when known', async () => {
    const file = copyOfDemo('retract.db');
    const lastSale = demoEvents().find((e) => e.type === 'BlockSale' && e.data['shares'] === '822000000')!.id;
    const julySale = demoEvents().find((e) => e.type === 'BlockSale' && e.data['shares'] === '557000000')!.id;
    const beforeRetraction = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const retract = await runCli(['--json', ...sqlite(file), 'retract', lastSale, '--reason', 'announcement only', '--date', '2023-07-22']);
    expect(retract.code, retract.stderr).toBe(0);
    expect(parseJsonOut(retract)).toMatchObject({
      appended: 1,
      events: [
        {
          stream: 'issuer-sensetime',
          type: 'EventRetracted',
          date: '2023-07-22',
          changes: [{ holder: 'taobao-holding', before: '0', after: '822000000' }, { holder: 'public' }],
        },
      ],
    });
    const stake = (knownAt?: string) =>
      runCli([
        '--json',
        ...sqlite(file),
        'stake',
        '--issuer',
        'sensetime',
        '--holder',
        'taobao-holding',
        '--as-of',
        '2023-07-21',
        ...(knownAt ? ['--known-at', knownAt] : []),
      ]);
    const [now, then] = await inPool([() => stake(), () => stake(beforeRetraction)]);
    expect(parseJsonOut(now!)).toMatchObject({ shares: '822000000' });
    expect(parseJsonOut(then!)).toMatchObject({ shares: '0', knownAt: beforeRetraction });
    const again = await runCli([...sqlite(file), 'retract', lastSale, '--reason', 'twice']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already retracted/);
    const correct = await runCli([
      '--json',
      ...sqlite(file),
      'correct',
      julySale,
      '--shares',
      '557400000',
      '--data',
      '{"fees":null}',
      '--reason',
      'the filing gives 557.4 million',
    ]);
    expect(correct.code, correct.stderr).toBe(0);
    const report = parseJsonOut<{ appended: number; events: Array<{ type: string; id: string; changes: unknown[] }> }>(correct);
    expect(report.appended).toBe(2);
    expect(report.events.map((e) => e.type)).toEqual(['EventRetracted', 'BlockSale']);
    expect(report.events[1]!.id).not.toBe(julySale);
    const after = await runCli([
      '--json',
      ...sqlite(file),
      'stake',
      '--issuer',
      'sensetime',
      '--holder',
      'taobao-holding',
      '--as-of',
      '2023-07-07',
    ]);
    expect(parseJsonOut(after)).toMatchObject({ shares: '821600000' });
  });
});

describe('queries', () => {
  it('stake, cap-table, history and proceeds print the documented JSON shapes, and tables for people', async () => {
    const q = (args: string[]) => () => runCli([...sqlite(demo), ...args]);
    const [stake, group, capTable, history, proceeds, stakeText, capText, historyText, proceedsText] = await inPool([
      q(['--json', 'stake', '--issuer', 'sensetime', '--holder', 'taobao-holding', '--as-of', '2023-07-05']),
      q(['--json', 'stake', '--issuer', 'sensetime', '--holder', 'alibaba-group', '--group', '--as-of', '2021-12-29']),
      q(['--json', 'cap-table', '--issuer', 'sensetime', '--as-of', '2023-07-07']),
      q(['--json', 'history', '--issuer', 'sensetime', '--holder', 'taobao-holding']),
      q(['--json', 'proceeds', '--holder', 'taobao-holding', '--issuer', 'sensetime']),
      q(['stake', '--issuer', 'sensetime', '--holder', 'taobao-holding', '--as-of', '2023-07-05']),
      q(['cap-table', '--issuer', 'sensetime', '--as-of', '2023-07-07']),
      q(['history', '--issuer', 'sensetime', '--holder', 'taobao-holding']),
      q(['proceeds', '--holder', 'taobao-holding']),
    ]);
    for (const run of [stake, group, capTable, history, proceeds, stakeText, capText, historyText, proceedsText])
      expect(run!.code, run!.stderr).toBe(0);
    const s = parseJsonOut<Record<string, unknown>>(stake!);
    expect(Object.keys(s)).toEqual(['issuer', 'holder', 'asOf', 'knownAt', 'shares', 'percentOfTotal', 'votingPercent', 'classes']);
    expect(s).toMatchObject({
      issuer: 'sensetime',
      holder: 'taobao-holding',
      asOf: '2023-07-05',
      shares: '1379000000',
      percentOfTotal: expect.stringMatching(PERCENT),
    });
    expect(s['classes']).toContainEqual({ class: 'B', shares: '1379000000', outstanding: '26000000000', percentOfClass: '5.303846' });
    expect(parseJsonOut(group!)).toMatchObject({
      holder: 'alibaba-group',
      holders: ['alibaba-group', 'taobao-holding'],
      shares: '2400000000',
    });
    const c = parseJsonOut<{
      totalShares: string;
      classes: unknown[];
      holders: Array<{ holder: string; shares: string; classes: Record<string, string> }>;
    }>(capTable!);
    expect(Object.keys(c)).toEqual(['issuer', 'asOf', 'knownAt', 'totalShares', 'classes', 'holders']);
    expect(c.totalShares).toBe('32000000000');
    expect(c.classes).toEqual([
      { class: 'A', votesPerShare: 10, outstanding: '6000000000' },
      { class: 'B', votesPerShare: 1, outstanding: '26000000000' },
    ]);
    const shares = c.holders.map((h) => BigInt(h.shares));
    expect(shares).toEqual([...shares].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(c.holders.find((h) => h.holder === 'taobao-holding')).toMatchObject({
      name: 'Taobao Holding Limited',
      shares: '822000000',
      classes: { B: '822000000' },
    });
    const h = parseJsonOut<{ issuer: string; entries: Array<Record<string, unknown>> }>(history!);
    expect(h.issuer).toBe('sensetime');
    expect(Object.keys(h.entries[0]!)).toEqual([
      'date',
      'eventId',
      'type',
      'holder',
      'class',
      'sharesBefore',
      'sharesAfter',
      'percentOfClassBefore',
      'percentOfClassAfter',
    ]);
    expect(h.entries.map((e) => e['sharesAfter'])).toEqual([
      '2400000000',
      '2320000000',
      '2280000000',
      '1429000000',
      '1379000000',
      '822000000',
      '0',
    ]);
    const p = parseJsonOut<{ disposals: Array<Record<string, unknown>>; totals: Array<Record<string, unknown>> }>(proceeds!);
    expect(Object.keys(p)).toEqual(['holder', 'method', 'currency', 'disposals', 'totals']);
    expect(p.disposals).toHaveLength(6);
    expect(p.disposals.find((d) => d['date'] === '2023-07-06')).toMatchObject({
      type: 'BlockSale',
      class: 'B',
      shares: '557000000',
      pricePerShare: '1.82',
      currency: 'HKD',
      gross: '1013740000.00',
      fees: '0.00',
      net: '1013740000.00',
    });
    expect(p.totals).toEqual([expect.objectContaining({ currency: 'HKD', gross: '4634690000.00' })]);
    expect(stakeText!.stdout).toMatch(/B\s+1,379,000,000\s+26,000,000,000\s+5\.30%/);
    expect(capText!.stdout).toMatch(/taobao-holding\s+Taobao Holding Limited\s+0\s+822,000,000\s+822,000,000\s+2\.57%\s+0\.96%/);
    expect(historyText!.stdout).toMatch(
      /2023-07-06\s+BlockSale\s+taobao-holding\s+B\s+1,379,000,000\s+822,000,000\s+-557,000,000\s+5\.30% → 3\.16%/,
    );
    expect(proceedsText!.stdout).toMatch(/HKD\s+4,634,690,000\.00/);
    for (const run of [stakeText, capText, historyText, proceedsText]) expect(run!.stdout).not.toMatch(ANSI);
  });
});

describe('export and copy', () => {
  it('exports JSONL of stored envelopes, one issuer, to a file, or as one JSON document', async () => {
    const out = path.join(dir, 'export.jsonl');
    const [all, issuer, toFile, json] = await inPool([
      () => runCli([...sqlite(demo), 'export']),
      () => runCli([...sqlite(demo), 'export', '--issuer', 'sensetime']),
      () => runCli(['--json', ...sqlite(demo), 'export', '--out', out]),
      () => runCli(['--json', ...sqlite(demo), 'export']),
    ]);
    const lines = all!.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(demoEvents().length);
    expect(Object.keys(lines[0]!)).toEqual([
      'id',
      'stream',
      'revision',
      'type',
      'issuer',
      'date',
      'data',
      'source',
      'note',
      'recordedAt',
      'actor',
      'prevHash',
      'hash',
    ]);
    expect(lines[0]!['prevHash']).toBe('0'.repeat(64));
    expect(
      issuer!.stdout
        .trim()
        .split('\n')
        .every((l) => (JSON.parse(l) as { stream: string }).stream === 'issuer-sensetime'),
    ).toBe(true);
    expect(parseJsonOut(toFile!)).toEqual({ exported: demoEvents().length, streams: 3, out });
    expect(fs.readFileSync(out, 'utf8')).toBe(all!.stdout);
    expect(parseJsonOut<{ events: unknown[] }>(json!).events).toEqual(lines);
  });

  it('copies every envelope unchanged, verifies the target, continues an interrupted copy and refuses a different ledger', async () => {
    const target = path.join(dir, 'copy-target.db');
    const copy = await runCli(['--json', ...sqlite(demo), 'copy', '--to', `sqlite:${target}`]);
    expect(copy.code, copy.stderr).toBe(0);
    expect(parseJsonOut(copy)).toMatchObject({
      copied: demoEvents().length,
      alreadyPresent: 0,
      streams: 3,
      headsMatch: true,
      verify: { ok: true, events: demoEvents().length, problems: [] },
    });
    const [a, b] = await inPool([() => runCli([...sqlite(demo), 'export']), () => runCli([...sqlite(target), 'export'])]);
    expect(b!.stdout).toBe(a!.stdout);
    const again = await runCli([...sqlite(demo), 'copy', '--to', `sqlite:${target}`]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/copied 0 events \(31 were already there\)/);
    const other = path.join(dir, 'other.db');
    await runCli([...sqlite(other), 'append', 'HolderRegistered', '--date', '2020-01-01', '--holder', 'x', '--name', 'X']);
    const refused = await runCli([...sqlite(demo), 'copy', '--to', `sqlite:${other}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds a different ledger \(stream holders at revision 0/);
  });
});

describe('demo', () => {
  it('loads the SenseTime ledger into a fresh store and prints the headline answers', async () => {
    const cwd = tempDir();
    const [json, human] = await inPool([
      () => runCli(['--json', 'demo', '--store', 'memory:']),
      () => runCli(['demo'], { cwd, env: { SHARELEDGER_STORE: 'sqlite:not-this.db' } }),
    ]);
    expect(json!.code, json!.stderr).toBe(0);
    const d = parseJsonOut<{
      events: number;
      stakes: Array<{ asOf: string; holder: { shares: string; percentOfClass: string }; group: { shares: string; holders: string[] } }>;
      proceeds: { totals: unknown[] };
      notices: { regime: string; notices: Array<{ date: string; kind: string; status: string }> };
    }>(json!);
    expect(d.notices.regime).toBe('hk');
    expect(d.notices.notices.map((n) => [n.date, n.kind, n.status])).toEqual([
      ['2021-12-30', 'became', 'missing'],
      ['2022-11-15', 'crossed', 'missing'],
      ['2023-05-31', 'crossed', 'late'],
      ['2023-07-06', 'ceased', 'on-time'],
    ]);
    expect(d.events).toBe(demoEvents().length);
    expect(d.stakes.map((s) => [s.asOf, s.holder.percentOfClass])).toEqual([
      ['2021-12-29', '9.795918'],
      ['2022-12-31', '8.923077'],
      ['2023-07-05', '5.303846'],
      ['2023-07-07', '3.161538'],
      ['2023-07-21', '0.000000'],
    ]);
    expect(d.stakes.every((s) => s.group.shares === s.holder.shares && s.group.holders.includes('taobao-holding'))).toBe(true);
    expect(d.proceeds.totals).toEqual([expect.objectContaining({ currency: 'HKD', gross: '4634690000.00' })]);
    expect(human!.code, human!.stderr).toBe(0);
    expect(human!.stdout).toMatch(/2023-07-07\s+822,000,000\s+3\.16%\s+822,000,000\s+3\.16%\s+26,000,000,000/);
    expect(human!.stdout).toMatch(/2023-07-06\s+taobao-holding\s+B\s+ceased\s+5\.30% → 3\.16%\s+2023-07-11\s+on-time\s+2023-07-06/);
    expect(fs.existsSync(path.join(cwd, 'shareledger-demo.db'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'not-this.db'))).toBe(false);
    const rerun = await runCli(['demo'], { cwd });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/Loaded 31 events/);
  });

  it('refuses to recreate a store that holds more than the demo', async () => {
    const file = copyOfDemo('precious.db');
    await runCli([...sqlite(file), 'append', 'HolderRegistered', '--date', '2020-01-01', '--holder', 'mine', '--name', 'Mine']);
    const before = await ledgerDigest(file);
    const run = await runCli(['demo', '--store', `sqlite:${file}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/refusing to load the demo into .*precious\.db: it holds events that are not from the demo/);
    expect(await ledgerDigest(file)).toBe(before);
  });
});
