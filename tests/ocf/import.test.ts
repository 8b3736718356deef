import fs from 'node:fs';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { planOcfImport } from '../../src/ocf/importPackage.js';
import { Ledger } from '../../src/ledger.js';
import { isLedgerError } from '../../src/domain/problem.js';
import { queryCapTable } from '../../src/queries.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { tempDir } from '../support/tempDir.js';
import { ACME, FIXTURES, packageCopy, transaction } from './packages.js';

const NOW = new Date(Date.UTC(2026, 0, 1));

const importInto = async (location: string, options: { issuer?: string } = {}) => {
  const store = createMemoryStore();
  const warnings: string[] = [];
  const plan = await planOcfImport(location, { ...options, warn: (w) => warnings.push(w) });
  const report = await new Ledger({ store, actor: 'test', now: () => NOW }).import(plan.jsonl);
  return { store, plan, report, warnings };
};

const holdings = async (store: ReturnType<typeof createMemoryStore>, issuer: string, asOf: string) => {
  const { result } = await queryCapTable(store, { issuer, asOf }, NOW);
  return Object.fromEntries(
    result.holders.map((h) => [h.holder, Object.fromEntries(Object.entries(h.classes).filter(([, n]) => n !== '0'))]),
  );
};

/** The InvalidInput problem a package is refused with. */
const refusal = async (location: string) => {
  try {
    await planOcfImport(location);
  } catch (e) {
    if (isLedgerError(e)) return e.problem;
    throw e;
  }
  throw new Error('the package was accepted');
};

describe('OCF import: given the acme package', () => {
  it('maps the issuer, stakeholders and every stock transaction to events, in dependency order', async () => {
    const { plan } = await importInto(ACME);
    expect(plan.issuer).toBe('acme-corp');
    expect(plan.envelopes.map((e) => [e.type, e.date])).toEqual([
      ['IssuerRegistered', '2020-01-01'],
      ['HolderRegistered', '2020-01-01'],
      ['HolderRegistered', '2020-01-01'],
      ['HolderRegistered', '2020-01-01'],
      ['HolderRegistered', '2020-01-01'],
      ['SharesIssued', '2020-01-02'],
      ['SharesIssued', '2020-01-02'],
      // the transfer is listed first, but its security is issued the same day: the issuance goes first
      ['SharesIssued', '2021-03-01'],
      ['SharesTransferred', '2021-03-01'],
      ['SharesRepurchased', '2021-06-01'],
      ['SharesRepurchased', '2021-07-01'],
      ['SharesConverted', '2022-01-10'],
      ['StockSplit', '2022-06-01'],
      ['SharesIssued', '2022-07-01'],
      ['EventRetracted', '2022-07-02'],
      // the stock an option exercise results in (the option itself is skipped)
      ['SharesIssued', '2022-09-01'],
    ]);
    const [issuer, ...rest] = plan.envelopes;
    expect(issuer!.data).toEqual({
      name: 'Acme Corp',
      currency: 'USD',
      classes: [
        { class: 'COMMON', votesPerShare: '1' },
        { class: 'series-a-pref', votesPerShare: '0' },
      ],
      country: 'US',
    });
    expect(rest.slice(0, 4).map((e) => e.data['holder'])).toEqual(['fiona-founder', 'charlie-cofounder', 'seed-fund', 'jane-cto']);
    const byType = (type: string) => plan.envelopes.filter((e) => e.type === type);
    expect(byType('SharesTransferred')[0]!.data).toEqual({ from: 'seed-fund', to: 'jane-cto', class: 'series-a-pref', shares: '50000' });
    expect(byType('SharesRepurchased').map((e) => e.data)).toEqual([
      { holder: 'charlie-cofounder', class: 'COMMON', shares: '100000', pricePerShare: '0.5', currency: 'USD' },
      { holder: 'fiona-founder', class: 'COMMON', shares: '100000' },
    ]);
    expect(byType('SharesConverted')[0]!.data).toEqual({
      holder: 'seed-fund',
      fromClass: 'series-a-pref',
      toClass: 'COMMON',
      shares: '150000',
      ratio: '2',
    });
    expect(byType('StockSplit')[0]!.data).toEqual({ class: 'COMMON', numerator: '2', denominator: '1' });
    const oops = plan.envelopes.find((e) => e.source === 'OCF TX_STOCK_ISSUANCE iss-oops')!;
    expect(byType('EventRetracted')[0]!.data).toEqual({ eventId: oops.id, reason: 'Entered twice' });
    expect(plan.skipped).toEqual({
      TX_EQUITY_COMPENSATION_ISSUANCE: 1,
      TX_EQUITY_COMPENSATION_EXERCISE: 1,
      TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT: 1,
    });
  });

  it('gives the cap table the transactions describe, and warns once per kind skipped', async () => {
    const { store, report, warnings } = await importInto(ACME);
    expect(report.appended).toBe(16);
    expect(await holdings(store, 'acme-corp', '2022-12-31')).toEqual({
      'fiona-founder': { COMMON: '1800000' },
      'charlie-cofounder': { COMMON: '800000' },
      'seed-fund': { COMMON: '600000' },
      'jane-cto': { COMMON: '1000', 'series-a-pref': '50000' },
    });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/skipped 1 TX_EQUITY_COMPENSATION_ISSUANCE/);
  });

  it('derives event ids from the OCF ids: a re-import appends nothing', async () => {
    const { store, plan } = await importInto(ACME);
    const again = await new Ledger({ store, actor: 'test', now: () => NOW }).import((await planOcfImport(ACME)).jsonl);
    expect(again.appended).toBe(0);
    expect(again.alreadyPresent).toBe(plan.envelopes.length);
  });

  it('imports under the issuer id given by --issuer', async () => {
    const { plan, store } = await importInto(ACME, { issuer: 'acme' });
    expect(new Set(plan.envelopes.flatMap((e) => (e.issuer ? [e.issuer] : [])))).toEqual(new Set(['acme']));
    expect(await holdings(store, 'acme', '2022-12-31')).toHaveProperty('seed-fund');
  });

  it('reads the same package from a .ocf.zip, also inside a folder of the archive', async () => {
    const dir = tempDir('shareledger-ocf-zip-');
    const zip = path.join(dir, 'acme.ocf.zip');
    fs.writeFileSync(
      zip,
      zipSync(Object.fromEntries(fs.readdirSync(ACME).map((n) => [`acme/${n}`, strToU8(fs.readFileSync(path.join(ACME, n), 'utf8'))]))),
    );
    const fromZip = await planOcfImport(zip);
    expect(fromZip.jsonl).toBe((await planOcfImport(ACME)).jsonl);
  });

  it('merges one holder’s same-day conversions into one event when a lot’s own ratio is not a finite decimal', async () => {
    const dir = packageCopy(ACME, (files) => {
      const items = files.get('Transactions.ocf.json')!['items'] as Array<Record<string, unknown>>;
      // 150,000 preferred become 300,000 common as two conversions: 100,000 → 133,333 and 50,000 → 166,667.
      Object.assign(transaction(files, 'conv-1'), { quantity_converted: '100000', balance_security_id: 'sec-s2b' });
      transaction(files, 'iss-s3')['quantity'] = '133333';
      const at = items.findIndex((t) => t['id'] === 'iss-s3') + 1;
      items.splice(
        at,
        0,
        { ...transaction(files, 'iss-s2'), id: 'iss-s2b', date: '2022-01-10', security_id: 'sec-s2b', quantity: '50000' },
        {
          ...transaction(files, 'conv-1'),
          id: 'conv-2',
          security_id: 'sec-s2b',
          quantity_converted: '50000',
          resulting_security_ids: ['sec-s3b'],
        },
        { ...transaction(files, 'iss-s3'), id: 'iss-s3b', security_id: 'sec-s3b', quantity: '166667' },
      );
      delete (items.find((t) => t['id'] === 'conv-2') as Record<string, unknown>)['balance_security_id'];
      for (const t of items) if (t['id'] === 're-sec-s3') t['split_transaction_id'] = 'split-1';
    });
    const { plan } = await importInto(dir);
    const conversions = plan.envelopes.filter((e) => e.type === 'SharesConverted');
    expect(conversions).toHaveLength(1);
    expect(conversions[0]!.data).toMatchObject({ shares: '150000', ratio: '2' });
    expect(conversions[0]!.source).toBe('OCF TX_STOCK_CONVERSION conv-1 (+1 merged)');
  });
});

describe('OCF import: rejections name the file, the item id and the JSON path, and append nothing', () => {
  it('a file whose md5 differs from the manifest’s (the OCF samples as released carry placeholder md5s)', async () => {
    const p = await refusal(path.join(FIXTURES, 'ocf-tools-test-package'));
    expect(p.kind).toBe('InvalidInput');
    expect(p.message).toMatch(
      /^Stakeholders\.ocf\.json: md5 ef7b968ea45641d089f967e7f6b3260f differs from 12c14ee9ac8e71a120cee15d075ecea6/,
    );
  });

  it('a zip that is not one, and a package without a manifest', async () => {
    const dir = tempDir('shareledger-ocf-bad-');
    fs.writeFileSync(path.join(dir, 'broken.ocf.zip'), 'not a zip');
    expect((await refusal(path.join(dir, 'broken.ocf.zip'))).message).toMatch(/broken\.ocf\.zip: not a readable zip archive/);
    expect((await refusal(dir)).message).toMatch(/no Manifest\.ocf\.json in the package/);
  });

  it('a file the manifest lists but the package lacks', async () => {
    const dir = packageCopy(ACME);
    fs.rmSync(path.join(dir, 'StockClasses.ocf.json'));
    expect((await refusal(dir)).message).toMatch(
      /Manifest\.ocf\.json at \/stock_classes_files\/0\/filepath: .*StockClasses\.ocf\.json is not in the package/,
    );
  });

  it('an item the schema of its object_type rejects', async () => {
    const dir = packageCopy(ACME, (files) => (transaction(files, 'tr-1')['quantity'] = '50,000'));
    const p = await refusal(dir);
    expect(p.message).toBe('Transactions.ocf.json, item "tr-1", at /items/2/quantity: must match pattern "^[+-]?[0-9]+(\\.[0-9]{1,10})?$"');
    expect(p.details).toEqual({ file: 'Transactions.ocf.json', item: 'tr-1', path: '/items/2/quantity' });
  });

  it('an unknown field, and an unknown object type', async () => {
    const extra = await refusal(packageCopy(ACME, (files) => (transaction(files, 'rep-1')['note'] = 'x')));
    expect(extra.message).toBe('Transactions.ocf.json, item "rep-1", at /items/6: must NOT have additional properties (note)');
    const unknown = await refusal(packageCopy(ACME, (files) => (transaction(files, 'rep-1')['object_type'] = 'TX_STOCK_GIFT')));
    expect(unknown.message).toMatch(/item "rep-1", at \/items\/6\/object_type: unknown object type "TX_STOCK_GIFT"/);
  });

  it('a manifest the schema rejects', async () => {
    const p = await refusal(packageCopy(ACME, (files) => (files.get('Manifest.ocf.json')!['issuer']['country_of_formation'] = 'usa')));
    expect(p.message).toMatch(/^Manifest\.ocf\.json, item "acmeCorp", at \/issuer\/country_of_formation: /);
  });

  it('a reference to a stakeholder, class or security the package does not have', async () => {
    expect((await refusal(packageCopy(ACME, (files) => (transaction(files, 'iss-f1')['stakeholder_id'] = 'nobody')))).message).toBe(
      'Transactions.ocf.json, item "iss-f1", at /items/0/stakeholder_id: no STAKEHOLDER has id "nobody"',
    );
    expect((await refusal(packageCopy(ACME, (files) => (transaction(files, 'rep-1')['security_id'] = 'sec-x')))).message).toBe(
      'Transactions.ocf.json, item "rep-1", at /items/6/security_id: no TX_STOCK_ISSUANCE has security_id "sec-x"',
    );
  });

  it('what shareledger cannot hold: fractional shares, fractional votes, a ratio that is no finite decimal', async () => {
    const fractional = await refusal(packageCopy(ACME, (files) => (transaction(files, 'iss-f1')['quantity'] = '10.5')));
    expect(fractional.message).toMatch(/item "iss-f1", at \/items\/0\/quantity: expected a positive whole number of shares, got "10.5"/);
    const votes = await refusal(packageCopy(ACME, (files) => (files.get('StockClasses.ocf.json')!['items'][0]['votes_per_share'] = '0.5')));
    expect(votes.message).toMatch(/StockClasses\.ocf\.json, item "COMMON", at \/items\/0\/votes_per_share: shareledger counts whole votes/);
    const ratio = await refusal(packageCopy(ACME, (files) => (transaction(files, 'iss-s3')['quantity'] = '100000')));
    expect(ratio.message).toMatch(
      /item "conv-1", at \/items\/10\/quantity_converted: the conversion ratio 100000\/150000 is not a finite decimal/,
    );
  });

  it('another major version, saying which versions are read', async () => {
    const p = await refusal(packageCopy(ACME, (files) => (files.get('Manifest.ocf.json')!['ocf_version'] = '2.0.0')));
    expect(p.message).toBe(
      'Manifest.ocf.json, at /ocf_version: version "2.0.0" is not read; shareledger reads OCF 1.2.0 (other 1.x versions are read under the 1.2.0 schemas)',
    );
  });
});

describe('OCF import: what is read with a warning or skipped', () => {
  it('another 1.x version is read under the 1.2.0 schemas, with a warning', async () => {
    const { warnings, report } = await importInto(packageCopy(ACME, (files) => (files.get('Manifest.ocf.json')!['ocf_version'] = '1.1.0')));
    expect(warnings[0]).toBe('the package declares OCF 1.1.0; it is read under the OCF 1.2.0 schemas');
    expect(report.appended).toBe(16);
  });

  it('the OCF-Tools sample (declared 1.1.1-alpha): read under 1.2.0, where its option grant has a field 1.2.0 lacks', async () => {
    const warnings: string[] = [];
    const dir = packageCopy(path.join(FIXTURES, 'ocf-tools-test-package'));
    await expect(planOcfImport(dir, { warn: (w) => warnings.push(w) })).rejects.toThrow(
      'Transactions.ocf.json, item "eci_01", at /items/0: must NOT have additional properties (valuation_id)',
    );
    expect(warnings).toEqual(['the package declares OCF 1.1.1-alpha+main; it is read under the OCF 1.2.0 schemas']);
  });

  it('the OCF spec samples pass the schemas item by item (they are object examples, not one company)', async () => {
    const dir = packageCopy(path.join(FIXTURES, 'spec-objects'));
    await expect(planOcfImport(dir)).rejects.toThrow(/no STAKEHOLDER has id "stakeholder-id"/);
  });

  it('a transaction type the released transactions-file schema omits is validated by its own schema, then skipped', async () => {
    const dir = packageCopy(ACME, (files) =>
      files.get('Transactions.ocf.json')!['items'].push({
        id: 'iasa-1',
        object_type: 'TX_ISSUER_AUTHORIZED_SHARES_ADJUSTMENT',
        date: '2022-11-01',
        issuer_id: 'acmeCorp',
        new_shares_authorized: '50000000',
      }),
    );
    const { plan } = await importInto(dir);
    expect(plan.skipped['TX_ISSUER_AUTHORIZED_SHARES_ADJUSTMENT']).toBe(1);
  });
});
