/**
 * A set of UUIDs kept as their 128 bits in one typed array (open addressing, linear probing):
 * 16 bytes a slot instead of a string and a hash-table entry each, so an import can remember the
 * id of every line of a file of millions. Case-insensitive, as event ids are.
 */
export class UuidSet {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;
  /** The nil UUID, all zero bits: the one value an empty slot cannot tell apart. */
  private hasNil = false;

  constructor(capacity = 1 << 12) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.slots = new Uint32Array(size * 4);
    this.mask = size - 1;
  }

  has(id: string): boolean {
    const w = words(id);
    return isZero(w, 0) ? this.hasNil : this.find(w) >= 0;
  }

  /** Adds `id`; whether it was new. */
  add(id: string): boolean {
    const w = words(id);
    if (isZero(w, 0)) {
      const added = !this.hasNil;
      this.hasNil = true;
      return added;
    }
    if (this.find(w) >= 0) return false;
    if ((this.count + 1) * 10 > (this.mask + 1) * 7) this.grow();
    this.put(this.slots, this.mask, w, 0);
    this.count += 1;
    return true;
  }

  /** The slot holding `w`, or -1. */
  private find(w: Uint32Array): number {
    const slots = this.slots;
    for (let i = slotOf(w, 0, this.mask); ; i = (i + 1) & this.mask) {
      const at = i * 4;
      if (slots[at] === w[0] && slots[at + 1] === w[1] && slots[at + 2] === w[2] && slots[at + 3] === w[3]) return i;
      if (isZero(slots, at)) return -1;
    }
  }

  private put(slots: Uint32Array, mask: number, from: Uint32Array, offset: number): void {
    let i = slotOf(from, offset, mask);
    while (!isZero(slots, i * 4)) i = (i + 1) & mask;
    slots.set(from.subarray(offset, offset + 4), i * 4);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.slots.length / 4 - 1;
    for (let at = 0; at < old.length; at += 4) if (!isZero(old, at)) this.put(this.slots, this.mask, old, at);
  }
}

const isZero = (a: Uint32Array, at: number): boolean => a[at] === 0 && a[at + 1] === 0 && a[at + 2] === 0 && a[at + 3] === 0;

/** The UUID's 128 bits as four words, in a scratch array shared by every call (read it before the next). */
const scratch = new Uint32Array(4);
const words = (id: string): Uint32Array => {
  scratch[0] = parseInt(id.slice(0, 8), 16);
  scratch[1] = parseInt(id.slice(9, 13) + id.slice(14, 18), 16);
  scratch[2] = parseInt(id.slice(19, 23) + id.slice(24, 28), 16);
  scratch[3] = parseInt(id.slice(28, 36), 16);
  return scratch;
};

/** Every word mixed in: a file's own ids may differ only in their last digits. */
const slotOf = (w: Uint32Array, at: number, mask: number): number => {
  let h = Math.imul(w[at]! ^ Math.imul(w[at + 1]!, 0x85ebca6b) ^ Math.imul(w[at + 2]!, 0xc2b2ae35) ^ w[at + 3]!, 0x9e3779b1);
  h ^= h >>> 15;
  return h & mask;
};
