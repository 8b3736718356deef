import * as t from 'io-ts';
import { closed } from './closed.js';
import { CurrencyCode } from './scalars/currencyCode.js';
import { PositiveDecimal } from './scalars/decimal.js';
import { HolderId } from './scalars/holderId.js';
import { ShortText } from './scalars/text.js';

export const HolderRegistered = closed(
  'HolderRegistered data {holder, name, controlledBy?}',
  { holder: HolderId, name: ShortText },
  { controlledBy: HolderId },
);
export type HolderRegistered = t.TypeOf<typeof HolderRegistered>;

export const FxRateRecorded = closed('FxRateRecorded data {base, quote, rate}', {
  base: CurrencyCode,
  quote: CurrencyCode,
  rate: PositiveDecimal,
});
export type FxRateRecorded = t.TypeOf<typeof FxRateRecorded>;
