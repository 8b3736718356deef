import { patternString } from './pattern.js';

export type EventId = string & { readonly EventId: unique symbol };
export const EventId = patternString<EventId>(
  'a UUID (8-4-4-4-12 hex digits)',
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  () => true,
  (s) => s.toLowerCase(),
);
