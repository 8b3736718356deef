import type { HolderId, Instant, IssuerId, StoredEvent } from '../events/index.js';
import { isHolderNamed } from './domain/mentions.js';
import { fail } from './domain/problem.js';

/**
 * The two checks a question makes before it answers, whichever way it reads the ledger (replaying
 * envelopes, or a store's derived reads): an issuer or a holder the ledger had never heard of at
 * knownAt is an error, while a holder with 0 shares is an answer. Both ways give the same error,
 * word for word.
 */

/** What a question found of the issuer's stream. */
export type IssuerFound = Readonly<{
  /** Its IssuerRegistered was recorded by knownAt. */
  registered: boolean;
  /** It has events at all (recorded at any time): only the message says so. */
  hasEvents: boolean;
}>;

/** UnknownIssuer unless the issuer's registration was recorded by `knownAt`. */
export const checkIssuerKnown = (issuer: IssuerId, found: IssuerFound, knownAt: Instant): void => {
  if (found.registered) return;
  fail('UnknownIssuer', `unknown issuer ${issuer}${found.hasEvents ? ` (not registered as known at ${knownAt})` : ''}`, {
    issuer,
    knownAt,
  });
};

/** Whether the issuer's stream (its events, all of them) has a registration recorded by `knownAt`. */
export const issuerFoundIn = (events: ReadonlyArray<StoredEvent>, knownAt: Instant): IssuerFound => ({
  registered: events.some((e) => e.type === 'IssuerRegistered' && e.recordedAt <= knownAt),
  hasEvents: events.length > 0,
});

const recordedBy = function* (events: ReadonlyArray<StoredEvent>, knownAt: Instant): Iterable<StoredEvent> {
  for (const e of events) if (e.recordedAt <= knownAt) yield e;
};

/** Whether an event of one of the streams, recorded by `knownAt`, names the holder (`public` always is). */
export const isNamedIn = (streams: ReadonlyArray<ReadonlyArray<StoredEvent>>, holder: HolderId, knownAt: Instant): boolean =>
  streams.some((events) => isHolderNamed(recordedBy(events, knownAt), holder));

/**
 * Where the holder may be named: the events of the streams a question read, or a test of the
 * store's own (its derived reads of those streams).
 */
export type HolderNamedBy = ReadonlyArray<ReadonlyArray<StoredEvent>> | ((holder: HolderId, knownAt: Instant) => boolean);

/**
 * UnknownHolder unless an event recorded by `knownAt` names the holder; `where` says which
 * streams were looked at ("of sensetime", "of any issuer").
 */
export const checkHolderKnown = (holder: HolderId, namedBy: HolderNamedBy, knownAt: Instant, where: string): void => {
  const named = typeof namedBy === 'function' ? namedBy(holder, knownAt) : isNamedIn(namedBy, holder, knownAt);
  if (named) return;
  fail('UnknownHolder', `unknown holder ${holder}: no event ${where} and no HolderRegistered names it (as known at ${knownAt})`, {
    holder,
    knownAt,
  });
};
