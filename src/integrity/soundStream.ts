import { decodeStoredFast } from '../../events/storedFast.js';
import { FX_STREAM, HOLDERS_STREAM, IssuerId, issuerOfStream, type StoredEvent } from '../../events/index.js';
import { checkIssuerEvent } from '../domain/issuerChecks.js';
import { evolveIssuer, initialIssuerState } from '../domain/issuerState.js';
import { controlFold, fxRateProblem } from '../domain/registryTimelines.js';
import { hashOf } from '../store/hashChain.js';
import { deriveRow } from '../store/sqliteTimeline.js';
import { encodeState } from '../store/snapshotState.js';
import { isCostMethod } from '../../projections/costLots.js';
import { disposalFold } from '../../projections/disposals.js';
import type { CachedDisposal } from '../store/derivedReads.js';
import { isCachedAs, type DerivedRows, type DisposalFoldRow } from './derivedCheck.js';
import { misplaced } from './replayCheck.js';

/** A timeline row beside the envelope stored at its revision: [date, revision, body, id column, envelope] (null, null when none). */
export type PairedRow = readonly [string, number, string, string | null, string | null];

/**
 * A stream of an SQLite store with derived rows, as the fast check reads it: its timeline
 * rows in timeline order, each with its envelope, a page at a time; and its other derived rows.
 */
export type PairedStream = Readonly<{
  /** How many envelopes the stream holds. */
  events: number;
  pages(): Iterable<ReadonlyArray<PairedRow>>;
  retractions: DerivedRows['retractions'];
  /** The mention rows, read as they are compared (a `holders` stream has one per holder). */
  mentions(): Iterable<DerivedRows['mentions'][number]>;
  snapshots: DerivedRows['snapshots'];
  /** The stream's disposal caches (src/disposalCache.ts). */
  disposalCaches: ReadonlyArray<DisposalFoldRow>;
  /** A disposal cache's rows in seq order, read as they are compared. */
  disposals(method: string): Iterable<CachedDisposal>;
  /** The revision of the stream's event filed under `id` before `before`, or null (as the store derives a retraction's target). */
  targetRevision(id: string, before: number): number | null;
}>;

/** A stream found sound: how many events it holds, and the hash at a revision (for a digest). */
export type SoundStream = Readonly<{ events: number; hashAt(revision: number): string | undefined }>;

const HASH_BYTES = 32;
const GENESIS = Buffer.alloc(HASH_BYTES);

/**
 * What the one pass folds, in timeline order: `step` checks an event that counts against the state
 * before it and applies it (false when the check fails); `encoded` is the state as a snapshot
 * stores it, undefined for a stream that keeps no snapshots.
 */
type Fold = Readonly<{ step(e: StoredEvent): boolean; encoded(): string | undefined }>;

/** The fold of a stream's own rules (docs/invariants.md), the ones its exact replay applies; undefined for a stream of no known kind. */
const foldOf = (stream: string): Fold | undefined => {
  if (stream === HOLDERS_STREAM) {
    const cycle = controlFold();
    return { step: (e) => e.type === 'HolderRegistered' && cycle(e) === undefined, encoded: () => undefined };
  }
  if (stream === FX_STREAM) return { step: (e) => fxRateProblem(e) === undefined, encoded: () => undefined };
  const issuer = issuerOfStream(stream);
  if (issuer === undefined || !IssuerId.is(issuer)) return undefined;
  const state = initialIssuerState(issuer);
  return {
    step(e) {
      if (checkIssuerEvent(state, e) !== undefined) return false;
      evolveIssuer(state, e);
      return true;
    },
    encoded: () => encodeState(state),
  };
};

/** A disposal cache compared with the fold of the stream, row by row as the fold makes them. */
type CacheCheck = Readonly<{ fold: DisposalFoldRow; step(e: StoredEvent): boolean; finished(): boolean }>;

const cacheCheck = (issuer: IssuerId, fold: DisposalFoldRow, stored: Iterable<CachedDisposal>): CacheCheck | undefined => {
  if (!isCostMethod(fold.method)) return undefined;
  const rows = stored[Symbol.iterator]();
  let seq = 0;
  let same = true;
  const all = () => true;
  const step = disposalFold(issuer, fold.method, all, all, (d) => {
    const next = rows.next();
    same &&= !next.done && isCachedAs(next.value, seq, d);
    seq += 1;
  });
  return {
    fold,
    step(e) {
      step(e);
      return same;
    },
    finished: () => same && rows.next().done === true,
  };
};

/**
 * Proves a stream sound in one pass over its rows in timeline order, decoding each envelope
 * once, or says it cannot (undefined): then `verify` checks the stream the exact way, which finds
 * and words the problem (docs/integrity.md). What each step proves:
 * - each envelope decodes, sits at its row's revision in this stream, is filed under its own id and
 *   hashes to its `hash`; after the pass, revisions 0…n-1 each appear once, every `prevHash` is the
 *   previous hash and recordedAt never goes backwards: the chain holds, so the envelopes are as sealed;
 * - each timeline row's body is the one the envelope derives, every retraction row and mention is
 *   the one the envelopes give: the derived rows say what the envelopes say;
 * - so the timeline rows, read in their order, are the stream's timeline: folding it (as a replay
 *   does) re-checks every event that counts against the state before it, and every snapshot is
 *   compared with the fold at its date; every disposal cache folded at the head is compared, row
 *   by row, with the lot fold of the same events (its head and recordedAt too).
 * Only a few hashes, dates and names per event are kept, never the events.
 */
export const soundStream = (stream: string, rows: PairedStream, onRows?: (n: number) => void): SoundStream | undefined => {
  const fold = foldOf(stream);
  if (fold === undefined) return undefined;
  const n = rows.events;
  const seen = new Uint8Array(n);
  const hashes = Buffer.alloc(n * HASH_BYTES);
  // Each revision's recordedAt in epoch milliseconds: the stored form is canonical
  // (YYYY-MM-DDTHH:MM:SS.sssZ, checked by the decoder), so the numbers order as the texts do.
  const recordedMs = new Float64Array(n);
  // The prevHash of a revision read before the revision it links to (a back-dated event's
  // successor): checked, and dropped, when that one is read. Rows mostly come in revision order.
  const waiting = new Map<number, string>();
  const scratch = Buffer.alloc(HASH_BYTES);
  /** Whether `prevHash` is the hash of the revision before `revision` (the genesis hash before the first). */
  const linksBack = (prevHash: string, revision: number): boolean => {
    scratch.write(prevHash, 0, 'hex');
    return revision === 0 ? scratch.equals(GENESIS) : scratch.compare(hashes, (revision - 1) * HASH_BYTES, revision * HASH_BYTES) === 0;
  };
  const retractionAt = new Map(rows.retractions.map((r) => [r[0], r]));
  // The retracted ids, from the retraction rows: used only once every row is shown to match.
  const retractedAt = new Map<string, string>();
  for (const [, target, , at] of rows.retractions) {
    if (retractedAt.has(target)) return undefined; // retracted twice: the exact replay words it
    retractedAt.set(target, at);
  }
  const targetRevisions = new Set<number>();
  for (const [, , targetRevision] of rows.retractions) if (targetRevision !== null) targetRevisions.add(targetRevision);
  const targetTypes = new Map<number, string>();
  // Each name's first mention: the revision of the earliest (recordedAt, revision) naming it.
  const mentions = new Map<string, number>();
  const snapshots = [...rows.snapshots].filter((s) => s[2] <= n - 1).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let nextSnapshot = 0;
  let latest = '';
  const snapshotHolds = (upTo: string | undefined): boolean => {
    for (; nextSnapshot < snapshots.length && (upTo === undefined || snapshots[nextSnapshot]![0] < upTo); nextSnapshot++) {
      const [, at, , stored] = snapshots[nextSnapshot]!;
      // A stream that keeps no snapshots has none to hold: the exact check words the stray row.
      const state = fold.encoded();
      if (state === undefined || state !== stored || at < latest) return false;
    }
    return true;
  };
  // Disposal caches folded at the head (the reads use no other): each compared with the lot fold.
  const issuer = issuerOfStream(stream) as IssuerId | undefined;
  const caches: CacheCheck[] = [];
  for (const c of rows.disposalCaches) {
    if (c.revision !== n - 1) continue;
    const check = issuer === undefined ? undefined : cacheCheck(issuer, c, rows.disposals(c.method));
    if (check === undefined) return undefined;
    caches.push(check);
  }
  let headId: string | undefined;
  let headRecordedAt = '';
  let timelineRows = 0;
  for (const page of rows.pages()) {
    for (const [date, revision, body, indexedId, envelope] of page) {
      timelineRows += 1;
      if (envelope === null || revision < 0 || revision >= n || seen[revision] === 1) return undefined;
      seen[revision] = 1;
      const e = decoded(envelope);
      if (!e || e.stream !== stream || e.revision !== revision || e.date !== date || indexedId !== e.id.toLowerCase()) return undefined;
      // The decoder has checked that hash and prevHash are SHA-256 hex digests.
      if (hashOf(e) !== e.hash || misplaced(stream, e) !== undefined) return undefined;
      const derived = deriveRow(e);
      if (derived.body !== body) return undefined;
      hashes.write(e.hash, revision * HASH_BYTES, 'hex');
      recordedMs[revision] = Date.parse(e.recordedAt);
      // The chain: linked to the revision before once both are read, and recordedAt never going back.
      if (revision === 0 || seen[revision - 1] === 1) {
        if (!linksBack(e.prevHash, revision)) return undefined;
        if (revision > 0 && recordedMs[revision]! < recordedMs[revision - 1]!) return undefined;
      } else waiting.set(revision, e.prevHash);
      const next = waiting.get(revision + 1);
      if (next !== undefined) {
        waiting.delete(revision + 1);
        if (!linksBack(next, revision + 1) || recordedMs[revision + 1]! < recordedMs[revision]!) return undefined;
      }
      if (targetRevisions.has(revision)) targetTypes.set(revision, e.type);
      if (revision === n - 1) {
        headId = indexedId;
        headRecordedAt = e.recordedAt;
      }
      const retraction = retractionAt.get(revision);
      retractionAt.delete(revision);
      if (derived.retracts !== undefined) {
        if (!retraction || retraction[1] !== derived.retracts || retraction[3] !== e.recordedAt) return undefined;
        if (retraction[2] === null || retraction[2] !== rows.targetRevision(derived.retracts, revision)) return undefined;
      } else if (retraction) return undefined;
      for (const name of derived.mentions) {
        const known = mentions.get(name);
        const at = recordedMs[revision]!;
        if (known === undefined || at < recordedMs[known]! || (at === recordedMs[known] && revision < known)) mentions.set(name, revision);
      }
      if (e.type === 'EventRetracted') continue;
      if (!snapshotHolds(e.date)) return undefined;
      if (e.recordedAt > latest) latest = e.recordedAt;
      const retracted = retractedAt.get(e.id);
      if (retracted !== undefined) {
        if (retracted > latest) latest = retracted;
        continue;
      }
      if (!fold.step(e)) return undefined;
      for (const c of caches) if (!c.step(e)) return undefined;
    }
    onRows?.(page.length);
  }
  // Every revision 0…n-1 read once, so every link was checked (none is still waiting).
  if (timelineRows !== n || waiting.size > 0 || retractionAt.size > 0 || !snapshotHolds(undefined)) return undefined;
  // A retraction's target: an earlier event of the stream that may be retracted (the replay's rule).
  for (const [revision, , targetRevision] of rows.retractions) {
    const type = targetTypes.get(targetRevision!);
    if (targetRevision! >= revision || type === undefined || type === 'IssuerRegistered' || type === 'EventRetracted') return undefined;
  }
  if (!sameMentions(mentions, recordedMs, rows.mentions(), n - 1)) return undefined;
  // recordedAt never goes back (checked above), so the head's is the latest a cache read.
  for (const c of caches) if (!c.finished() || c.fold.headId !== headId || c.fold.recordedAt < headRecordedAt) return undefined;
  return {
    events: n,
    hashAt: (revision) => (revision < n ? hashes.toString('hex', revision * HASH_BYTES, (revision + 1) * HASH_BYTES) : undefined),
  };
};

const decoded = (envelope: string): StoredEvent | undefined => {
  try {
    const result = decodeStoredFast(JSON.parse(envelope));
    return result.ok ? result.value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Whether the stored mention rows are the first mentions the pass found (`expected`: name → revision,
 * whose recordedAt is `recordedMs[revision]`, stored as its canonical text).
 */
const sameMentions = (
  expected: ReadonlyMap<string, number>,
  recordedMs: Float64Array,
  stored: Iterable<DerivedRows['mentions'][number]>,
  head: number,
): boolean => {
  let count = 0;
  for (const [name, at, revision] of stored) {
    if (revision > head) continue; // left by a cut at the end: only a digest tells (derivedCheck.ts)
    count += 1;
    if (expected.get(name) !== revision || new Date(recordedMs[revision]!).toISOString() !== at) return false;
  }
  return count === expected.size;
};
