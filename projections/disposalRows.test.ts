import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClassId, CurrencyCode, EventId, EventType, HolderId, IsoDate, IssuerId } from '../events/index.js';
import { decodeDisposal, DisposalRowError, encodeDisposal } from './disposalRows.js';
import type { Disposal } from './disposals.js';

const ISSUER = 'acme' as IssuerId;
const SELLER = 'temasek' as HolderId;

const rational = fc
  .record({ num: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), den: fc.bigInt({ min: 1n, max: 10n ** 20n }) })
  .map((r) => ({ num: r.num, den: r.den }));
const date = fc.integer({ min: 0, max: 20_000 }).map((d) => new Date(Date.UTC(1990, 0, 1 + d)).toISOString().slice(0, 10) as IsoDate);
const currency = fc.constantFrom('USD', 'EUR', 'HKD') as fc.Arbitrary<CurrencyCode>;
const lot = fc.record({ shares: rational, cost: rational, currency, date, revision: fc.nat() });

const disposal: fc.Arbitrary<Disposal> = fc.record({
  eventId: fc.uuid().map((u) => u as EventId),
  issuer: fc.constant(ISSUER),
  date,
  revision: fc.nat(),
  type: fc.constantFrom('BlockSale', 'SharesTransferred', 'SharesRepurchased', 'IPOCompleted') as fc.Arbitrary<EventType>,
  class: fc.constantFrom('A', 'B', 'common') as fc.Arbitrary<ClassId>,
  seller: fc.constant(SELLER),
  shares: fc.bigInt({ min: 1n, max: 10n ** 25n }),
  pricePerShare: rational,
  currency,
  gross: rational,
  fees: rational,
  lots: fc.array(lot, { maxLength: 4 }),
});

describe('a cached disposal row', () => {
  it('decodes to the very disposal it encodes', () => {
    fc.assert(
      fc.property(disposal, (d) => {
        expect(decodeDisposal(ISSUER, SELLER, encodeDisposal(d))).toEqual(d);
      }),
    );
  });

  const damaged: Record<string, (fields: unknown[]) => void> = {
    'an event id that is no UUID': (f) => (f[0] = 'x'),
    'a date that is no date': (f) => (f[1] = '2020-13-01'),
    'a negative revision': (f) => (f[2] = -1),
    'an unknown type': (f) => (f[3] = 'Gift'),
    'a malformed class': (f) => (f[4] = ''),
    'shares that are no integer': (f) => (f[5] = '1.5'),
    'a zero denominator': (f) => (f[6] = ['1', '0']),
    'a rational of three parts': (f) => (f[8] = ['1', '2', '3']),
    'a malformed currency': (f) => (f[7] = 'usd'),
    'a short lot': (f) => (f[10] = [['1', '1', '2', '1', 'USD', '2020-01-01']]),
    'a missing field': (f) => f.pop(),
  };
  for (const [name, damage] of Object.entries(damaged))
    it(`with ${name} is DisposalRowError`, () => {
      fc.assert(
        fc.property(disposal, (d) => {
          const fields = JSON.parse(encodeDisposal(d)) as unknown[];
          damage(fields);
          expect(() => decodeDisposal(ISSUER, SELLER, JSON.stringify(fields))).toThrow(DisposalRowError);
        }),
        { numRuns: 20 },
      );
    });

  it('that is not JSON is DisposalRowError', () => {
    expect(() => decodeDisposal(ISSUER, SELLER, '[oops')).toThrow(DisposalRowError);
  });
});
