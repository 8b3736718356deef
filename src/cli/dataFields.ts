import type * as t from 'io-ts';
import { eventDataCodecs, type EventType } from '../../events/index.js';

/**
 * The data fields of an event type, read from its codec (the single definition of the catalogue),
 * so the `append` and `correct` flags can never drift from what the ledger accepts.
 *
 * The codecs are closed objects that expose no list of fields, so the list is read by watching
 * which keys a codec looks up while it validates a probe object (a Proxy). A field whose codec
 * looks up keys of its own value is an object (flattened: `--consideration-amount`); a field
 * whose codec reports errors at an index is a list (only through `--data`).
 */
export type FieldKind = 'scalar' | 'object' | 'list';

export type DataField = Readonly<{
  /** The camelCase name in the event's data. */
  name: string;
  /** The kebab-case flag, without the dashes. */
  flag: string;
  required: boolean;
  kind: FieldKind;
  /** The expectation the codec names, e.g. "a positive whole number". */
  expected: string;
  /** For an object field: its own fields. */
  fields?: ReadonlyArray<DataField>;
}>;

type Codec = t.Type<unknown, unknown, unknown>;

const toKebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Validates a probe with `codec`, returning the string keys looked up, in order, and the errors. */
const probe = (codec: Codec, value: unknown = {}): { keys: string[]; errors: t.Errors } => {
  const keys: string[] = [];
  const target = value as object;
  const recording = new Proxy(target, {
    get(obj, key, receiver) {
      if (typeof key === 'string' && !keys.includes(key)) keys.push(key);
      return Reflect.get(obj, key, receiver);
    },
    ownKeys: () => [],
  });
  const result = codec.validate(recording, [{ key: '', type: codec, actual: recording }]);
  return { keys, errors: result._tag === 'Left' ? result.left : [] };
};

/** Keys looked up that are not fields (the object protocol, not the event's data). */
const PROTOCOL_KEYS = new Set(['constructor', 'toJSON', 'toString', 'valueOf', 'then', 'length']);

const errorKeys = (errors: t.Errors): Set<string> =>
  new Set(errors.map((e) => e.context[1]?.key).filter((k): k is string => k !== undefined));

const kindOf = (codec: Codec): FieldKind => {
  const asList = codec.validate([undefined], [{ key: '', type: codec, actual: [undefined] }]);
  if (asList._tag === 'Right' || asList.left.some((e) => e.context.some((c, i) => i > 0 && c.key === '0'))) return 'list';
  const asObject = probe(codec);
  return asObject.keys.some((k) => !PROTOCOL_KEYS.has(k)) ? 'object' : 'scalar';
};

const fieldsOf = (codec: Codec): DataField[] => {
  const { keys, errors } = probe(codec);
  const required = errorKeys(errors);
  return keys
    .filter((k) => !PROTOCOL_KEYS.has(k))
    .map((name) => {
      const fieldError = errors.find((e) => e.context[1]?.key === name);
      const fieldCodec = (fieldError?.context[1]?.type ?? codecOfOptional(codec, name)) as Codec | undefined;
      const kind = fieldCodec ? kindOf(fieldCodec) : 'scalar';
      return {
        name,
        flag: toKebab(name),
        required: required.has(name),
        kind,
        expected: fieldCodec?.name ?? 'a value',
        ...(kind === 'object' && fieldCodec ? { fields: fieldsOf(fieldCodec) } : {}),
      };
    });
};

/**
 * An optional field reports no error when absent; its codec is found by giving it a value no
 * codec accepts (a symbol) and reading the codec from the error's context.
 */
const codecOfOptional = (codec: Codec, name: string): Codec | undefined => {
  const { errors } = probe(codec, { [name]: Symbol('probe') });
  return errors.find((e) => e.context[1]?.key === name)?.context[1]?.type as Codec | undefined;
};

const cache = new Map<EventType, ReadonlyArray<DataField>>();

/** The data fields of `type`, required first, in the codec's order. */
export const dataFieldsOf = (type: EventType): ReadonlyArray<DataField> => {
  let fields = cache.get(type);
  if (!fields) {
    fields = fieldsOf(eventDataCodecs[type] as Codec);
    cache.set(type, fields);
  }
  return fields;
};

/** A one-line list of the flags a type takes: `--seller, --buyer?, --class, …; list fields (--data only): allocations`. */
export const describeFields = (type: EventType): string => {
  const flags: string[] = [];
  const lists: string[] = [];
  for (const f of dataFieldsOf(type)) {
    const mark = f.required ? '' : '?';
    if (f.kind === 'list') lists.push(`${f.name}${mark}`);
    else if (f.kind === 'object')
      for (const sub of f.fields ?? []) flags.push(`--${f.flag}-${sub.flag}${f.required && sub.required ? '' : '?'}`);
    else flags.push(`--${f.flag}${mark}`);
  }
  const parts = [flags.length ? flags.join(', ') : '(no field flags)'];
  if (lists.length) parts.push(`list fields, only through --data: ${lists.join(', ')}`);
  return parts.join('; ');
};
