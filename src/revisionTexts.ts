/** Texts told apart by number up to here: a text seen again after that is stored again. */
const INTERNED_UP_TO = 4096;

/**
 * A text, or none, for each revision of a stream, kept compactly: the audit keeps the actor,
 * source and note of every revision of an issuer's stream (millions at scale) while it reads the
 * stream's timeline. Each revision holds the number of its text in a typed array that widens from
 * 8 to 16 to 32 bits as texts are added. The first texts are told apart and kept once each as
 * strings (actors, recurring notes); after those, a text is stored as it comes, as UTF-8 in one
 * buffer, unless it repeats the text before it: sources are mostly distinct, a map to tell so
 * many apart would cost more than their repeats, and as strings they would weigh on the heap
 * (half as much again, with its growth), where the buffer does not.
 */
export class RevisionTexts {
  /** Text number n, up to their count, is interned[n - 1]; 0 is no text. */
  private readonly interned: string[] = [];
  private readonly numbers = new Map<string, number>();
  /** Text number interned.length + 1 + k is bytes[ends[k - 1] ?? 0, ends[k]). */
  private bytes = Buffer.alloc(1 << 16);
  private ends = new Uint32Array(1024);
  private stored = 0;
  private lastText: string | undefined;
  private lastNumber = 0;
  private codes: Codes = new Uint8Array(256);

  set(revision: number, text: string): void {
    let n = text === this.lastText ? this.lastNumber : this.numbers.get(text);
    if (n === undefined) {
      if (this.numbers.size < INTERNED_UP_TO) {
        this.interned.push(text);
        n = this.interned.length;
        this.numbers.set(text, n);
      } else n = this.interned.length + this.store(text);
    }
    this.lastText = text;
    this.lastNumber = n;
    if (revision >= this.codes.length || n > maxOf(this.codes)) this.codes = this.resized(revision, n);
    this.codes[revision] = n;
  }

  get(revision: number): string | undefined {
    const n = revision < this.codes.length ? this.codes[revision]! : 0;
    if (n <= this.interned.length) return n === 0 ? undefined : this.interned[n - 1];
    const k = n - this.interned.length - 1;
    return this.bytes.toString('utf8', k === 0 ? 0 : this.ends[k - 1]!, this.ends[k]!);
  }

  /** Appends a text's UTF-8 to the buffer; its number among the stored texts (from 1). */
  private store(text: string): number {
    const used = this.stored === 0 ? 0 : this.ends[this.stored - 1]!;
    const size = Buffer.byteLength(text, 'utf8');
    if (used + size > this.bytes.length) {
      const bytes = Buffer.alloc(Math.max(used + size, Math.ceil(this.bytes.length * 1.5)));
      this.bytes.copy(bytes, 0, 0, used);
      this.bytes = bytes;
    }
    if (this.stored === this.ends.length) {
      const ends = new Uint32Array(Math.ceil(this.ends.length * 1.5));
      ends.set(this.ends);
      this.ends = ends;
    }
    this.bytes.write(text, used, 'utf8');
    this.ends[this.stored++] = used + size;
    return this.stored;
  }

  /** The codes with room for `revision` (half as much again, if it needs more) and wide enough for `n`. */
  private resized(revision: number, n: number): Codes {
    const length = revision < this.codes.length ? this.codes.length : Math.max(revision + 1, Math.ceil(this.codes.length * 1.5));
    const bytes = Math.max(this.codes.BYTES_PER_ELEMENT, n > 0xffff ? 4 : n > 0xff ? 2 : 1);
    const codes = bytes === 4 ? new Uint32Array(length) : bytes === 2 ? new Uint16Array(length) : new Uint8Array(length);
    codes.set(this.codes);
    return codes;
  }
}

type Codes = Uint8Array | Uint16Array | Uint32Array;

/** The largest text number the codes can hold. */
const maxOf = (codes: Codes): number => 2 ** (8 * codes.BYTES_PER_ELEMENT) - 1;
