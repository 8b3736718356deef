import type { HolderId } from '../../events/index.js';

/**
 * The holders of one class ordered by shares, largest first (ties by holder id), so that those at
 * or above a share count are read from the top without a pass over the whole register.
 */
export class RankedHolders {
  private readonly shares = new Map<HolderId, bigint>();
  private order: HolderId[] = [];

  /** Moves `holder` to its place for `shares` (0n removes it). */
  set(holder: HolderId, shares: bigint): void {
    const old = this.shares.get(holder);
    if (old === shares) return;
    if (old !== undefined) {
      this.order.splice(this.indexOf(holder, old), 1);
      this.shares.delete(holder);
    }
    if (shares === 0n) return;
    this.order.splice(this.indexOf(holder, shares), 0, holder);
    this.shares.set(holder, shares);
  }

  /** Replaces every entry, for a day that moved most of the register (a split). */
  reset(holdings: Iterable<readonly [HolderId, bigint]>): void {
    this.shares.clear();
    for (const [holder, shares] of holdings) if (shares !== 0n) this.shares.set(holder, shares);
    this.order = [...this.shares.keys()].sort((a, b) => this.compare(a, this.shares.get(a)!, b, this.shares.get(b)!));
  }

  get size(): number {
    return this.order.length;
  }

  /** The holders, largest first, while `reaches(shares)` holds. */
  *while(reaches: (shares: bigint) => boolean): Generator<HolderId> {
    for (const holder of this.order) {
      if (!reaches(this.shares.get(holder)!)) return;
      yield holder;
    }
  }

  private compare(a: HolderId, aShares: bigint, b: HolderId, bShares: bigint): number {
    if (aShares !== bShares) return aShares > bShares ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Where (`holder`, `shares`) is or would go: the first entry not before it. */
  private indexOf(holder: HolderId, shares: bigint): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const h = this.order[mid]!;
      if (this.compare(h, this.shares.get(h)!, holder, shares) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
