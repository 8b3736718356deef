import type { HolderId, StoredEvent } from '../../events/index.js';
import { FX_STREAM, HOLDERS_STREAM } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { CheckedTimeline, type Outcome } from './checkedTimeline.js';
import { indexOfEvent, indexStream, insertionIndex, type KnownEvent, type PlacedEvent } from './timeline.js';

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
 * A fold of a holders timeline in its order: each call applies the next event and returns the
 * control cycle it closes, if any. No point of the timeline may have one; a map free of cycles
 * can only gain one through the holder just registered, so that is where it is looked for.
 */
export const controlFold = (): ((e: PlacedEvent) => Problem | undefined) => {
  const controller = new Map<HolderId, HolderId>();
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
  private readonly controller = new Map<HolderId, HolderId>();

  constructor(events: ReadonlyArray<StoredEvent | PlacedEvent> = []) {
    const { known, active } = indexStream(events);
    super(HOLDERS_STREAM, known, events.length);
    this.active = active;
    for (const e of active) applyControl(this.controller, e);
  }

  /** Replays a candidate timeline, checking for a cycle after every registration. */
  private firstCycle(timeline: ReadonlyArray<PlacedEvent>): Problem | undefined {
    const step = controlFold();
    for (const e of timeline) {
      const cycle = step(e);
      if (cycle) return cycle;
    }
    return undefined;
  }

  protected retract(target: KnownEvent): Outcome {
    const at = indexOfEvent(this.active, target.event);
    const without = [...this.active.slice(0, at), ...this.active.slice(at + 1)];
    const cycle = this.firstCycle(without);
    if (cycle) return { problem: { ...cycle, message: `retracting ${target.event.id} would leave ${cycle.message}` } };
    this.active = without;
    this.controller.clear();
    for (const x of without) applyControl(this.controller, x);
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
      this.active = timeline;
      this.controller.clear();
      for (const x of timeline) applyControl(this.controller, x);
    }
    return { changes: [] };
  }
}

/** The `fx` stream: exchange rates, and retractions of them. */
export class FxTimeline extends CheckedTimeline {
  constructor(events: ReadonlyArray<StoredEvent | PlacedEvent> = []) {
    super(FX_STREAM, indexStream(events).known, events.length);
  }

  /** Rates are independent of each other: any of them may be retracted. */
  protected retract(): Outcome {
    return { changes: [] };
  }

  protected insert(e: PlacedEvent): Outcome {
    const wrong = fxRateProblem(e);
    return wrong ? { problem: wrong } : { changes: [] };
  }
}
