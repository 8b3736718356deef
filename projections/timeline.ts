import type { EventId, Instant, IsoDate, StoredEvent } from '../events/index.js';
import { byEffectivePoint, type PlacedEvent } from '../src/domain/timeline.js';

/** The two times of a bitemporal query (docs/queries.md): the effective date and what the ledger knew then. */
export type PointInTime = Readonly<{ asOf: IsoDate; knownAt: Instant }>;

/** An asOf later than any effective date: "every date" (history, proceeds). */
export const END_OF_TIME = '9999-12-31' as IsoDate;

/** A knownAt later than any recordedAt: full knowledge (snapshots, disposal caches, verify's replays). */
export const ALL_KNOWN = '9999-12-31T23:59:59.999Z' as Instant;

/**
 * The timeline of one stream at a point in time (docs/queries.md): the events recorded by `knownAt`, minus
 * those retracted by a retraction recorded by then, minus the retractions themselves, dated on or
 * before `asOf`, in (date, revision) order. `streamEvents` is the stream in revision order.
 */
export const selectTimeline = (streamEvents: ReadonlyArray<StoredEvent>, at: PointInTime): PlacedEvent[] => {
  const { asOf, knownAt } = at;
  let retracted: Set<EventId> | undefined;
  for (let i = 0; i < streamEvents.length; i++) {
    const e = streamEvents[i]!;
    if (e.type === 'EventRetracted' && e.recordedAt <= knownAt) (retracted ??= new Set()).add(e.data.eventId);
  }
  // Streams are mostly appended in date order: events that keep the date order stay in `inOrder`
  // (already sorted by date, then revision); the back-dated ones are sorted apart and merged in.
  const inOrder: PlacedEvent[] = [];
  let backDated: PlacedEvent[] | undefined;
  let lastDate = '';
  for (let i = 0; i < streamEvents.length; i++) {
    const e = streamEvents[i]!;
    if (e.recordedAt > knownAt || e.date > asOf || e.type === 'EventRetracted' || (retracted !== undefined && retracted.has(e.id)))
      continue;
    if (e.date >= lastDate) {
      inOrder.push(e);
      lastDate = e.date;
    } else (backDated ??= []).push(e);
  }
  if (backDated === undefined) return inOrder;
  backDated.sort(byEffectivePoint);
  return mergeSorted(inOrder, backDated);
};

/** Merges two arrays sorted in timeline order. */
const mergeSorted = (a: PlacedEvent[], b: PlacedEvent[]): PlacedEvent[] => {
  const out = new Array<PlacedEvent>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = byEffectivePoint(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
};

/** The events of a stream the ledger had recorded by `knownAt` (retracted ones included). */
export const recordedBy = (streamEvents: ReadonlyArray<StoredEvent>, knownAt: Instant): StoredEvent[] =>
  streamEvents.filter((e) => e.recordedAt <= knownAt);
