import { PUBLIC } from '../../../events/index.js';
import type { EventKind } from './eventKind.js';
import { grouped } from './eventKind.js';

/** SharesIssued: new shares to one holder, a cost lot at the price (which may be 0). */
export const sharesIssued: EventKind<'SharesIssued'> = {
  steps: (e, to) => to.issue(e.data.class, e.data.holder, e.data.shares, e.data),
  summary: ({ data }) => `issued ${grouped(data.shares)} ${data.class} to ${data.holder} at ${data.pricePerShare} ${data.currency}`,
};

/** FundingRoundClosed: each allocation is an issue of new shares at the round's price. */
export const fundingRoundClosed: EventKind<'FundingRoundClosed'> = {
  steps: (e, to) => {
    for (const a of e.data.allocations) to.issue(e.data.class, a.holder, a.shares, e.data);
  },
  summary: ({ data }) =>
    `${data.round}: ${data.allocations.map((a) => `${grouped(a.shares)} ${data.class} to ${a.holder}`).join(', ')} at ${data.pricePerShare} ${data.currency}`,
};

/**
 * IPOCompleted, in this order: every conversion turns all shares of its class into another;
 * the new shares go to `public` at the offer price; each secondary sale moves a seller's shares
 * to `public`, a disposal at the offer price without fees.
 */
export const ipoCompleted: EventKind<'IPOCompleted'> = {
  steps: (e, to) => {
    const d = e.data;
    to.requireClass(d.class, 'data.class');
    (d.conversions ?? []).forEach((c, i) => to.convertClass(i + 1, c.fromClass, c.toClass, c.ratio));
    const atOffer = { pricePerShare: d.offerPrice, currency: d.currency };
    if (d.newShares > 0n) to.issue(d.class, PUBLIC, d.newShares, atOffer);
    for (const sale of d.secondarySales ?? []) to.move(d.class, sale.seller, PUBLIC, sale.shares, atOffer);
  },
  summary: ({ data }) => {
    const parts = [`IPO on ${data.exchange} (${data.ticker}) at ${data.offerPrice} ${data.currency}`];
    for (const c of data.conversions ?? []) parts.push(`${c.fromClass} converted to ${c.toClass} at ${c.ratio}`);
    if (data.newShares > 0n) parts.push(`${grouped(data.newShares)} new ${data.class} to ${PUBLIC}`);
    for (const s of data.secondarySales ?? []) parts.push(`${s.seller} sold ${grouped(s.shares)} ${data.class}`);
    return parts.join('; ');
  },
};
