import type { ClassId, EventId, HolderId, IssuerId, StoredEvent } from '../../events/index.js';
import { problem, type Problem } from '../problem.js';
import { checkIssuerEvent, eventLabel } from './issuerChecks.js';
import { cloneIssuerState, evolveIssuer, initialIssuerState, type IssuerState, positionsTouched, sharesOf } from './issuerState.js';
import { checkRetractionTarget, indexOfEvent, indexStream, insertionIndex, type KnownEvent, type PlacedEvent } from './timeline.js';

/** A holding before and after an event, as dry-run and history show it. */
export type StakeChange = Readonly<{ class: ClassId; holder: HolderId; before: bigint; after: bigint }>;

const CHECKPOINT_EVERY = 2048;

type PositionSnapshot = Array<{ cls: ClassId; holder: HolderId; shares: bigint }>;

/** The holdings at `positions` (deduplicated), read before an event is applied. */
const snapshotPositions = (s: IssuerState, positions: Array<[ClassId, HolderId]>): PositionSnapshot => {
  const seen = new Set<string>();
  const snapshot: PositionSnapshot = [];
  for (const [cls, holder] of positions) {
    const key = `${cls}\u0000${holder}`;
    if (seen.has(key)) continue;
    seen.add(key);
    snapshot.push({ cls, holder, shares: sharesOf(s, cls, holder) });
  }
  return snapshot;
};

const changesSince = (before: PositionSnapshot, after: IssuerState): StakeChange[] =>
  before
    .map(({ cls, holder, shares }) => ({ class: cls, holder, before: shares, after: sharesOf(after, cls, holder) }))
    .filter((c) => c.before !== c.after);

/**
 * One issuer's stream as the ledger knows it now, kept ready to validate the next event: the
 * active timeline in (date, revision) order, its end state, and checkpoints of the state every
 * few thousand events so a back-dated event or a retraction re-checks only the timeline after
 * its point (SPEC §5), not the whole stream. Appends in date order cost one check.
 */
export class IssuerTimeline {
  private active: PlacedEvent[];
  private readonly known: Map<EventId, KnownEvent>;
  private state: IssuerState;
  /** checkpoints[k] is the state before active[k * CHECKPOINT_EVERY]. */
  private checkpoints: IssuerState[];
  private revision: number;

  private constructor(readonly issuer: IssuerId, events: ReadonlyArray<StoredEvent | PlacedEvent>) {
    const { known, active } = indexStream(events);
    this.known = known;
    this.active = active;
    this.revision = events.length;
    const replay = IssuerTimeline.replay(initialIssuerState(issuer), 0, [], active, undefined);
    if (replay.problem) throw new Error('unreachable: unchecked replay reported a problem');
    this.state = replay.state;
    this.checkpoints = replay.checkpoints;
  }

  /** Builds the timeline of a stored stream (events in revision order). Stored events are trusted here; `verify` re-checks them. */
  static of(issuer: IssuerId, events: ReadonlyArray<StoredEvent | PlacedEvent> = []): IssuerTimeline {
    return new IssuerTimeline(issuer, events);
  }

  /** The revision the next event of this stream will have. */
  get nextRevision(): number {
    return this.revision;
  }

  get endState(): IssuerState {
    return this.state;
  }

  /** The events that count now, in timeline order. */
  get events(): ReadonlyArray<PlacedEvent> {
    return this.active;
  }

  find(id: EventId): KnownEvent | undefined {
    return this.known.get(id);
  }

  /**
   * Replays `events` from `start` (the state before them, at timeline index `offset`), checking
   * each event from `checkFrom` on; records checkpoints at every CHECKPOINT_EVERY-th index.
   */
  private static replay(
    start: IssuerState,
    offset: number,
    checkpointsBefore: IssuerState[],
    events: ReadonlyArray<PlacedEvent>,
    checkFrom: number | undefined,
    watch?: PlacedEvent,
  ): { state: IssuerState; checkpoints: IssuerState[]; problem?: Problem; failedAt?: PlacedEvent; changes?: StakeChange[] } {
    const state = start;
    const checkpoints = checkpointsBefore.slice();
    let changes: StakeChange[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const index = offset + i;
      if (index % CHECKPOINT_EVERY === 0) checkpoints[index / CHECKPOINT_EVERY] = cloneIssuerState(state);
      const e = events[i]!;
      if (checkFrom !== undefined && index >= checkFrom) {
        const p = checkIssuerEvent(state, e);
        if (p) return { state, checkpoints, problem: p, failedAt: e };
      }
      if (e === watch) {
        const before = snapshotPositions(state, positionsTouched(state, e));
        evolveIssuer(state, e);
        changes = changesSince(before, state);
      } else {
        evolveIssuer(state, e);
      }
    }
    return changes ? { state, checkpoints, changes } : { state, checkpoints };
  }

  /**
   * Re-runs the timeline from index `from` with `suffix` replacing everything after it. Nothing
   * changes unless every event of the suffix passes.
   */
  private rebuild(from: number, suffix: PlacedEvent[], watch?: PlacedEvent): { problem?: Problem; failedAt?: PlacedEvent; changes?: StakeChange[] } {
    const k = Math.floor(from / CHECKPOINT_EVERY);
    const base = k * CHECKPOINT_EVERY;
    const start = cloneIssuerState(this.checkpoints[k]!);
    const unchanged = this.active.slice(base, from);
    const result = IssuerTimeline.replay(start, base, this.checkpoints.slice(0, k), [...unchanged, ...suffix], from, watch);
    if (result.problem) return result;
    this.active = [...this.active.slice(0, from), ...suffix];
    this.checkpoints = result.checkpoints;
    this.state = result.state;
    return result.changes ? { changes: result.changes } : {};
  }

  /**
   * Validates `e` (the next event of this stream, with revision `nextRevision`) against the whole
   * timeline and, if it passes, adds it. Returns the rejection, or the stake changes it causes.
   */
  add(e: PlacedEvent): { problem: Problem } | { changes: StakeChange[] } {
    if (e.revision !== this.revision) throw new Error(`event ${e.id} has revision ${e.revision}, expected ${this.revision}`);
    if (this.known.has(e.id)) return { problem: problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id }) };
    const outcome = e.type === 'EventRetracted' ? this.retract(e) : this.insert(e);
    if ('problem' in outcome) return outcome;
    this.known.set(e.id, { event: e, retracted: false });
    this.revision += 1;
    return outcome;
  }

  private insert(e: PlacedEvent): { problem: Problem } | { changes: StakeChange[] } {
    const reg = this.state.registration;
    if (!reg || e.type === 'IssuerRegistered' || e.date < reg.date) {
      const p = checkIssuerEvent(this.state, e);
      if (p) return { problem: p };
    }
    const at = insertionIndex(this.active, e);
    if (at === this.active.length) {
      const p = checkIssuerEvent(this.state, e);
      if (p) return { problem: p };
      if (at % CHECKPOINT_EVERY === 0) this.checkpoints[at / CHECKPOINT_EVERY] = cloneIssuerState(this.state);
      const before = snapshotPositions(this.state, positionsTouched(this.state, e));
      evolveIssuer(this.state, e);
      this.active.push(e);
      return { changes: changesSince(before, this.state) };
    }
    const result = this.rebuild(at, [e, ...this.active.slice(at)], e);
    if (result.problem) {
      const p = result.problem;
      return {
        problem:
          result.failedAt === e
            ? p
            : { ...p, message: `back-dated ${eventLabel(e)} would break a later event: ${p.message}` },
      };
    }
    return { changes: result.changes ?? [] };
  }

  private retract(e: Extract<PlacedEvent, { type: 'EventRetracted' }>): { problem: Problem } | { changes: StakeChange[] } {
    const target = this.known.get(e.data.eventId);
    const invalid = checkRetractionTarget(`issuer-${this.issuer}`, target, e);
    if (invalid) return { problem: invalid };
    const t = target!.event;
    const at = indexOfEvent(this.active, t);
    if (at < 0) throw new Error(`active event ${t.id} missing from the timeline`);
    const stateBefore = this.stateAt(at);
    const withTarget = snapshotPositions(evolveIssuer(cloneIssuerState(stateBefore), t), positionsTouched(stateBefore, t));
    const result = this.rebuild(at, this.active.slice(at + 1));
    if (result.problem)
      return {
        problem: { ...result.problem, message: `retracting ${eventLabel(t)} (${t.id}) would break a later event: ${result.problem.message}` },
      };
    target!.retracted = true;
    return { changes: changesSince(withTarget, stateBefore) };
  }

  /**
   * A correction (SPEC §10 `correct`): the retraction of a target and its replacement, validated
   * together as one change of the timeline — retracting first alone could break a later sale that
   * the replacement keeps possible. Both must be the next two events of the stream.
   */
  correct(
    retraction: Extract<PlacedEvent, { type: 'EventRetracted' }>,
    replacement: PlacedEvent,
  ): { problem: Problem } | { changes: StakeChange[] } {
    if (retraction.revision !== this.revision || replacement.revision !== this.revision + 1)
      throw new Error('a correction takes the next two revisions of its stream');
    if (replacement.type === 'EventRetracted' || replacement.type === 'IssuerRegistered')
      return { problem: problem('InvalidRetraction', `a ${replacement.type} cannot be the replacement of a correction`) };
    for (const e of [retraction, replacement])
      if (this.known.has(e.id)) return { problem: problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id }) };
    const target = this.known.get(retraction.data.eventId);
    const invalid = checkRetractionTarget(`issuer-${this.issuer}`, target, retraction);
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
    if (result.problem)
      return { problem: { ...result.problem, message: `correcting ${eventLabel(target!.event)} (${target!.event.id}): ${result.problem.message}` } };
    target!.retracted = true;
    this.known.set(retraction.id, { event: retraction, retracted: false });
    this.known.set(replacement.id, { event: replacement, retracted: false });
    this.revision += 2;
    return { changes: result.changes ?? [] };
  }

  /** The state before active[index] (replayed from the nearest checkpoint). */
  stateAt(index: number): IssuerState {
    const k = Math.floor(index / CHECKPOINT_EVERY);
    const state = cloneIssuerState(this.checkpoints[k] ?? initialIssuerState(this.issuer));
    for (let i = k * CHECKPOINT_EVERY; i < index && i < this.active.length; i++) evolveIssuer(state, this.active[i]!);
    return state;
  }
}

