import type { CurrencyCode, IsoDate, Rational } from '../events/index.js';
import { div, mul, ONE, toRational } from '../events/index.js';
import type { PlacedEvent } from '../src/domain/timeline.js';

/** One recorded rate, stated as 1 `first` = rate `second` of its pair's sorted currencies. */
type PairRate = { date: IsoDate; rate: Rational };

/**
 * Exchange rates (docs/proceeds.md#currency) from the `fx` timeline, already selected for knownAt. A rate is the
 * latest FxRateRecorded for the pair or its inverse on or before the date: never triangulated
 * through a third currency and never taken from a later date.
 */
export type FxRates = Readonly<{
  /** 1 `from` = result `to`, or undefined when no rate is known on or before `date`. */
  rate(from: CurrencyCode, to: CurrencyCode, date: IsoDate): Rational | undefined;
}>;

const pairKey = (a: CurrencyCode, b: CurrencyCode): string => (a < b ? `${a}/${b}` : `${b}/${a}`);

export const fxRates = (fxTimeline: Iterable<PlacedEvent>): FxRates => {
  // The timeline is in (date, revision) order, so each pair's list is too: the last match wins.
  const pairs = new Map<string, PairRate[]>();
  for (const e of fxTimeline) {
    if (e.type !== 'FxRateRecorded') continue;
    const { base, quote } = e.data;
    const r = toRational(e.data.rate);
    const key = pairKey(base, quote);
    let list = pairs.get(key);
    if (!list) pairs.set(key, (list = []));
    list.push({ date: e.date, rate: base < quote ? r : div(ONE, r) });
  }
  return {
    rate(from, to, date) {
      if (from === to) return ONE;
      const list = pairs.get(pairKey(from, to));
      if (!list) return undefined;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.date <= date) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) return undefined;
      const r = list[lo - 1]!.rate;
      return from < to ? r : div(ONE, r);
    },
  };
};

/**
 * Converts amounts and remembers what it could not convert: a missing rate gives null and one
 * warning per (pair, date), never a guess (docs/proceeds.md#currency). The warnings are for stderr, not the JSON.
 */
export class CurrencyConverter {
  private readonly missing = new Map<string, string>();

  constructor(private readonly rates: FxRates) {}

  convert(amount: Rational, from: CurrencyCode, to: CurrencyCode, date: IsoDate, what: string): Rational | null {
    // Nothing is worth nothing in every currency: no rate is needed (a lot issued at a price of 0).
    if (from === to || amount.num === 0n) return amount;
    const r = this.rates.rate(from, to, date);
    if (r !== undefined) return mul(amount, r);
    const key = `${from}/${to}@${date}`;
    if (!this.missing.has(key))
      this.missing.set(key, `no ${from}/${to} exchange rate on or before ${date} (needed for ${what}): left null`);
    return null;
  }

  get warnings(): string[] {
    return [...this.missing.values()];
  }
}
