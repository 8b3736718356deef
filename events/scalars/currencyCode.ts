import { patternString } from './pattern.js';

export type CurrencyCode = string & { readonly CurrencyCode: unique symbol };
export const CurrencyCode = patternString<CurrencyCode>('an ISO-4217 currency code (three capital letters)', /^[A-Z]{3}$/);
