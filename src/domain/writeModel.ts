import { type IssuerId, type StoredEvent, toIssuerStreamId } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { checkIssuerEvent } from './issuerChecks.js';
import { evolveIssuer, initialIssuerState, type IssuerState } from './issuerState.js';
import { checkRetractionTarget, indexStream, type PlacedEvent } from './timeline.js';

/**
 * The write model of an issuer's stream, stated as plainly as possible: this is the definition of
 * which events the ledger accepts, not the code that decides them on append and import.
 *
 * A stream (events in revision order) is valid when its active events (every event that is not a
 * retraction and not retracted), replayed in timeline order (effective date, then revision) from
 * the initial state, each pass `checkIssuerEvent` on the state left by the events before them
 * (each is then applied with `evolveIssuer`). A back-dated event or a retraction is therefore
 * judged by its effect on the whole timeline: every later event must still pass at its place.
 *
 * IssuerTimeline (issuerTimeline.ts) decides the same thing without replaying the stream for each
 * event; tests/timeline.property.test.ts and tests/timelineCheckpoints.property.test.ts check, on
 * random streams, that it accepts and rejects exactly what `accepts` does and reaches the same
 * states as `replayChecked`; tests/timelineCorrection.property.test.ts does the same for
 * corrections (`acceptsCorrection`). This code favours being obviously right over being fast: it
 * replays the whole stream each time.
 */

/** The outcome of a checked replay: the end state and active timeline, or the first event that fails and why. */
export type CheckedReplay =
  | { ok: true; state: IssuerState; active: PlacedEvent[] }
  | { ok: false; problem: Problem; failedAt: PlacedEvent; state: IssuerState; active: PlacedEvent[] };

/** Replays a whole stream (in revision order), checking every active event at its place on the timeline. */
export const replayChecked = (issuer: IssuerId, stream: ReadonlyArray<StoredEvent | PlacedEvent>): CheckedReplay => {
  const { active } = indexStream(stream);
  const state = initialIssuerState(issuer);
  for (const e of active) {
    const p = checkIssuerEvent(state, e);
    if (p) return { ok: false, problem: p, failedAt: e, state, active };
    evolveIssuer(state, e);
  }
  return { ok: true, state, active };
};

/**
 * Why `e`, appended after the valid stream `stored` (with the next revision), is rejected; or
 * undefined when it is accepted. In order: its id must be new to the stream; a retraction must
 * target an event of the stream that is not retracted, not IssuerRegistered and not a retraction;
 * then the stream with `e` must replay with every check passing.
 */
export const accepts = (issuer: IssuerId, stored: ReadonlyArray<PlacedEvent>, e: PlacedEvent): Problem | undefined => {
  const { known } = indexStream(stored);
  if (known.has(e.id)) return problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id });
  if (e.type === 'EventRetracted') {
    const invalid = checkRetractionTarget(toIssuerStreamId(issuer), known.get(e.data.eventId), e);
    if (invalid) return invalid;
  }
  const replay = replayChecked(issuer, [...stored, e]);
  return replay.ok ? undefined : replay.problem;
};

/**
 * Why a correction of the valid stream `stored` is rejected, or undefined when it is accepted: the
 * retraction of a target and its replacement, appended together as the next two events and judged
 * as one change, because retracting alone could break a later event that the replacement keeps
 * possible. The replacement is neither a retraction nor an IssuerRegistered; both ids are new to
 * the stream; the retraction's target must be retractable; then the stream with both must replay
 * with every check passing.
 */
export const acceptsCorrection = (
  issuer: IssuerId,
  stored: ReadonlyArray<PlacedEvent>,
  retraction: Extract<PlacedEvent, { type: 'EventRetracted' }>,
  replacement: PlacedEvent,
): Problem | undefined => {
  if (replacement.type === 'EventRetracted' || replacement.type === 'IssuerRegistered')
    return problem('InvalidRetraction', `a ${replacement.type} cannot be the replacement of a correction`);
  const { known } = indexStream(stored);
  for (const e of [retraction, replacement])
    if (known.has(e.id)) return problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id });
  const invalid = checkRetractionTarget(toIssuerStreamId(issuer), known.get(retraction.data.eventId), retraction);
  if (invalid) return invalid;
  const replay = replayChecked(issuer, [...stored, retraction, replacement]);
  return replay.ok ? undefined : replay.problem;
};
