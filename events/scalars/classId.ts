import { patternString } from './pattern.js';

export type ClassId = string & { readonly ClassId: unique symbol };
export const ClassId = patternString<ClassId>('a class id of letters, digits and "-" (1-32 chars)', /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/);
