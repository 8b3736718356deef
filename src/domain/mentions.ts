import type { ClassId, EventEnvelope, HolderId } from '../../events/index.js';
import { PUBLIC } from '../../events/index.js';
import { extraNamesOf, stepsOf } from './eventTypes/index.js';
import { IgnoreSteps } from './registerSteps.js';

/** The holders an event's steps move shares of or to. */
class Named extends IgnoreSteps {
  readonly holders: HolderId[] = [];
  private add(holder: HolderId): void {
    if (!this.holders.includes(holder)) this.holders.push(holder);
  }
  override issue(_cls: ClassId, holder: HolderId): void {
    this.add(holder);
  }
  override move(_cls: ClassId, from: HolderId, to: HolderId): void {
    this.add(from);
    this.add(to);
  }
  override cancel(_cls: ClassId, holder: HolderId): void {
    this.add(holder);
  }
  override convert(holder: HolderId): void {
    this.add(holder);
  }
}

/**
 * Every holder an event names (retracted or not), each once: how a query tells a holder the ledger
 * has never heard of (an error) from one that holds nothing at the date asked (an answer of 0).
 */
export const holdersNamedBy = (e: EventEnvelope): HolderId[] => {
  const named = new Named();
  stepsOf(e, named);
  for (const h of extraNamesOf(e)) if (!named.holders.includes(h)) named.holders.push(h);
  return named.holders;
};

/** Whether any of the events names `holder`. `public` is always known. */
export const isHolderNamed = (events: Iterable<EventEnvelope>, holder: HolderId): boolean => {
  if (holder === PUBLIC) return true;
  for (const e of events) if (holdersNamedBy(e).includes(holder)) return true;
  return false;
};
