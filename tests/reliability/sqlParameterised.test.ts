import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * SQL is only ever parameterised: no `prepare(`, `exec(` or `pragma(` call in src/ is given SQL
 * built from values — a template literal with `${…}`, a string concatenation, or a constant that
 * is one of those. Values go through `?` placeholders. The only exception is constant DDL,
 * listed below with its reason.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Constant DDL: file, the exact argument text, and why it is safe. */
const ALLOWLIST: ReadonlyArray<Readonly<{ file: string; argument: string; why: string }>> = [
  {
    file: 'store/sqliteStore.ts',
    argument: '`user_version = ${SCHEMA_VERSION}`',
    why: 'SCHEMA_VERSION is a number constant; PRAGMA takes no parameters',
  },
];

type SqlCall = Readonly<{ file: string; line: number; method: string; argument: string }>;
type Finding = SqlCall & Readonly<{ why: string }>;

const CALL = /\b(prepare|exec|pragma)\s*(?:<[^()]*?>)?\s*\(/g;

/** The text from `open` (just after a call's "(") to its matching ")", skipping strings, templates and comments. */
const argumentsAt = (source: string, open: number): string => {
  let depth = 1;
  let i = open;
  const skipString = (quote: string) => {
    for (i++; i < source.length && source[i] !== quote; i++) if (source[i] === '\\') i++;
  };
  const skipTemplate = (): void => {
    for (i++; i < source.length && source[i] !== '`'; i++) {
      if (source[i] === '\\') i++;
      else if (source[i] === '$' && source[i + 1] === '{') {
        let braces = 1;
        for (i += 2; i < source.length && braces > 0; i++) {
          if (source[i] === '`') skipTemplate();
          else if (source[i] === "'" || source[i] === '"') skipString(source[i]!);
          else if (source[i] === '{') braces++;
          else if (source[i] === '}') braces--;
        }
        i--;
      }
    }
  };
  for (; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"') skipString(c);
    else if (c === '`') skipTemplate();
    else if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
    else if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 1;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return source.slice(open, i);
  }
  throw new Error('unbalanced call');
};

/** The first argument: up to the first comma at depth 0. */
const firstArgument = (args: string): string => {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) return args.slice(0, i).trim();
  }
  return args.trim();
};

const withoutStrings = (code: string): string => code.replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, '""');

/** Why an argument builds SQL from values, or undefined when it does not. */
const builtFromValues = (argument: string, source: string, seen = new Set<string>()): string | undefined => {
  if (/`[^`]*\$\{/.test(argument)) return 'a template literal with ${…}';
  const code = withoutStrings(argument);
  if (/\+/.test(code) && /['"`]/.test(argument)) return 'string concatenation';
  if (/\.(concat|join|replace)\s*\(/.test(code)) return 'SQL assembled by string methods';
  const name = /^[A-Za-z_$][\w$]*$/.exec(argument)?.[0];
  if (name && !seen.has(name)) {
    seen.add(name);
    const declaration = new RegExp(`\\b(?:const|let|var)\\s+${name}\\s*(?::[^=]+)?=\\s*`).exec(source);
    if (declaration) {
      const start = declaration.index + declaration[0].length;
      const end = source.indexOf(';', start);
      const why = builtFromValues(source.slice(start, end < 0 ? undefined : end).trim(), source, seen);
      if (why) return `${name} is ${why}`;
    }
  }
  return undefined;
};

const sqlCallsIn = (file: string, source: string): SqlCall[] => {
  const calls: SqlCall[] = [];
  for (const m of source.matchAll(CALL)) {
    const open = m.index! + m[0].length;
    calls.push({
      file,
      line: source.slice(0, m.index).split('\n').length,
      method: m[1]!,
      argument: firstArgument(argumentsAt(source, open)),
    });
  }
  return calls;
};

const findingsIn = (file: string, source: string): Finding[] =>
  sqlCallsIn(file, source).flatMap((call) => {
    const why = builtFromValues(call.argument, source);
    const allowed = ALLOWLIST.some((a) => a.file === file && a.argument === call.argument);
    return why && !allowed ? [{ ...call, why }] : [];
  });

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });

describe('SQL in src/ is parameterised', () => {
  const files = sourceFiles(SRC).map((full) => ({
    file: path.relative(SRC, full).split(path.sep).join('/'),
    source: fs.readFileSync(full, 'utf8'),
  }));

  it('no prepare/exec/pragma call is given SQL built from values', () => {
    const calls = files.flatMap((f) => sqlCallsIn(f.file, f.source));
    // The scan must see the SQL it guards: every statement of both SQLite modules.
    expect(calls.filter((c) => /SELECT|INSERT/.test(c.argument)).length).toBeGreaterThanOrEqual(11);
    expect(files.flatMap((f) => findingsIn(f.file, f.source))).toEqual([]);
  });

  it('every allowlisted call still exists and interpolates only number constants', () => {
    for (const entry of ALLOWLIST) {
      const source = files.find((f) => f.file === entry.file)?.source ?? '';
      expect(sqlCallsIn(entry.file, source).map((c) => c.argument)).toContain(entry.argument);
      for (const [, name] of entry.argument.matchAll(/\$\{([A-Za-z_$][\w$]*)\}/g))
        expect(source).toMatch(new RegExp(`\\bconst ${name} = \\d+;`));
    }
  });

  it('the scan catches SQL built from values (so a pass means something)', () => {
    const bad = [
      'db.prepare(`SELECT * FROM events WHERE id = ${id}`)',
      "db.prepare('SELECT * FROM events WHERE id = ' + id)",
      'db.exec(`DELETE FROM events WHERE stream = "${stream}"`)',
      "const sql = 'SELECT * FROM events WHERE id = \\'' + id + '\\''; db.prepare(sql);",
      'const q = `SELECT ${columns} FROM events`; db.prepare<[], Row>(q).all();',
      'db.pragma(`table_info(${table})`)',
      "prepare<[string], Row>(\n  'SELECT * FROM events WHERE stream = ' +\n    stream,\n)",
      "db.prepare(['SELECT *', 'FROM events WHERE id =', id].join(' '))",
    ];
    expect(bad.map((code) => findingsIn('x.ts', code).length)).toEqual(bad.map(() => 1));
    const good = [
      "db.prepare('SELECT * FROM events WHERE id = ?').get(id)",
      "prepare<[string], Row>(\n  'SELECT revision FROM events WHERE stream = ? ORDER BY revision',\n).raw()",
      'const SCHEMA = `CREATE TABLE IF NOT EXISTS events (position INTEGER)`; db.exec(SCHEMA);',
      '/^(-?)(\\d+)$/.exec(value)',
    ];
    expect(good.map((code) => findingsIn('x.ts', code))).toEqual(good.map(() => []));
  });
});
