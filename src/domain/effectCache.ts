import type { ClassId, HolderId } from '../../events/index.js';
import { type Effect, effectOf, positionKey } from './additiveEffect.js';
import type { PlacedEvent } from './timeline.js';

export type AdditiveEffect = Extract<Effect, { kind: 'additive' }>;

/**
 * Each event's effect (effectOf) on a timeline, computed once: the position index and the
 * re-checks of back-dated events and retractions read it again and again.
 */
export class EffectCache {
  /**
   * Each event's effect, cached by revision counted from `base` (an array read, not a hash lookup
   * on a million event objects), with the event it was computed for: a rejected event's revision
   * is reused.
   */
  private readonly effectEvents: Array<PlacedEvent | undefined>;
  private readonly effects: Array<Effect | undefined>;
  /** One positionKey string per position (see effectOf), found by class and holder without building the key. */
  private readonly keys = new Map<ClassId, Map<HolderId, string>>();
  private readonly keyOf = (cls: ClassId, holder: HolderId): string => {
    let byHolder = this.keys.get(cls);
    if (!byHolder) this.keys.set(cls, (byHolder = new Map()));
    let key = byHolder.get(holder);
    if (key === undefined) byHolder.set(holder, (key = positionKey(cls, holder)));
    return key;
  };

  /** `size`: the number of events the timeline starts with; `base`: the lowest revision it holds. */
  constructor(
    size: number,
    private readonly base = 0,
  ) {
    // Sized up front: the timeline fills them in timeline order, not revision order.
    this.effectEvents = new Array<PlacedEvent | undefined>(size);
    this.effects = new Array<Effect | undefined>(size);
  }

  of(e: PlacedEvent): Effect {
    const r = e.revision - this.base;
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
}
