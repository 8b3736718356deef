import { patternString } from './pattern.js';
import { SLUG } from './issuerId.js';

export type HolderId = string & { readonly HolderId: unique symbol };
export const HolderId = patternString<HolderId>('a holder id of lowercase letters, digits and "-" (1-64 chars)', SLUG);

/** The reserved holder for the free float and unidentified holders. */
export const PUBLIC = 'public' as HolderId;
