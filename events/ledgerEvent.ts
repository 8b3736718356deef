import type * as t from 'io-ts';
import { IPOCompleted, FundingRoundClosed, SharesIssued } from './issuanceEvents.js';
import { IssuerRegistered, ShareClassAdded } from './issuerEvents.js';
import { BlockSale, SharesRepurchased, SharesTransferred } from './movementEvents.js';
import { SharesConverted, StockSplit } from './capitalEvents.js';
import { EventRetracted, StakeDisclosed } from './disclosureEvents.js';
import { FxRateRecorded, HolderRegistered } from './registryEvents.js';
import type { IssuerId } from './scalars/issuerId.js';

/** The codec of every event type's data: the single definition of the event catalogue (docs/events.md). */
export const eventDataCodecs = {
  IssuerRegistered,
  ShareClassAdded,
  SharesIssued,
  FundingRoundClosed,
  IPOCompleted,
  BlockSale,
  SharesTransferred,
  SharesRepurchased,
  StockSplit,
  SharesConverted,
  StakeDisclosed,
  EventRetracted,
  HolderRegistered,
  FxRateRecorded,
} as const;

export type EventType = keyof typeof eventDataCodecs;
export type EventData<K extends EventType> = t.TypeOf<(typeof eventDataCodecs)[K]>;

/** One domain event: a type and its decoded data. A union, so a `switch` on `type` narrows `data`. */
export type LedgerEvent = { [K in EventType]: Readonly<{ type: K; data: EventData<K> }> }[EventType];

export const EVENT_TYPES = Object.keys(eventDataCodecs) as EventType[];
export const isEventType = (s: unknown): s is EventType =>
  typeof s === 'string' && Object.prototype.hasOwnProperty.call(eventDataCodecs, s);

export const encodeEventData = (event: LedgerEvent): Record<string, unknown> =>
  (eventDataCodecs[event.type] as t.Type<unknown, Record<string, unknown>, unknown>).encode(event.data);

// ---- streams (docs/events.md#streams) ----

export const HOLDERS_STREAM = 'holders';
export const FX_STREAM = 'fx';
const ISSUER_PREFIX = 'issuer-';

/** Stream ids by issuer, so that a million lines of one issuer share one id (a small cache, emptied when large). */
const issuerStreams = new Map<string, string>();

export const toIssuerStreamId = (issuer: IssuerId): string => {
  let stream = issuerStreams.get(issuer);
  if (stream === undefined) {
    if (issuerStreams.size >= 10_000) issuerStreams.clear();
    issuerStreams.set(issuer, (stream = `${ISSUER_PREFIX}${issuer}`));
  }
  return stream;
};
export const issuerOfStream = (stream: string): IssuerId | undefined =>
  stream.startsWith(ISSUER_PREFIX) ? (stream.slice(ISSUER_PREFIX.length) as IssuerId) : undefined;

/** Which stream an event type lives in; a retraction lives in the stream of the event it retracts. */
export type StreamKind = 'issuer' | 'holders' | 'fx' | 'target';
export const streamKindOf = (type: EventType): StreamKind =>
  type === 'HolderRegistered' ? 'holders' : type === 'FxRateRecorded' ? 'fx' : type === 'EventRetracted' ? 'target' : 'issuer';
