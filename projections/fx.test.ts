import { describe, expect, it } from 'vitest';
import type { CurrencyCode, EventId, IsoDate } from '../events/index.js';
import { rational } from '../events/index.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { CurrencyConverter, fxRates } from './fx.js';

let revision = 0;
const rate = (date: string, base: string, quote: string, value: string): PlacedEvent =>
  ({
    id: `00000000-0000-4000-8000-${String(++revision).padStart(12, '0')}` as EventId,
    revision,
    type: 'FxRateRecorded',
    date: date as IsoDate,
    data: { base, quote, rate: value },
  }) as PlacedEvent;

const USD = 'USD' as CurrencyCode;
const HKD = 'HKD' as CurrencyCode;
const EUR = 'EUR' as CurrencyCode;
const on = (d: string) => d as IsoDate;

describe('fx rates (docs/proceeds.md#currency)', () => {
  const rates = fxRates([
    rate('2020-01-01', 'USD', 'HKD', '7.8'),
    rate('2020-06-01', 'HKD', 'USD', '0.125'),
    rate('2020-06-01', 'USD', 'HKD', '7.75'),
    rate('2020-06-01', 'EUR', 'USD', '1.1'),
  ]);

  it('takes the latest rate of the pair or its inverse on or before the date; the later of one day wins', () => {
    expect(rates.rate(USD, HKD, on('2019-12-31'))).toBeUndefined();
    expect(rates.rate(USD, HKD, on('2020-01-01'))).toEqual(rational(78n, 10n));
    expect(rates.rate(HKD, USD, on('2020-05-31'))).toEqual(rational(10n, 78n));
    expect(rates.rate(USD, HKD, on('2020-06-01'))).toEqual(rational(775n, 100n));
    expect(rates.rate(HKD, USD, on('2021-01-01'))).toEqual(rational(100n, 775n));
  });

  it('never triangulates: EUR→HKD is unknown though EUR→USD and USD→HKD are known', () => {
    expect(rates.rate(EUR, HKD, on('2021-01-01'))).toBeUndefined();
    expect(rates.rate(EUR, EUR, on('1900-01-01'))).toEqual(rational(1n));
  });

  it('a converter nulls what it cannot convert and warns once per pair and date', () => {
    const fx = new CurrencyConverter(rates);
    expect(fx.convert(rational(10n), EUR, HKD, on('2021-01-01'), 'a sale')).toBeNull();
    expect(fx.convert(rational(20n), EUR, HKD, on('2021-01-01'), 'another sale')).toBeNull();
    expect(fx.convert(rational(0n), EUR, HKD, on('2021-01-01'), 'a free lot')).toEqual(rational(0n));
    expect(fx.convert(rational(2n), USD, HKD, on('2020-01-02'), 'a lot')).toEqual(rational(156n, 10n));
    expect(fx.warnings).toEqual(['no EUR/HKD exchange rate on or before 2021-01-01 (needed for a sale): left null']);
  });
});
