import type { HolderId } from '../../events/index.js';

/**
 * The holders of one class in a max-heap by shares, so that those at or above a share count are
 * found by visiting them and their children only, never the whole register, and a holder whose
 * shares change moves in O(log n). (A sorted array moved every holder after it on each change:
 * on a register of thousands of holders that was most of an audit's time.)
 */
export class RankedHolders {
  private holders: HolderId[] = [];
  /** `shares[i]` is the shares of `holders[i]`; every entry holds at least as many as its children (2i + 1, 2i + 2). */
  private shares: bigint[] = [];
  private readonly at = new Map<HolderId, number>();

  /** Sets `holder`'s shares (0n removes it). */
  set(holder: HolderId, shares: bigint): void {
    const i = this.at.get(holder);
    if (i === undefined) {
      if (shares === 0n) return;
      this.holders.push(holder);
      this.shares.push(shares);
      this.at.set(holder, this.holders.length - 1);
      this.up(this.holders.length - 1);
      return;
    }
    const old = this.shares[i]!;
    if (old === shares) return;
    if (shares === 0n) return this.remove(i);
    this.shares[i] = shares;
    if (shares > old) this.up(i);
    else this.down(i);
  }

  /** Replaces every entry, for a day that moved most of the register (a split). */
  reset(holdings: Iterable<readonly [HolderId, bigint]>): void {
    this.holders = [];
    this.shares = [];
    this.at.clear();
    for (const [holder, shares] of holdings) {
      if (shares === 0n) continue;
      this.at.set(holder, this.holders.length);
      this.holders.push(holder);
      this.shares.push(shares);
    }
    for (let i = (this.holders.length >>> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.holders.length;
  }

  /** The holders whose shares pass `reaches`, a monotone test (if it holds for some shares it holds for more), in no set order. */
  *reaching(reaches: (shares: bigint) => boolean): Generator<HolderId> {
    const stack = this.holders.length > 0 ? [0] : [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      // Below an entry that does not reach, no child can: none holds more.
      if (!reaches(this.shares[i]!)) continue;
      yield this.holders[i]!;
      if (2 * i + 1 < this.holders.length) stack.push(2 * i + 1);
      if (2 * i + 2 < this.holders.length) stack.push(2 * i + 2);
    }
  }

  /** Removes entry `i`: the last entry takes its place and moves to where it belongs. */
  private remove(i: number): void {
    this.at.delete(this.holders[i]!);
    const holder = this.holders.pop()!;
    const shares = this.shares.pop()!;
    if (i === this.holders.length) return;
    this.place(i, holder, shares);
    this.up(i);
    this.down(i);
  }

  private place(i: number, holder: HolderId, shares: bigint): void {
    this.holders[i] = holder;
    this.shares[i] = shares;
    this.at.set(holder, i);
  }

  private up(i: number): void {
    const holder = this.holders[i]!;
    const shares = this.shares[i]!;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (this.shares[parent]! >= shares) break;
      this.place(i, this.holders[parent]!, this.shares[parent]!);
      i = parent;
    }
    this.place(i, holder, shares);
  }

  private down(i: number): void {
    const n = this.holders.length;
    const holder = this.holders[i]!;
    const shares = this.shares[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.shares[child + 1]! > this.shares[child]!) child += 1;
      if (this.shares[child]! <= shares) break;
      this.place(i, this.holders[child]!, this.shares[child]!);
      i = child;
    }
    this.place(i, holder, shares);
  }
}
