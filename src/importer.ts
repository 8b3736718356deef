import type { EventId, Instant } from '../events/index.js';
import { instantOf, utcDateOf } from '../events/index.js';
import {
  decideBatch,
  type Decision,
  type DecisionContext,
  type PlannedEvent,
  type StoredRef,
  type StreamTimeline,
  streamOfDraft,
  type Submission,
  timelineOf,
} from './domain/decide.js';
import { ImportIds } from './domain/eventIds.js';
import { FxTimeline } from './domain/registryTimelines.js';
import { LedgerError } from './domain/problem.js';
import { indexOfEvent, type PlacedEvent } from './domain/timeline.js';
import { UuidSet } from './domain/uuidSet.js';
import { jsonlGroups, type ParsedLine } from './jsonl.js';
import type { AppendBatch, EventStore } from './store/eventStore.js';
import { EMPTY_TIP, sealEvents, type StreamTip } from './store/hashChain.js';
import { BULK, isEmpty, lookUpStored } from './storedIds.js';

/**
 * The streamed import (docs/stores.md#import): a JSONL input read, decoded, decided, sealed and
 * written a chunk of lines at a time, so neither the file nor its events are held whole. What
 * carries over from one chunk to the next is what deciding the next line needs: the timelines of
 * the streams touched, the tips of their hash chains, the ids the file has used so far (UuidSet)
 * and the occurrence counts of repeated lines (ImportIds).
 *
 * All or nothing: an input of more than one chunk is imported inside `store.transaction` where the
 * store offers it (SQLite, memory), so the first rejected line, or a crash, undoes every chunk
 * before it. Without it (EventStoreDB) each chunk's batches are appended as they are decided, each
 * stream's batch atomic: a rejection or a crash leaves the chunks before it stored, and re-running
 * the import completes it (their lines are then already present). An input of one chunk is decided
 * before anything is written, and re-decided when a concurrent writer got in first, as `append` is.
 */

/** The input: the whole text or bytes, or its pieces as they arrive (a file stream, stdin). */
export type ImportInput = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export type StreamCounts = { appended: number; alreadyPresent: number };

export type ImportOptions = Readonly<{
  dryRun?: boolean;
  /** Told how many lines have been checked, now and then. */
  progress?: (checked: number) => void;
  /** Each line's outcome, in file order, once its chunk is stored (or, in a dry run, decided). */
  onEvent?: (planned: PlannedEvent) => void;
  /** Lines per chunk (tests use small ones to cross many chunk boundaries). */
  linesPerChunk?: number;
}>;

export type ImportSummary = Readonly<{
  appended: number;
  alreadyPresent: number;
  dryRun: boolean;
  /** Per stream, in the order the file first touches them. */
  streams: ReadonlyMap<string, StreamCounts>;
  elapsedMs: number;
}>;

export type ImportDeps = Readonly<{
  store: EventStore;
  actor: string;
  now: () => Date;
  /** Runs `work` again while it fails with a version conflict (the ledger's retry policy). */
  retrying: <A>(work: () => Promise<A>) => Promise<A>;
}>;

export const LINES_PER_CHUNK = 16_384;

/**
 * A stream as the import knows it: its timeline, and the tip its next chunk is sealed onto. Its
 * timeline has its earlier events folded into its state now and then (`foldEarlier`): it keeps
 * the events of its last `lookbackDays` and at least its last `keepEvents` events, and
 * `heldAtFold` is how many it held just after its last fold.
 */
type StreamState = {
  timeline: StreamTimeline;
  tip: StreamTip;
  lastRecordedAt: Instant | undefined;
  lookbackDays: number;
  keepEvents: number;
  heldAtFold: number;
};

/**
 * When and how far the import folds the earlier events of a timeline into its state (the
 * `foldedBefore` of IssuerTimeline, HolderRegistryTimeline and FxTimeline), so that what it keeps
 * follows the streams' recent events, not the file. A timeline is folded once it holds `growth`
 * times what it kept at its last fold (or `growth` times `keepEvents`, the first time): folding
 * then costs a constant per event. It keeps the events dated in the last `lookbackDays` of its
 * dates, and its last `keepEvents` events whatever their dates (the recent events a retraction
 * targets).
 *
 * A later line dated before what a timeline keeps makes the import read that stream whole again
 * from the store (which holds every earlier chunk, inside the import's transaction) and keep
 * `growth` times as many days back as that line went; the retraction of an event it has folded,
 * `growth` times as many events as followed the target. A file back-dated deeply thus costs a
 * few reads of its streams, not one per line, while what is kept grows only as far as the file
 * reaches back. Mutable so tests can fold small streams often.
 */
export const foldPolicy = { lookbackDays: 92, keepEvents: 32, growth: 1.5 };
const DAY_MS = 86_400_000;

const pieces = (input: ImportInput): Exclude<ImportInput, string | Uint8Array> =>
  typeof input === 'string' || input instanceof Uint8Array ? [input] : input;

export const importJsonl = async (deps: ImportDeps, input: ImportInput, options: ImportOptions = {}): Promise<ImportSummary> => {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const groups = jsonlGroups(pieces(input), options.linesPerChunk ?? LINES_PER_CHUNK);
  const first = await groups.next();
  const second = first.done ? first : await groups.next();
  const summary = (run: ImportRun): ImportSummary => ({
    appended: run.appended,
    alreadyPresent: run.alreadyPresent,
    dryRun,
    streams: run.counts,
    elapsedMs: performance.now() - started,
  });
  if (second.done) {
    // One chunk: decided before anything is written, and retried whole on a conflict.
    const lines = first.done ? [] : first.value;
    return deps.retrying(async () => {
      const run = new ImportRun(deps, options, lines.length >= BULK && (await isEmpty(deps.store)));
      await run.chunk(lines);
      return summary(run);
    });
  }
  const all = async (): Promise<ImportSummary> => {
    const run = new ImportRun(deps, options, await isEmpty(deps.store));
    await run.chunk(first.value!);
    await run.chunk(second.value);
    for await (const lines of groups) await run.chunk(lines);
    return summary(run);
  };
  return !dryRun && deps.store.transaction ? deps.store.transaction(all) : all();
};

class ImportRun {
  appended = 0;
  alreadyPresent = 0;
  readonly counts = new Map<string, StreamCounts>();
  private readonly streams = new Map<string, StreamState>();
  private readonly ids = new ImportIds();
  /**
   * Whether the store says which ids earlier chunks took: a store with transactions (SQLite,
   * memory) has them written inside the import's and finds any id by its index. Then nothing per
   * line is kept and timelines are folded (foldEarlier). Otherwise (a dry run writes nothing;
   * EventStoreDB finds an id only in the stream it names) the file's ids are kept in `fileIds`
   * and every event in its stream's timeline, as `inFile` needs.
   */
  private readonly indexed: boolean;
  /** Unless `indexed`: every id the file has used so far (each line's own or derived), whatever became of the line. */
  private readonly fileIds = new UuidSet();
  private checked = 0;
  private recordedAt: Instant;

  constructor(
    private readonly deps: ImportDeps,
    private readonly options: ImportOptions,
    /** The store held nothing when the import began: only the file itself can hold an id. */
    private readonly storeWasEmpty: boolean,
  ) {
    this.recordedAt = instantOf(deps.now());
    this.indexed = options.dryRun !== true && deps.store.transaction !== undefined;
  }

  async chunk(lines: ReadonlyArray<ParsedLine>): Promise<void> {
    const submissions: Submission[] = lines.map((l) => ({ draft: l.draft, id: this.ids.idFor(l.draft), line: l.line }));
    // The store is not asked while it is known to hold nothing, nor what only the file holds (see indexed).
    const asked = !this.storeWasEmpty || (this.indexed && this.checked > 0);
    const stored = asked ? await lookUpStored(this.deps.store, submissions) : new Map<EventId, StoredRef>();
    const earlier = this.indexed
      ? (id: EventId) => stored.get(id)
      : (id: EventId): StoredRef | undefined => stored.get(id) ?? this.inFile(id);
    await this.loadStreams(submissions, earlier);
    const ctx: DecisionContext = { timeline: (stream) => this.streams.get(stream)!.timeline, stored: earlier };
    const progress = this.options.progress;
    const decision = decideBatch(ctx, submissions, progress && ((n) => progress(this.checked + n)));
    if (!decision.ok) throw rejection(decision);
    if (!this.indexed) for (const s of submissions) this.fileIds.add(s.id);
    this.checked += submissions.length;
    if (!this.options.dryRun) await this.write(decision.planned, decision.placed!);
    if (this.indexed) this.foldEarlier();
    for (const p of decision.planned) {
      let counts = this.counts.get(p.stream);
      if (!counts) this.counts.set(p.stream, (counts = { appended: 0, alreadyPresent: 0 }));
      if (p.status === 'appended') counts.appended += 1;
      else counts.alreadyPresent += 1;
      this.options.onEvent?.(p);
    }
    const appended = decision.planned.reduce((n, p) => n + (p.status === 'appended' ? 1 : 0), 0);
    this.appended += appended;
    this.alreadyPresent += decision.planned.length - appended;
  }

  /**
   * Unless `indexed`, an earlier line's event with this id: only an id the file has used can be
   * one, and then it is in the timeline of the stream it went to (rare: a repeated id or a
   * retraction's target; such timelines are never folded).
   */
  private inFile(id: EventId): StoredRef | undefined {
    if (!this.fileIds.has(id)) return undefined;
    for (const [stream, { timeline }] of this.streams) {
      const known = timeline.find(id);
      if (known) return { stream, revision: known.event.revision, event: known.event };
    }
    return undefined;
  }

  /**
   * Reads the streams the chunk goes to that are not read yet (a retraction goes where its
   * target is), and reads whole again an issuer stream whose folded timeline cannot decide one of
   * the chunk's lines (see keeps).
   */
  private async loadStreams(submissions: ReadonlyArray<Submission>, earlier: (id: EventId) => StoredRef | undefined): Promise<void> {
    const targets = new Set<EventId>();
    for (const s of submissions) if (s.draft.type === 'EventRetracted') targets.add(s.draft.data.eventId);
    const submitted = new Set(submissions.map((s) => s.id));
    const inChunk = new Map<EventId, string>();
    for (const s of submissions) {
      const where = streamOfDraft(s.draft, (id) => inChunk.get(id) ?? earlier(id)?.stream);
      if (!('stream' in where)) continue;
      const known = this.streams.get(where.stream);
      const timeline = known?.timeline;
      if (!known) this.streams.set(where.stream, await this.readWhole(where.stream, foldPolicy.lookbackDays, foldPolicy.keepEvents));
      else if (timeline?.foldDate !== undefined && !keeps(timeline, s, earlier, submitted))
        this.streams.set(where.stream, await this.readAgain(where.stream, known, s.draft));
      if (targets.has(s.id)) inChunk.set(s.id, where.stream);
    }
  }

  private async readWhole(stream: string, lookbackDays: number, keepEvents: number): Promise<StreamState> {
    const events = await this.deps.store.readStream(stream);
    const last = events[events.length - 1];
    return {
      timeline: timelineOf(stream, events),
      tip: last ? { revision: last.revision, hash: last.hash } : EMPTY_TIP,
      lastRecordedAt: last?.recordedAt,
      lookbackDays,
      keepEvents,
      heldAtFold: 0,
    };
  }

  /**
   * Reads whole again a stream whose folded timeline cannot decide `draft` (see keeps), to keep
   * from then on `growth` times as far back as the draft reaches (see foldPolicy): its date, or
   * the place of the event it retracts.
   */
  private async readAgain(stream: string, known: StreamState, draft: Submission['draft']): Promise<StreamState> {
    const grown = (n: number) => Math.ceil(foldPolicy.growth * n);
    if (draft.type !== 'EventRetracted') {
      const latest = latestDate(known.timeline) ?? draft.date;
      const depth = Math.ceil((Date.parse(latest) - Date.parse(draft.date)) / DAY_MS);
      return this.readWhole(stream, Math.max(known.lookbackDays, grown(depth)), known.keepEvents);
    }
    const read = await this.readWhole(stream, known.lookbackDays, known.keepEvents);
    const timeline = read.timeline;
    const target = timeline.find(draft.data.eventId);
    const at = target === undefined ? -1 : indexOfEvent(timeline.events, target.event);
    if (at >= 0) read.keepEvents = Math.max(known.keepEvents, grown(timeline.events.length - at));
    return read;
  }

  /**
   * Folds the earlier events of each timeline that has grown enough since its last fold (see
   * foldPolicy): what validation keeps is then about the streams' recent events, not the file.
   * Only after a chunk is written, so the store holds whatever a later line may need read back.
   */
  private foldEarlier(): void {
    for (const state of this.streams.values()) {
      const timeline = state.timeline;
      const events = timeline.events;
      const held = events.length;
      if (held < foldPolicy.growth * Math.max(state.keepEvents, state.heldAtFold)) continue;
      const byDate = utcDateOf(new Date(Date.parse(events[held - 1]!.date) - state.lookbackDays * DAY_MS));
      const byCount = events[held - state.keepEvents]!.date;
      const folded = timeline.foldedBefore(byDate < byCount ? byDate : byCount);
      if (folded) state.timeline = folded;
      state.heldAtFold = (folded ?? timeline).events.length;
    }
  }

  /** Seals the chunk's new events onto their streams' chains and appends them, one batch per stream. */
  private async write(planned: ReadonlyArray<PlannedEvent>, placed: ReadonlyArray<PlacedEvent | undefined>): Promise<void> {
    const byStream = new Map<string, PlacedEvent[]>();
    planned.forEach((p, i) => {
      const event = placed[i];
      if (p.status !== 'appended' || !event) return;
      const list = byStream.get(p.stream);
      if (list) list.push(event);
      else byStream.set(p.stream, [event]);
    });
    if (byStream.size === 0) return;
    // recordedAt never goes backwards within a stream, even if the clock does.
    for (const stream of byStream.keys()) {
      const last = this.streams.get(stream)!.lastRecordedAt;
      if (last && last > this.recordedAt) this.recordedAt = last;
    }
    const batches: AppendBatch[] = [];
    for (const [stream, events] of byStream) {
      const state = this.streams.get(stream)!;
      // Sealed as copies: the timeline keeps its events without their hashes.
      const sealed = sealEvents(stream, state.tip, events, this.recordedAt, this.deps.actor);
      batches.push({ stream, expectedRevision: state.tip.revision, events: sealed });
      const last = sealed[sealed.length - 1]!;
      state.tip = { revision: last.revision, hash: last.hash };
      state.lastRecordedAt = this.recordedAt;
    }
    await this.deps.store.append(batches);
  }
}

/**
 * Whether a folded timeline decides `s` as the whole stream would (IssuerTimeline.foldedBefore,
 * HolderRegistryTimeline.foldedBefore, FxTimeline.foldedBefore): it is stored already (decided
 * without a timeline), dated on or after the fold or a rate (rates are independent of each other),
 * or the retraction of an event the timeline holds or the chunk submits.
 */
const keeps = (
  timeline: StreamTimeline,
  { draft, id }: Submission,
  earlier: (id: EventId) => StoredRef | undefined,
  submitted: ReadonlySet<EventId>,
): boolean => {
  if (earlier(id)) return true;
  if (draft.type !== 'EventRetracted') return timeline instanceof FxTimeline || draft.date >= timeline.foldDate!;
  return submitted.has(draft.data.eventId) || timeline.find(draft.data.eventId) !== undefined;
};

/** The latest date on a timeline, if it has events that count. */
const latestDate = (timeline: StreamTimeline): string | undefined => timeline.events[timeline.events.length - 1]?.date;

/** A decision's rejection as the error the import fails with, naming the line. */
const rejection = (decision: Extract<Decision, { ok: false }>): LedgerError => {
  const { problem: p, line } = decision;
  return new LedgerError(line === undefined ? p : { ...p, message: `line ${line}: ${p.message}`, details: { ...(p.details ?? {}), line } });
};
