import type { ClassId, EventId, HolderId, IssuerId, StoredEvent } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { applyEffect, type Effect, effectOf, positionEffect, positionKey, type PositionEffect, scales } from './additiveEffect.js';
import { checkIssuerEvent, eventLabel, insufficientShares } from './issuerChecks.js';
import { cloneIssuerState, evolveIssuer, initialIssuerState, type IssuerState, positionsTouched, sharesOf } from './issuerState.js';
import {
  byEffectivePoint,
  checkRetractionTarget,
  indexOfEvent,
  indexStream,
  insertionIndex,
  type KnownEvent,
  type PlacedEvent,
} from './timeline.js';

/** A holding before and after an event, as dry-run and history show it. */
export type StakeChange = Readonly<{ class: ClassId; holder: HolderId; before: bigint; after: bigint }>;

type Outcome = { problem: Problem } | { changes: StakeChange[] };
type Additive = Extract<Effect, { kind: 'additive' }>;

/**
 * Each checkpoint is a full copy of the holdings (thousands of positions in a large issuer), so
 * they are spaced widely: a back-dated additive event reads only its own positions' events since
 * the checkpoint (positionsAt), and the other paths replay the rest of the timeline anyway.
 */
const CHECKPOINT_EVERY = 8192;

/** The state before active[index]. */
type Checkpoint = { index: number; state: IssuerState };

type PositionSnapshot = Array<{ cls: ClassId; holder: HolderId; shares: bigint }>;

/** The holdings at `positions` (deduplicated), read before an event is applied. */
const snapshotPositions = (s: IssuerState, positions: Array<[ClassId, HolderId]>): PositionSnapshot => {
  const seen = new Set<string>();
  const snapshot: PositionSnapshot = [];
  for (const [cls, holder] of positions) {
    const key = positionKey(cls, holder);
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

/** Stake changes of an additive effect applied to `before` with the given sign. */
const changesOfEffect = (before: IssuerState, effect: Additive, sign: 1n | -1n): StakeChange[] =>
  effect.positions
    .filter((p) => p.delta !== 0n)
    .map((p) => {
      const b = sharesOf(before, p.cls, p.holder);
      return { class: p.cls, holder: p.holder, before: b, after: b + sign * p.delta };
    });

/** Index of `e` in a list sorted by effective point (or where it would go). */
const lowerBound = (list: ReadonlyArray<PlacedEvent>, e: PlacedEvent): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byEffectivePoint(list[mid]!, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Adds `e` to a sorted list: at the end, or (`inside`) at its timeline place. */
const put = (list: PlacedEvent[], e: PlacedEvent, inside: boolean): void => {
  if (inside) list.splice(lowerBound(list, e), 0, e);
  else list.push(e);
};

/**
 * One issuer's stream as the ledger knows it now, kept ready to validate the next event (SPEC §5):
 * the active timeline in (date, revision) order, its end state, checkpoints of the state every
 * few thousand events, and an index of the events touching each (class, holder) position.
 *
 * - An event dated at the end of the timeline costs one check.
 * - A back-dated event or a retraction whose effect is additive (issuances, sales, transfers,
 *   repurchases, conversions between classes) only moves its own positions by fixed amounts, so
 *   only the later events touching those positions are re-checked, and the checkpoints after it
 *   are shifted by the same amounts.
 * - Anything else (a back-dated split, a new class, an IPO with conversions, or an additive event
 *   behind a later split of its class) replays the timeline from the nearest checkpoint.
 * Either way every later event is re-validated exactly as a full replay would.
 */
export class IssuerTimeline {
  private active: PlacedEvent[];
  private readonly known: Map<EventId, KnownEvent>;
  private state: IssuerState;
  private checkpoints: Checkpoint[];
  private byPosition = new Map<string, PlacedEvent[]>();
  private scaling: PlacedEvent[] = [];
  /** Registrations and new classes, in timeline order: what a partial state must replay. */
  private structural: PlacedEvent[] = [];
  /**
   * Each event's effect, cached by revision (an array read, not a hash lookup on a million event
   * objects), with the event it was computed for: a rejected event's revision is reused.
   */
  private readonly effectEvents: Array<PlacedEvent | undefined>;
  private readonly effects: Array<Effect | undefined>;
  private revision: number;
  /** One positionKey string per position (see effectOf), found by class and holder without building the key. */
  private readonly keys = new Map<ClassId, Map<HolderId, string>>();
  private readonly keyOf = (cls: ClassId, holder: HolderId): string => {
    let byHolder = this.keys.get(cls);
    if (!byHolder) this.keys.set(cls, (byHolder = new Map()));
    let key = byHolder.get(holder);
    if (key === undefined) byHolder.set(holder, (key = positionKey(cls, holder)));
    return key;
  };

  private constructor(
    readonly issuer: IssuerId,
    events: ReadonlyArray<StoredEvent | PlacedEvent>,
    private readonly checkpointEvery: number,
  ) {
    const { known, active } = indexStream(events);
    this.known = known;
    this.active = active;
    this.revision = events.length;
    // Sized up front: the constructor fills them in timeline order, not revision order.
    this.effectEvents = new Array<PlacedEvent | undefined>(events.length);
    this.effects = new Array<Effect | undefined>(events.length);
    const replay = this.replay({ index: 0, state: initialIssuerState(issuer) }, active, undefined);
    if ('problem' in replay) throw new Error('unreachable: unchecked replay reported a problem');
    this.state = replay.state;
    this.checkpoints = replay.checkpoints;
    this.reindex();
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

  private effectOf(e: PlacedEvent): Effect {
    const r = e.revision;
    if (this.effectEvents[r] === e) return this.effects[r]!;
    const effect = effectOf(e, this.keyOf);
    // Appends at the end keep the arrays dense; a gap (never expected) is filled rather than left as a hole.
    while (this.effects.length < r) {
      this.effects.push(undefined);
      this.effectEvents.push(undefined);
    }
    this.effects[r] = effect;
    this.effectEvents[r] = e;
    return effect;
  }

  // ---- the position index ----

  /** Adds `e` to the lists its effect belongs to: at the end, or (`inside`) at its timeline place. */
  private index(e: PlacedEvent, inside = false): void {
    const effect = this.effectOf(e);
    if (effect.kind === 'scaling') return put(this.scaling, e, inside);
    if (effect.kind === 'structural') return put(this.structural, e, inside);
    for (const { key } of effect.positions) {
      let list = this.byPosition.get(key);
      if (!list) this.byPosition.set(key, (list = []));
      put(list, e, inside);
    }
  }

  private unindex(e: PlacedEvent): void {
    const effect = this.effectOf(e);
    const lists =
      effect.kind === 'scaling'
        ? [this.scaling]
        : effect.kind === 'structural'
          ? [this.structural]
          : effect.positions.map((p) => this.byPosition.get(p.key)!);
    for (const list of lists) list.splice(lowerBound(list, e), 1);
  }

  private reindex(): void {
    this.byPosition = new Map();
    this.scaling = [];
    this.structural = [];
    for (const e of this.active) this.index(e);
  }

  // ---- replay ----

  /**
   * Replays `events` from a checkpoint, checking every event at timeline index `checkFrom` or
   * later, and records a checkpoint every CHECKPOINT_EVERY events and right after every scaling
   * event (so `positionsAt` never has to cross one: see afterScaling).
   */
  private replay(
    from: Checkpoint,
    events: ReadonlyArray<PlacedEvent>,
    checkFrom: number | undefined,
    watch?: PlacedEvent,
  ): { problem: Problem; failedAt: PlacedEvent } | { state: IssuerState; checkpoints: Checkpoint[]; changes?: StakeChange[] } {
    const state = from.state;
    const checkpoints: Checkpoint[] = [];
    let last = -Infinity;
    let changes: StakeChange[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const index = from.index + i;
      if (index - last >= this.checkpointEvery || i === 0 || this.effectOf(events[i - 1]!).kind === 'scaling') {
        checkpoints.push({ index, state: cloneIssuerState(state) });
        last = index;
      }
      const e = events[i]!;
      if (checkFrom !== undefined && index >= checkFrom) {
        const p = checkIssuerEvent(state, e);
        if (p) return { problem: p, failedAt: e };
      }
      if (e === watch) {
        const before = snapshotPositions(state, positionsTouched(state, e));
        evolveIssuer(state, e);
        changes = changesSince(before, state);
      } else {
        evolveIssuer(state, e);
      }
    }
    if (events.length === 0) checkpoints.push({ index: from.index, state: cloneIssuerState(state) });
    return changes ? { state, checkpoints, changes } : { state, checkpoints };
  }

  /** The last checkpoint at or before timeline index `index`. */
  private checkpointAt(index: number): Checkpoint {
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.checkpoints[mid]!.index <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.checkpoints[lo]!;
  }

  /** The state before active[index] (replayed from the nearest checkpoint). */
  stateAt(index: number): IssuerState {
    const cp = this.checkpointAt(index);
    const state = cloneIssuerState(cp.state);
    for (let i = cp.index; i < index && i < this.active.length; i++) evolveIssuer(state, this.active[i]!);
    return state;
  }

  /**
   * The state just before timeline point `bound` (active[index], or the event about to be
   * inserted there) as far as the given positions go: registration and classes in full, holdings
   * only at `positions`; `outstanding` is the checkpoint's, not advanced (no caller reads it).
   * Undefined when a scaling event lies between the checkpoint and `index`. Built from the
   * indexes instead of walking up to CHECKPOINT_EVERY events: the checkpoint, the registrations
   * and new classes after it, and each position's own events after it. The result is what
   * replaying every event in between would give, because every active event passed its checks
   * at its place, so no event touches a position of a class that does not exist yet.
   */
  private positionsAt(index: number, bound: PlacedEvent, positions: ReadonlyArray<PositionEffect>): IssuerState | undefined {
    const cp = this.checkpointAt(index);
    const start = cp.index < index ? this.active[cp.index]! : undefined;
    /** The events of a sorted list between the checkpoint and `bound`. */
    const between = function* (list: ReadonlyArray<PlacedEvent>) {
      if (!start) return;
      for (let i = lowerBound(list, start); i < list.length && byEffectivePoint(list[i]!, bound) < 0; i++) yield list[i]!;
    };
    if (!between(this.scaling).next().done) return undefined; // a scaling event in between
    const state: IssuerState = {
      issuer: this.issuer,
      registration: cp.state.registration,
      classes: new Map(cp.state.classes),
      holdings: new Map([...cp.state.classes.keys()].map((c) => [c, new Map()])),
      outstanding: new Map(cp.state.outstanding),
    };
    for (const x of between(this.structural)) evolveIssuer(state, x);
    for (const p of positions) {
      let n = sharesOf(cp.state, p.cls, p.holder);
      for (const x of between(this.byPosition.get(p.key) ?? [])) n += positionEffect(this.effectOf(x) as Additive, p.key)!.delta;
      if (n !== 0n) state.holdings.get(p.cls)?.set(p.holder, n);
    }
    return state;
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
    const cp = this.checkpointAt(from);
    const start = { index: cp.index, state: cloneIssuerState(cp.state) };
    const result = this.replay(start, [...this.active.slice(cp.index, from), ...suffix], from, watch);
    if ('problem' in result) return result;
    this.active = [...this.active.slice(0, from), ...suffix];
    this.checkpoints = [...this.checkpoints.filter((c) => c.index < cp.index), ...result.checkpoints];
    this.state = result.state;
    this.reindex();
    return { changes: result.changes ?? [] };
  }

  /** Whether a scaling event after timeline point `e` touches any class of the effect. */
  private scaledAfter(e: PlacedEvent, effect: Additive): boolean {
    const classes = new Set(effect.positions.map((p) => p.cls));
    for (let i = lowerBound(this.scaling, e); i < this.scaling.length; i++) {
      const s = this.scaling[i]!;
      if (s === e || byEffectivePoint(s, e) <= 0) continue;
      const effect = this.effectOf(s);
      if (effect.kind === 'scaling' && [...classes].some((c) => scales(effect, c))) return true;
    }
    return false;
  }

  /**
   * With `change` (an additive effect × sign) made at timeline point `after` on top of `before`,
   * re-checks every later event that takes shares from a position the change lowers.
   */
  private recheckLater(after: PlacedEvent, before: IssuerState, change: Additive, sign: 1n | -1n): Problem | undefined {
    for (const p of change.positions) {
      const key = p.key;
      if (sign * p.delta >= 0n) continue;
      const list = this.byPosition.get(key) ?? [];
      let held = sharesOf(before, p.cls, p.holder) + sign * p.delta;
      for (let i = lowerBound(list, after); i < list.length; i++) {
        const x = list[i]!;
        if (x === after || byEffectivePoint(x, after) <= 0) continue;
        const xe = this.effectOf(x) as Additive;
        const at = positionEffect(xe, key)!;
        if (held < at.need) return insufficientShares(this.issuer, x, p.cls, p.holder, held, at.need);
        held += at.delta;
      }
    }
    return undefined;
  }

  /** Moves the checkpoints after timeline index `index` by an effect, shifting their indexes by `shift`. */
  private shiftCheckpoints(index: number, change: Additive, sign: 1n | -1n, shift: 1 | -1): void {
    for (const c of this.checkpoints) {
      if (c.index <= index) continue;
      c.index += shift;
      applyEffect(c.state, change, sign);
    }
    this.checkpoints = this.checkpoints.filter((c, i, all) => i === 0 || all[i - 1]!.index !== c.index);
    applyEffect(this.state, change, sign);
  }

  /**
   * Validates `e` (the next event of this stream, with revision `nextRevision`) against the whole
   * timeline and, if it passes, adds it. Returns the rejection, or the stake changes it causes.
   */
  add(e: PlacedEvent): Outcome {
    if (e.revision !== this.revision) throw new Error(`event ${e.id} has revision ${e.revision}, expected ${this.revision}`);
    if (this.known.has(e.id))
      return { problem: problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id }) };
    const outcome = e.type === 'EventRetracted' ? this.retract(e) : this.insert(e);
    if ('problem' in outcome) return outcome;
    this.known.set(e.id, { event: e, retracted: false });
    this.revision += 1;
    return outcome;
  }

  private insert(e: PlacedEvent): Outcome {
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
        (at > 0 && lastCheckpoint.index < at && this.effectOf(this.active[at - 1]!).kind === 'scaling')
      )
        this.checkpoints.push({ index: at, state: cloneIssuerState(this.state) });
      const effect = this.effectOf(e);
      // An additive event's changes are its own deltas (in the order positionsTouched lists its
      // positions): no snapshot of the positions before and after.
      const changes = effect.kind === 'additive' ? changesOfEffect(this.state, effect, 1n) : undefined;
      const before = changes ? undefined : snapshotPositions(this.state, positionsTouched(this.state, e));
      evolveIssuer(this.state, e);
      this.active.push(e);
      this.index(e);
      return { changes: changes ?? changesSince(before!, this.state) };
    }
    const effect = this.effectOf(e);
    if (effect.kind === 'additive' && !this.scaledAfter(e, effect)) {
      const before = this.positionsAt(at, e, effect.positions) ?? this.stateAt(at);
      const own = checkIssuerEvent(before, e);
      if (own) return { problem: own };
      const later = this.recheckLater(e, before, effect, 1n);
      if (later) return { problem: this.backDated(e, later, false) };
      this.active.splice(at, 0, e);
      this.shiftCheckpoints(at, effect, 1n, 1);
      this.index(e, true);
      return { changes: changesOfEffect(before, effect, 1n) };
    }
    const result = this.rebuild(at, [e, ...this.active.slice(at)], e);
    if ('problem' in result) return { problem: this.backDated(e, result.problem, result.failedAt === e) };
    return result;
  }

  private backDated(e: PlacedEvent, p: Problem, ownFault: boolean): Problem {
    return ownFault ? p : { ...p, message: `back-dated ${eventLabel(e)} would break a later event: ${p.message}` };
  }

  private retract(e: Extract<PlacedEvent, { type: 'EventRetracted' }>): Outcome {
    const target = this.known.get(e.data.eventId);
    const invalid = checkRetractionTarget(`issuer-${this.issuer}`, target, e);
    if (invalid) return { problem: invalid };
    const t = target!.event;
    const at = indexOfEvent(this.active, t);
    if (at < 0) throw new Error(`active event ${t.id} missing from the timeline`);
    const wrap = (p: Problem): Outcome => ({
      problem: { ...p, message: `retracting ${eventLabel(t)} (${t.id}) would break a later event: ${p.message}` },
    });
    const effect = this.effectOf(t);
    if (effect.kind === 'additive' && !this.scaledAfter(t, effect)) {
      const stateBefore = this.positionsAt(at, t, effect.positions) ?? this.stateAt(at);
      const p = this.recheckLater(t, evolveIssuer(cloneIssuerState(stateBefore), t), effect, -1n);
      if (p) return wrap(p);
      this.active.splice(at, 1);
      this.unindex(t);
      this.shiftCheckpoints(at, effect, -1n, -1);
      target!.retracted = true;
      return { changes: changesOfEffect(evolveIssuer(cloneIssuerState(stateBefore), t), effect, -1n) };
    }
    const stateBefore = this.stateAt(at);
    const withTarget = snapshotPositions(evolveIssuer(cloneIssuerState(stateBefore), t), positionsTouched(stateBefore, t));
    const result = this.rebuild(at, this.active.slice(at + 1));
    if ('problem' in result) return wrap(result.problem);
    target!.retracted = true;
    return { changes: changesSince(withTarget, stateBefore) };
  }

  /**
   * A correction (SPEC §10 `correct`): the retraction of a target and its replacement, validated
   * together as one change of the timeline — retracting first alone could break a later sale that
   * the replacement keeps possible. Both must be the next two events of the stream.
   */
  correct(retraction: Extract<PlacedEvent, { type: 'EventRetracted' }>, replacement: PlacedEvent): Outcome {
    if (retraction.revision !== this.revision || replacement.revision !== this.revision + 1)
      throw new Error('a correction takes the next two revisions of its stream');
    if (replacement.type === 'EventRetracted' || replacement.type === 'IssuerRegistered')
      return { problem: problem('InvalidRetraction', `a ${replacement.type} cannot be the replacement of a correction`) };
    for (const e of [retraction, replacement])
      if (this.known.has(e.id))
        return { problem: problem('DuplicateEventId', `event id ${e.id} is already used in this stream`, { id: e.id }) };
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
    if ('problem' in result)
      return {
        problem: { ...result.problem, message: `correcting ${eventLabel(target!.event)} (${target!.event.id}): ${result.problem.message}` },
      };
    target!.retracted = true;
    this.known.set(retraction.id, { event: retraction, retracted: false });
    this.known.set(replacement.id, { event: replacement, retracted: false });
    this.revision += 2;
    return result;
  }
}
