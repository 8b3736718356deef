import { describe, expect, it } from 'vitest';
import { cliTable } from './cliReport.js';
import type { CliResult } from './measure/cliCommands.js';
import type { ColdRun } from './measure/coldCommand.js';
import { markdownTable, type SizeResult } from './report.js';

const ran = (wallMs: number, maxRssMb: number, stdoutBytes = 0): ColdRun => ({
  ok: true,
  exitCode: 0,
  timedOut: false,
  wallMs,
  maxRssMb,
  cpuMs: wallMs * 0.9,
  stdoutBytes,
  rssSource: 'time',
});

const generation = {
  lines: 1_000_000,
  byType: {},
  backDated: 0,
  retractions: 0,
  hotIssuer: 'co-0000',
  hotIssuerEvents: 295_066,
  hotHolder: 'holder-400',
  midIssuer: 'co-0005',
  midIssuerEvents: 3_233,
  ms: 21_500,
  maxRssMb: 263,
};

const command = (label: string, run: ColdRun, outputBytes: number, wallTargetMs?: number): CliResult => ({
  label,
  run,
  outputBytes,
  ...(wallTargetMs === undefined ? {} : { wallTargetMs }),
});

const sizeResult = (size: string, events: number): SizeResult => ({
  size,
  events,
  fileBytes: 223_000_000,
  generate: { ok: true, result: { ...generation, lines: events }, wallMs: 22_000 },
  skipped: ['apiImport', 'replayMemory', 'transactions'],
  subjects: { issuer: 'co-0000', midIssuer: 'co-0005', holder: 'holder-400' },
  cliImport: {
    run: ran(8_000, 250),
    events,
    perSec: events / 8,
    jsonlBytes: 223_000_000,
    dbBytes: 500_000_000,
    bytesPerEvent: 500_000_000 / events,
    diskRatio: 500 / 223,
  },
  scan: { ok: true, result: { rows: events, ms: 1_000, perSec: events, maxRssMb: 70 }, wallMs: 1_300 },
  rawPlain: { ok: true, result: { rows: events, ms: 3_000, perSec: events / 3, maxRssMb: 900 }, wallMs: 5_000 },
  rawIndexed: { ok: false, error: 'JavaScript heap out of memory\nmore', timedOut: false, wallMs: 9_000 },
  cliCommands: [
    command('stake --issuer co-0000 --holder holder-400 --as-of 2020-06-30', ran(150, 60), 1_234, 300),
    command('history --issuer co-0000 --holder holder-400', ran(3_300, 310), 5_000_000, 1_000),
    command(
      'audit --issuer co-0000 --format html --out FILE',
      { ...ran(600_400, NaN), ok: false, timedOut: true, exitCode: undefined, error: '' },
      0,
      20_000,
    ),
    command('verify', { ...ran(900, 80), ok: false, exitCode: 1, error: 'issuer-co-0003 revision 7: hash mismatch' }, 0, 15_000),
    command('digest', ran(400, 50), 20_000),
  ],
});

const rowOf = (table: string, start: string): string[] => {
  const line = table.split('\n').find((l) => l.startsWith(`| ${start}`));
  if (!line) throw new Error(`no row starting with ${start} in\n${table}`);
  return line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
};

describe('the report of the cold commands', () => {
  const table = cliTable(sizeResult('1m', 1_000_000));

  it('writes one row per command with wall time, peak RSS, output size and whether it met its target', () => {
    expect(table).toContain('| command | wall | peak RSS | CPU (user + sys) | output | target | met? |');
    expect(rowOf(table, '`stake')).toEqual([
      '`stake --issuer co-0000 --holder holder-400 --as-of 2020-06-30`',
      '150 ms',
      '60 MB',
      '135 ms',
      '1.2 kB',
      '≤ 300 ms, ≤ 300 MB',
      'yes',
    ]);
    const history = rowOf(table, '`history');
    expect(history.slice(1, 3)).toEqual(['3.30 s', '310 MB']);
    expect(history.slice(4)).toEqual(['5.0 MB', '≤ 1 s, ≤ 300 MB', '**no**']);
    expect(rowOf(table, '`digest')).toEqual(['`digest`', '400 ms', '50 MB', '360 ms', '20.0 kB', '≤ 300 MB', 'yes']);
  });

  it('says a command timed out or failed, with its exit code and message, instead of giving a figure', () => {
    expect(rowOf(table, '`audit --issuer co-0000 --format html')[1]).toBe('did not finish in 600 s');
    expect(rowOf(table, '`audit --issuer co-0000 --format html')[2]).toBe('n/a');
    expect(rowOf(table, '`audit --issuer co-0000 --format html')[6]).toBe('**no**');
    expect(rowOf(table, '`verify')[1]).toBe('failed (exit 1): issuer-co-0003 revision 7: hash mismatch');
  });

  it('gives the import its rate and bytes on disk, and the baselines of the same run beside the commands', () => {
    const imp = rowOf(table, '`--json import FILE`');
    expect(imp[4]).toBe('125,000 events/s; 500.0 MB on disk, 500 B/event, 2.24× the JSONL');
    expect(imp[5]).toBe('≥ 100,000 events/s, ≤ 300 MB, ≤ 2.5× on disk');
    expect(imp[6]).toBe('yes');
    expect(rowOf(table, 'baseline: raw scan')[1]).toBe('1.00 s');
    expect(rowOf(table, 'baseline: raw scan')[4]).toBe('1,000,000 rows, 1,000,000 rows/s');
    expect(rowOf(table, 'baseline: raw INSERT with a unique id')[1]).toBe('failed: JavaScript heap out of memory');
    expect(table).toContain('co-0000 (the busiest issuer, 295,066 events), co-0005 (3,233 events) and holder-400');
  });

  it('holds wall times to their targets up to 1M events only, peak RSS at every size', () => {
    const tenM = cliTable(sizeResult('10m', 10_000_000));
    expect(rowOf(tenM, '`stake').slice(5)).toEqual(['≤ 300 MB (≤ 300 ms at 1M)', 'yes']);
    const history = rowOf(tenM, '`history');
    expect(history.slice(5)).toEqual(['≤ 300 MB (≤ 1 s at 1M)', '**no**']); // 310 MB
    expect(rowOf(tenM, '`--json import FILE`')[5]).toBe('≤ 300 MB, ≤ 2.5× on disk (≥ 100,000 events/s at 1M)');
  });
});

describe('the report against the targets', () => {
  it('compares the import with the raw INSERT into a keyed table and lists what did not run', () => {
    const r = sizeResult('1m', 1_000_000);
    const keyed = { ok: true as const, result: { rows: 1_000_000, ms: 4_000, perSec: 250_000, maxRssMb: 900 }, wallMs: 6_000 };
    const table = markdownTable({ ...r, rawIndexed: keyed });
    expect(rowOf(table, 'import, `shareledger --json import FILE`')).toEqual([
      'import, `shareledger --json import FILE` (cold, wall time), events/s',
      '125,000',
      '250,000 (raw INSERT, unique id and (stream, revision))',
      '0.50×',
      '≥ 0.50× and ≥ 100,000/s',
      'yes',
    ]);
    expect(rowOf(table, 'on disk after')[3]).toBe('2.24×');
    expect(rowOf(table, 'peak RSS, generator process')[1]).toBe('263 MB');
    expect(table).not.toContain('`Ledger.import`');
    expect(table).toContain('Not run at this size (`--skip`): apiImport, replayMemory, transactions.');
  });
});
