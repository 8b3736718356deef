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
  /** The snapshot rows without their states: [date, recordedAt, revision]. */
  snapshots: ReadonlyArray<readonly [string, string, number]>;
  /**
   * The state the snapshot of this date stores, read when it is compared: a busy stream's states
   * add up to ~100 MB (co-0000's 285 at 10M events).
   */
  snapshotState(date: string): string | undefined;
  /** The stream's disposal caches (src/disposalCache.ts). */
  disposalCaches: ReadonlyArray<DisposalFoldRow>;
  /** A disposal cache's rows in seq order, read as they are compared. */
  disposals(method: string): Iterable<CachedDisposal>;
  /** The revision of the stream's event filed under `id` before `before`, or null (as the store derives a retraction's target). */
  targetRevision(id: string, before: number): number | null;
}>;

/** A stream found sound: how many events it holds, and the hash at a revision (for a digest). */
export type SoundStream = Readonly<{ events: number; hashAt(revision: number): string | undefined }>;

/** A proof that keeps only the hash at `at` (the revision a digest pins, if one does). */
export const pinned = (events: number, at: number | undefined, hash: string | undefined): SoundStream => ({
  events,
  hashAt: (revision) => (revision === at ? hash : undefined),
});

/** The prevHash of revision 0. */
const GENESIS = '0'.repeat(64);

/** What a link of the chain needs of one side of it: a hash (or prevHash), and recordedAt in epoch milliseconds. */
type LinkEnd = Readonly<{ hash: string; ms: number }>;

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
 * Only a byte per event is kept, and the ends of the links not yet checked (below), never the
 * events. `pinAt`: the revision whose hash the proof keeps (for a digest).
 */
export const soundStream = (stream: string, rows: PairedStream, onRows?: (n: number) => void, pinAt?: number): SoundStream | undefined => {
  const fold = foldOf(stream);
  if (fold === undefined) return undefined;
  const n = rows.events;
  const seen = new Uint8Array(n);
  // The chain is checked link by link as both ends are read. Rows come in timeline order, mostly
  // the revisions' order, so few links wait: `after` holds the hash of a revision read before the
  // one that follows it, `before` the prevHash of a revision read before the one it links to
  // (a back-dated event's successor); each with its recordedAt in epoch milliseconds (the stored
  // form is canonical, YYYY-MM-DDTHH:MM:SS.sssZ, checked by the decoder, so the numbers order as
  // the texts do). A link holds when the prevHash is the hash and recordedAt does not go back.
  const after = new Map<number, LinkEnd>();
  const before = new Map<number, LinkEnd>();
  const holds = (earlier: LinkEnd, later: LinkEnd): boolean => later.hash === earlier.hash && later.ms >= earlier.ms;
  let pinnedHash: string | undefined;
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
  // Each name's first mention: the earliest (recordedAt, revision) naming it.
  const mentions = new Map<string, Mention>();
  const snapshots = [...rows.snapshots].filter((s) => s[2] <= n - 1).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let nextSnapshot = 0;
  let latest = '';
  const snapshotHolds = (upTo: string | undefined): boolean => {
    for (; nextSnapshot < snapshots.length && (upTo === undefined || snapshots[nextSnapshot]![0] < upTo); nextSnapshot++) {
      const [date, at] = snapshots[nextSnapshot]!;
      // A stream that keeps no snapshots has none to hold: the exact check words the stray row.
      const state = fold.encoded();
      if (state === undefined || at < latest || state !== rows.snapshotState(date)) return false;
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
      const ms = Date.parse(e.recordedAt);
      if (revision === pinAt) pinnedHash = e.hash;
      // The link back: to the genesis hash, or to the revision before once both are read.
      if (revision === 0) {
        if (e.prevHash !== GENESIS) return undefined;
      } else if (seen[revision - 1] === 1) {
        const previous = after.get(revision - 1);
        after.delete(revision - 1);
        if (previous === undefined || !holds(previous, { hash: e.prevHash, ms })) return undefined;
      } else before.set(revision, { hash: e.prevHash, ms });
      // The link forward: to the revision after, if it was read first.
      if (revision + 1 < n) {
        if (seen[revision + 1] === 1) {
          const next = before.get(revision + 1);
          before.delete(revision + 1);
          if (next === undefined || !holds({ hash: e.hash, ms }, next)) return undefined;
        } else after.set(revision, { hash: e.hash, ms });
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
        if (known === undefined || ms < known.ms || (ms === known.ms && revision < known.revision)) mentions.set(name, { revision, ms });
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
  if (timelineRows !== n || before.size > 0 || after.size > 0 || retractionAt.size > 0 || !snapshotHolds(undefined)) return undefined;
  // A retraction's target: an earlier event of the stream that may be retracted (the replay's rule).
  for (const [revision, , targetRevision] of rows.retractions) {
    const type = targetTypes.get(targetRevision!);
    if (targetRevision! >= revision || type === undefined || type === 'IssuerRegistered' || type === 'EventRetracted') return undefined;
  }
  if (!sameMentions(mentions, rows.mentions(), n - 1)) return undefined;
  // recordedAt never goes back (checked above), so the head's is the latest a cache read.
  for (const c of caches) if (!c.finished() || c.fold.headId !== headId || c.fold.recordedAt < headRecordedAt) return undefined;
  return pinned(n, pinAt, pinnedHash);
};

const decoded = (envelope: string): StoredEvent | undefined => {
  try {
    const result = decodeStoredFast(JSON.parse(envelope));
    return result.ok ? result.value : undefined;
  } catch {
    return undefined;
  }
};

/** A name's first mention: the revision, and its recordedAt in epoch milliseconds. */
type Mention = Readonly<{ revision: number; ms: number }>;

/**
 * Whether the stored mention rows are the first mentions the pass found (`expected`: name → its
 * first mention, whose recordedAt is stored as its canonical text).
 */
const sameMentions = (expected: ReadonlyMap<string, Mention>, stored: Iterable<DerivedRows['mentions'][number]>, head: number): boolean => {
  let count = 0;
  for (const [name, at, revision] of stored) {
    if (revision > head) continue; // left by a cut at the end: only a digest tells (derivedCheck.ts)
    count += 1;
    const first = expected.get(name);
    if (first === undefined || first.revision !== revision || new Date(first.ms).toISOString() !== at) return false;
  }
  return count === expected.size;
};
