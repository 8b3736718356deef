/**
 * A JSON number kept as the text it was written with, so that "1.82" is read as exactly 1.82 and
 * "9007199254740993" loses nothing. The JSON reader produces these instead of binary floats.
 */
export class NumberLiteral {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
}

export const isNumberLiteral = (u: unknown): u is NumberLiteral => u instanceof NumberLiteral;

/** The literal text of a JSON number, a JS number, or undefined for anything else. */
export const numericText = (u: unknown): string | undefined => {
  if (u instanceof NumberLiteral) return u.text;
  if (typeof u === 'number') return Number.isFinite(u) ? String(u) : 'NaN';
  return undefined;
};
