import { describe, expect, it } from 'vitest';
import { decodeDraft, decodeStored, type DraftEvent, encodeContent } from './envelope.js';
import { parseJson } from './json.js';

const decodeLine = (line: string): { ok: true; value: DraftEvent; messages: string[] } | { ok: false; messages: string[] } => {
  const parsed = parseJson(line);
  if (!parsed.ok) return { ok: false, messages: [parsed.message] };
  const r = decodeDraft(parsed.value);
  return r.ok ? { ok: true, value: r.value, messages: [] } : { ok: false, messages: r.problems.map((p) => p.message) };
};

const sale = (data: string, envelope = '"issuer":"sensetime","date":"2023-07-06"') => `{"type":"BlockSale",${envelope},"data":{${data}}}`;
const goodSale = '"seller":"taobao-holding","class":"B","shares":557000000,"pricePerShare":1.82,"currency":"HKD"';

describe('decoding a submitted envelope', () => {
  it('reads JSON numbers by their literal text: shares as bigint, prices as exact decimals', () => {
    const r = decodeLine(sale(goodSale));
    expect(r.ok && r.value.type === 'BlockSale' && r.value.data).toMatchObject({ shares: 557000000n, pricePerShare: '1.82' });
    expect(r.ok && encodeContent(r.value)).toEqual({
      type: 'BlockSale',
      issuer: 'sensetime',
      date: '2023-07-06',
      data: { seller: 'taobao-holding', class: 'B', shares: '557000000', pricePerShare: '1.82', currency: 'HKD' },
    });
  });
  it('keeps share counts beyond 2^53 exact when given as strings, and refuses them as JSON numbers', () => {
    const big = decodeLine(sale(goodSale.replace('557000000', '"123456789012345678901234567890"')));
    expect(big.ok && big.value.type === 'BlockSale' && big.value.data.shares).toBe(123456789012345678901234567890n);
    expect(decodeLine(sale(goodSale.replace('557000000', '9007199254740993'))).messages).toEqual([
      'data.shares: expected a positive whole number, got 9007199254740993',
    ]);
  });
  it.each([
    ['"shares":"-5"', 'data.shares: expected a positive whole number, got "-5"'],
    ['"shares":0', 'data.shares: expected a positive whole number, got 0'],
    ['"shares":1.5', 'data.shares: expected a positive whole number, got 1.5'],
    ['"pricePerShare":1e3', 'data.pricePerShare: expected a decimal ≥ 0 such as "1.82" (no exponent), got 1e3'],
    ['"pricePerShare":"-1.82"', 'data.pricePerShare: expected a decimal ≥ 0 such as "1.82" (no exponent), got "-1.82"'],
    ['"pricePerShare":"NaN"', 'data.pricePerShare: expected a decimal ≥ 0 such as "1.82" (no exponent), got "NaN"'],
    ['"currency":"hkd"', 'data.currency: expected an ISO-4217 currency code (three capital letters), got "hkd"'],
    [
      '"seller":"Taobao Holding"',
      'data.seller: expected a holder id of lowercase letters, digits and "-" (1-64 chars), got "Taobao Holding"',
    ],
    ['"pricePerShares":"1"', 'data.pricePerShares: unknown field'],
  ])('names the field and the value: %s', (override, message) => {
    const key = override.slice(1, override.indexOf('"', 1));
    const data = goodSale
      .split(',')
      .filter((kv) => !kv.startsWith(`"${key}"`))
      .concat(override)
      .join(',');
    const r = decodeLine(sale(data));
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.messages).toContain(message);
  });
  it('reports a missing field and an impossible date', () => {
    expect(decodeLine(sale('"seller":"a","class":"B","shares":1,"currency":"HKD"')).messages).toEqual([
      'data.pricePerShare: required field is missing (expected a decimal ≥ 0 such as "1.82" (no exponent))',
    ]);
    expect(decodeLine(sale(goodSale, '"issuer":"sensetime","date":"2023-02-30"')).messages).toEqual([
      'date: expected a calendar date YYYY-MM-DD, got "2023-02-30"',
    ]);
  });
  it('rejects unknown types, a missing issuer and an issuer on a holders event', () => {
    expect(decodeLine('{"type":"Dividend","issuer":"x","date":"2023-01-01","data":{}}').messages.join()).toMatch(
      /^type: expected one of IssuerRegistered, /,
    );
    expect(decodeLine(`{"type":"BlockSale","date":"2023-07-06","data":{${goodSale}}}`).messages.join()).toMatch(
      /^issuer: required field is missing/,
    );
    expect(
      decodeLine('{"type":"HolderRegistered","issuer":"x","date":"2023-01-01","data":{"holder":"a","name":"A"}}').messages.join(),
    ).toMatch(/^issuer: /);
  });
  it('rejects invalid JSON and duplicate keys', () => {
    expect(decodeLine('{"type":').ok).toBe(false);
    expect(decodeLine('{"type":"BlockSale","type":"BlockSale"}').ok).toBe(false);
  });
  it('requires a currency with a repurchase price and a figure in a disclosure', () => {
    expect(
      decodeLine(
        '{"type":"SharesRepurchased","issuer":"x","date":"2023-01-01","data":{"class":"B","shares":1,"pricePerShare":"2"}}',
      ).messages.join(),
    ).toMatch(/^data.currency: required field is missing/);
    expect(decodeLine('{"type":"StakeDisclosed","issuer":"x","date":"2023-01-01","data":{"holder":"a"}}').messages.join()).toMatch(
      /^data.shares: required/,
    );
  });
});

describe('decoding a stored envelope', () => {
  it('decodes what the ledger stores and refuses a tampered type', () => {
    const stored = {
      id: '11111111-1111-4111-8111-111111111111',
      stream: 'issuer-x',
      revision: 0,
      type: 'SharesIssued',
      issuer: 'x',
      date: '2023-01-01',
      data: { holder: 'a', class: 'B', shares: '10', pricePerShare: '1', currency: 'HKD' },
      recordedAt: '2023-01-01T00:00:00.000Z',
      actor: 'tester',
      prevHash: '0'.repeat(64),
      hash: 'a'.repeat(64),
    };
    expect(decodeStored(stored).ok).toBe(true);
    expect(decodeStored({ ...stored, data: { ...stored.data, shares: '-10' } }).ok).toBe(false);
  });
});

describe('reporting every mistake at once', () => {
  it('names envelope and data problems together', () => {
    expect(
      decodeLine(
        sale('"seller":"a","class":"B","shares":"-5","pricePerShare":"1","currency":"HKD"', '"issuer":"sensetime","date":"2023-13-01"'),
      ).messages,
    ).toEqual(['date: expected a calendar date YYYY-MM-DD, got "2023-13-01"', 'data.shares: expected a positive whole number, got "-5"']);
  });
  it('rejects duplicate keys in a full envelope', () => {
    expect(decodeLine(sale(`${goodSale},"shares":1`)).ok).toBe(false);
  });
});
