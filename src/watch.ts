import type { ClassId, HolderId, StoredEvent } from '../events/index.js';
import { issuerOfStream } from '../events/index.js';
import { IssuerTimeline, type StakeChange } from './domain/issuerTimeline.js';
import type { EventStore } from './store/eventStore.js';

/** One appended event as `watch` reports it: where it landed and the stakes it changed. */
export type WatchedEvent = Readonly<{ event: StoredEvent; changes: ReadonlyArray<StakeChange> }>;

/** Every holding of an issuer's current state, for the rare diff after a rebuild. */
const holdingsOf = (t: IssuerTimeline): Map<string, Readonly<{ class: ClassId; holder: HolderId; shares: bigint }>> => {
  const out = new Map<string, Readonly<{ class: ClassId; holder: HolderId; shares: bigint }>>();
  for (const [cls, byHolder] of t.endState.holdings)
    for (const [holder, shares] of byHolder) out.set(`${cls}\u0000${holder}`, { class: cls, holder, shares });
  return out;
};

/**
 * Follows a store (docs/cli.md `watch`): a catch-up subscription from the first event, yielding each
 * event with the stake changes it causes. Each issuer's timeline is kept as the ledger's own
 * validation keeps it, so an event costs what an append costs. A stored pair that only passes
 * together (a correction's retraction and replacement) is applied by rebuilding the issuer's
 * timeline and comparing its holdings before and after.
 */
export async function* watchLedger(
  store: EventStore,
  options: Readonly<{ stream?: string; signal: AbortSignal }>,
): AsyncGenerator<WatchedEvent> {
  const timelines = new Map<string, { timeline: IssuerTimeline; events: StoredEvent[] }>();
  for await (const event of store.subscribe(options)) {
    const issuer = issuerOfStream(event.stream);
    if (!issuer) {
      yield { event, changes: [] };
      continue;
    }
    let entry = timelines.get(event.stream);
    if (!entry) timelines.set(event.stream, (entry = { timeline: IssuerTimeline.of(issuer), events: [] }));
    entry.events.push(event);
    const outcome = entry.timeline.add(event);
    if ('changes' in outcome) {
      yield { event, changes: outcome.changes };
      continue;
    }
    const before = holdingsOf(entry.timeline);
    entry.timeline = IssuerTimeline.of(issuer, entry.events);
    const after = holdingsOf(entry.timeline);
    const changes: StakeChange[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const { class: cls, holder } = (after.get(key) ?? before.get(key))!;
      const was = before.get(key)?.shares ?? 0n;
      const now = after.get(key)?.shares ?? 0n;
      if (was !== now) changes.push({ class: cls, holder, before: was, after: now });
    }
    yield { event, changes };
  }
}
