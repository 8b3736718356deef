import type { HolderId, Instant, IssuerId } from '../events/index.js';
import { issuerOfStream, toIssuerStreamId } from '../events/index.js';
import type { CostMethod } from '../projections/costLots.js';
import { CACHED_METHOD, decodeDisposal, DisposalRowError, encodeDisposal } from '../projections/disposalRows.js';
import { disposalFold, type Disposal } from '../projections/disposals.js';
import { ALL_KNOWN, END_OF_TIME, type PointInTime } from '../projections/timeline.js';
import { selectRows } from './snapshots.js';
import type { DerivedReads } from './store/derivedReads.js';

/**
 * The disposal cache of a store with derived reads (docs/proceeds.md#cache): every `fifo` disposal
 * of an issuer stream, as the fold of the whole stream with full knowledge gives
 * them, tracking every holder. The proceeds of a busy issuer depend on nearly all of its events
 * (lots pass from holder to holder without consideration), so a holder's answer otherwise folds
 * the whole stream; with the cache it reads the holder's own disposals.
 *
 * Why a cached disposal is the one a question's own fold would give:
 * - The cache is tied to the head it folded (revision and the event's id): an append moves the
 *   head, and the cache is no longer used (the next long fold replaces it).
 * - Its recordedAt is the latest of every event and retraction it read: a question as known at
 *   that instant or later sees the same timeline. An earlier knownAt folds as before.
 * - A disposal depends only on the events before it in the timeline: `--to` keeps those dated up
 *   to it, `--from` and a group's membership filter them, as the fold does.
 * - Tracking every holder gives each holder the lots that tracking only its feeders gives.
 * Only `fifo` disposals are cached (CACHED_METHOD says why): an `avg` question folds.
 * `verify` checks every cache at its stream's head against the replay (docs/integrity.md).
 */

/**
 * `minEvents`: streams with fewer events are folded as before, and leave no cache; `batch`:
 * disposals written per transaction (bounded memory, few commits). Mutable so tests can cache
 * small streams in several batches.
 */
export const disposalCachePolicy = { minEvents: 20_000, batch: 16_384 };

const FULL_KNOWLEDGE: PointInTime = { asOf: END_OF_TIME, knownAt: ALL_KNOWN };

/**
 * The disposals of `sellers` in the issuer's stream under the method, for a question as known at
 * `knownAt`, from the stream's cache, or from a fold of the whole stream that leaves a cache
 * behind (written as the fold goes, through the store's cache writer); undefined under a method
 * other than CACHED_METHOD, when the stream is too short to cache, or when the question is older
 * than what the fold read. Synchronous: run it inside `reads.consistent`.
 */
export const streamDisposals = (
  reads: DerivedReads,
  issuer: IssuerId,
  method: CostMethod,
  sellers: ReadonlyArray<HolderId>,
  knownAt: Instant,
): Disposal[] | undefined => {
  if (method !== CACHED_METHOD) return undefined;
  const stream = toIssuerStreamId(issuer);
  const cache = reads.disposalCache(stream, method);
  // An older question folds as before, and leaves the cache as it is.
  if (cache && cache.recordedAt > knownAt) return undefined;
  if (cache) {
    try {
      return cache.of(sellers).map(([, seller, body]) => decodeDisposal(issuer, seller as HolderId, body));
    } catch (e) {
      // A damaged cache is only a lost shortcut: fold again, which replaces it.
      if (!(e instanceof DisposalRowError)) throw e;
    }
  }
  const head = reads.head(stream);
  if (head + 1 < disposalCachePolicy.minEvents) return undefined;
  const wanted = new Set<string>(sellers);
  const found: Disposal[] = [];
  const sink = reads.keepDisposals(stream, method, head);
  // Stops encoding once the store stops keeping (busy, or the stream moved).
  let keeping = sink !== undefined;
  let rows: Array<readonly [string, string]> = [];
  const step = disposalFold(
    issuer,
    method,
    () => true,
    () => true,
    (d) => {
      if (wanted.has(d.seller)) found.push(d);
      if (!keeping) return;
      rows.push([d.seller, encodeDisposal(d)]);
      if (rows.length >= disposalCachePolicy.batch) {
        keeping = sink!.write(rows);
        rows = [];
      }
    },
  );
  let recordedAt = '';
  const read = function* () {
    for (const entry of reads.timeline(stream, '', END_OF_TIME)) {
      if (entry.event.revision <= head && entry.recordedAt > recordedAt) recordedAt = entry.recordedAt;
      yield entry;
    }
  };
  for (const e of selectRows(reads, stream, '', FULL_KNOWLEDGE, read())) step(e);
  if (keeping && sink!.write(rows)) sink!.finish(recordedAt);
  return recordedAt <= knownAt ? found : undefined;
};

/**
 * Takes the cache of each issuer stream among `streams` that is long enough to have one and has
 * none at its head, as its first question would (after an import: that question then reads its
 * holder's disposals instead of folding the issuer). Damaged streams are left alone. Returns the
 * streams folded.
 */
export const takeDisposalCaches = (reads: DerivedReads, streams: Iterable<string>): string[] => {
  const folded: string[] = [];
  for (const stream of streams) {
    const issuer = issuerOfStream(stream);
    if (issuer === undefined) continue;
    reads.consistent(() => {
      if (reads.isDamaged(stream) || reads.head(stream) + 1 < disposalCachePolicy.minEvents) return;
      if (reads.disposalCache(stream, CACHED_METHOD) !== undefined) return;
      streamDisposals(reads, issuer, CACHED_METHOD, [], ALL_KNOWN);
      folded.push(stream);
    });
  }
  return folded;
};
