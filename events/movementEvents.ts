import * as t from 'io-ts';
import { closed } from './closed.js';
import { ClassId } from './scalars/classId.js';
import { CurrencyCode } from './scalars/currencyCode.js';
import { NonNegativeDecimal } from './scalars/decimal.js';
import { HolderId, PUBLIC } from './scalars/holderId.js';
import { ShareCount } from './scalars/shareCount.js';

export const BlockSale = closed(
  'BlockSale data {seller, buyer?, class, shares, pricePerShare, currency, fees?}',
  { seller: HolderId, class: ClassId, shares: ShareCount, pricePerShare: NonNegativeDecimal, currency: CurrencyCode },
  { buyer: HolderId, fees: NonNegativeDecimal },
);
export type BlockSale = t.TypeOf<typeof BlockSale>;

export const Consideration = closed('a consideration {amount, currency}', {
  amount: NonNegativeDecimal,
  currency: CurrencyCode,
});
export type Consideration = t.TypeOf<typeof Consideration>;

export const SharesTransferred = closed(
  'SharesTransferred data {from, to, class, shares, consideration?}',
  { from: HolderId, to: HolderId, class: ClassId, shares: ShareCount },
  { consideration: Consideration },
);
export type SharesTransferred = t.TypeOf<typeof SharesTransferred>;

export const SharesRepurchased = closed(
  'SharesRepurchased data {holder?, class, shares, pricePerShare?, currency?}',
  { class: ClassId, shares: ShareCount },
  { holder: HolderId, pricePerShare: NonNegativeDecimal, currency: CurrencyCode },
  [
    (d) =>
      d.pricePerShare !== undefined && d.currency === undefined
        ? { field: 'currency', message: 'required field is missing (a pricePerShare needs its currency)' }
        : d.pricePerShare === undefined && d.currency !== undefined
          ? { field: 'pricePerShare', message: 'required field is missing (a currency is given without a pricePerShare)' }
          : undefined,
  ],
);
export type SharesRepurchased = t.TypeOf<typeof SharesRepurchased>;

/** Who buys in a block sale: `public` (the market) unless a buyer is named. */
export const blockSaleBuyer = (d: BlockSale): HolderId => d.buyer ?? PUBLIC;

/** Whose shares a repurchase cancels: `public` (bought back in the market) unless a holder is named. */
export const repurchasedFrom = (d: SharesRepurchased): HolderId => d.holder ?? PUBLIC;
