/** How deep `jsonPieces` opens objects and arrays: a piece below that is one JSON.stringify. */
const OPEN_TO_DEPTH = 5;

const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * An array, or a list read as it is written: an iterable whose JSON is its items (its `toJSON`
 * gives them all at once, which is what the pieces avoid).
 */
const isList = (v: object): v is Iterable<unknown> =>
  Array.isArray(v) || (Symbol.iterator in v && typeof (v as { toJSON?: unknown }).toJSON === 'function');

/**
 * `value` as `JSON.stringify(value, null, 2)` writes it where it sits `depth` levels into a
 * document, in pieces: objects and arrays down to a depth of 5 are opened, so a large section
 * (a report's proceeds, say) is never one string in memory; each piece below that is stringified
 * whole and indented to its place. Joined, the pieces are that text exactly.
 */
export function* jsonPieces(value: unknown, depth = 0): Generator<string> {
  if (
    depth >= OPEN_TO_DEPTH ||
    value === null ||
    typeof value !== 'object' ||
    (!isList(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function')
  ) {
    const text = JSON.stringify(value, null, 2);
    yield depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
    return;
  }
  const pad = '  '.repeat(depth);
  if (isList(value)) {
    let first = true;
    for (const item of value) {
      yield `${first ? '[' : ','}\n${pad}  `;
      yield* jsonPieces(omitted(item) ? null : item, depth + 1);
      first = false;
    }
    yield first ? '[]' : `\n${pad}]`;
    return;
  }
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (omitted(item)) continue;
    yield `${first ? '{' : ','}\n${pad}  ${JSON.stringify(key)}: `;
    yield* jsonPieces(item, depth + 1);
    first = false;
  }
  yield first ? '{}' : `\n${pad}}`;
}
