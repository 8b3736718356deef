import type { HolderId, Instant, IssuerId } from '../events/index.js';
import { FX_STREAM, HOLDERS_STREAM, issuerOfStream, PUBLIC, toIssuerStreamId } from '../events/index.js';
import { holdersFeeding, type Disposal } from '../projections/disposals.js';
import { historyOf, HOLDER_HISTORY_TYPES, holderHistoryOf, type HistoryJson } from '../projections/history.js';
import {
  foldsFromPart,
  isCounted,
  issuerDisposals,
  LOT_CONTEXT_TYPES,
  proceedsOf,
  proceedsTargets,
  type ProceedsAnswer,
  type ProceedsRequest,
} from '../projections/proceeds.js';
import { END_OF_TIME, type PointInTime } from '../projections/timeline.js';
import type { PlacedEvent } from './domain/timeline.js';
import { streamDisposals } from './disposalCache.js';
import { checkHolderKnown, checkIssuerKnown } from './knownNames.js';
import { selectRows } from './snapshots.js';
import type { DerivedReads } from './store/derivedReads.js';

/**
 * `history` and `proceeds` from a store's derived reads (EventStore.derivedReads): only the
 * streams that name the holder, and of those only the timeline rows that touch what the answer
 * depends on (docs/queries.md#history, docs/proceeds.md#lots). The same answers, and the same
 * errors, as the replay of envelopes in src/queries.ts; undefined when a stream's derived rows
 * are damaged, and then the caller replays.
 */

/** Past this many holders tracked in one issuer, its rows are decoded whole: a text match per holder and row costs more. */
const PICKED_HOLDERS = 16;

/** Whether any stream's derived rows are incomplete: the replay reads (and reports) them. */
const anyDamaged = (reads: DerivedReads): boolean => reads.streams().some((s) => reads.isDamaged(s));

const checkIssuer = (reads: DerivedReads, issuer: IssuerId, knownAt: Instant): void => {
  const stream = toIssuerStreamId(issuer);
  checkIssuerKnown(issuer, { registered: reads.isRegistered(stream, knownAt), hasEvents: reads.head(stream) >= 0 }, knownAt);
};

/** `history --issuer X [--holder H]`: with a holder, only the rows naming it and those that change the classes' outstanding shares. */
export const indexedHistory = (
  reads: DerivedReads,
  issuer: IssuerId,
  holder: HolderId | undefined,
  knownAt: Instant,
): HistoryJson | undefined =>
  reads.consistent(() => {
    const stream = toIssuerStreamId(issuer);
    if (reads.isDamaged(stream) || reads.isDamaged(HOLDERS_STREAM)) return undefined;
    checkIssuer(reads, issuer, knownAt);
    const at: PointInTime = { asOf: END_OF_TIME, knownAt };
    if (holder === undefined) return historyOf(issuer, [...selectRows(reads, stream, '', at)]);
    checkHolderKnown(holder, (h, k) => reads.isNamed([stream, HOLDERS_STREAM], h, k), knownAt, `of ${issuer}`);
    const rows = holder === PUBLIC ? undefined : reads.timelineTouching(stream, '', at.asOf, [holder], HOLDER_HISTORY_TYPES);
    return holderHistoryOf(issuer, selectRows(reads, stream, '', at, rows), holder);
  });

/**
 * The part of an issuer's timeline (at `at`) a holder's disposals depend on: the rows naming the
 * targets and everyone who passed them lots without consideration (`holdersFeeding`), found by
 * reading again while that set grows, and the rows of LOT_CONTEXT_TYPES; or the whole timeline.
 */
const lotTimeline = (reads: DerivedReads, stream: string, at: PointInTime, targets: HolderId[], whole: boolean): Iterable<PlacedEvent> => {
  const tracked = new Set(targets);
  for (;;) {
    // Read again on each pass, never held: the busiest issuer's timeline is hundreds of MB decoded.
    if (whole || tracked.size > PICKED_HOLDERS || tracked.has(PUBLIC))
      return { [Symbol.iterator]: () => selectRows(reads, stream, '', at) };
    const rows = reads.timelineTouching(stream, '', at.asOf, [...tracked], LOT_CONTEXT_TYPES);
    const timeline = [...selectRows(reads, stream, '', at, rows)];
    const before = tracked.size;
    for (const h of holdersFeeding(timeline, targets)) tracked.add(h);
    if (tracked.size === before) return timeline;
  }
};

/** The issuer streams where one of the targets may have disposed of shares, as known at knownAt, sorted. */
const issuerStreamsOf = (reads: DerivedReads, targets: HolderId[], knownAt: Instant): string[] => {
  // `public` is named without being written (a BlockSale's default buyer, a repurchase's default holder).
  const streams = targets.includes(PUBLIC) ? reads.streams() : targets.flatMap((h) => reads.streamsNaming(h, knownAt));
  return [...new Set(streams)].filter((s) => issuerOfStream(s) !== undefined).sort();
};

/** `proceeds`: the issuers naming the holder (or a group member), each from its disposal cache or folded from the rows its lots depend on. */
export const indexedProceeds = (
  reads: DerivedReads,
  request: ProceedsRequest,
  issuer: IssuerId | undefined,
  knownAt: Instant,
): ProceedsAnswer | undefined =>
  reads.consistent(() => {
    if (anyDamaged(reads)) return undefined;
    if (issuer !== undefined) checkIssuer(reads, issuer, knownAt);
    checkHolderKnown(
      request.holder,
      (h, k) =>
        h === PUBLIC ||
        reads.streamsNaming(h, k).some((s) => (s === HOLDERS_STREAM || issuerOfStream(s) !== undefined) && reads.isNamed([s], h, k)),
      knownAt,
      'of any issuer',
    );
    const everything: PointInTime = { asOf: END_OF_TIME, knownAt };
    // Rows read as they are folded, and only for a group: a holder's own proceeds need none of them.
    const who = proceedsTargets(selectRows(reads, HOLDERS_STREAM, '', everything), request);
    // Disposals after --to cannot depend on anything later: the timeline stops there.
    const at: PointInTime = { asOf: request.to ?? END_OF_TIME, knownAt };
    const streams = issuer !== undefined ? [toIssuerStreamId(issuer)] : issuerStreamsOf(reads, who.targets, knownAt);
    const found: Disposal[] = [];
    const counted = isCounted(request, who);
    for (const stream of streams) {
      const cached = streamDisposals(reads, issuerOfStream(stream)!, request.method, who.targets, knownAt);
      if (cached) {
        for (const d of cached) if (counted(d)) found.push(d);
        continue;
      }
      const timeline = lotTimeline(reads, stream, at, who.targets, !foldsFromPart(request));
      for (const d of issuerDisposals(issuerOfStream(stream)!, timeline, request, who)) found.push(d);
    }
    return proceedsOf(found, selectRows(reads, FX_STREAM, '', everything), request, who);
  });
