import { patternString } from './pattern.js';

/** A country as OCF names the issuer's country of formation: ISO 3166-1 alpha-2, two capital letters. */
export type CountryCode = string & { readonly CountryCode: unique symbol };
export const CountryCode = patternString<CountryCode>('an ISO 3166-1 alpha-2 country code (two capital letters)', /^[A-Z]{2}$/);
