import type { IssuerId, StoredEvent } from '../../events/index.js';
import { issuerOfStream } from '../../events/index.js';
import { ALL_KNOWN, END_OF_TIME, selectTimeline } from '../../projections/timeline.js';
import { evolveIssuer, initialIssuerState } from '../domain/issuerState.js';
import { deriveRow } from '../store/sqliteTimeline.js';
import { encodeState } from '../store/snapshotState.js';
import type { CachedDisposal } from '../store/derivedReads.js';
import { isCostMethod } from '../../projections/costLots.js';
import { encodeDisposal } from '../../projections/disposalRows.js';
import { eachDisposal, type Disposal } from '../../projections/disposals.js';

/**
 * The derived rows of one stream in an SQLite store of schema v2 (see src/store/sqliteSchema.ts),
 * as stored: what the fast reads use instead of the envelopes, so verify checks them against the
 * envelopes.
 */
export type DerivedRows = Readonly<{
  /** Timeline rows: [revision, date, body]. */
  timeline: ReadonlyArray<readonly [number, string, string]>;
  /** Retraction rows: [revision, target, target's revision or null, recordedAt]. */
  retractions: ReadonlyArray<readonly [number, string, number | null, string]>;
  /** Mention rows: [name, recordedAt, revision]. */
  mentions: ReadonlyArray<readonly [string, string, number]>;
  /** Snapshot rows: [date, recordedAt, revision, state]. */
  snapshots: ReadonlyArray<readonly [string, string, number, string]>;
  /** The disposal caches (src/disposalCache.ts), each with its rows in fold order. */
  disposalCaches: ReadonlyArray<DisposalCacheRows>;
}>;

/** A stream's disposal cache under one method, as stored: the head it folded (revision and id) and the latest recordedAt it read. */
export type DisposalFoldRow = Readonly<{ method: string; revision: number; headId: string; recordedAt: string }>;

/** A disposal cache and its rows [seq, seller, body]. */
export type DisposalCacheRows = DisposalFoldRow & Readonly<{ rows: ReadonlyArray<CachedDisposal> }>;

export type DerivedProblem = Readonly<{ revision: number; message: string }>;

/**
 * Where a stream's derived rows first disagree with its envelopes (`events`: the decoded rows
 * before the stream's first structural break, each at its row's revision). A row edited or
 * missing; a mention or snapshot that the envelopes do not give. Undefined when all agree.
 *
 * Rows past the stream's head are left alone: they are what a cut at the end leaves, which only a
 * saved digest can tell from a stream that never went further (docs/integrity.md), and the fast reads never
 * use them (snapshots of a later head are ignored; only `mentions` could still name a holder of a
 * deleted event, and verify with the digest reports the cut).
 */
export const firstDerivedBreak = (
  stream: string,
  events: ReadonlyArray<StoredEvent>,
  derived: DerivedRows,
  head: number,
): DerivedProblem | undefined => {
  const problems: DerivedProblem[] = [];
  const expectedMentions = new Map<string, { recordedAt: string; revision: number }>();
  const timeline = new Map(derived.timeline.map((row) => [row[0], row]));
  const retractions = new Map(derived.retractions.map((row) => [row[0], row]));
  const revisionOf = new Map<string, number>();
  for (const e of events) {
    const expected = deriveRow(e);
    const row = timeline.get(e.revision);
    timeline.delete(e.revision);
    if (!row) problems.push({ revision: e.revision, message: 'the event has no timeline row (derived data is missing)' });
    else if (row[1] !== e.date || row[2] !== expected.body)
      problems.push({ revision: e.revision, message: 'the timeline row disagrees with the envelope (derived data was edited)' });
    const retraction = retractions.get(e.revision);
    retractions.delete(e.revision);
    const targetRevision = expected.retracts === undefined ? undefined : (revisionOf.get(expected.retracts) ?? null);
    if (
      expected.retracts !== undefined
        ? !retraction || retraction[1] !== expected.retracts || retraction[2] !== targetRevision || retraction[3] !== e.recordedAt
        : retraction
    )
      problems.push({ revision: e.revision, message: 'the retraction row disagrees with the envelope (derived data was edited)' });
    revisionOf.set(e.id.toLowerCase(), e.revision);
    for (const name of expected.mentions) {
      const known = expectedMentions.get(name);
      if (!known || e.recordedAt < known.recordedAt) expectedMentions.set(name, { recordedAt: e.recordedAt, revision: e.revision });
    }
  }
  // Rows left over belong to no event of the stream (counted only below its sound part's end).
  const soundEnd = events.length;
  for (const [revision] of timeline) if (revision < soundEnd) problems.push({ revision, message: 'a timeline row has no event' });
  for (const [revision] of retractions) if (revision < soundEnd) problems.push({ revision, message: 'a retraction row has no retraction' });
  if (soundEnd > head) {
    const stored = new Map(derived.mentions.filter((m) => m[2] <= head).map(([name, at, revision]) => [name, { at, revision }]));
    for (const [name, { recordedAt, revision }] of expectedMentions) {
      const row = stored.get(name);
      if (row?.at !== recordedAt || row.revision !== revision)
        problems.push({ revision, message: `the mentions table disagrees about ${name} (derived data was edited)` });
      stored.delete(name);
    }
    for (const [name, { revision }] of stored)
      problems.push({ revision, message: `the mentions table names ${name}, which no event does` });
    const snapshot = snapshotBreak(
      stream,
      events,
      derived.snapshots.filter((s) => s[2] <= head),
      head,
    );
    if (snapshot) problems.push(snapshot);
    const cache = disposalCacheBreak(stream, events, derived.disposalCaches, head);
    if (cache) problems.push(cache);
  }
  return problems.reduce<DerivedProblem | undefined>((a, b) => (a === undefined || b.revision < a.revision ? b : a), undefined);
};

/**
 * Snapshots: each must be the state of a replay of the envelopes to the end of its date, and its
 * recordedAt no earlier than any event (or retraction) it depends on. One replay per stream.
 */
const snapshotBreak = (
  stream: string,
  events: ReadonlyArray<StoredEvent>,
  snapshots: DerivedRows['snapshots'],
  head: number,
): DerivedProblem | undefined => {
  if (snapshots.length === 0) return undefined;
  const issuer = issuerOfStream(stream) as IssuerId | undefined;
  if (!issuer) return { revision: head, message: 'a stream that is no issuer has snapshots' };
  const retractedAt = new Map<string, string>();
  for (const e of events)
    if (e.type === 'EventRetracted' && !retractedAt.has(e.data.eventId)) retractedAt.set(e.data.eventId, e.recordedAt);
  // Every event's latest dependency time, in timeline order (retracted ones included).
  const all = selectTimeline(
    events.filter((e) => e.type !== 'EventRetracted'),
    { asOf: END_OF_TIME, knownAt: ALL_KNOWN },
  );
  const counted = new Set(selectTimeline(events, { asOf: END_OF_TIME, knownAt: ALL_KNOWN }).map((e) => e.id));
  const state = initialIssuerState(issuer);
  const ordered = [...snapshots].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let i = 0;
  let latest = '';
  for (const [date, recordedAt, , stored] of ordered) {
    for (; i < all.length && all[i]!.date <= date; i++) {
      const e = all[i] as StoredEvent;
      if (e.recordedAt > latest) latest = e.recordedAt;
      const r = retractedAt.get(e.id);
      if (r !== undefined && r > latest) latest = r;
      if (counted.has(e.id)) evolveIssuer(state, e);
    }
    if (encodeState(state) !== stored || recordedAt < latest)
      return { revision: head, message: `the snapshot at ${date} is not the replay of the stream to that date (derived data was edited)` };
  }
  return undefined;
};

/** Whether a cache's row is the disposal the fold made `seq`-th. */
export const isCachedAs = (row: CachedDisposal, seq: number, d: Disposal): boolean =>
  row[0] === seq && row[1] === d.seller && row[2] === encodeDisposal(d);

/**
 * Disposal caches folded at the head: each must be every disposal of a replay of the envelopes
 * with full knowledge, in order, its head the stream's last event and its recordedAt no earlier
 * than any event's. A cache of another head, or one still being written (its head_id a build
 * token, storedRows.ts reads none), is never used (the reads tie it to the head's id) and is left
 * alone.
 */
const disposalCacheBreak = (
  stream: string,
  events: ReadonlyArray<StoredEvent>,
  caches: ReadonlyArray<DisposalCacheRows>,
  head: number,
): DerivedProblem | undefined => {
  const current = caches.filter((c) => c.revision === head);
  if (current.length === 0) return undefined;
  const issuer = issuerOfStream(stream) as IssuerId | undefined;
  const timeline = selectTimeline(events, { asOf: END_OF_TIME, knownAt: ALL_KNOWN });
  const latest = events.reduce((at, e) => (e.recordedAt > at ? e.recordedAt : at), '');
  for (const cache of current) {
    const expected: Disposal[] = [];
    if (issuer !== undefined && isCostMethod(cache.method))
      eachDisposal(
        issuer,
        timeline,
        cache.method,
        () => true,
        () => true,
        (d) => expected.push(d),
      );
    const same =
      issuer !== undefined &&
      cache.headId === events[head]?.id.toLowerCase() &&
      cache.recordedAt >= latest &&
      cache.rows.length === expected.length &&
      cache.rows.every((row, i) => isCachedAs(row, i, expected[i]!));
    if (!same)
      return { revision: head, message: `the ${cache.method} disposal cache is not the replay of the stream (derived data was edited)` };
  }
  return undefined;
};
