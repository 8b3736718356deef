import { patternString } from './pattern.js';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export type IssuerId = string & { readonly IssuerId: unique symbol };
export const IssuerId = patternString<IssuerId>('an id of lowercase letters, digits and "-" (1-64 chars)', SLUG);
