import type { HolderId, StoredEvent } from '../../events/index.js';
import { FX_STREAM, HOLDERS_STREAM } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { CheckedTimeline, type Outcome } from './checkedTimeline.js';
import { firstOnOrAfter, indexOfEvent, indexStream, insertionIndex, type KnownEvent, type PlacedEvent } from './timeline.js';

type ControlMap = Pick<ReadonlyMap<HolderId, HolderId>, 'get' | 'size'>;

/** Follows controlledBy from `start`; the cycle found, or undefined. */
const cycleFrom = (controller: ControlMap, start: HolderId): HolderId[] | undefined => {
  const path: HolderId[] = [start];
  let at = controller.get(start);
  while (at !== undefined) {
    path.push(at);
    if (at === start) return path;
    if (path.length > controller.size + 1) return undefined;
    at = controller.get(at);
  }
  return undefined;
};

/**
 * `controller` with `holder`'s entry set to `by` (or removed), without copying the map: what
 * `cycleFrom` sees after a registration. Copying the map for each registration was quadratic.
 */
const withEntry = (controller: ReadonlyMap<HolderId, HolderId>, holder: HolderId, by: HolderId | undefined): ControlMap => ({
  get: (h) => (h === holder ? by : controller.get(h)),
  size: controller.size + (by === undefined ? (controller.has(holder) ? -1 : 0) : controller.has(holder) ? 0 : 1),
});

const cycleProblem = (e: PlacedEvent, cycle: HolderId[]): Problem =>
  problem('ControlCycle', `HolderRegistered ${e.date}: control would go round in a cycle: ${cycle.join(' → ')}`, { cycle });

const applyControl = (controller: Map<HolderId, HolderId>, e: PlacedEvent): void => {
  if (e.type !== 'HolderRegistered') return;
  if (e.data.controlledBy === undefined) controller.delete(e.data.holder);
  else controller.set(e.data.holder, e.data.controlledBy);
};

/**
 * A fold of a holders timeline in its order, from the control map `from` (empty: the start of the
 * stream): each call applies the next event and returns the control cycle it closes, if any. No
 * point of the timeline may have one; a map free of cycles can only gain one through the holder
 * just registered, so that is where it is looked for.
 */
export const controlFold = (from: ReadonlyMap<HolderId, HolderId> = new Map()): ((e: PlacedEvent) => Problem | undefined) => {
  const controller = new Map(from);
  return (e) => {
    applyControl(controller, e);
    if (e.type !== 'HolderRegistered') return undefined;
    const cycle = cycleFrom(controller, e.data.holder);
    return cycle && cycleProblem(e, cycle);
  };
};

/** Why an event cannot be in the fx stream, or undefined: rates are independent of each other. */
export const fxRateProblem = (e: PlacedEvent): Problem | undefined => {
  if (e.type !== 'FxRateRecorded') return problem('InvalidInput', `${e.type} does not belong to the fx stream`);
  if (e.data.base === e.data.quote) return problem('InvalidFxRate', `FxRateRecorded ${e.date}: base and quote are both ${e.data.base}`);
  return undefined;
};

/**
 * The `holders` stream: display names and control (who controls whom, for group views). A later HolderRegistered for the
 * same holder replaces its name and controlledBy from its date on; no point of the timeline may
 * have a control cycle.
 */
export class HolderRegistryTimeline extends CheckedTimeline {
  private active: PlacedEvent[];
  /** Who controls whom before the first active event: empty, or on a folded timeline what the folded events left. */
  private readonly start: ReadonlyMap<HolderId, HolderId>;
  private readonly controller: Map<HolderId, HolderId>;
  /** Set on a folded timeline (see foldedBefore): every event dated before it is folded into `start`. */
  readonly foldDate: string | undefined;

  constructor(
    events: ReadonlyArray<StoredEvent | PlacedEvent> = [],
    folded?: Readonly<{ start: ReadonlyMap<HolderId, HolderId>; nextRevision: number; foldDate: string }>,
  ) {
    const { known, active } = indexStream(events);
    super(HOLDERS_STREAM, known, folded ? folded.nextRevision : events.length);
    this.active = active;
    this.start = folded?.start ?? new Map();
    this.foldDate = folded?.foldDate;
    this.controller = new Map(this.start);
    for (const e of active) applyControl(this.controller, e);
  }

  /** The events that count now, in timeline order. */
  get events(): ReadonlyArray<PlacedEvent> {
    return this.active;
  }

  /**
   * This timeline with every event dated before `date` folded into its control map, as
   * IssuerTimeline.foldedBefore does for an issuer (the import keeps its memory to the recent
   * registrations this way): it decides every event dated on or after `date`, and every
   * retraction of an event it still holds, as this one does. Undefined when nothing is dated
   * before `date`.
   */
  foldedBefore(date: string): HolderRegistryTimeline | undefined {
    const at = firstOnOrAfter(this.active, date);
    if (at === 0) return undefined;
    const start = new Map(this.start);
    for (let i = 0; i < at; i++) applyControl(start, this.active[i]!);
    return new HolderRegistryTimeline(this.active.slice(at), { start, nextRevision: this.revision, foldDate: date });
  }

  /** Replays a candidate timeline, checking for a cycle after every registration. */
  private firstCycle(timeline: ReadonlyArray<PlacedEvent>): Problem | undefined {
    const step = controlFold(this.start);
    for (const e of timeline) {
      const cycle = step(e);
      if (cycle) return cycle;
    }
    return undefined;
  }

  /** Makes `timeline` the active one, with the control map it leaves. */
  private replace(timeline: PlacedEvent[]): void {
    this.active = timeline;
    this.controller.clear();
    for (const [holder, by] of this.start) this.controller.set(holder, by);
    for (const x of timeline) applyControl(this.controller, x);
  }

  protected retract(target: KnownEvent): Outcome {
    const at = indexOfEvent(this.active, target.event);
    const without = [...this.active.slice(0, at), ...this.active.slice(at + 1)];
    const cycle = this.firstCycle(without);
    if (cycle) return { problem: { ...cycle, message: `retracting ${target.event.id} would leave ${cycle.message}` } };
    this.replace(without);
    return { changes: [] };
  }

  protected insert(e: PlacedEvent): Outcome {
    if (e.type !== 'HolderRegistered') return { problem: problem('InvalidInput', `${e.type} does not belong to the holders stream`) };
    const at = insertionIndex(this.active, e);
    if (at === this.active.length) {
      const cycle = cycleFrom(withEntry(this.controller, e.data.holder, e.data.controlledBy), e.data.holder);
      if (cycle) return { problem: cycleProblem(e, cycle) };
      applyControl(this.controller, e);
      this.active.push(e);
    } else {
      const timeline = [...this.active.slice(0, at), e, ...this.active.slice(at)];
      const cycle = this.firstCycle(timeline);
      if (cycle) return { problem: cycle };
      this.replace(timeline);
    }
    return { changes: [] };
  }
}

/** The `fx` stream: exchange rates, and retractions of them. */
export class FxTimeline extends CheckedTimeline {
  /** The rates that count now, in timeline order. */
  private readonly active: PlacedEvent[];
  /** Set on a folded timeline (see foldedBefore): it holds no rate dated before it. */
  readonly foldDate: string | undefined;

  constructor(events: ReadonlyArray<StoredEvent | PlacedEvent> = [], folded?: Readonly<{ nextRevision: number; foldDate: string }>) {
    const { known, active } = indexStream(events);
    super(FX_STREAM, known, folded ? folded.nextRevision : events.length);
    this.active = active;
    this.foldDate = folded?.foldDate;
  }

  /** The rates that count now, in timeline order. */
  get events(): ReadonlyArray<PlacedEvent> {
    return this.active;
  }

  /**
   * This timeline without the rates dated before `date` (see HolderRegistryTimeline.foldedBefore):
   * rates are independent, so it decides every rate as this one does, and every retraction of a
   * rate it still holds. Undefined when nothing is dated before `date`.
   */
  foldedBefore(date: string): FxTimeline | undefined {
    const at = firstOnOrAfter(this.active, date);
    if (at === 0) return undefined;
    return new FxTimeline(this.active.slice(at), { nextRevision: this.revision, foldDate: date });
  }

  /** Rates are independent of each other: any of them may be retracted. */
  protected retract(target: KnownEvent): Outcome {
    const at = indexOfEvent(this.active, target.event);
    if (at < 0) throw new Error(`active rate ${target.event.id} missing from the timeline`);
    this.active.splice(at, 1);
    return { changes: [] };
  }

  protected insert(e: PlacedEvent): Outcome {
    const wrong = fxRateProblem(e);
    if (wrong) return { problem: wrong };
    this.active.splice(insertionIndex(this.active, e), 0, e);
    return { changes: [] };
  }
}
