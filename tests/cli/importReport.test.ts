import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLedger } from '../support/ledgerGenerator/generate.js';
import { shapeNamed } from '../support/ledgerGenerator/shapes.js';
import { parseJsonOut, runCli, tempDir } from './harness.js';

/** What `import` prints for a file of many streams: a short summary for people, every event and stream in --json. */

let dir: string;
let file: string;
let lines: string[];

beforeAll(() => {
  dir = tempDir('import-report-');
  file = path.join(dir, 'big.jsonl');
  lines = [...generateLedger({ ...shapeNamed('2k'), issuers: 20 }, 5).lines];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Report = {
  appended: number;
  alreadyPresent: number;
  eventsPerSecond: number;
  elapsedMs: number;
  streams: Array<{ stream: string; appended: number; alreadyPresent: number }>;
  events: Array<{ id: string; stream: string; revision: number; status: string }>;
};

describe('import of many streams', () => {
  it('lists every event and stream in --json (chunk by chunk or not), with the rate and the time taken', async () => {
    const store = `sqlite:${path.join(dir, 'json.db')}`;
    const run = await runCli(['--json', '--store', store, 'import', file], { env: { SHARELEDGER_IMPORT_CHUNK: '300' } });
    expect(run.code, run.stderr).toBe(0);
    const report = parseJsonOut<Report>(run);
    expect(report.appended).toBe(lines.length);
    expect(report.events.map((e) => e.id)).toEqual(lines.map((l) => (JSON.parse(l) as { id: string }).id));
    expect(report.streams.reduce((n, s) => n + s.appended, 0)).toBe(lines.length);
    expect(new Set(report.streams.map((s) => s.stream))).toEqual(new Set(report.events.map((e) => e.stream)));
    expect(report.eventsPerSecond).toBeGreaterThan(0);
    expect(report.elapsedMs).toBeGreaterThan(0);
    const again = parseJsonOut<Report>(await runCli(['--json', '--store', store, 'import', file]));
    expect(again).toMatchObject({ appended: 0, alreadyPresent: lines.length });
    expect(again.events.every((e) => e.status === 'alreadyPresent')).toBe(true);
  });

  it('prints the totals and the largest streams, and counts the rest', async () => {
    const store = `sqlite:${path.join(dir, 'text.db')}`;
    const run = await runCli(['--store', store, 'import', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^appended ${lines.length.toLocaleString('en-US')} events`));
    // 20 issuers, holders and fx: more than the 12 listed whole.
    expect(run.stdout).toMatch(/\nand \d+ more streams \(use --json to see every event\)/);
    expect(run.stdout.split('\n').length).toBeLessThan(25);
  });
});
