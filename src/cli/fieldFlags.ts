import { type EventType, parseJson } from '../../events/index.js';
import { fail } from '../domain/problem.js';
import { dataFieldsOf, describeFields, type DataField } from './dataFields.js';

/**
 * Event data from the command line (docs/cli.md): `--<field> VALUE` flags named after the data
 * fields in kebab-case (`--price-per-share 1.82`; an object field's parts as
 * `--consideration-amount`), and `--data JSON` for everything, lists included. A field given
 * both ways is refused rather than silently overridden. Values stay strings: the codecs read
 * decimal and share-count strings exactly, and validate everything afterwards.
 */

const usage = (message: string, details: Record<string, unknown> = {}): never => fail('Usage', message, details);

type FlagTarget = Readonly<{ field: DataField; part?: DataField }>;

const flagTargets = (type: EventType): Map<string, FlagTarget> => {
  const targets = new Map<string, FlagTarget>();
  for (const field of dataFieldsOf(type)) {
    if (field.kind === 'object') for (const part of field.fields ?? []) targets.set(`${field.flag}-${part.flag}`, { field, part });
    else targets.set(field.flag, { field });
  }
  return targets;
};

/** Splits leftover arguments into `--flag value` pairs (also `--flag=value`). */
const readFlagPairs = (args: ReadonlyArray<string>): Array<[string, string]> => {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--')
      usage(`unexpected argument ${JSON.stringify(arg)}: field values are given as --<field> VALUE`, { argument: arg });
    const eq = arg.indexOf('=');
    if (eq > 2) {
      pairs.push([arg.slice(2, eq), arg.slice(eq + 1)]);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || (value.startsWith('--') && value.length > 2)) usage(`option ${arg} needs a value`, { flag: arg });
    pairs.push([arg.slice(2), value!]);
    i += 1;
  }
  return pairs;
};

/** The data fields given as flags, as an object of strings (nested for object fields). */
export const dataFromFlags = (
  type: EventType,
  args: ReadonlyArray<string>,
  reserved: ReadonlyArray<string> = [],
): Record<string, unknown> => {
  const targets = flagTargets(type);
  const data: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [flag, value] of readFlagPairs(args)) {
    if (seen.has(flag)) usage(`--${flag} is given twice`, { flag: `--${flag}` });
    seen.add(flag);
    const list = dataFieldsOf(type).find((f) => f.flag === flag && f.kind === 'list');
    if (list)
      usage(`--${flag}: ${list.name} is a list; give it through --data, e.g. --data '{"${list.name}":[…]}'`, {
        flag: `--${flag}`,
        field: list.name,
      });
    const target = targets.get(flag);
    if (!target) {
      const why = reserved.includes(flag) ? ` (here --${flag} is not a ${type} field; give that field through --data)` : '';
      usage(`unknown option --${flag} for a ${type}${why}; its fields: ${describeFields(type)}`, { flag: `--${flag}`, type });
    }
    const { field, part } = target!;
    if (part) data[field.name] = { ...((data[field.name] as Record<string, unknown> | undefined) ?? {}), [part.name]: value };
    else data[field.name] = value;
  }
  return data;
};

/** `--data JSON`: a JSON object, numbers kept as their literal text (lossless). */
export const dataFromJson = (text: string | undefined): Record<string, unknown> => {
  if (text === undefined) return {};
  const parsed = parseJson(text);
  if (!parsed.ok) return fail('InvalidInput', `--data: ${parsed.message}`, { flag: '--data' });
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('InvalidInput', '--data: expected a JSON object of event data fields, e.g. {"shares":"100"}', { flag: '--data' });
  return value as Record<string, unknown>;
};

/** --data and the flags together; a field given both ways is an error. */
export const mergeData = (fromJson: Record<string, unknown>, fromFlags: Record<string, unknown>): Record<string, unknown> => {
  for (const key of Object.keys(fromFlags))
    if (Object.prototype.hasOwnProperty.call(fromJson, key))
      usage(`the field ${key} is given both in --data and as a flag; give it once`, { field: key });
  return { ...fromJson, ...fromFlags };
};
