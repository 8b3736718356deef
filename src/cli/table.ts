import { PLAIN, type Style, visibleLength } from './style.js';

export type Column = Readonly<{ header: string; align?: 'left' | 'right' }>;

/**
 * A plain-text table: a header, a rule, aligned columns (numbers right-aligned by the caller's
 * choice of `align`), two spaces between columns, no trailing spaces.
 *
 * Hand-written on purpose, not cli-table3: its borderless mode still draws its `mid` rule between
 * every pair of rows or none (not under the header only) and pads the last column with trailing
 * spaces, so the output that scripts and tests read would change; what is left after working
 * around both is these dozen lines, without a dependency loaded at every cold start.
 */
export const renderTable = (columns: ReadonlyArray<Column>, rows: ReadonlyArray<ReadonlyArray<string>>, style: Style = PLAIN): string => {
  // A fold, not Math.max(...): a cap table of a large register has more rows than a call takes arguments.
  const widths = columns.map((c, i) => rows.reduce((w, r) => Math.max(w, visibleLength(r[i] ?? '')), visibleLength(c.header)));
  const pad = (text: string, i: number): string => {
    const room = widths[i]! - visibleLength(text);
    return columns[i]!.align === 'right' ? ' '.repeat(room) + text : text + ' '.repeat(room);
  };
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => pad(c, i))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [style.bold(header), style.dim(rule), ...rows.map((r) => line(r))].join('\n');
};

/** `label: value` lines with the values aligned. */
export const renderFields = (fields: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${v}`).join('\n');
};
