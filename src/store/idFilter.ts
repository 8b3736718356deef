/**
 * A Bloom filter of event ids, kept in an EventStoreDB snapshot (docs/eventstoredb.md): it answers
 * "is this id among the events the snapshot folds?" with no or maybe, so that an id can be checked
 * against a whole stream by reading only the events after the snapshot. A maybe is confirmed by
 * reading the stream (rare: about 1 in 100 ids that are not stored, at the filter's capacity).
 *
 * Bits per id and hashes give about 1% false positives at capacity; past its capacity the filter
 * still answers (no is always exact) but says maybe more often, and the next snapshot is built
 * from a full read with twice the capacity.
 */

const BITS_PER_ID = 10;
const HASHES = 7;

export type IdFilter = Readonly<{ capacity: number; count: number; bits: Uint8Array }>;

/** Two 32-bit FNV-1a hashes of the lower-case id, with different offsets (double hashing). */
const hashes = (id: string): [number, number] => {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    let c = id.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
  }
  return [a, b | 1];
};

const positions = (filter: IdFilter, id: string): number[] => {
  const size = filter.bits.length * 8;
  const [a, b] = hashes(id);
  const out: number[] = [];
  for (let i = 0; i < HASHES; i++) out.push(((a + Math.imul(i, b)) >>> 0) % size);
  return out;
};

export const emptyIdFilter = (capacity: number): IdFilter => {
  const wanted = Math.max(1024, Math.ceil(capacity));
  return { capacity: wanted, count: 0, bits: new Uint8Array(Math.ceil((wanted * BITS_PER_ID) / 8)) };
};

/** The filter with `ids` added (a copy: a filter read from a snapshot stays as it was). */
export const withIds = (filter: IdFilter, ids: Iterable<string>): IdFilter => {
  const bits = filter.bits.slice();
  const grown = { capacity: filter.capacity, count: filter.count, bits };
  let count = filter.count;
  for (const id of ids) {
    for (const p of positions(grown, id)) bits[p >>> 3]! |= 1 << (p & 7);
    count += 1;
  }
  return { capacity: filter.capacity, count, bits };
};

/** False: the id was never added. True: it may have been. */
export const mayHold = (filter: IdFilter, id: string): boolean =>
  positions(filter, id).every((p) => (filter.bits[p >>> 3]! & (1 << (p & 7))) !== 0);

export const encodeIdFilter = (filter: IdFilter): { capacity: number; count: number; bits: string } => ({
  capacity: filter.capacity,
  count: filter.count,
  bits: Buffer.from(filter.bits).toString('base64'),
});

/** A stored filter back, or undefined when it is malformed (then the snapshot is not used for ids). */
export const decodeIdFilter = (u: unknown): IdFilter | undefined => {
  if (typeof u !== 'object' || u === null) return undefined;
  const { capacity, count, bits } = u as Record<string, unknown>;
  if (!Number.isSafeInteger(capacity) || !Number.isSafeInteger(count) || typeof bits !== 'string') return undefined;
  const bytes = new Uint8Array(Buffer.from(bits, 'base64'));
  if (bytes.length !== Math.ceil(((capacity as number) * BITS_PER_ID) / 8)) return undefined;
  return { capacity: capacity as number, count: count as number, bits: bytes };
};
