import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDraft, encodeStored, HOLDERS_STREAM, type IssuerId, toIssuerStreamId } from '../../events/index.js';
import { decodeStoredFast } from '../../events/storedFast.js';
import { mapLedgerToOcf } from '../../src/ocf/exportMapping.js';
import { Ledger } from '../../src/ledger.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { withStore } from '../support/sqliteFile.js';

const NOW = new Date(Date.UTC(2026, 0, 1));
const ISSUER = 'acme' as IssuerId;
const registered = (country?: string) => ({
  issuer: 'acme',
  type: 'IssuerRegistered',
  date: '2020-01-01',
  data: { name: 'Acme', currency: 'USD', classes: [{ class: 'A', votesPerShare: 1 }], ...(country ? { country } : {}) },
});
const issued = (holder: string, shares: number, date: string, price = '1') => ({
  issuer: 'acme',
  type: 'SharesIssued',
  date,
  data: { holder, class: 'A', shares, pricePerShare: price, currency: 'USD' },
});

const ledgerOf = async (store: EventStore, ...envelopes: Array<Record<string, unknown>>) => {
  const ledger = new Ledger({ store, actor: 'test', now: () => NOW });
  for (const e of envelopes) {
    const d = decodeDraft(e);
    if (!d.ok) throw new Error(d.problems.map((p) => p.message).join('; '));
    await ledger.append([d.value]);
  }
  return store;
};

const exported = async (store: EventStore, country?: string) =>
  mapLedgerToOcf({
    issuer: ISSUER,
    events: await store.readStream(toIssuerStreamId(ISSUER)),
    holders: await store.readStream(HOLDERS_STREAM),
    ...(country ? { country } : {}),
  });

describe('OCF export: given a ledger', () => {
  it('makes a security per lot and consumes them first-in first-out, with resulting and balance securities', async () => {
    const store = await ledgerOf(
      createMemoryStore(),
      registered('US'),
      issued('a', 100, '2020-02-01'),
      issued('a', 50, '2020-03-01', '2'),
      {
        issuer: 'acme',
        type: 'BlockSale',
        date: '2020-04-01',
        data: { seller: 'a', buyer: 'b', class: 'A', shares: 120, pricePerShare: '3', currency: 'USD' },
      },
    );
    const { transactions: tx } = await exported(store);
    const summary = tx.map((t) => [
      t['object_type'],
      t['security_id'],
      t['stakeholder_id'] ?? '',
      t['quantity'],
      t['balance_security_id'] ?? '',
      t['resulting_security_ids'] ?? '',
    ]);
    expect(summary).toEqual([
      ['TX_STOCK_ISSUANCE', 'acme-s1', 'a', '100', '', ''],
      ['TX_STOCK_ISSUANCE', 'acme-s2', 'a', '50', '', ''],
      // the oldest lot goes whole; the next gives 20 and its 30 remain as a balance security
      ['TX_STOCK_ISSUANCE', 'acme-s3', 'a', '30', '', ''],
      ['TX_STOCK_ISSUANCE', 'acme-s4', 'b', '100', '', ''],
      ['TX_STOCK_TRANSFER', 'acme-s1', '', '100', '', ['acme-s4']],
      ['TX_STOCK_ISSUANCE', 'acme-s5', 'b', '20', '', ''],
      ['TX_STOCK_TRANSFER', 'acme-s2', '', '20', 'acme-s3', ['acme-s5']],
    ]);
    // the buyer's lots cost the sale price; the sale price and fees are in the consideration text
    expect(tx[3]!['share_price']).toEqual({ amount: '3', currency: 'USD' });
    expect(tx[4]!['consideration_text']).toBe('block sale at 3 USD a share, fees 0 USD');
  });

  it('splits a class as a split and a reissuance of each security, sharing the whole result out by cumulative ceilings', async () => {
    const store = await ledgerOf(createMemoryStore(), registered('US'), issued('a', 3, '2020-02-01'), issued('a', 1, '2020-02-02'), {
      issuer: 'acme',
      type: 'StockSplit',
      date: '2020-05-01',
      data: { numerator: 1, denominator: 2 },
    });
    const { transactions: tx } = await exported(store);
    expect(tx.slice(2).map((t) => [t['object_type'], t['security_id'], t['quantity'] ?? '', t['split_transaction_id'] ?? ''])).toEqual([
      ['TX_STOCK_CLASS_SPLIT', undefined, '', ''],
      ['TX_STOCK_ISSUANCE', 'acme-s3', '2', ''],
      ['TX_STOCK_REISSUANCE', 'acme-s1', '', tx[2]!['id']],
      ['TX_STOCK_REISSUANCE', 'acme-s2', '', tx[2]!['id']],
    ]);
    expect(tx[5]!['resulting_security_ids']).toEqual([]);
  });

  it('lists what OCF cannot carry in the comments, takes --country, makes public a stakeholder', async () => {
    const store = await ledgerOf(createMemoryStore(), registered(), issued('public', 10, '2020-02-01'), {
      issuer: 'acme',
      type: 'StakeDisclosed',
      date: '2020-03-01',
      data: { holder: 'public', percent: '100' },
    });
    const objects = await exported(store, 'DE');
    expect(objects.issuer).toMatchObject({ id: 'acme', legal_name: 'Acme', formation_date: '2020-01-01', country_of_formation: 'DE' });
    expect(objects.stakeholders.map((s) => s['id'])).toEqual(['public']);
    expect(objects.comments.join('\n')).toMatch(/1 stake disclosures \(StakeDisclosed\) are not carried/);
  });
});

describe('IssuerRegistered.country', () => {
  it('is an optional ISO 3166-1 alpha-2 code', () => {
    expect(decodeDraft(registered('KY')).ok).toBe(true);
    expect(decodeDraft(registered()).ok).toBe(true);
    const bad = decodeDraft(registered('Cayman'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]!.message).toMatch(/data\.country: expected an ISO 3166-1 alpha-2 country code/);
  });

  it('survives the SQLite store (rows and replay) and the fast stored decoder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-country-'));
    const file = path.join(dir, 'l.db');
    await withStore(file, (store) => ledgerOf(store, registered('KY'), issued('a', 5, '2020-02-01')));
    await withStore(file, async (store) => {
      const [first] = await store.readStream(toIssuerStreamId(ISSUER));
      expect(first!.type === 'IssuerRegistered' && first!.data.country).toBe('KY');
      const fast = decodeStoredFast(JSON.parse(JSON.stringify(encodeStored(first!))));
      expect(fast.ok && fast.value.type === 'IssuerRegistered' && fast.value.data.country).toBe('KY');
      expect(await exported(store)).toMatchObject({ issuer: { country_of_formation: 'KY' } });
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
