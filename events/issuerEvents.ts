import * as t from 'io-ts';
import { closed, nonEmptyArray } from './closed.js';
import { ClassId } from './scalars/classId.js';
import { CountryCode } from './scalars/countryCode.js';
import { CurrencyCode } from './scalars/currencyCode.js';
import { VotesPerShare } from './scalars/shareCount.js';
import { ShortText } from './scalars/text.js';

export const ShareClassSpec = closed('a share class {class, votesPerShare}', { class: ClassId, votesPerShare: VotesPerShare });
export type ShareClassSpec = t.TypeOf<typeof ShareClassSpec>;

export const IssuerRegistered = closed(
  'IssuerRegistered data {name, currency, classes, exchange?, ticker?, country?}',
  { name: ShortText, currency: CurrencyCode, classes: nonEmptyArray(ShareClassSpec, 'a non-empty list of share classes') },
  { exchange: ShortText, ticker: ShortText, country: CountryCode },
  [
    (d) => {
      const ids = d.classes.map((c) => c.class);
      const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
      return repeated ? { field: 'classes', message: `class ${repeated} is listed twice` } : undefined;
    },
  ],
);
export type IssuerRegistered = t.TypeOf<typeof IssuerRegistered>;

export const ShareClassAdded = closed('ShareClassAdded data {class, votesPerShare}', {
  class: ClassId,
  votesPerShare: VotesPerShare,
});
export type ShareClassAdded = t.TypeOf<typeof ShareClassAdded>;
