/**
 * The event ids seen so far by `verify` (case-insensitive), each with where it was first seen, kept
 * compact: a 52-bit hash of the id to a packed place (stream index, revision) — two numbers per
 * event instead of two strings. A hash that matches is confirmed by reading the id stored at the
 * earlier place, so a collision is never reported as a duplicate; the ids that collide are kept
 * whole, apart.
 */
export class IdIndex {
  private readonly places = new Map<number, number>();
  /** Ids whose hash was taken when they were recorded (a collision or a repeat), in full. */
  private readonly apart = new Map<string, string>();
  private readonly streamIndex: Map<string, number>;

  constructor(
    private readonly streams: ReadonlyArray<string>,
    private readonly idAt: (stream: string, revision: number) => Promise<string | undefined>,
  ) {
    this.streamIndex = new Map(streams.map((s, i) => [s, i]));
  }

  /** Where the id was first seen ("stream@revision"), if it was. */
  async placeOf(id: string): Promise<string | undefined> {
    const apart = this.apart.get(id.toLowerCase());
    if (apart !== undefined) return apart;
    const place = this.places.get(keyOf(id));
    if (place === undefined) return undefined;
    const stream = this.streams[Math.floor(place / REVISIONS)]!;
    const revision = place % REVISIONS;
    const earlier = await this.idAt(stream, revision);
    return earlier?.toLowerCase() === id.toLowerCase() ? `${stream}@${revision}` : undefined;
  }

  /** Records where the id is seen now (replacing an earlier place of the same id). */
  record(id: string, stream: string, revision: number): void {
    const key = keyOf(id);
    const index = this.streamIndex.get(stream);
    if (this.places.has(key) || index === undefined || revision >= REVISIONS) this.apart.set(id.toLowerCase(), `${stream}@${revision}`);
    else this.places.set(key, index * REVISIONS + revision);
  }
}

/** Revisions per stream in a packed place: 2^26, so that stream index × 2^26 + revision stays below 2^53. */
const REVISIONS = 2 ** 26;

/** Two 32-bit FNV-1a hashes of the lower-case id, as one 52-bit number. */
const keyOf = (id: string): number => {
  const s = id.toLowerCase();
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 2 ** 20 + ((b >>> 0) & 0xfffff);
};
