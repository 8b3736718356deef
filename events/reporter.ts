import type * as t from 'io-ts';
import { isNumberLiteral } from './scalars/numberLiteral.js';

/** One decoding failure, ready to show a person: `data.shares: expected a positive whole number, got "-5"`. */
export type FieldProblem = Readonly<{ path: string; expected: string; got: string; message: string }>;

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (isNumberLiteral(value)) return value.text;
  if (typeof value === 'bigint') return value.toString();
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nested deeper than JSON.stringify recurses (the JSON reader goes a little deeper): still an answer, not a crash.
    return Array.isArray(value) ? 'a list nested too deeply to show' : 'a value nested too deeply to show';
  }
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const pathOf = (context: t.Context): string =>
  context
    .slice(1)
    .map((entry) => entry.key)
    .filter((key) => key !== '')
    .reduce((path, key) => (/^\d+$/.test(key) ? `${path}[${key}]` : path ? `${path}.${key}` : key), '');

export const describeErrors = (errors: t.Errors): FieldProblem[] => {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const last = error.context[error.context.length - 1];
    const path = pathOf(error.context) || '(document)';
    const got = show(error.value);
    let expected = last?.type.name ?? 'a valid value';
    let message: string;
    if (error.message) {
      message = `${path}: ${error.message}`;
      expected = error.message;
    } else if (expected === 'no such field') {
      message = `${path}: unknown field`;
    } else if (error.value === undefined) {
      message = `${path}: required field is missing (expected ${expected})`;
    } else {
      message = `${path}: expected ${expected}, got ${got}`;
    }
    if (seen.has(message)) continue;
    seen.add(message);
    problems.push({ path, expected, got, message });
  }
  return problems;
};
