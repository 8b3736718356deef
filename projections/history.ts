import type { ClassId, EventId, EventType, HolderId, Instant, IsoDate, IssuerId, StoredEvent } from '../events/index.js';
import {
  evolveIssuer,
  initialIssuerState,
  type IssuerState,
  outstandingOf,
  positionsTouched,
  sharesOf,
} from '../src/domain/issuerState.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { compareText, formatShareOf } from './format.js';
import { END_OF_TIME, selectTimeline } from './timeline.js';

export type HistoryEntryJson = {
  date: IsoDate;
  eventId: EventId;
  type: EventType;
  holder: HolderId;
  class: ClassId;
  sharesBefore: string;
  sharesAfter: string;
  percentOfClassBefore: string | null;
  percentOfClassAfter: string | null;
};

/** docs/cli.md `history`. */
export type HistoryJson = { issuer: IssuerId; entries: HistoryEntryJson[] };

type Position = { cls: ClassId; holder: HolderId; shares: bigint; outstanding: bigint };

const keyOf = (cls: ClassId, holder: HolderId): string => `${cls}\u0000${holder}`;

/** The positions an event may change, with their shares and class outstanding before it applies. */
const positionsBefore = (s: IssuerState, touched: Iterable<[ClassId, HolderId]>, only: HolderId | undefined): Map<string, Position> => {
  const positions = new Map<string, Position>();
  for (const [cls, holder] of touched) {
    if (only !== undefined && holder !== only) continue;
    const key = keyOf(cls, holder);
    if (!positions.has(key)) positions.set(key, { cls, holder, shares: sharesOf(s, cls, holder), outstanding: outstandingOf(s, cls) });
  }
  return positions;
};

/**
 * Every change of a holding in an issuer's timeline (docs/queries.md#history), for one holder or all: the
 * shares and % of class before and after each event that changed it, in timeline order, then by
 * class and holder. Outstanding before/after is that of the position's class.
 */
export const historyOf = (issuer: IssuerId, timeline: ReadonlyArray<PlacedEvent>, holder?: HolderId): HistoryJson => {
  const state = initialIssuerState(issuer);
  const entries: HistoryEntryJson[] = [];
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i]!;
    const positions = positionsBefore(state, positionsTouched(state, e), holder);
    evolveIssuer(state, e);
    if (positions.size === 0) continue;
    const changed: HistoryEntryJson[] = [];
    for (const p of positions.values()) {
      const after = sharesOf(state, p.cls, p.holder);
      if (after === p.shares) continue;
      changed.push({
        date: e.date,
        eventId: e.id,
        type: e.type,
        holder: p.holder,
        class: p.cls,
        sharesBefore: p.shares.toString(),
        sharesAfter: after.toString(),
        percentOfClassBefore: formatShareOf(p.shares, p.outstanding),
        percentOfClassAfter: formatShareOf(after, outstandingOf(state, p.cls)),
      });
    }
    changed.sort((a, b) => compareText(a.class, b.class) || compareText(a.holder, b.holder));
    for (const c of changed) entries.push(c);
  }
  return { issuer, entries };
};

/** History at `knownAt`, over every effective date (docs/queries.md#history). Pure. */
export const projectHistory = (
  issuerEvents: ReadonlyArray<StoredEvent>,
  issuer: IssuerId,
  knownAt: Instant,
  holder?: HolderId,
): HistoryJson => historyOf(issuer, selectTimeline(issuerEvents, { asOf: END_OF_TIME, knownAt }), holder);
