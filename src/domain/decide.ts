import type { DraftEvent, EventEnvelope, EventId, IssuerId, StoredEvent } from '../../events/index.js';
import { FX_STREAM, HOLDERS_STREAM, issuerOfStream, sameContent, toIssuerStreamId } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import type { StakeChange } from './stakeChanges.js';
import { IssuerTimeline } from './issuerTimeline.js';
import { FxTimeline, HolderRegistryTimeline } from './registryTimelines.js';
import type { PlacedEvent } from './timeline.js';

export type StreamTimeline = IssuerTimeline | HolderRegistryTimeline | FxTimeline;

/** An event the ledger has already stored, as far as a decision needs to know it. */
export type StoredRef = Readonly<{ stream: string; revision: number; event: DraftEvent }>;

/** What a decision reads: the loaded timelines of the streams it touches, and id look-ups. */
export interface DecisionContext {
  timeline(stream: string): StreamTimeline;
  /** The stored event with this id, if any (looked up before deciding). */
  stored(id: EventId): StoredRef | undefined;
}

/** One submitted event: a draft with its id, and where it came from (an import line). */
export type Submission = Readonly<{ draft: DraftEvent; id: EventId; line?: number }>;

export type PlannedEvent = Readonly<{
  stream: string;
  revision: number;
  event: EventEnvelope;
  status: 'appended' | 'alreadyPresent';
  changes: ReadonlyArray<StakeChange>;
  line?: number;
}>;

export type Decision =
  | {
      ok: true;
      planned: PlannedEvent[];
      /**
       * For each planned event that is appended, the object its timeline holds, already laid out
       * as a stored event of its stream (recordedAt, actor and hashes empty): sealing fills those
       * in place (sealPlaced) instead of copying every event once more.
       */
      placed?: Array<PlacedEvent | undefined>;
    }
  | { ok: false; problem: Problem; line?: number };

/** The timeline of a stored stream (its events in revision order). */
export const timelineOf = (stream: string, events: ReadonlyArray<StoredEvent>): StreamTimeline => {
  if (events.length === 0) return emptyTimelineFor(stream);
  if (stream === HOLDERS_STREAM) return new HolderRegistryTimeline(events);
  if (stream === FX_STREAM) return new FxTimeline(events);
  const issuer = issuerOfStream(stream);
  if (!issuer) throw new Error(`not a ledger stream: ${stream}`);
  return IssuerTimeline.of(issuer, events);
};

/** The timeline of a stream, built empty for one that does not exist yet. */
export const emptyTimelineFor = (stream: string): StreamTimeline =>
  stream === HOLDERS_STREAM
    ? new HolderRegistryTimeline()
    : stream === FX_STREAM
      ? new FxTimeline()
      : IssuerTimeline.of(stream.slice('issuer-'.length) as IssuerId);

/** Which stream a draft belongs to; a retraction goes to the stream of the event it retracts. */
export const streamOfDraft = (
  draft: DraftEvent,
  locate: (id: EventId) => string | undefined,
): { stream: string } | { problem: Problem } => {
  switch (draft.type) {
    case 'HolderRegistered':
      return { stream: HOLDERS_STREAM };
    case 'FxRateRecorded':
      return { stream: FX_STREAM };
    case 'EventRetracted': {
      const target = locate(draft.data.eventId);
      if (target === undefined)
        return {
          problem: problem('UnknownEvent', `EventRetracted ${draft.date}: no event ${draft.data.eventId} in the ledger`, {
            eventId: draft.data.eventId,
          }),
        };
      if (draft.issuer !== undefined && target !== toIssuerStreamId(draft.issuer))
        return {
          problem: problem(
            'InvalidRetraction',
            `EventRetracted ${draft.date}: event ${draft.data.eventId} is in stream ${target}, not issuer-${draft.issuer}`,
            {
              eventId: draft.data.eventId,
            },
          ),
        };
      return { stream: target };
    }
    default:
      return { stream: toIssuerStreamId(draft.issuer!) };
  }
};

/**
 * Decides a batch of submissions (one `append`, or every line of an `import`, in order): each is
 * checked against the timeline that includes every earlier one (docs/stores.md). A repeated id with
 * identical content is already present; with other content it is rejected. The first rejection
 * rejects the whole batch. Pure: the timelines in `ctx` are advanced in memory only.
 */
export const decideBatch = (
  ctx: DecisionContext,
  submissions: ReadonlyArray<Submission>,
  /** Called with the number of submissions decided so far, now and then and at the end (progress bars). */
  progress?: (decided: number) => void,
): Decision => {
  const planned: PlannedEvent[] = [];
  const placedEvents: Array<PlacedEvent | undefined> = [];
  const inBatch = new Map<EventId, PlannedEvent>();
  const locate = (id: EventId) => inBatch.get(id)?.stream ?? ctx.stored(id)?.stream;
  for (let i = 0; i < submissions.length; i++) {
    if (progress && i % PROGRESS_EVERY === 0) progress(i);
    const { draft, id, line } = submissions[i]!;
    const reject = (p: Problem): Decision => (line !== undefined ? { ok: false, problem: p, line } : { ok: false, problem: p });
    const earlier = inBatch.get(id) ?? ctx.stored(id);
    if (earlier) {
      const other = earlier.event;
      if (!sameContent(other, draft))
        return reject(
          problem(
            'DuplicateEventId',
            `event id ${id} is already used by a different event (${other.type} ${other.date} in ${earlier.stream})`,
            {
              id,
              stream: earlier.stream,
              revision: earlier.revision,
            },
          ),
        );
      planned.push(plan(earlier.stream, earlier.revision, withId(draft, id), 'alreadyPresent', [], line));
      placedEvents.push(undefined);
      continue;
    }
    const where = streamOfDraft(draft, locate);
    if ('problem' in where) return reject(where.problem);
    const timeline = ctx.timeline(where.stream);
    const event = placed(draft, id, where.stream, timeline.nextRevision);
    const outcome = timeline.add(event);
    if ('problem' in outcome) return reject(outcome.problem);
    const p = plan(where.stream, event.revision, withId(draft, id), 'appended', outcome.changes, line);
    planned.push(p);
    placedEvents.push(event);
    inBatch.set(id, p);
  }
  progress?.(submissions.length);
  return { ok: true, planned, placed: placedEvents };
};

const PROGRESS_EVERY = 1_000;

/** A PlannedEvent, with `line` only when there is one (built directly: this runs for every imported line). */
const plan = (
  stream: string,
  revision: number,
  event: EventEnvelope,
  status: PlannedEvent['status'],
  changes: ReadonlyArray<StakeChange>,
  line: number | undefined,
): PlannedEvent => (line !== undefined ? { stream, revision, event, status, changes, line } : { stream, revision, event, status, changes });

/**
 * The draft with its id and revision, as its timeline keeps it, laid out as the stored event it
 * becomes (see Decision.placed): built field by field (a spread of drafts of several shapes is
 * the slow generic copy), optional fields last.
 */
const placed = (draft: DraftEvent, id: EventId, stream: string, revision: number): PlacedEvent => {
  const e: Record<string, unknown> = {
    id,
    stream,
    revision,
    type: draft.type,
    date: draft.date,
    data: draft.data,
    recordedAt: '',
    actor: '',
    prevHash: '',
    hash: '',
  };
  if (draft.issuer !== undefined) e['issuer'] = draft.issuer;
  if (draft.source !== undefined) e['source'] = draft.source;
  if (draft.note !== undefined) e['note'] = draft.note;
  return e as PlacedEvent;
};

/** The draft as an envelope with this id: the draft itself when it already carries it (an import line with its id). */
const withId = (draft: DraftEvent, id: EventId): EventEnvelope => (draft.id === id ? (draft as EventEnvelope) : { ...draft, id });
