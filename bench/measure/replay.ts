import type { StoredEvent } from '../../events/index.js';
import { instantOf, issuerOfStream } from '../../events/index.js';
import { replayIssuer } from '../../projections/ownership.js';
import { END_OF_TIME, selectTimeline } from '../../projections/timeline.js';
import type { PlacedEvent } from '../../src/domain/timeline.js';
import { foldIssuer } from '../../src/snapshots.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { nowMs } from '../stats.js';
import { readAllByStream } from './storeEvents.js';

/**
 * Full replay the way the queries do it: every issuer stream's timeline as known now (retractions
 * applied, back-dated events in date order) folded through the domain's `evolveIssuer`.
 * Returns a checksum (holdings left) so no work can be skipped.
 */
const replayStreams = (streams: Map<string, StoredEvent[]>): { holdings: number; selectMs: number; evolveMs: number } => {
  const at = { asOf: END_OF_TIME, knownAt: instantOf(new Date()) };
  let holdings = 0;
  let selectMs = 0;
  let evolveMs = 0;
  for (const [stream, events] of streams) {
    const issuer = issuerOfStream(stream);
    if (!issuer) continue;
    const t0 = nowMs();
    const timeline: PlacedEvent[] = selectTimeline(events, at);
    const t1 = nowMs();
    const state = replayIssuer(issuer, timeline);
    evolveMs += nowMs() - t1;
    selectMs += t1 - t0;
    for (const byHolder of state.holdings.values()) holdings += byHolder.size;
  }
  return { holdings, selectMs, evolveMs };
};

/**
 * Full replay from SQLite: every event of every stream read from the timeline table (schema v2),
 * decoded from its replay code (checked, not cast), selected as of now (retractions applied, in
 * (date, revision) order straight from the index) and, for issuer streams, folded through
 * `evolveIssuer`. No snapshot is used or written, and events are streamed, not held.
 */
export const replaySqlite = async (args: { db: string }) => {
  const store = openSqliteStore(args.db);
  const reads = store.derivedReads;
  const at = { asOf: END_OF_TIME, knownAt: instantOf(new Date()) };
  const started = nowMs();
  let count = 0;
  let holdings = 0;
  let registered = 0;
  reads.consistent(() => {
    for (const stream of reads.streams()) {
      const issuer = issuerOfStream(stream);
      if (issuer) {
        const fold = foldIssuer(reads, issuer, at, undefined, reads.head(stream), false);
        count += fold.read;
        for (const byHolder of fold.state.holdings.values()) holdings += byHolder.size;
      } else {
        // Holders and fx: read and decoded (checked) like every event; no issuer state to fold.
        for (const { event } of reads.timeline(stream, '', at.asOf)) {
          if (event.type === 'HolderRegistered') registered++;
          count++;
        }
      }
    }
  });
  const ms = nowMs() - started;
  await store.close();
  return { events: count, ms, perSec: count / (ms / 1000), holdings, registered };
};

/** Select + evolve over events already decoded in memory (what a warm process pays). */
export const replayMemory = async (args: { db: string; rounds?: number }) => {
  const store = openSqliteStore(args.db);
  const { streams, count } = await readAllByStream(store);
  await store.close();
  replayStreams(streams); // warm-up: JIT and inline caches
  const rounds = args.rounds ?? 3;
  const times: number[] = [];
  let last = { holdings: 0, selectMs: 0, evolveMs: 0 };
  for (let i = 0; i < rounds; i++) {
    const started = nowMs();
    last = replayStreams(streams);
    times.push(nowMs() - started);
  }
  const ms = Math.min(...times);
  return { events: count, ms, perSec: count / (ms / 1000), rounds: times, ...last };
};
