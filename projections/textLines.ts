/**
 * Where a report keeps a long list of one-line texts until it is written, in the order added: an
 * array in memory, or a store elsewhere (the CLI's audit keeps them in a private temporary file,
 * src/lineSpool.ts).
 */
export type TextLines = { push(line: string): unknown } & Iterable<string>;
