import fs from 'node:fs';
import type { EventEnvelope, StoredEvent } from '../../events/index.js';
import { decodeDraft, FX_STREAM, HOLDERS_STREAM, instantOf, issuerOfStream, parseJson, toIssuerStreamId } from '../../events/index.js';
import { END_OF_TIME, selectTimeline } from '../../projections/timeline.js';
import { checkIssuerEvent } from '../../src/domain/issuerChecks.js';
import { evolveIssuer, initialIssuerState } from '../../src/domain/issuerState.js';
import { EMPTY_TIP, sealEvents, type StreamTip } from '../../src/store/hashChain.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { nowMs } from '../stats.js';
import { readAllByStream } from './storeEvents.js';

const BATCH = 20_000;

/**
 * Builds a store from a generated file WITHOUT the ledger's validation: only for sizes whose
 * `Ledger.import` does not finish in the time allowed, so replay and queries can still be
 * measured. The envelopes are sealed by the ledger's own hash chain and written through the
 * store's append, in batches; the generator's output is valid by construction (the 10k and 100k
 * files import cleanly, and tests/bench checks it), so the stored log is the one import would make.
 * As a further check, every issuer's final timeline is replayed through the domain's invariant
 * checks (what `verify` re-checks), and any rejection fails the build.
 */
export const buildFixture = async (args: { file: string; db: string }) => {
  const started = nowMs();
  const store = openSqliteStore(args.db);
  const recordedAt = instantOf(new Date());
  const tips = new Map<string, StreamTip>();
  const streamOfId = new Map<string, string>();
  let pending = new Map<string, EventEnvelope[]>();
  let pendingCount = 0;
  let events = 0;
  const flush = async (): Promise<void> => {
    const batches = [...pending].map(([stream, envelopes]) => {
      const tip = tips.get(stream) ?? EMPTY_TIP;
      const sealed: StoredEvent[] = sealEvents(stream, tip, envelopes, recordedAt, 'bench');
      const last = sealed[sealed.length - 1]!;
      tips.set(stream, { revision: last.revision, hash: last.hash });
      return { stream, expectedRevision: tip.revision, events: sealed };
    });
    await store.append(batches);
    pending = new Map();
    pendingCount = 0;
  };
  const text = fs.readFileSync(args.file, 'utf8');
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    const parsed = parseJson(line);
    const decoded = parsed.ok ? decodeDraft(parsed.value) : undefined;
    if (!decoded?.ok) throw new Error(`fixture line ${events + 1} does not decode`);
    const draft = decoded.value as EventEnvelope;
    const stream =
      draft.type === 'HolderRegistered'
        ? HOLDERS_STREAM
        : draft.type === 'FxRateRecorded'
          ? FX_STREAM
          : draft.type === 'EventRetracted'
            ? streamOfId.get(draft.data.eventId)!
            : toIssuerStreamId(draft.issuer!);
    streamOfId.set(draft.id, stream);
    let list = pending.get(stream);
    if (!list) pending.set(stream, (list = []));
    list.push(draft);
    events++;
    if (++pendingCount >= BATCH) await flush();
  }
  if (pendingCount) await flush();
  const buildMs = nowMs() - started;
  const checked = await checkTimelines(store);
  await store.close();
  return { events, ms: buildMs, checked, checkMs: nowMs() - started - buildMs };
};

/** Replays every issuer's timeline as known now through checkIssuerEvent; throws on the first rejection. */
const checkTimelines = async (store: ReturnType<typeof openSqliteStore>): Promise<number> => {
  const { streams } = await readAllByStream(store);
  const at = { asOf: END_OF_TIME, knownAt: instantOf(new Date()) };
  let checked = 0;
  for (const [stream, events] of streams) {
    const issuer = issuerOfStream(stream);
    if (!issuer) continue;
    const state = initialIssuerState(issuer);
    for (const e of selectTimeline(events, at)) {
      const problem = checkIssuerEvent(state, e);
      if (problem) throw new Error(`the generated ledger breaks an invariant at ${stream}: ${problem.message}`);
      evolveIssuer(state, e);
      checked++;
    }
  }
  return checked;
};
