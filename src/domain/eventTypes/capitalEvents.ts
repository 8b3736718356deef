import type { EventKind } from './eventKind.js';
import { grouped } from './eventKind.js';

/** StockSplit: every holding of the class (or of every class) × numerator / denominator. */
export const stockSplit: EventKind<'StockSplit'> = {
  steps: (e, to) => {
    if (e.data.class !== undefined) to.requireClass(e.data.class, 'data.class');
    to.split(e.data.class, e.data.numerator, e.data.denominator);
  },
  summary: ({ data }) => `split ${data.class === undefined ? 'every class' : `class ${data.class}`} ${data.numerator}:${data.denominator}`,
};

/** SharesConverted: one holder's shares of one class become shares of another at the ratio. */
export const sharesConverted: EventKind<'SharesConverted'> = {
  steps: (e, to) => to.convert(e.data.holder, e.data.fromClass, e.data.toClass, e.data.shares, e.data.ratio),
  summary: ({ data }) => `${data.holder} converted ${grouped(data.shares)} ${data.fromClass} to ${data.toClass} at ${data.ratio ?? '1'}`,
};
