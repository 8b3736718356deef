import type { Prng } from './prng.js';

/**
 * The generator's own model of one issuer: who holds what now, and enough history to know which
 * events may still be back-dated or retracted without breaking a later event (docs/invariants.md). It mirrors
 * the ledger's rules; the ledger re-checks everything when the file is imported.
 */

type ClassInfo = { votes: number; addedOn: number };

/** The holders with a positive holding of one class, kept so a random one is O(1) to pick. */
class HolderSet {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  has(h: string): boolean {
    return this.index.has(h);
  }

  add(h: string): void {
    if (this.index.has(h)) return;
    this.index.set(h, this.list.length);
    this.list.push(h);
  }

  remove(h: string): void {
    const i = this.index.get(h);
    if (i === undefined) return;
    const last = this.list.pop()!;
    this.index.delete(h);
    if (last !== h) {
      this.list[i] = last;
      this.index.set(last, i);
    }
  }
}

/** An appended event the generator may later retract: its effect on holdings, undone on retraction. */
export type RetractionCandidate = Readonly<{
  id: string;
  seq: number;
  cls: string;
  /** The position that loses `shares` when the event is retracted (issuance: the holder; sale: the buyer). */
  loser: string | undefined;
  /** The position that gets `shares` back (a sale's seller). */
  gainer: string | undefined;
  shares: bigint;
}>;

const key = (cls: string, holder: string): string => `${cls}\u0000${holder}`;

export class IssuerModel {
  readonly classes = new Map<string, ClassInfo>();
  private readonly holdings = new Map<string, Map<string, bigint>>();
  private readonly holders = new Map<string, HolderSet>();
  private readonly outstanding = new Map<string, bigint>();
  /** Sequence number (in this stream) of the last event that lowered each position. */
  private readonly lastDecrease = new Map<string, number>();
  /** Last split, IPO: events that rescale or convert holdings; nothing is back-dated or retracted across one. */
  lastStructuralSeq = -1;
  lastStructuralDay = 0;
  seq = 0;
  splits = 0;
  classesAdded = 0;
  ipoDone = false;
  priceLevel: number;
  readonly candidates: RetractionCandidate[] = [];

  constructor(
    readonly id: string,
    readonly currency: string,
    readonly listed: boolean,
    readonly registeredOn: number,
    rng: Prng,
  ) {
    this.priceLevel = 0.5 + rng.float() * 80;
    this.ipoDone = listed;
  }

  addClass(cls: string, votes: number, day: number): void {
    this.classes.set(cls, { votes, addedOn: day });
    this.holdings.set(cls, new Map());
    this.holders.set(cls, new HolderSet());
    this.outstanding.set(cls, 0n);
  }

  sharesOf(cls: string, holder: string): bigint {
    return this.holdings.get(cls)?.get(holder) ?? 0n;
  }

  outstandingOf(cls: string): bigint {
    return this.outstanding.get(cls) ?? 0n;
  }

  holdersOf(cls: string): ReadonlyArray<string> {
    return this.holders.get(cls)?.list ?? [];
  }

  /** Adds `delta` to a holding; outstanding changes unless the shares only move between holders. */
  adjust(cls: string, holder: string, delta: bigint, changesOutstanding: boolean): void {
    const byHolder = this.holdings.get(cls)!;
    const next = (byHolder.get(holder) ?? 0n) + delta;
    if (next < 0n) throw new Error(`generator bug: ${this.id} ${cls} ${holder} would hold ${next}`);
    if (next === 0n) {
      byHolder.delete(holder);
      this.holders.get(cls)!.remove(holder);
    } else {
      byHolder.set(holder, next);
      this.holders.get(cls)!.add(holder);
    }
    if (delta < 0n) this.lastDecrease.set(key(cls, holder), this.seq);
    if (changesOutstanding) this.outstanding.set(cls, this.outstandingOf(cls) + delta);
  }

  /** Every holding of `cls` (or of every class) × n (a forward split: always whole). */
  split(cls: string | undefined, n: bigint, day: number): void {
    for (const c of cls ? [cls] : [...this.classes.keys()]) {
      const byHolder = this.holdings.get(c)!;
      for (const [h, shares] of byHolder) byHolder.set(h, shares * n);
      this.outstanding.set(c, this.outstandingOf(c) * n);
    }
    this.markStructural(day);
  }

  /** Every holding of `from` becomes `to` at `ratio` (IPO conversions). */
  convertAll(from: string, to: string, ratio: bigint): void {
    for (const h of [...this.holdersOf(from)]) {
      const shares = this.sharesOf(from, h);
      this.adjust(from, h, -shares, true);
      this.adjust(to, h, shares * ratio, true);
    }
  }

  markStructural(day: number): void {
    this.lastStructuralSeq = this.seq;
    this.lastStructuralDay = day;
  }

  /** The earliest day an increase of `cls` may be back-dated to without crossing a structural event. */
  backDateFloor(cls: string): number {
    return Math.max(this.registeredOn, this.lastStructuralDay, this.classes.get(cls)?.addedOn ?? Infinity);
  }

  remember(c: RetractionCandidate): void {
    this.candidates.push(c);
    if (this.candidates.length > 48) this.candidates.shift();
  }

  /**
   * Whether retracting `c` keeps every later point of the timeline valid: nothing lowered the
   * losing position since, no split or IPO happened since, so the shares are still there.
   */
  canRetract(c: RetractionCandidate): boolean {
    if (c.loser === undefined) return true;
    if (c.seq <= this.lastStructuralSeq) return false;
    if ((this.lastDecrease.get(key(c.cls, c.loser)) ?? -1) > c.seq) return false;
    return this.sharesOf(c.cls, c.loser) >= c.shares;
  }

  /** Applies a retraction of `c` to the model and forgets it. */
  retract(c: RetractionCandidate): void {
    if (c.loser !== undefined) this.adjust(c.cls, c.loser, -c.shares, c.gainer === undefined);
    if (c.gainer !== undefined) this.adjust(c.cls, c.gainer, c.shares, false);
    this.candidates.splice(this.candidates.indexOf(c), 1);
  }
}
