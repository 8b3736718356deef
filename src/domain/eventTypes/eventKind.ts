import type { EventData, EventEnvelope, EventId, EventType, HolderId } from '../../../events/index.js';
import type { RegisterSteps } from '../registerSteps.js';

export type EnvelopeOf<K extends EventType> = Extract<EventEnvelope, { type: K }>;

/** Finds another event of the ledger by id (a retraction's summary names its target). */
export type FindEvent = (id: EventId) => EventEnvelope | undefined;

/**
 * Everything the ledger does with one event type, beside its codec (in `events/`). Every type has
 * one, in the module of its family; `eventKinds` lists them all, keyed by type, so a new type does
 * not compile until it says what it does.
 */
export type EventKind<K extends EventType> = Readonly<{
  /** What it does to its issuer's share register, step by step (see RegisterSteps); `noSteps` for none. */
  steps: (e: EnvelopeOf<K>, to: RegisterSteps) => void;
  /** Holders it names besides those its steps move (a disclosure's holder, a holder's controller). */
  names?: (data: EventData<K>) => ReadonlyArray<HolderId>;
  /** One line saying what it does, for people (the audit report's tables and CSV). */
  summary: (e: EnvelopeOf<K>, find: FindEvent) => string;
}>;

export const noSteps = (): void => {};

/** 1234567 → "1,234,567": share counts in summaries. */
export const grouped = (n: bigint | string): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "1 vote/share", "10 votes/share". */
export const votesText = (votesPerShare: number): string => `${votesPerShare} ${votesPerShare === 1 ? 'vote' : 'votes'}/share`;
