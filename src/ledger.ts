import type { DraftEvent, EventEnvelope, EventId, Instant, StoredEvent } from '../events/index.js';
import { decodeDraft, encodeContent, instantOf, utcDateOf } from '../events/index.js';
import {
  decideBatch,
  type DecisionContext,
  emptyTimelineFor,
  type PlannedEvent,
  type StoredRef,
  type StreamTimeline,
  streamOfDraft,
  type Submission,
  timelineOf,
} from './domain/decide.js';
import { newEventId } from './domain/eventIds.js';
import { IssuerTimeline } from './domain/issuerTimeline.js';
import { importJsonl, type ImportInput, type ImportOptions, type ImportSummary } from './importer.js';
import { BULK, isEmpty, lookUpStored } from './storedIds.js';
import { fail, isLedgerError, LedgerError, problem } from './domain/problem.js';
import type { AppendBatch, EventStore } from './store/eventStore.js';
import { EMPTY_TIP, sealEvents, sealPlaced, type StreamTip } from './store/hashChain.js';
import { issuerOfStream, toIssuerStreamId, type IssuerId } from '../events/index.js';
import { keepSnapshot, readSnapshotView, type SnapshotView } from './tailSnapshots.js';

export type AppendedEvent = Readonly<{ id: EventId; stream: string; revision: number; status: 'appended' | 'alreadyPresent' }>;

/** What an append, import, retraction or correction did (docs/cli.md `append`/`import` JSON, plus the stake changes). */
export type AppendReport = Readonly<{
  appended: number;
  alreadyPresent: number;
  dryRun: boolean;
  events: AppendedEvent[];
  planned: PlannedEvent[];
}>;

export type LedgerOptions = Readonly<{
  store: EventStore;
  actor: string;
  /** The clock; recordedAt and the default date of retractions come from it. */
  now?: () => Date;
  /** How often a conflicting concurrent append is re-read, re-validated and retried. */
  maxAttempts?: number;
}>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stream as read for one attempt; its timeline is dropped once the decision is made (see
 * attempt). `read`: on a store that keeps snapshots, what was read of an issuer stream (its
 * snapshot and tail, or all of it), to leave a new snapshot behind after the append.
 */
type Loaded = {
  timeline: StreamTimeline | undefined;
  tip: StreamTip;
  lastRecordedAt: Instant | undefined;
  read?: { view: SnapshotView } | { events: StoredEvent[] };
};

/**
 * The application service: reads the streams a command touches, decides, seals (revisions,
 * recordedAt, actor, hash chain) and appends with optimistic concurrency. A conflicting
 * concurrent writer makes it re-read, re-validate and retry (docs/stores.md).
 */
export class Ledger {
  readonly store: EventStore;
  readonly actor: string;
  private readonly now: () => Date;
  private readonly maxAttempts: number;

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.actor = options.actor;
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  /** Appends drafts given by hand (ids assigned when missing). */
  append(drafts: ReadonlyArray<DraftEvent>, options: { dryRun?: boolean } = {}): Promise<AppendReport> {
    const submissions = drafts.map((draft) => ({ draft, id: draft.id ?? newEventId() }));
    return this.submit(submissions, options.dryRun ?? false);
  }

  /**
   * Imports a JSONL file: all lines or none (docs/stores.md), ids derived for lines without one.
   * `progress` is told how many lines have been checked, now and then. The report lists every
   * line: for a file of millions, importStreamed hands them out one by one instead.
   */
  async import(input: ImportInput, options: { dryRun?: boolean; progress?: (checked: number) => void } = {}): Promise<AppendReport> {
    const planned: PlannedEvent[] = [];
    const summary = await this.importStreamed(input, { ...options, onEvent: (p) => planned.push(p) });
    return {
      appended: summary.appended,
      alreadyPresent: summary.alreadyPresent,
      dryRun: summary.dryRun,
      events: planned.map((p) => ({ id: p.event.id, stream: p.stream, revision: p.revision, status: p.status })),
      planned,
    };
  }

  /** The streamed import (src/importer.ts): read, checked and written a chunk at a time; each line's outcome goes to `onEvent`. */
  importStreamed(input: ImportInput, options: ImportOptions = {}): Promise<ImportSummary> {
    return importJsonl({ store: this.store, actor: this.actor, now: this.now, retrying: (work) => this.retrying(work) }, input, options);
  }

  /**
   * Retracts a stored event (docs/cli.md `retract`); the retraction is dated today unless `date` is
   * given. `issuer`: the issuer whose event it is, where a store that cannot look ids up in the
   * whole ledger (EventStoreDB) looks for it.
   */
  async retract(
    eventId: EventId,
    reason: string,
    options: { date?: string; dryRun?: boolean; issuer?: IssuerId } = {},
  ): Promise<AppendReport> {
    const target = await this.findTarget(eventId, options.issuer);
    const decoded = decodeDraft({
      type: 'EventRetracted',
      date: options.date ?? utcDateOf(this.now()),
      data: { eventId, reason },
      ...(target.issuer !== undefined ? { issuer: target.issuer } : {}),
    });
    if (!decoded.ok) return fail('InvalidInput', decoded.problems.map((p) => p.message).join('; '), { problems: decoded.problems });
    return this.append([decoded.value], { dryRun: options.dryRun ?? false });
  }

  /**
   * Corrects a stored event (docs/cli.md `correct`): the original with `data` fields replaced (a
   * null removes an optional field) and, if given, a new date, under a new id; appended together
   * with the original's retraction in one atomic append, validated as one change. `date` dates
   * both the retraction (else today) and the replacement (else the original's date).
   */
  async correct(
    eventId: EventId,
    patch: Readonly<{ data?: Record<string, unknown>; date?: string }>,
    reason: string,
    options: { dryRun?: boolean; issuer?: IssuerId } = {},
  ): Promise<AppendReport> {
    const target = await this.findTarget(eventId, options.issuer);
    if (target.type === 'EventRetracted' || target.type === 'IssuerRegistered')
      return fail('InvalidRetraction', `a ${target.type} event cannot be corrected (${eventId})`, { eventId });
    const original = encodeContent(target);
    const data: Record<string, unknown> = { ...(original['data'] as Record<string, unknown>) };
    for (const [key, value] of Object.entries(patch.data ?? {})) {
      if (value === null) delete data[key];
      else data[key] = value;
    }
    const decoded = decodeDraft({ ...original, data, date: patch.date ?? target.date });
    if (!decoded.ok)
      return fail('InvalidInput', `the corrected ${target.type}: ${decoded.problems.map((p) => p.message).join('; ')}`, {
        problems: decoded.problems,
      });
    const retraction = {
      type: 'EventRetracted',
      date: patch.date ?? utcDateOf(this.now()),
      data: { eventId, reason },
      ...(target.issuer !== undefined ? { issuer: target.issuer } : {}),
    } as DraftEvent;
    const retractionDecoded = decodeDraft({ ...encodeContent(retraction) });
    if (!retractionDecoded.ok)
      return fail('InvalidInput', retractionDecoded.problems.map((p) => p.message).join('; '), { problems: retractionDecoded.problems });
    return this.submit(
      [
        { draft: retractionDecoded.value, id: newEventId() },
        { draft: decoded.value, id: newEventId() },
      ],
      options.dryRun ?? false,
      true,
    );
  }

  /**
   * The event a retraction or correction targets: looked for in the issuer's stream when `issuer`
   * is given (the only way on EventStoreDB), else wherever the store can look. UnknownEvent if absent.
   */
  async findTarget(eventId: EventId, issuer: IssuerId | undefined): Promise<StoredEvent> {
    const stream = issuer === undefined ? undefined : toIssuerStreamId(issuer);
    const target = await this.store.findEvent(eventId, stream);
    if (!target)
      return fail('UnknownEvent', `no event ${eventId} in ${stream === undefined ? 'the ledger' : `stream ${stream}`}`, {
        eventId,
        ...(stream === undefined ? {} : { stream }),
      });
    return target;
  }

  private async submit(
    submissions: ReadonlyArray<Submission>,
    dryRun: boolean,
    correction = false,
    progress?: (decided: number) => void,
  ): Promise<AppendReport> {
    return this.retrying(() => this.attempt(submissions, dryRun, correction, progress));
  }

  /** Runs `work` again, after a short jittered wait, while it fails with a version conflict (up to maxAttempts). */
  private async retrying<A>(work: () => Promise<A>): Promise<A> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        if (!(isLedgerError(e) && e.problem.kind === 'VersionConflict') || attempt >= this.maxAttempts) {
          if (isLedgerError(e) && e.problem.kind === 'VersionConflict')
            throw new LedgerError(
              problem(
                'VersionConflict',
                `still conflicting with concurrent writers after ${attempt} attempts: ${e.message}`,
                e.problem.details as Record<string, unknown>,
              ),
            );
          throw e;
        }
        await sleep(Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  /**
   * The stored events among the submitted ids and retraction targets, each looked for in the stream
   * it would be in (a store without an index by id, EventStoreDB, looks only there): a retraction's
   * target in its issuer's stream when the retraction names one, then every submission in the
   * stream its content (or its target) puts it in. A large batch into an empty store (a first
   * import) looks nothing up; a store that finds ids in bulk is asked 500 at a time.
   */
  private async lookUpStored(submissions: ReadonlyArray<Submission>): Promise<Map<EventId, StoredRef>> {
    if (submissions.length >= BULK && (await isEmpty(this.store))) return new Map();
    return lookUpStored(this.store, submissions);
  }

  private async attempt(
    submissions: ReadonlyArray<Submission>,
    dryRun: boolean,
    correction: boolean,
    progress?: (decided: number) => void,
  ): Promise<AppendReport> {
    const stored = await this.lookUpStored(submissions);
    // Where each submission goes; where earlier ones go matters only for the ids that retractions
    // in the batch target. What goes to each stream is kept only where load can use it (snapshots).
    const targets = new Set<EventId>();
    for (const s of submissions) if (s.draft.type === 'EventRetracted') targets.add(s.draft.data.eventId);
    const keep = this.store.snapshots !== undefined;
    const bound = new Map<string, Submission[]>();
    const inBatch = new Map<EventId, string>();
    for (const s of submissions) {
      const where = streamOfDraft(s.draft, (id) => inBatch.get(id) ?? stored.get(id)?.stream);
      if (!('stream' in where)) continue;
      let list = bound.get(where.stream);
      if (!list) bound.set(where.stream, (list = []));
      if (keep) list.push(s);
      if (targets.has(s.id)) inBatch.set(s.id, where.stream);
    }
    const streams = new Map<string, Loaded>();
    for (const [stream, going] of bound) streams.set(stream, await this.load(stream, going, stored));
    const ctx: DecisionContext = {
      timeline: (stream) => {
        const loaded = streams.get(stream);
        if (!loaded) throw new Error(`stream ${stream} was not loaded`);
        if (!loaded.timeline) throw new Error(`stream ${stream} was decided already`);
        return loaded.timeline;
      },
      stored: (id) => stored.get(id),
    };
    const decision = correction ? decideCorrection(ctx, submissions) : decideBatch(ctx, submissions, progress);
    // The timelines (checkpoints, indexes, effects: hundreds of MB for a large import) are not
    // needed to seal and write: let them go before the store holds its share of memory.
    for (const loaded of streams.values()) loaded.timeline = undefined;
    if (!decision.ok) {
      const { problem: p, line } = decision;
      throw new LedgerError(
        line === undefined ? p : { ...p, message: `line ${line}: ${p.message}`, details: { ...(p.details ?? {}), line } },
      );
    }
    const appended = decision.planned.filter((p) => p.status === 'appended');
    const placed = 'placed' in decision ? decision.placed?.filter((e) => e !== undefined) : undefined;
    if (!dryRun && appended.length > 0) await this.store.append(this.seal(appended, streams, placed));
    for (const [stream, { read }] of streams) if (read) await keepSnapshot(this.store, issuerOfStream(stream)!, read);
    return {
      appended: appended.length,
      alreadyPresent: decision.planned.length - appended.length,
      dryRun,
      events: decision.planned.map((p) => ({ id: p.event.id, stream: p.stream, revision: p.revision, status: p.status })),
      planned: decision.planned,
    };
  }

  /**
   * A stream as the decision needs it. An issuer stream on a store that keeps snapshots starts from
   * its snapshot and tail (src/tailSnapshots.ts) when everything `bound` for it fits there: no
   * event dated before the snapshot's date, no retraction of an event the snapshot folds (the ids
   * are looked up in the whole stream already: lookUpStored). Else the whole stream is read.
   */
  private async load(stream: string, bound: ReadonlyArray<Submission>, stored: ReadonlyMap<EventId, StoredRef>): Promise<Loaded> {
    const issuer = issuerOfStream(stream);
    const view = issuer && this.store.snapshots ? await readSnapshotView(this.store, issuer) : undefined;
    if (issuer && view) {
      const { snapshot, tail } = view;
      const submitted = new Set(bound.map((s) => s.id));
      const fits = bound.every(({ draft, id }) => {
        if (stored.has(id)) return true;
        if (draft.type !== 'EventRetracted') return draft.date >= snapshot.date;
        const target = draft.data.eventId;
        return submitted.has(target) || (stored.get(target)?.revision ?? -1) > snapshot.revision;
      });
      if (fits) {
        const last = tail[tail.length - 1];
        return {
          timeline: IssuerTimeline.fromSnapshot(issuer, { state: view.state, revision: snapshot.revision }, tail),
          tip: last ? { revision: last.revision, hash: last.hash } : { revision: snapshot.revision, hash: snapshot.hash },
          lastRecordedAt: (last?.recordedAt ?? snapshot.recordedAt) as Instant,
          read: { view },
        };
      }
    }
    const events = await this.store.readStream(stream);
    const last = events[events.length - 1];
    return {
      timeline: events.length ? timelineOf(stream, events) : emptyTimelineFor(stream),
      tip: last ? { revision: last.revision, hash: last.hash } : EMPTY_TIP,
      lastRecordedAt: last?.recordedAt,
      ...(issuer && this.store.snapshots ? { read: view ? { view } : { events } } : {}),
    };
  }

  /** `placed`: the decision's objects for the appended events, in the same order, to be sealed in place. */
  private seal(appended: ReadonlyArray<PlannedEvent>, streams: Map<string, Loaded>, placed?: ReadonlyArray<EventEnvelope>): AppendBatch[] {
    const byStream = new Map<string, EventEnvelope[]>();
    appended.forEach((p, i) => {
      const event = placed ? placed[i]! : p.event;
      const list = byStream.get(p.stream);
      if (list) list.push(event);
      else byStream.set(p.stream, [event]);
    });
    // recordedAt never goes backwards within a stream, even if the clock does.
    let recordedAt = instantOf(this.now());
    for (const stream of byStream.keys()) {
      const last = streams.get(stream)?.lastRecordedAt;
      if (last && last > recordedAt) recordedAt = last;
    }
    return [...byStream].map(([stream, events]) => {
      const tip = streams.get(stream)!.tip;
      const sealed = placed
        ? sealPlaced(stream, tip, events, recordedAt, this.actor)
        : sealEvents(stream, tip, events, recordedAt, this.actor);
      return { stream, expectedRevision: tip.revision, events: sealed };
    });
  }
}

/** A correction: [retraction, replacement], validated together when they are in an issuer stream. */
const decideCorrection = (ctx: DecisionContext, submissions: ReadonlyArray<Submission>) => {
  const [retraction, replacement] = submissions;
  if (!retraction || !replacement || retraction.draft.type !== 'EventRetracted')
    throw new Error('a correction is a retraction and a replacement');
  const target = ctx.stored(retraction.draft.data.eventId);
  const timeline = target ? ctx.timeline(target.stream) : undefined;
  if (!target || !(timeline instanceof IssuerTimeline)) return decideBatch(ctx, submissions);
  const r = { ...retraction.draft, id: retraction.id, revision: timeline.nextRevision } as Parameters<IssuerTimeline['correct']>[0];
  const n = { ...replacement.draft, id: replacement.id, revision: timeline.nextRevision + 1 } as Parameters<IssuerTimeline['correct']>[1];
  const outcome = timeline.correct(r, n);
  if ('problem' in outcome) return { ok: false as const, problem: outcome.problem };
  return {
    ok: true as const,
    planned: [
      {
        stream: target.stream,
        revision: r.revision,
        event: { ...retraction.draft, id: retraction.id },
        status: 'appended' as const,
        changes: [],
      },
      {
        stream: target.stream,
        revision: n.revision,
        event: { ...replacement.draft, id: replacement.id },
        status: 'appended' as const,
        changes: outcome.changes,
      },
    ],
  };
};
