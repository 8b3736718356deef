/**
 * Colour for people, never for programs: only when the stream is a terminal and NO_COLOR is
 * unset (https://no-color.org). Everything else gets plain text.
 */
export type Style = Readonly<{
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  green: (s: string) => string;
}>;

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plainText = (s: string) => s;

export const PLAIN: Style = { bold: plainText, dim: plainText, red: plainText, yellow: plainText, green: plainText };
const COLOUR: Style = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };

const colourAllowed = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean =>
  stream.isTTY === true && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');

export const styleFor = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style =>
  colourAllowed(stream, env) ? COLOUR : PLAIN;

/** The width of a text as a terminal shows it: escape sequences take no room. */
export const visibleLength = (s: string): number => s.replace(/\u001b\[[0-9;]*m/g, '').length;
