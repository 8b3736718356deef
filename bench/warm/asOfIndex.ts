import type { ClassId, HolderId, IssuerId } from '../../events/index.js';
import { evolveIssuer, initialIssuerState, positionsTouched, sharesOf } from '../../src/domain/issuerState.js';
import type { PlacedEvent } from '../../src/domain/timeline.js';
import { compareText, EXACT_WHOLE, percentOfDoubles, percentText } from '../../projections/format.js';
import type { CapTableHolderJson, CapTableJson, StakeJson } from '../../projections/ownership.js';
import type { PointInTime } from '../../projections/timeline.js';

/**
 * An order-preserving number for a valid YYYY-MM-DD date (year × 512 + month × 32 + day): binary
 * searches compare small integers instead of strings.
 */
const dayKey = (date: string): number =>
  ((date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48)) * 512 +
  ((date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48)) * 32 +
  ((date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48));

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Index of the last key on or before `key` in ascending `keys`, or -1: binary search. */
const lastAtOrBefore = (keys: ArrayLike<number>, key: number): number => {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
};

/**
 * A value that changes on some dates: the value at the end of each date it changed, dates
 * ascending. Built straight into growing typed arrays (a 1M-event issuer has over a million steps:
 * boxed in plain arrays they were ~50 MB of garbage at the end of the build), then trimmed, as
 * doubles when the index is `exact`. A value beyond 64 bits moves its steps to a BigInt array.
 */
class Steps {
  private keys: Int32Array = new Int32Array(4);
  private values: BigInt64Array | bigint[] | Float64Array = new BigInt64Array(4);
  private length = 0;

  record(key: number, value: bigint): void {
    const last = this.length - 1;
    if (last >= 0 && this.keys[last] === key) {
      this.store(last, value);
      return;
    }
    if (this.length === this.keys.length) {
      const keys = new Int32Array(this.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      if (this.values instanceof BigInt64Array) {
        const values = new BigInt64Array(this.length * 2);
        values.set(this.values);
        this.values = values;
      }
    }
    this.keys[this.length] = key;
    this.store(this.length, value);
    this.length += 1;
  }

  private store(i: number, value: bigint): void {
    if (this.values instanceof BigInt64Array) {
      if (value >= I64_MIN && value <= I64_MAX) {
        this.values[i] = value;
        return;
      }
      this.values = Array.from(this.values.subarray(0, this.length));
    }
    (this.values as bigint[])[i] = value;
  }

  max(): bigint {
    let max = 0n;
    for (let i = 0; i < this.length; i++) {
      const v = this.values[i] as bigint;
      if (v > max) max = v;
    }
    return max;
  }

  freeze(asDoubles: boolean): void {
    this.keys = this.keys.slice(0, this.length);
    const values = this.values as BigInt64Array | bigint[];
    this.values = asDoubles ? Float64Array.from(values.slice(0, this.length), Number) : values.slice(0, this.length);
  }

  /** Index of the last step on or before the day `key`, or -1. */
  private find(key: number): number {
    return lastAtOrBefore(this.keys, key);
  }

  /** The days it changed on. */
  days(): ArrayLike<number> {
    return this.keys;
  }

  /** Its values on `days()`, as doubles: only on an `exact` index. */
  doubles(): Float64Array {
    return this.values as Float64Array;
  }

  /** Its value on each of `days` (ascending, a superset of its own days), as doubles. */
  densify(days: Int32Array): Float64Array {
    const dense = new Float64Array(days.length);
    for (let i = 0; i < days.length; i++) dense[i] = this.atDouble(days[i]!);
    return dense;
  }

  /** The value at the end of the day `key` (0 before the first change). */
  at(key: number): bigint {
    const i = this.find(key);
    if (i < 0) return 0n;
    const v = this.values[i]!;
    return typeof v === 'bigint' ? v : BigInt(v);
  }

  /** The same, as a double: only on an `exact` index. */
  atDouble(key: number): number {
    const i = this.find(key);
    return i < 0 ? 0 : (this.values as Float64Array)[i]!;
  }
}

/**
 * Every position's value on every day, for cap tables on an exact index: the changes of each day
 * (compressed rows: `start[t]`..`start[t + 1]` in `position`/`value`) and a full copy of all
 * positions every `every` days. A cap table copies the checkpoint before its day and applies at
 * most `every` days of changes, then reads the positions in order: no binary search per position.
 */
export class PositionsByDay {
  private constructor(
    private readonly days: Int32Array,
    private readonly start: Int32Array,
    private readonly position: Int32Array,
    private readonly value: Float64Array,
    private readonly every: number,
    private readonly checkpoints: Float64Array[],
    readonly count: number,
  ) {}

  /**
   * Days between checkpoints for `days` days and `positions` positions: checkpoints take about
   * 8 MB in all whatever the size of the issuer, and a cap table applies at most that many days
   * of changes. Replaceable so tests can try every spacing.
   */
  static spacing = (days: number, positions: number): number =>
    Math.max(8, Math.ceil((days * Math.max(1, positions) * 8) / (8 * 1024 * 1024)));

  static build(positions: ReadonlyArray<Steps>): PositionsByDay {
    const all = new Set<number>();
    let changes = 0;
    for (const steps of positions) {
      const keys = steps.days();
      changes += keys.length;
      for (let i = 0; i < keys.length; i++) all.add(keys[i]!);
    }
    const days = Int32Array.from([...all].sort((a, b) => a - b));
    const dayIndex = new Map<number, number>();
    days.forEach((d, t) => dayIndex.set(d, t));
    const start = new Int32Array(days.length + 1);
    for (const steps of positions) {
      const keys = steps.days();
      for (let i = 0; i < keys.length; i++) start[dayIndex.get(keys[i]!)! + 1]! += 1;
    }
    for (let t = 0; t < days.length; t++) start[t + 1] = start[t + 1]! + start[t]!;
    const fill = start.slice(0, days.length);
    const position = new Int32Array(changes);
    const value = new Float64Array(changes);
    positions.forEach((steps, p) => {
      const keys = steps.days();
      const values = steps.doubles();
      for (let i = 0; i < keys.length; i++) {
        const t = dayIndex.get(keys[i]!)!;
        const at = fill[t]!;
        fill[t] = at + 1;
        position[at] = p;
        value[at] = values[i]!;
      }
    });
    const every = Math.max(1, Math.floor(PositionsByDay.spacing(days.length, positions.length)));
    const checkpoints: Float64Array[] = [];
    const running = new Float64Array(positions.length);
    for (let t = 0; t < days.length; t++) {
      if (t % every === 0) checkpoints.push(running.slice());
      for (let c = start[t]!; c < start[t + 1]!; c++) running[position[c]!] = value[c]!;
    }
    return new PositionsByDay(days, start, position, value, every, checkpoints, positions.length);
  }

  /** Every position's value at the end of the day `key` (a fresh array the caller may keep). */
  valuesOn(key: number): Float64Array {
    const t = lastAtOrBefore(this.days, key);
    if (t < 0) return new Float64Array(this.count);
    const j = Math.min(Math.floor((t + 1) / this.every), this.checkpoints.length - 1);
    const values = this.checkpoints[j]!.slice();
    for (let c = this.start[j * this.every]!, end = this.start[t + 1]!; c < end; c++) values[this.position[c]!] = this.value[c]!;
    return values;
  }
}

type IndexedClass = {
  readonly cls: ClassId;
  readonly since: number;
  readonly votesPerShare: bigint;
  readonly votes: number;
  readonly holders: Map<HolderId, Steps>;
  readonly outstanding: Steps;
  /** On an exact index: the outstanding shares on each of the index's `outstandingDays`, and as text. */
  outstandingByDay: Float64Array;
  outstandingTextByDay: string[];
  /** `holders` by the index's holder slot: one Map look-up per question instead of one per class. */
  bySlot: Array<Steps | undefined>;
};

/** One holder's row of a cap table while it is being summed: per class in class order. */
type Row = { holder: HolderId; shares: bigint; votes: bigint; byClass: bigint[] };
type DoublesRow = { holder: HolderId; shares: number; votes: number; byClass: number[] };

/**
 * An issuer's holdings indexed by date, for one knowledge time: every (class, holder) position and
 * every class's outstanding shares as step functions over effective dates. Built by one replay of
 * the selected timeline (the domain's evolve), it answers "as of D" questions by binary search
 * instead of a replay: what a long-running process keeps warm. The answers are those of a replay
 * to the end of D (`bench/warm/warmReader.property.test.ts` compares them with `projectStake` and
 * `projectCapTable` field by field); they are formatted here directly from the step values, with
 * the same exact percentages (`percentText`), because building an IssuerState per question cost
 * more than the question.
 */
export class AsOfIndex {
  private readonly classes: IndexedClass[] = [];
  private registeredOn = Number.POSITIVE_INFINITY;
  /** Whether the answers can be computed in doubles exactly (see `build`). */
  private exact = false;
  /** Every day some class's outstanding shares changed, ascending (exact index only). */
  private outstandingDays = new Int32Array(0);
  /** For a day key k ≥ the first of `outstandingDays`: the index of the last of them ≤ k (see `dayOf`). */
  private dayOfKey = new Int32Array(0);
  /** All classes' outstanding shares and votes on each of `outstandingDays` (a class not yet added has none). */
  private totalSharesByDay = new Float64Array(0);
  private totalVotesByDay = new Float64Array(0);
  /** A number for every holder with a position (exact index only). */
  private readonly slots = new Map<HolderId, number>();
  /** Exact index only: every (class, holder) position's class index, holder, and values by day. */
  private positionClass = new Int32Array(0);
  private positionHolder: HolderId[] = [];
  private positionSlot = new Int32Array(0);
  private positionsByDay: PositionsByDay | undefined;

  private constructor(readonly issuer: IssuerId) {}

  /** `timeline`: the issuer's events that count at the knowledge time, in timeline order, all dates. */
  static build(issuer: IssuerId, timeline: Iterable<PlacedEvent>): AsOfIndex {
    const index = new AsOfIndex(issuer);
    const state = initialIssuerState(issuer);
    const byClass = new Map<ClassId, IndexedClass>();
    for (const e of timeline) {
      const touched = positionsTouched(state, e);
      const classesBefore = state.classes.size;
      evolveIssuer(state, e);
      const key = dayKey(e.date);
      if (state.registration && index.registeredOn === Number.POSITIVE_INFINITY) index.registeredOn = dayKey(state.registration.date);
      if (state.classes.size !== classesBefore) {
        for (const [cls, spec] of [...state.classes].slice(classesBefore)) {
          const indexed: IndexedClass = {
            cls,
            since: key,
            votesPerShare: BigInt(spec.votesPerShare),
            votes: spec.votesPerShare,
            holders: new Map(),
            outstanding: new Steps(),
            outstandingByDay: new Float64Array(0),
            outstandingTextByDay: [],
            bySlot: [],
          };
          index.classes.push(indexed);
          byClass.set(cls, indexed);
        }
      }
      let lastClass: ClassId | undefined;
      for (const [cls, holder] of touched) {
        const indexed = byClass.get(cls);
        if (!indexed) continue;
        let steps = indexed.holders.get(holder);
        if (!steps) indexed.holders.set(holder, (steps = new Steps()));
        steps.record(key, sharesOf(state, cls, holder));
        // Positions come grouped by class; recording a class's outstanding twice on one day is harmless.
        if (cls !== lastClass) indexed.outstanding.record(key, state.outstanding.get(cls) ?? 0n);
        lastClass = cls;
      }
    }
    // Exact in doubles when every sum a question can make (all classes' outstanding shares, or
    // their votes) stays below 2^52: then answers need no BigInt arithmetic at all.
    let bound = 0n;
    for (const c of index.classes) {
      let max = c.outstanding.max();
      for (const steps of c.holders.values()) {
        const m = steps.max();
        if (m > max) max = m;
      }
      bound += max * (c.votesPerShare > 1n ? c.votesPerShare : 1n);
    }
    index.exact = bound <= EXACT_WHOLE;
    const days = new Set<number>();
    for (const c of index.classes) {
      c.outstanding.freeze(index.exact);
      for (const steps of c.holders.values()) steps.freeze(index.exact);
      for (const day of Array.from(c.outstanding.days())) days.add(day);
    }
    if (index.exact) {
      // One binary search per question then finds every class's outstanding shares.
      const sorted = Int32Array.from([...days].sort((a, b) => a - b));
      index.outstandingDays = sorted;
      index.totalSharesByDay = new Float64Array(sorted.length);
      index.totalVotesByDay = new Float64Array(sorted.length);
      for (const c of index.classes) {
        c.outstandingByDay = c.outstanding.densify(sorted);
        c.outstandingTextByDay = Array.from(c.outstandingByDay, String);
        for (let d = 0; d < sorted.length; d++) {
          index.totalSharesByDay[d] = index.totalSharesByDay[d]! + c.outstandingByDay[d]!;
          index.totalVotesByDay[d] = index.totalVotesByDay[d]! + c.outstandingByDay[d]! * c.votes;
        }
      }
      // A direct table from day key to day index when the keys span a sane range (512 keys a year).
      const span = sorted.length === 0 ? 0 : sorted[sorted.length - 1]! - sorted[0]! + 1;
      if (span > 0 && span <= 1 << 22) {
        index.dayOfKey = new Int32Array(span);
        for (let k = 0, d = 0; k < span; k++) {
          while (d + 1 < sorted.length && sorted[d + 1]! <= sorted[0]! + k) d++;
          index.dayOfKey[k] = d;
        }
      }
      for (const c of index.classes)
        for (const holder of c.holders.keys()) if (!index.slots.has(holder)) index.slots.set(holder, index.slots.size);
      for (const c of index.classes) {
        c.bySlot = new Array<Steps | undefined>(index.slots.size).fill(undefined);
        for (const [holder, steps] of c.holders) c.bySlot[index.slots.get(holder)!] = steps;
      }
      const positions: Steps[] = [];
      const positionClass: number[] = [];
      index.classes.forEach((c, i) => {
        for (const [holder, steps] of c.holders) {
          positions.push(steps);
          positionClass.push(i);
          index.positionHolder.push(holder);
        }
      });
      index.positionClass = Int32Array.from(positionClass);
      index.positionSlot = Int32Array.from(index.positionHolder, (holder) => index.slots.get(holder)!);
      index.positionsByDay = PositionsByDay.build(positions);
    }
    return index;
  }

  /** The classes that exist at the end of the day `key`, in the order they were added. */
  private classesOn(key: number): IndexedClass[] {
    if (this.registeredOn > key) return [];
    const all = this.classes;
    // Classes are added in timeline order, so those that exist on `key` are a prefix.
    let n = 0;
    while (n < all.length && all[n]!.since <= key) n++;
    return n === all.length ? all : all.slice(0, n);
  }

  /** The index in `outstandingDays` of the last day ≤ `key`, or -1. */
  private dayOf(key: number): number {
    const days = this.outstandingDays;
    if (days.length === 0 || key < days[0]!) return -1;
    const offset = key - days[0]!;
    return offset < this.dayOfKey.length ? this.dayOfKey[offset]! : lastAtOrBefore(days, key);
  }

  private stakeInDoubles(at: PointInTime, key: number, holder: HolderId, counted: ReadonlyArray<HolderId>): StakeJson {
    let totalShares = 0;
    let totalVotes = 0;
    let heldShares = 0;
    let heldVotes = 0;
    const classes: StakeJson['classes'] = [];
    const day = this.dayOf(key);
    const active = this.classesOn(key);
    const single = counted.length === 1 ? this.slots.get(counted[0]!) : undefined;
    const slots: number[] = [];
    if (counted.length > 1) {
      for (let i = 0; i < counted.length; i++) {
        const slot = this.slots.get(counted[i]!);
        if (slot !== undefined) slots.push(slot);
      }
    }
    for (let k = 0; k < active.length; k++) {
      const c = active[k]!;
      const outstanding = day < 0 ? 0 : c.outstandingByDay[day]!;
      let held = 0;
      if (single !== undefined) {
        const steps = c.bySlot[single];
        if (steps !== undefined) held = steps.atDouble(key);
      } else {
        for (let i = 0; i < slots.length; i++) {
          const steps = c.bySlot[slots[i]!];
          if (steps !== undefined) held += steps.atDouble(key);
        }
      }
      heldShares += held;
      heldVotes += held * c.votes;
      classes.push({
        class: c.cls,
        shares: String(held),
        outstanding: day < 0 ? '0' : c.outstandingTextByDay[day]!,
        percentOfClass: percentOfDoubles(held, outstanding),
      });
    }
    if (day >= 0 && active.length > 0) {
      // Every class not yet added on `key` has no shares outstanding then: the day's totals are theirs.
      totalShares = this.totalSharesByDay[day]!;
      totalVotes = this.totalVotesByDay[day]!;
    }
    return {
      issuer: this.issuer,
      holder,
      asOf: at.asOf,
      knownAt: at.knownAt,
      shares: String(heldShares),
      percentOfTotal: percentOfDoubles(heldShares, totalShares),
      votingPercent: percentOfDoubles(heldVotes, totalVotes),
      classes,
    };
  }

  private capTableInDoubles(at: PointInTime, key: number, classes: IndexedClass[], nameOf: (holder: HolderId) => string): CapTableJson {
    const rows: DoublesRow[] = [];
    const rowOfSlot = new Array<DoublesRow | undefined>(this.slots.size);
    const day = this.dayOf(key);
    let totalShares = 0;
    let totalVotes = 0;
    const outstanding: number[] = [];
    for (let i = 0; i < classes.length; i++) {
      const out = day < 0 ? 0 : classes[i]!.outstandingByDay[day]!;
      outstanding.push(out);
      totalShares += out;
      totalVotes += out * classes[i]!.votes;
    }
    const values = this.positionsByDay!.valuesOn(key);
    for (let p = 0; p < values.length; p++) {
      const n = values[p]!;
      const i = this.positionClass[p]!;
      // Classes are added in timeline order, so those that exist on `key` come first; a class added
      // later has no shares yet.
      if (n === 0 || i >= classes.length) continue;
      const slot = this.positionSlot[p]!;
      let row = rowOfSlot[slot];
      if (row === undefined) {
        row = { holder: this.positionHolder[p]!, shares: 0, votes: 0, byClass: new Array<number>(classes.length).fill(0) };
        rowOfSlot[slot] = row;
        rows.push(row);
      }
      row.byClass[i] = n;
      row.shares += n;
      row.votes += n * classes[i]!.votes;
    }
    // Every row's classes object has the same keys in the same order: copies of one template.
    const template: Record<string, string> = {};
    for (const c of classes) template[c.cls] = '0';
    const sorted = rows.sort((a, b) => b.shares - a.shares || compareText(a.holder, b.holder));
    return {
      issuer: this.issuer,
      asOf: at.asOf,
      knownAt: at.knownAt,
      totalShares: String(totalShares),
      classes: classes.map((c, i) => ({ class: c.cls, votesPerShare: c.votes, outstanding: String(outstanding[i]!) })),
      holders: sorted.map((row): CapTableHolderJson => {
        const byClass = { ...template };
        for (let i = 0; i < classes.length; i++) if (row.byClass[i] !== 0) byClass[classes[i]!.cls] = String(row.byClass[i]!);
        return {
          holder: row.holder,
          name: nameOf(row.holder),
          shares: String(row.shares),
          percentOfTotal: percentOfDoubles(row.shares, totalShares),
          votingPercent: percentOfDoubles(row.votes, totalVotes),
          classes: byClass,
        };
      }),
    };
  }

  /** docs/queries.md#stake stake of `holder`, or of the group `members` (summed), at the end of `at.asOf`. */
  stake(at: PointInTime, holder: HolderId, members?: ReadonlyArray<HolderId>): StakeJson {
    const key = dayKey(at.asOf);
    const counted = members ?? [holder];
    if (this.exact) {
      const stake = this.stakeInDoubles(at, key, holder, counted);
      if (members) stake.holders = [...members];
      return stake;
    }
    let totalShares = 0n;
    let totalVotes = 0n;
    let heldShares = 0n;
    let heldVotes = 0n;
    const classes: StakeJson['classes'] = [];
    for (const c of this.classesOn(key)) {
      const outstanding = c.outstanding.at(key);
      let held = 0n;
      for (const h of counted) {
        const steps = c.holders.get(h);
        if (steps) held += steps.at(key);
      }
      totalShares += outstanding;
      heldShares += held;
      if (c.votes !== 0) {
        totalVotes += outstanding * c.votesPerShare;
        heldVotes += held * c.votesPerShare;
      }
      classes.push({
        class: c.cls,
        shares: held.toString(),
        outstanding: outstanding.toString(),
        percentOfClass: percentText(held, outstanding),
      });
    }
    const stake: StakeJson = {
      issuer: this.issuer,
      holder,
      asOf: at.asOf,
      knownAt: at.knownAt,
      shares: heldShares.toString(),
      percentOfTotal: percentText(heldShares, totalShares),
      votingPercent: percentText(heldVotes, totalVotes),
      classes,
    };
    if (members) stake.holders = [...members];
    return stake;
  }

  /** docs/queries.md#stake cap table at the end of `at.asOf`: every holder with shares, largest first, then by id. */
  capTable(at: PointInTime, nameOf: (holder: HolderId) => string): CapTableJson {
    const key = dayKey(at.asOf);
    const classes = this.classesOn(key);
    if (this.exact) return this.capTableInDoubles(at, key, classes, nameOf);
    const rows = new Map<HolderId, Row>();
    let totalShares = 0n;
    let totalVotes = 0n;
    const outstanding: bigint[] = [];
    classes.forEach((c, i) => {
      const out = c.outstanding.at(key);
      outstanding.push(out);
      totalShares += out;
      totalVotes += out * c.votesPerShare;
      for (const [holder, steps] of c.holders) {
        const n = steps.at(key);
        if (n === 0n) continue;
        let row = rows.get(holder);
        if (!row) rows.set(holder, (row = { holder, shares: 0n, votes: 0n, byClass: new Array<bigint>(classes.length).fill(0n) }));
        row.byClass[i] = n;
        row.shares += n;
        row.votes += n * c.votesPerShare;
      }
    });
    const sorted = [...rows.values()].sort((a, b) =>
      a.shares > b.shares ? -1 : a.shares < b.shares ? 1 : compareText(a.holder, b.holder),
    );
    return {
      issuer: this.issuer,
      asOf: at.asOf,
      knownAt: at.knownAt,
      totalShares: totalShares.toString(),
      classes: classes.map((c, i) => ({ class: c.cls, votesPerShare: c.votes, outstanding: outstanding[i]!.toString() })),
      holders: sorted.map((row): CapTableHolderJson => {
        const byClass: Record<string, string> = {};
        classes.forEach((c, i) => (byClass[c.cls] = row.byClass[i]!.toString()));
        return {
          holder: row.holder,
          name: nameOf(row.holder),
          shares: row.shares.toString(),
          percentOfTotal: percentText(row.shares, totalShares),
          votingPercent: percentText(row.votes, totalVotes),
          classes: byClass,
        };
      }),
    };
  }
}
