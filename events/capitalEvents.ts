import * as t from 'io-ts';
import { closed } from './closed.js';
import { ClassId } from './scalars/classId.js';
import { PositiveDecimal } from './scalars/decimal.js';
import { HolderId } from './scalars/holderId.js';
import { PositiveInteger, ShareCount } from './scalars/shareCount.js';

export const StockSplit = closed(
  'StockSplit data {class?, numerator, denominator}',
  { numerator: PositiveInteger, denominator: PositiveInteger },
  { class: ClassId },
);
export type StockSplit = t.TypeOf<typeof StockSplit>;

export const SharesConverted = closed(
  'SharesConverted data {holder, fromClass, toClass, shares, ratio?}',
  { holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: ShareCount },
  { ratio: PositiveDecimal },
);
export type SharesConverted = t.TypeOf<typeof SharesConverted>;
