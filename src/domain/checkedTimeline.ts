import type { EventId } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import type { StakeChange } from './stakeChanges.js';
import { checkRetractionTarget, type KnownEvent, type PlacedEvent } from './timeline.js';

/** What adding an event gives: why it is rejected, or the stakes it changes (none outside issuer streams). */
export type Outcome = { problem: Problem } | { changes: StakeChange[] };

/**
 * What the timelines of the three kinds of stream (an issuer's, `holders`, `fx`) share: every event
 * of the stream by id, the revision the next event will have, and the start and end of `add`,
 * which are the same for all of them. An event must come with the next revision (anything else is
 * a bug of the caller); its id must be new to the stream; a retraction must target an event of the
 * stream that may be retracted. Only then does the stream's own rule decide (`insert`, `retract`),
 * and only if it accepts is the event recorded (and a retraction's target marked retracted).
 */
export abstract class CheckedTimeline {
  protected constructor(
    /** The stream's id, as rejections name it. */
    readonly stream: string,
    protected readonly known: Map<EventId, KnownEvent>,
    protected revision: number,
  ) {}

  /** The revision the next event of this stream will have. */
  get nextRevision(): number {
    return this.revision;
  }

  find(id: EventId): KnownEvent | undefined {
    return this.known.get(id);
  }

  /**
   * Validates `e` (the next event of this stream, with revision `nextRevision`) against the whole
   * timeline and, if it passes, adds it. Returns the rejection, or the stake changes it causes.
   */
  add(e: PlacedEvent): Outcome {
    if (e.revision !== this.revision) throw new Error(`event ${e.id} has revision ${e.revision}, expected ${this.revision}`);
    const taken = this.idTaken(e);
    if (taken) return { problem: taken };
    if (e.type === 'EventRetracted') {
      const target = this.known.get(e.data.eventId);
      const invalid = checkRetractionTarget(this.stream, target, e);
      if (invalid) return { problem: invalid };
      const outcome = this.retract(target!);
      if ('problem' in outcome) return outcome;
      target!.retracted = true;
      this.record(e);
      return outcome;
    }
    const outcome = this.insert(e);
    if ('problem' in outcome) return outcome;
    this.record(e);
    return outcome;
  }

  /** Whether `e` may join the timeline at its place; if so, puts it there. `e` is not a retraction. */
  protected abstract insert(e: PlacedEvent): Outcome;

  /** Whether `target` (which may be retracted) may leave the timeline; if so, takes it out. */
  protected abstract retract(target: KnownEvent): Outcome;

  /** The rejection of an id the stream already has. */
  protected idTaken(e: PlacedEvent): Problem | undefined {
    return this.known.has(e.id) ? problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id }) : undefined;
  }

  /** Records an accepted event as the stream's next. */
  protected record(e: PlacedEvent): void {
    this.known.set(e.id, { event: e, retracted: false });
    this.revision += 1;
  }
}
