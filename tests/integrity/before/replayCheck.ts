import {
  FX_STREAM,
  HOLDERS_STREAM,
  IssuerId,
  issuerOfStream,
  streamKindOf,
  toIssuerStreamId,
  type StoredEvent,
} from '../../../events/index.js';
import { IssuerTimeline } from '../../../src/domain/issuerTimeline.js';
import { FxTimeline, HolderRegistryTimeline } from '../../../src/domain/registryTimelines.js';
import type { Problem } from '../../../src/domain/problem.js';

/** Where a stream's replay first fails, and why. */
export type InvariantBreak = Readonly<{ revision: number; message: string }>;

type Timeline = IssuerTimeline | HolderRegistryTimeline | FxTimeline;

const timelineFor = (stream: string): Timeline | undefined => {
  if (stream === HOLDERS_STREAM) return new HolderRegistryTimeline();
  if (stream === FX_STREAM) return new FxTimeline();
  const issuer = issuerOfStream(stream);
  return issuer !== undefined && IssuerId.is(issuer) ? IssuerTimeline.of(issuer) : undefined;
};

/** The stream an event belongs in (docs/events.md#streams); a retraction without an issuer lives beside its target, which the timeline checks. */
const homeOf = (stream: string, e: StoredEvent): string | undefined => {
  switch (streamKindOf(e.type)) {
    case 'holders':
      return e.issuer === undefined ? HOLDERS_STREAM : undefined;
    case 'fx':
      return e.issuer === undefined ? FX_STREAM : undefined;
    case 'issuer':
      return e.issuer === undefined ? undefined : toIssuerStreamId(e.issuer);
    case 'target':
      return e.issuer === undefined ? stream : toIssuerStreamId(e.issuer);
  }
};

const misplaced = (stream: string, e: StoredEvent): string | undefined => {
  if (homeOf(stream, e) === stream) return undefined;
  const names = e.issuer !== undefined ? `names issuer ${e.issuer}` : 'names no issuer';
  return `${e.type} ${e.date} (${e.id}) ${names} but is stored in stream ${stream}`;
};

const describe = (p: Problem): string => `${p.kind}: ${p.message}`;

/**
 * A correction (docs/cli.md `correct`) is stored as a retraction followed by its replacement, appended
 * together and validated as one change: the retraction alone may break a later event that the
 * replacement keeps possible. Recognised by what `correct` writes: the very next event, recorded
 * in the same append, of the retracted event's type.
 */
const asCorrection = (timeline: Timeline, retraction: StoredEvent, next: StoredEvent | undefined): Problem | 'passed' | undefined => {
  if (!(timeline instanceof IssuerTimeline) || retraction.type !== 'EventRetracted' || next === undefined) return undefined;
  const target = timeline.find(retraction.data.eventId);
  if (!target || next.type !== target.event.type || next.recordedAt !== retraction.recordedAt || next.actor !== retraction.actor)
    return undefined;
  const outcome = timeline.correct(retraction, next);
  return 'problem' in outcome ? outcome.problem : 'passed';
};

/**
 * Replays a stream (events in revision order, chain already verified) through a fresh timeline,
 * exactly as each event was validated when it was appended (docs/invariants.md); also checks that every event
 * sits in its own stream and that recordedAt never goes backwards. The first event that fails.
 * `cutShort`: the stream goes on past `events` but cannot be trusted there (a chain break); a
 * retraction at the very end may then be half of a correction and is not judged alone.
 */
export const firstInvariantBreak = (stream: string, events: ReadonlyArray<StoredEvent>, cutShort = false): InvariantBreak | undefined => {
  const timeline = timelineFor(stream);
  if (!timeline)
    return events.length > 0 ? { revision: 0, message: `${stream} is not a ledger stream (issuer-<id>, holders or fx)` } : undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const wrongStream = misplaced(stream, e);
    if (wrongStream) return { revision: e.revision, message: wrongStream };
    const previous = events[i - 1];
    if (previous && e.recordedAt < previous.recordedAt)
      return { revision: e.revision, message: `recordedAt ${e.recordedAt} is earlier than the previous event's ${previous.recordedAt}` };
    const outcome = timeline.add(e);
    if (!('problem' in outcome)) continue;
    const next = events[i + 1];
    const correction = asCorrection(timeline, e, next);
    if (correction === 'passed') {
      i += 1; // the replacement was validated with its retraction (same recordedAt, so in order)
      continue;
    }
    if (cutShort && next === undefined && e.type === 'EventRetracted') return undefined;
    return { revision: e.revision, message: describe(correction ?? outcome.problem) };
  }
  return undefined;
};
