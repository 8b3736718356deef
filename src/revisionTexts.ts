/** Texts told apart by number up to here: a text seen again after that is stored again. */
const INTERNED_UP_TO = 4096;

/**
 * A text, or none, for each revision of a stream, kept compactly: the audit keeps the actor,
 * source and note of every revision of an issuer's stream (millions at scale) while it reads the
 * stream's timeline. Each revision holds the number of its text in a typed array that widens from
 * 8 to 16 to 32 bits as texts are added; each text is stored once while there are few (actors,
 * recurring notes), and after that as it comes unless it repeats the text before it (sources
 * are mostly distinct, and a map to tell so many apart would cost more than their repeats).
 */
export class RevisionTexts {
  /** Text number n is texts[n - 1]; 0 is no text. */
  private readonly texts: string[] = [];
  private readonly numbers = new Map<string, number>();
  private codes: Codes = new Uint8Array(256);

  set(revision: number, text: string): void {
    let n = text === this.texts[this.texts.length - 1] ? this.texts.length : this.numbers.get(text);
    if (n === undefined) {
      this.texts.push(text);
      n = this.texts.length;
      if (this.numbers.size < INTERNED_UP_TO) this.numbers.set(text, n);
    }
    if (revision >= this.codes.length || n > maxOf(this.codes)) this.codes = this.resized(revision, n);
    this.codes[revision] = n;
  }

  get(revision: number): string | undefined {
    const n = revision < this.codes.length ? this.codes[revision]! : 0;
    return n === 0 ? undefined : this.texts[n - 1];
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
