/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so a generated ledger is a pure function
 * of its seed: the same seed gives the same bytes on every machine and Node version.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** A uniform 32-bit unsigned integer. */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.next32() / 4294967296;
  }

  /** A uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: ReadonlyArray<T>): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** An index in [0, n) skewed towards 0 (a few large holders, a long tail): x^skew scaling. */
  skewed(n: number, skew = 2): number {
    return Math.min(n - 1, Math.floor(n * this.float() ** skew));
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>, total: number): K {
    let x = this.float() * total;
    for (const key in weights) {
      x -= weights[key];
      if (x < 0) return key;
    }
    return Object.keys(weights)[0] as K;
  }
}

/** murmur3's fmix32: a bijection on 32-bit integers, so distinct counters give distinct outputs. */
const fmix32 = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * A version-4-shaped UUID that is unique per `counter` (its first 32 bits are a bijection of the
 * counter) and spread over the id index like a random one (the rest comes from the PRNG).
 */
export const uniqueUuid = (rng: Prng, counter: number, salt = 0): string => {
  const head = hex8(fmix32((counter ^ salt) >>> 0));
  const b = hex8(rng.next32());
  const c = hex8(rng.next32());
  const d = hex8(rng.next32());
  return `${head}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
};
