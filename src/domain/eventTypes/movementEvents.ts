import { blockSaleBuyer, repurchasedFrom } from '../../../events/index.js';
import type { EventKind } from './eventKind.js';
import { grouped } from './eventKind.js';

/** BlockSale: the seller's shares go to the buyer; a disposal for the seller, a lot for the buyer at the price. */
export const blockSale: EventKind<'BlockSale'> = {
  steps: (e, to) => to.move(e.data.class, e.data.seller, blockSaleBuyer(e.data), e.data.shares, e.data),
  summary: ({ data }) => {
    const fees = data.fees !== undefined && data.fees !== '0' ? ` (fees ${data.fees})` : '';
    return `${data.seller} sold ${grouped(data.shares)} ${data.class} to ${blockSaleBuyer(data)} at ${data.pricePerShare} ${data.currency}${fees}`;
  },
};

/** SharesTransferred: a sale when it has a consideration; without one the shares keep their basis. */
export const sharesTransferred: EventKind<'SharesTransferred'> = {
  steps: (e, to) => to.move(e.data.class, e.data.from, e.data.to, e.data.shares, e.data.consideration),
  summary: ({ data }) => {
    const c = data.consideration;
    return `${data.from} transferred ${grouped(data.shares)} ${data.class} to ${data.to}${c ? ` for ${c.amount} ${c.currency}` : ' (no consideration)'}`;
  },
};

/** SharesRepurchased: the issuer buys shares back and cancels them; a disposal when it has a price. */
export const sharesRepurchased: EventKind<'SharesRepurchased'> = {
  steps: (e, to) => {
    const d = e.data;
    const sale =
      d.pricePerShare !== undefined && d.currency !== undefined ? { pricePerShare: d.pricePerShare, currency: d.currency } : undefined;
    to.cancel(d.class, repurchasedFrom(d), d.shares, sale);
  },
  summary: ({ data }) => {
    const price = data.pricePerShare !== undefined ? ` at ${data.pricePerShare} ${data.currency}` : '';
    return `repurchased and cancelled ${grouped(data.shares)} ${data.class} from ${repurchasedFrom(data)}${price}`;
  },
};
