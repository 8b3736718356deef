import type { EventEnvelope, EventId, StoredEvent } from '../../events/index.js';
import { problem, type Problem } from './problem.js';

/** An event with its place in its stream: enough to order it on the timeline. */
export type PlacedEvent = EventEnvelope & Readonly<{ revision: number }>;

/** Timeline order (docs/invariants.md): effective date, then revision. */
export const byEffectivePoint = (a: PlacedEvent, b: PlacedEvent): number =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : a.revision - b.revision;

/** Index of the first event that comes after `e` in timeline order (binary search). */
export const insertionIndex = (sorted: ReadonlyArray<PlacedEvent>, e: PlacedEvent): number => {
  // Most events go at the end: one comparison instead of a search of the whole timeline.
  const last = sorted[sorted.length - 1];
  if (last === undefined || byEffectivePoint(last, e) <= 0) return sorted.length;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byEffectivePoint(sorted[mid]!, e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Index of the first event of a sorted timeline dated on or after `date`. */
export const firstOnOrAfter = (sorted: ReadonlyArray<PlacedEvent>, date: string): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Index of `e` itself in a sorted timeline, or -1. */
export const indexOfEvent = (sorted: ReadonlyArray<PlacedEvent>, e: PlacedEvent): number => {
  const i = insertionIndex(sorted, e) - 1;
  return i >= 0 && sorted[i]!.id === e.id ? i : -1;
};

export type KnownEvent = { readonly event: PlacedEvent; retracted: boolean };

/** docs/invariants.md: a retraction targets an event of the same stream, not retracted, not IssuerRegistered, not a retraction. */
export const checkRetractionTarget = (
  stream: string,
  target: KnownEvent | undefined,
  retraction: Extract<EventEnvelope, { type: 'EventRetracted' }>,
): Problem | undefined => {
  const id = retraction.data.eventId;
  if (!target)
    return problem('UnknownEvent', `EventRetracted ${retraction.date}: no event ${id} in stream ${stream}`, { eventId: id, stream });
  const t = target.event;
  if (target.retracted)
    return problem('InvalidRetraction', `EventRetracted: ${t.type} ${t.date} (${id}) is already retracted`, { eventId: id });
  if (t.type === 'IssuerRegistered')
    return problem('InvalidRetraction', `EventRetracted: an IssuerRegistered event cannot be retracted (${id})`, { eventId: id });
  if (t.type === 'EventRetracted')
    return problem('InvalidRetraction', `EventRetracted: a retraction cannot be retracted (${id}); append the event again instead`, {
      eventId: id,
    });
  return undefined;
};

/**
 * Splits a stream (in revision order) into what counts now: every event that is not a retraction
 * and not retracted, and the index of every event by id.
 */
export const indexStream = (
  events: ReadonlyArray<StoredEvent | PlacedEvent>,
): { known: Map<EventId, KnownEvent>; active: PlacedEvent[] } => {
  const known = new Map<EventId, KnownEvent>();
  for (const e of events) {
    known.set(e.id, { event: e, retracted: false });
    if (e.type === 'EventRetracted') {
      const target = known.get(e.data.eventId);
      if (target) target.retracted = true;
    }
  }
  const active = [...known.values()].filter((k) => !k.retracted && k.event.type !== 'EventRetracted').map((k) => k.event);
  // Streams are mostly appended in date order: sort only when they are not.
  let sorted = true;
  for (let i = 1; i < active.length && sorted; i++) sorted = byEffectivePoint(active[i - 1]!, active[i]!) <= 0;
  if (!sorted) active.sort(byEffectivePoint);
  return { known, active };
};
