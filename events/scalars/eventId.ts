import { patternString } from './pattern.js';

export type EventId = string & { readonly EventId: unique symbol };

const HEX = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A UUID in any case; the ledger keeps (and writes) it in lower case. */
export const EventId = patternString<EventId>(
  'a UUID (8-4-4-4-12 hex digits)',
  new RegExp(`^${HEX}$`, 'i'),
  () => true,
  (s) => s.toLowerCase(),
  { source: HEX },
);
