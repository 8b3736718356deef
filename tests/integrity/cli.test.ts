import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLedger, parseJsonOut, runCli, tempDir } from '../cli/harness.js';

/**
 * Given the SenseTime demo in a SQLite file, the integrity commands through the real CLI: exit
 * codes, the docs/cli.md `verify` JSON shape, a digest saved and checked later, and the audit report
 * in every format.
 */

let dir: string;
let demo: string;
let copies = 0;

const copyOfDemo = (): string => {
  const file = path.join(dir, `copy-${++copies}.db`);
  fs.copyFileSync(demo, file);
  return file;
};
const cli = (file: string, ...args: string[]) => runCli(['--store', `sqlite:${file}`, ...args]);

/** Edits one stored envelope with raw SQL, as someone with write access to the file could. */
const editEnvelope = (file: string, stream: string, revision: number, edit: (e: Record<string, any>) => void): void => {
  const db = new Database(file);
  try {
    const row = db
      .prepare<[string, number], { position: number; envelope: string }>(
        'SELECT position, envelope FROM events WHERE stream = ? AND revision = ?',
      )
      .get(stream, revision)!;
    const envelope = JSON.parse(row.envelope) as Record<string, any>;
    edit(envelope);
    db.prepare('UPDATE events SET envelope = ? WHERE position = ?').run(JSON.stringify(envelope), row.position);
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = tempDir('shareledger-integrity-cli-');
  demo = await demoLedger(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('verify', () => {
  it('exits 0 on the demo, printing the docs/cli.md document with --json', async () => {
    const run = await cli(demo, '--json', 'verify');
    expect(run.code).toBe(0);
    expect(parseJsonOut(run)).toEqual({ ok: true, streams: 3, events: 31, problems: [] });
    const human = await cli(demo, 'verify');
    expect(human.stdout).toMatch(/^verified 3 streams, 31 events: every hash chain recomputes/);
  });

  it('exits 1 with the problem listed when a stored event was edited', async () => {
    const file = copyOfDemo();
    editEnvelope(file, 'issuer-sensetime', 12, (e) => (e['data'].shares = '1'));
    const run = await cli(file, '--json', 'verify');
    expect(run.code).toBe(1);
    expect(parseJsonOut(run)).toMatchObject({
      ok: false,
      streams: 3,
      events: 31,
      problems: [{ stream: 'issuer-sensetime', revision: 12, kind: 'hash' }],
    });
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'VERIFICATION_FAILED' } });
    const human = await cli(file, 'verify');
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/verification failed: 1 problem in 3 streams, 31 events/);
    expect(human.stdout).toMatch(/issuer-sensetime +12 +hash +stored hash/);
  });

  it('proves the log extends a saved digest, and catches events removed from its end', async () => {
    const file = copyOfDemo();
    const saved = await cli(file, '--json', 'digest');
    expect(saved.code).toBe(0);
    const digestFile = path.join(dir, 'digest.json');
    fs.writeFileSync(digestFile, saved.stdout);
    expect(parseJsonOut<{ streams: unknown[] }>(saved).streams).toHaveLength(3);
    expect((await cli(file, 'verify', '--digest', digestFile)).code).toBe(0);
    // Truncate the last event: the chain still holds, the digest does not.
    const db = new Database(file);
    db.prepare("DELETE FROM events WHERE stream = 'issuer-sensetime' AND revision = 16").run();
    db.close();
    expect((await cli(file, 'verify')).code).toBe(0);
    const run = await cli(file, '--json', 'verify', '--digest', digestFile);
    expect(run.code).toBe(1);
    expect(parseJsonOut(run)).toMatchObject({ ok: false, problems: [{ stream: 'issuer-sensetime', revision: 16, kind: 'truncated' }] });
  });

  it('refuses a digest file that is not one (exit 2)', async () => {
    const bad = path.join(dir, 'bad-digest.json');
    fs.writeFileSync(bad, '{"streams":[{"stream":"fx","revision":-1,"hash":"x"}]}');
    const run = await cli(demo, 'verify', '--digest', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the digest file .* is not a shareledger digest .*streams\[0\]\.revision/);
    expect((await cli(demo, 'verify', '--digest', path.join(dir, 'missing.json'))).code).toBe(2);
  });
});

describe('digest', () => {
  it("prints every stream's head", async () => {
    const run = await cli(demo, 'digest');
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .split('\n')
        .slice(2, 5)
        .map((l) => l.split(/ +/).slice(0, 2)),
    ).toEqual([
      ['fx', '3'],
      ['holders', '9'],
      ['issuer-sensetime', '16'],
    ]);
  });
});

describe('audit', () => {
  it('prints Markdown by default, reconciling the demo disclosures (5.3% and 3.2% of class B) within 0.05 pp', async () => {
    const run = await cli(demo, 'audit', '--issuer', 'sensetime');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Audit report: SenseTime Group Inc\. \(sensetime\)/);
    expect(run.stdout).toMatch(/\| 2023-07-05 \| taobao-holding \| B .*\|\s+5\.3% \|\s+5\.30% \| -0\.003846 pp \| ok/);
    expect(run.stdout).toMatch(/\| 2023-07-06 \| taobao-holding \| B .*\|\s+3\.2% \|\s+3\.16% \| \+0\.038462 pp \| ok/);
  });

  it('--format json is one document; --json prints it too', async () => {
    const run = await cli(demo, 'audit', '--issuer', 'sensetime', '--format', 'json', '--from', '2023-07-01', '--to', '2023-07-31');
    expect(run.code).toBe(0);
    const doc = parseJsonOut<Record<string, any>>(run);
    expect(doc['period']).toEqual({ from: '2023-07-01', to: '2023-07-31' });
    expect(doc['disclosures'].map((d: any) => [d.date, d.computed.percent, d.difference.percentagePoints, d.flagged])).toEqual([
      ['2023-07-05', '5.303846', '-0.003846', false],
      ['2023-07-06', '3.161538', '+0.038462', false],
    ]);
    expect(doc['events'].map((e: any) => e.type)).toEqual(['StakeDisclosed', 'BlockSale', 'StakeDisclosed', 'BlockSale']);
    const json = await cli(demo, '--json', 'audit', '--issuer', 'sensetime', '--from', '2023-07-01', '--to', '2023-07-31');
    expect(parseJsonOut<Record<string, any>>(json)['disclosures']).toEqual(doc['disclosures']);
  });

  it('--out writes the file (html, csv), readable by its owner only, and says so', async () => {
    const html = path.join(dir, 'report.html');
    const run = await cli(demo, 'audit', '--issuer', 'sensetime', '--format', 'html', '--out', html);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/wrote the html audit report of sensetime \(2014-10-15 to \d{4}-\d{2}-\d{2}\) to /);
    expect(fs.readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*<svg[\s\S]*<\/html>\n$/);
    expect(fs.statSync(html).mode & 0o777).toBe(0o600);
    const csv = path.join(dir, 'events.csv');
    expect((await cli(demo, '--json', 'audit', '--issuer', 'sensetime', '--format', 'csv', '--out', csv)).code).toBe(0);
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')[0]).toMatch(/^date,recordedAt,actor,eventId,/);
  });

  it('writes the report but exits 1 when the ledger does not verify', async () => {
    const file = copyOfDemo();
    editEnvelope(file, 'holders', 2, (e) => (e['actor'] = 'mallory'));
    const out = path.join(dir, 'tampered.md');
    const run = await cli(file, 'audit', '--issuer', 'sensetime', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the ledger does not verify/);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/\*\*FAILED\*\*[\s\S]*\| holders +\| +2 \| hash/);
  });

  it('rejects a bad format or period (exit 2) and an unknown issuer (exit 1)', async () => {
    expect((await cli(demo, 'audit', '--issuer', 'sensetime', '--format', 'pdf')).code).toBe(2);
    expect((await cli(demo, 'audit', '--issuer', 'sensetime', '--from', '2023-13-01')).code).toBe(2);
    expect((await cli(demo, 'audit', '--issuer', 'nobody')).code).toBe(1);
  });
});
