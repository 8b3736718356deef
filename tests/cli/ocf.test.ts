import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACME, packageCopy, transaction } from '../ocf/packages.js';
import { demoLedger, ledgerDigest, parseJsonOut, runCli, tempDir } from './harness.js';

/** The published bin, driven as a user would: `import --format ocf` and `export --format ocf`. */
describe('import --format ocf', () => {
  it('appends the package, warns once per skipped kind, counts them under --json; a re-import appends nothing', async () => {
    const dir = tempDir();
    const store = `sqlite:${path.join(dir, 'l.db')}`;
    // From another working directory: the bin finds its schemas from the package root.
    const first = await runCli(['--store', store, '--json', 'import', '--format', 'ocf', ACME], { cwd: dir });
    expect(first.code).toBe(0);
    const json = parseJsonOut<{ appended: number; alreadyPresent: number; events: unknown[]; skipped: Record<string, number> }>(first);
    expect(json.appended).toBe(16);
    expect(json.alreadyPresent).toBe(0);
    expect(json.events).toHaveLength(16);
    expect(json.skipped).toEqual({
      TX_EQUITY_COMPENSATION_ISSUANCE: 1,
      TX_EQUITY_COMPENSATION_EXERCISE: 1,
      TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT: 1,
    });
    expect(first.stderr.match(/warning: skipped/g)).toHaveLength(3);
    const again = parseJsonOut<{ appended: number; alreadyPresent: number }>(
      await runCli(['--store', store, '--json', 'import', '--format', 'ocf', ACME]),
    );
    expect(again).toMatchObject({ appended: 0, alreadyPresent: 16 });
    const table = parseJsonOut<{ holders: Array<{ holder: string; classes: Record<string, string> }> }>(
      await runCli(['--store', store, '--json', 'cap-table', '--issuer', 'acme-corp', '--as-of', '2022-12-31']),
    );
    expect(table.holders.map((h) => [h.holder, h.classes])).toEqual([
      ['fiona-founder', { COMMON: '1800000', 'series-a-pref': '0' }],
      ['charlie-cofounder', { COMMON: '800000', 'series-a-pref': '0' }],
      ['seed-fund', { COMMON: '600000', 'series-a-pref': '0' }],
      ['jane-cto', { COMMON: '1000', 'series-a-pref': '50000' }],
    ]);
  });

  it('--dry-run shows what would be appended and stores nothing; --issuer names the issuer', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'l.db');
    await runCli(['--store', `sqlite:${file}`, 'init']);
    const before = await ledgerDigest(file);
    const run = await runCli(['--store', `sqlite:${file}`, 'import', '--format', 'ocf', ACME, '--issuer', 'acme', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dry run: nothing was stored; would append 16 events/);
    expect(run.stdout).toMatch(/issuer-acme .*SharesConverted/);
    expect(run.stdout).toMatch(/skipped: 1 TX_EQUITY_COMPENSATION_ISSUANCE/);
    expect(await ledgerDigest(file)).toBe(before);
  });

  it('an invalid package exits 2 naming the file, item and JSON path, and appends nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'l.db');
    await runCli(['--store', `sqlite:${file}`, 'init']);
    const before = await ledgerDigest(file);
    const bad = packageCopy(ACME, (files) => (transaction(files, 'rep-1')['quantity'] = '-5'));
    const run = await runCli(['--store', `sqlite:${file}`, 'import', '--format', 'ocf', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /Transactions\.ocf\.json, item "rep-1", at \/items\/6\/quantity: expected a positive whole number of shares, got "-5"/,
    );
    const json = await runCli(['--store', `sqlite:${file}`, '--json', 'import', '--format', 'ocf', bad]);
    const error = JSON.parse(json.stderr.split('\n').find((l) => l.startsWith('{"error"'))!) as {
      error: { code: string; details: unknown };
    };
    expect(error.error.code).toBe('INVALID_INPUT');
    expect(error.error.details).toEqual({ file: 'Transactions.ocf.json', item: 'rep-1', path: '/items/6/quantity' });
    expect(await ledgerDigest(file)).toBe(before);
  });

  it('a package the ledger rejects (a domain rule) exits 1 and appends nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'l.db');
    await runCli(['--store', `sqlite:${file}`, 'init']);
    const before = await ledgerDigest(file);
    const oversold = packageCopy(ACME, (files) => (transaction(files, 'rep-1')['quantity'] = '900000'));
    const run = await runCli(['--store', `sqlite:${file}`, 'import', '--format', 'ocf', oversold]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/charlie-cofounder holds 500000|charlie-cofounder holds 500,000/);
    expect(await ledgerDigest(file)).toBe(before);
  });

  it('--help explains both formats', async () => {
    const run = await runCli(['import', '--help']);
    expect(run.stdout).toMatch(/--format <format>/);
    expect(run.stdout).toMatch(/OCF 1\.2\.0 package/);
    expect((await runCli(['export', '--help'])).stdout).toMatch(/--country <cc>/);
  });
});

describe('export --format ocf', () => {
  it('needs --issuer, --out and, when the ledger does not know it, --country (exit 2)', async () => {
    const dir = tempDir();
    const store = `sqlite:${await demoLedger(dir)}`;
    expect((await runCli(['--store', store, 'export', '--format', 'ocf', '--out', path.join(dir, 'x')])).code).toBe(2);
    const noCountry = await runCli(['--store', store, 'export', '--format', 'ocf', '--issuer', 'sensetime', '--out', path.join(dir, 'x')]);
    expect(noCountry.code).toBe(2);
    expect(noCountry.stderr).toMatch(/give --country/);
    expect(
      (await runCli(['--store', store, 'export', '--format', 'ocf', '--issuer', 'sensetime', '--country', 'Cayman', '--out', 'x'])).code,
    ).toBe(2);
  });

  it('writes a package (zip or folder) with md5s and comments that imports back to the same cap table', async () => {
    const dir = tempDir();
    const store = `sqlite:${await demoLedger(dir)}`;
    const zip = path.join(dir, 'sensetime.ocf.zip');
    const run = await runCli([
      '--store',
      store,
      '--json',
      'export',
      '--format',
      'ocf',
      '--issuer',
      'sensetime',
      '--country',
      'KY',
      '--out',
      zip,
    ]);
    expect(run.code).toBe(0);
    const summary = parseJsonOut<{ files: string[]; comments: string[] }>(run);
    expect(summary.files).toEqual(['Manifest.ocf.json', 'Stakeholders.ocf.json', 'StockClasses.ocf.json', 'Transactions.ocf.json']);
    expect(summary.comments.join(' ')).toMatch(/block sales are transfers here/);
    expect(fs.statSync(zip).size).toBeGreaterThan(0);
    const folder = path.join(dir, 'sensetime-ocf');
    expect(
      (await runCli(['--store', store, 'export', '--format', 'ocf', '--issuer', 'sensetime', '--country', 'KY', '--out', folder])).code,
    ).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'Manifest.ocf.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['ocf_version']).toBe('1.2.0');
    expect(manifest['as_of']).toBe(new Date().toISOString().slice(0, 10));
    expect(manifest['issuer']).toMatchObject({ id: 'sensetime', country_of_formation: 'KY' });

    const copy = `sqlite:${path.join(dir, 'copy.db')}`;
    expect((await runCli(['--store', copy, 'import', '--format', 'ocf', zip])).code).toBe(0);
    for (const asOf of ['2021-12-29', '2023-07-07', '2023-07-21']) {
      const shares = async (s: string) =>
        parseJsonOut<{ holders: Array<{ holder: string; classes: unknown }> }>(
          await runCli(['--store', s, '--json', 'cap-table', '--issuer', 'sensetime', '--as-of', asOf]),
        ).holders.map((h) => [h.holder, h.classes]);
      expect(await shares(copy)).toEqual(await shares(store));
    }
    // The copy knows the country now: exporting it again needs no --country.
    expect(
      (await runCli(['--store', copy, 'export', '--format', 'ocf', '--issuer', 'sensetime', '--out', path.join(dir, 'again')])).code,
    ).toBe(0);
  });
});
