import { type IssuerId, type StoredEvent, toIssuerStreamId } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { applyEffect, type PositionEffect } from './additiveEffect.js';
import { positionsAt, recheckLater, scaledAfter } from './additiveRecheck.js';
import { CheckedTimeline, type Outcome } from './checkedTimeline.js';
import { replayFrom } from './checkpointReplay.js';
import { CHECKPOINT_EVERY, type Checkpoint, checkpointAt, shiftCheckpoints, stateAt } from './checkpoints.js';
import { EffectCache } from './effectCache.js';
import { checkIssuerEvent, eventLabel } from './issuerChecks.js';
import { cloneIssuerState, evolveIssuer, initialIssuerState, type IssuerState, positionsTouched } from './issuerState.js';
import { PositionIndex } from './positionIndex.js';
import { changesOfEffect, changesSince, snapshotPositions, type StakeChange } from './stakeChanges.js';
import {
  checkRetractionTarget,
  firstOnOrAfter,
  indexOfEvent,
  indexStream,
  insertionIndex,
  type KnownEvent,
  type PlacedEvent,
} from './timeline.js';

export type { StakeChange } from './stakeChanges.js';

/** Where a timeline built from a snapshot starts: the state after revisions 0..revision. */
export type TimelineStart = Readonly<{ state: IssuerState; revision: number }>;

/**
 * One issuer's stream as the ledger knows it now, kept ready to validate the next event.
 *
 * This is an optimisation of the write model defined in writeModel.ts: `add` accepts and rejects
 * exactly what `accepts` does (`correct` what `acceptsCorrection` does), and its states are those
 * of `replayChecked`, but without replaying the stream for every event (an import of a million
 * events cannot afford that). The property tests tests/timeline.property.test.ts,
 * tests/timelineCheckpoints.property.test.ts and tests/timelineCorrection.property.test.ts pin it
 * to that definition on random streams full of back-dated events, splits and retractions; where
 * the two ever disagree, this class is the one that is wrong.
 *
 * It keeps the active timeline in (date, revision) order, its end state, checkpoints of the state
 * every few thousand events (checkpoints.ts), and an index of the events touching each (class,
 * holder) position (positionIndex.ts).
 *
 * - An event dated at the end of the timeline costs one check (`insert`, first branch).
 * - A back-dated event or a retraction whose effect is additive (issuances, sales, transfers,
 *   repurchases, conversions between classes) only moves its own positions by fixed amounts, so
 *   only the later events touching those positions are re-checked, and the checkpoints after it
 *   are shifted by the same amounts (additiveRecheck.ts).
 * - Anything else (a back-dated split, a new class, an IPO with conversions, or an additive event
 *   behind a later split of its class) replays the timeline from the nearest checkpoint
 *   (checkpointReplay.ts).
 * Either way every later event is re-validated exactly as a full replay would.
 */
export class IssuerTimeline extends CheckedTimeline {
  private active: PlacedEvent[];
  private state: IssuerState;
  private checkpoints: Checkpoint[];
  private readonly effects: EffectCache;
  private readonly positions: PositionIndex;
  /** Set on a folded timeline (see foldedBefore): every event dated before it is folded into its first state. */
  readonly foldDate: string | undefined;

  /** `start`: the state the events continue from, the revision after them, and for a folded timeline the date of its fold. */
  private constructor(
    readonly issuer: IssuerId,
    events: ReadonlyArray<StoredEvent | PlacedEvent>,
    private readonly checkpointEvery: number,
    start?: Readonly<{ state: IssuerState; nextRevision: number; foldDate?: string }>,
  ) {
    const { known, active } = indexStream(events);
    super(toIssuerStreamId(issuer), known, start ? start.nextRevision : events.length);
    this.active = active;
    this.foldDate = start?.foldDate;
    let base = start ? start.nextRevision : 0;
    for (const e of events) if (e.revision < base) base = e.revision;
    this.effects = new EffectCache(events.length, base);
    this.positions = new PositionIndex(this.effects);
    const initial = start ? cloneIssuerState(start.state) : initialIssuerState(issuer);
    const replay = replayFrom({ index: 0, state: initial }, active, undefined, checkpointEvery, this.effects);
    if ('problem' in replay) throw new Error('unreachable: unchecked replay reported a problem');
    this.state = replay.state;
    this.checkpoints = replay.checkpoints;
    this.positions.rebuild(this.active);
  }

  /** Builds the timeline of a stored stream (events in revision order). Stored events are trusted here; `verify` re-checks them. */
  static of(
    issuer: IssuerId,
    events: ReadonlyArray<StoredEvent | PlacedEvent> = [],
    /** Tests set a small interval so that short streams cross many checkpoints. */
    options: Readonly<{ checkpointEvery?: number }> = {},
  ): IssuerTimeline {
    return new IssuerTimeline(issuer, events, options.checkpointEvery ?? CHECKPOINT_EVERY);
  }

  /**
   * The timeline of a stream from a snapshot (src/tailSnapshots.ts): `start.state` folds revisions
   * 0..start.revision, all dated on or before every event of `tail` (the events after it, in
   * revision order; its retractions target tail events). Only what the tail holds is indexed, so
   * the caller adds events dated on or after the snapshot's date only, retracts tail events only,
   * and has looked their ids up in the whole stream (EventStore.findEvents with the stream).
   */
  static fromSnapshot(issuer: IssuerId, start: TimelineStart, tail: ReadonlyArray<StoredEvent | PlacedEvent>): IssuerTimeline {
    return new IssuerTimeline(issuer, tail, CHECKPOINT_EVERY, { state: start.state, nextRevision: start.revision + 1 + tail.length });
  }

  /**
   * This timeline with every event dated before `date` folded into its first state, holding only
   * the events that count from `date` on (the import keeps its memory to the streams' recent
   * events this way). It decides every event dated on or after `date`, and every retraction of an
   * event it still holds (`find`), as this one does. It no longer knows the ids of the events it
   * folded, nor of retractions and retracted events: the caller looks those up in the store, and
   * decides anything else on the whole stream. Undefined when nothing is dated before `date`.
   */
  foldedBefore(date: string): IssuerTimeline | undefined {
    const lo = firstOnOrAfter(this.active, date);
    if (lo === 0) return undefined;
    return new IssuerTimeline(this.issuer, this.active.slice(lo), this.checkpointEvery, {
      state: this.stateAt(lo),
      nextRevision: this.revision,
      foldDate: date,
    });
  }

  get endState(): IssuerState {
    return this.state;
  }

  /** The events that count now, in timeline order. */
  get events(): ReadonlyArray<PlacedEvent> {
    return this.active;
  }

  /** The state before active[index] (replayed from the nearest checkpoint). */
  stateAt(index: number): IssuerState {
    return stateAt(this.checkpoints, this.active, index);
  }

  /** The state before active[index] as far as `positions` go (see positionsAt), or in full. */
  private positionsBefore(index: number, bound: PlacedEvent, positions: ReadonlyArray<PositionEffect>): IssuerState {
    const cp = checkpointAt(this.checkpoints, index);
    const start = cp.index < index ? this.active[cp.index]! : undefined;
    return positionsAt(this.positions, this.issuer, cp, start, bound, positions) ?? this.stateAt(index);
  }

  /**
   * Re-runs the timeline from index `from` with `suffix` replacing everything after it. Nothing
   * changes unless every event of the suffix passes.
   */
  private rebuild(
    from: number,
    suffix: PlacedEvent[],
    watch?: PlacedEvent,
  ): { problem: Problem; failedAt: PlacedEvent } | { changes: StakeChange[] } {
    const cp = checkpointAt(this.checkpoints, from);
    const start = { index: cp.index, state: cloneIssuerState(cp.state) };
    const result = replayFrom(start, [...this.active.slice(cp.index, from), ...suffix], from, this.checkpointEvery, this.effects, watch);
    if ('problem' in result) return result;
    this.active = [...this.active.slice(0, from), ...suffix];
    this.checkpoints = [...this.checkpoints.filter((c) => c.index < cp.index), ...result.checkpoints];
    this.state = result.state;
    this.positions.rebuild(this.active);
    return { changes: result.changes ?? [] };
  }

  protected insert(e: PlacedEvent): Outcome {
    const reg = this.state.registration;
    if (!reg || e.type === 'IssuerRegistered' || e.date < reg.date) {
      const p = checkIssuerEvent(this.state, e);
      if (p) return { problem: p };
    }
    const at = insertionIndex(this.active, e);
    if (at === this.active.length) {
      const p = checkIssuerEvent(this.state, e);
      if (p) return { problem: p };
      const lastCheckpoint = this.checkpoints[this.checkpoints.length - 1]!;
      if (
        at - lastCheckpoint.index >= this.checkpointEvery ||
        (at > 0 && lastCheckpoint.index < at && this.effects.of(this.active[at - 1]!).kind === 'scaling')
      )
        this.checkpoints.push({ index: at, state: cloneIssuerState(this.state) });
      const effect = this.effects.of(e);
      // An additive event's changes are its own deltas (in the order positionsTouched lists its
      // positions): no snapshot of the positions before and after.
      const changes = effect.kind === 'additive' ? changesOfEffect(this.state, effect, 1n) : undefined;
      const before = changes ? undefined : snapshotPositions(this.state, positionsTouched(this.state, e));
      evolveIssuer(this.state, e);
      this.active.push(e);
      this.positions.add(e);
      return { changes: changes ?? changesSince(before!, this.state) };
    }
    const effect = this.effects.of(e);
    if (effect.kind === 'additive' && !scaledAfter(this.positions, e, effect)) {
      const before = this.positionsBefore(at, e, effect.positions);
      const own = checkIssuerEvent(before, e);
      if (own) return { problem: own };
      const later = recheckLater(this.positions, this.issuer, e, before, effect, 1n);
      if (later) return { problem: this.backDated(e, later, false) };
      this.active.splice(at, 0, e);
      this.checkpoints = shiftCheckpoints(this.checkpoints, at, effect, 1n, 1);
      applyEffect(this.state, effect, 1n);
      this.positions.add(e, true);
      return { changes: changesOfEffect(before, effect, 1n) };
    }
    const result = this.rebuild(at, [e, ...this.active.slice(at)], e);
    if ('problem' in result) return { problem: this.backDated(e, result.problem, result.failedAt === e) };
    return result;
  }

  private backDated(e: PlacedEvent, p: Problem, ownFault: boolean): Problem {
    return ownFault ? p : { ...p, message: `back-dated ${eventLabel(e)} would break a later event: ${p.message}` };
  }

  protected retract(target: KnownEvent): Outcome {
    const t = target.event;
    const at = indexOfEvent(this.active, t);
    if (at < 0) throw new Error(`active event ${t.id} missing from the timeline`);
    const wrap = (p: Problem): Outcome => ({
      problem: { ...p, message: `retracting ${eventLabel(t)} (${t.id}) would break a later event: ${p.message}` },
    });
    const effect = this.effects.of(t);
    if (effect.kind === 'additive' && !scaledAfter(this.positions, t, effect)) {
      const stateBefore = this.positionsBefore(at, t, effect.positions);
      const p = recheckLater(this.positions, this.issuer, t, evolveIssuer(cloneIssuerState(stateBefore), t), effect, -1n);
      if (p) return wrap(p);
      this.active.splice(at, 1);
      this.positions.remove(t);
      this.checkpoints = shiftCheckpoints(this.checkpoints, at, effect, -1n, -1);
      applyEffect(this.state, effect, -1n);
      return { changes: changesOfEffect(evolveIssuer(cloneIssuerState(stateBefore), t), effect, -1n) };
    }
    const stateBefore = this.stateAt(at);
    const withTarget = snapshotPositions(evolveIssuer(cloneIssuerState(stateBefore), t), positionsTouched(stateBefore, t));
    const result = this.rebuild(at, this.active.slice(at + 1));
    if ('problem' in result) return wrap(result.problem);
    return { changes: changesSince(withTarget, stateBefore) };
  }

  /**
   * A correction (the `correct` command): the retraction of a target and its replacement, validated
   * together as one change of the timeline — retracting first alone could break a later sale that
   * the replacement keeps possible. Both must be the next two events of the stream.
   */
  correct(retraction: Extract<PlacedEvent, { type: 'EventRetracted' }>, replacement: PlacedEvent): Outcome {
    if (retraction.revision !== this.revision || replacement.revision !== this.revision + 1)
      throw new Error('a correction takes the next two revisions of its stream');
    if (replacement.type === 'EventRetracted' || replacement.type === 'IssuerRegistered')
      return { problem: problem('InvalidRetraction', `a ${replacement.type} cannot be the replacement of a correction`) };
    const taken = this.idTaken(retraction) ?? this.idTaken(replacement);
    if (taken) return { problem: taken };
    const target = this.known.get(retraction.data.eventId);
    const invalid = checkRetractionTarget(this.stream, target, retraction);
    if (invalid) return { problem: invalid };
    const reg = this.state.registration;
    if (reg && replacement.date < reg.date) {
      const p = checkIssuerEvent(this.state, replacement);
      if (p) return { problem: p };
    }
    const at = indexOfEvent(this.active, target!.event);
    const without = [...this.active.slice(0, at), ...this.active.slice(at + 1)];
    const insertAt = insertionIndex(without, replacement);
    const from = Math.min(at, insertAt);
    const suffix = [...without.slice(from, insertAt), replacement, ...without.slice(insertAt)];
    const result = this.rebuild(from, suffix, replacement);
    if ('problem' in result)
      return {
        problem: { ...result.problem, message: `correcting ${eventLabel(target!.event)} (${target!.event.id}): ${result.problem.message}` },
      };
    target!.retracted = true;
    this.record(retraction);
    this.record(replacement);
    return result;
  }
}
