import * as t from 'io-ts';
import { arrayOf, closed, nonEmptyArray } from './closed.js';
import { ClassId } from './scalars/classId.js';
import { CurrencyCode } from './scalars/currencyCode.js';
import { NonNegativeDecimal, PositiveDecimal } from './scalars/decimal.js';
import { HolderId } from './scalars/holderId.js';
import { NonNegativeShareCount, ShareCount } from './scalars/shareCount.js';
import { ShortText } from './scalars/text.js';

export const SharesIssued = closed(
  'SharesIssued data {holder, class, shares, pricePerShare, currency, reason?}',
  { holder: HolderId, class: ClassId, shares: ShareCount, pricePerShare: NonNegativeDecimal, currency: CurrencyCode },
  { reason: ShortText },
);
export type SharesIssued = t.TypeOf<typeof SharesIssued>;

export const Allocation = closed('an allocation {holder, shares}', { holder: HolderId, shares: ShareCount });
export type Allocation = t.TypeOf<typeof Allocation>;

export const FundingRoundClosed = closed(
  'FundingRoundClosed data {round, class, pricePerShare, currency, allocations, preMoneyValuation?}',
  {
    round: ShortText,
    class: ClassId,
    pricePerShare: NonNegativeDecimal,
    currency: CurrencyCode,
    allocations: nonEmptyArray(Allocation, 'a non-empty list of allocations'),
  },
  { preMoneyValuation: NonNegativeDecimal },
);
export type FundingRoundClosed = t.TypeOf<typeof FundingRoundClosed>;

export const ClassConversion = closed('a conversion {fromClass, toClass, ratio}', {
  fromClass: ClassId,
  toClass: ClassId,
  ratio: PositiveDecimal,
});
export type ClassConversion = t.TypeOf<typeof ClassConversion>;

export const SecondarySale = closed('a secondary sale {seller, shares}', { seller: HolderId, shares: ShareCount });
export type SecondarySale = t.TypeOf<typeof SecondarySale>;

export const IPOCompleted = closed(
  'IPOCompleted data {exchange, ticker, class, offerPrice, currency, newShares, conversions?, secondarySales?}',
  {
    exchange: ShortText,
    ticker: ShortText,
    class: ClassId,
    offerPrice: NonNegativeDecimal,
    currency: CurrencyCode,
    newShares: NonNegativeShareCount,
  },
  {
    conversions: arrayOf(ClassConversion, 'a list of conversions'),
    secondarySales: arrayOf(SecondarySale, 'a list of secondary sales'),
  },
);
export type IPOCompleted = t.TypeOf<typeof IPOCompleted>;
