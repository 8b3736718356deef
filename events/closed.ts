import * as t from 'io-ts';
import { canonicalOf, type CanonicalWriter, jsonWriterOf, type JsonWriter, withCanonical, withJsonWriter } from './canonical.js';
import { FAIL, type Fast, fastOf, storedDecoderOf, withFast, withStoredDecoder } from './fastDecode.js';

type Props = Record<string, t.Mixed>;
type Decoded<R extends Props, O extends Props> = { readonly [K in keyof R]: t.TypeOf<R[K]> } & {
  readonly [K in keyof O]?: t.TypeOf<O[K]>;
};
type Encoded<R extends Props, O extends Props> = { [K in keyof R]: t.OutputOf<R[K]> } & {
  [K in keyof O]?: t.OutputOf<O[K]>;
};

/** A cross-field rule over a decoded object: undefined when it holds, else the failing field. */
export type ObjectRule<A> = (a: A) => { field: string; message: string } | undefined;

/** A closed object's fields (name, codec, required) in declared order (required, then optional) and its rules. */
export type ObjectShape = Readonly<{
  fields: ReadonlyArray<readonly [string, t.Mixed, boolean]>;
  rules: ReadonlyArray<ObjectRule<never>>;
}>;

const shapes = new WeakMap<t.Mixed, ObjectShape>();

/** The shape of a codec made by `closed`, or undefined for any other codec. */
export const shapeOf = (codec: t.Mixed): ObjectShape | undefined => shapes.get(codec);

/** A closed object's fields for a decoder without contexts: names, decoders and required flags side by side. */
type FieldDecoders = Readonly<{ keys: ReadonlyArray<string>; decoders: ReadonlyArray<Fast>; required: ReadonlyArray<boolean> }>;

const fieldDecoders = (fields: ReadonlyArray<readonly [string, t.Mixed, boolean]>, decoderOf: (c: t.Mixed) => Fast): FieldDecoders => ({
  keys: fields.map(([k]) => k),
  decoders: fields.map(([, c]) => decoderOf(c)),
  required: fields.map(([, , req]) => req),
});

/**
 * An object's fields decoded in field order (absent or null optional ones skipped), or FAIL when
 * a field does not decode or a key is none of the fields.
 */
const decodeFields = (fields: FieldDecoders, u: Record<string, unknown>): Record<string, unknown> | typeof FAIL => {
  const { keys, decoders, required } = fields;
  const out: Record<string, unknown> = {};
  let present = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = u[key];
    if (value !== undefined) present++;
    if (!required[i] && (value === undefined || value === null)) continue;
    const decoded = decoders[i]!(value);
    if (decoded === FAIL) return FAIL;
    out[key] = decoded;
  }
  // No unknown field: every key is one of the fields read above (field names are never inherited
  // properties, so each value found is an own key; an inherited enumerable key counts as unknown).
  let keysFound = 0;
  for (const _ in u) keysFound++;
  return keysFound === present ? out : FAIL;
};

/**
 * The stored-form decoder of one closed object (as `decodeFields`, but null is not absent),
 * compiled from its field names: each object type gets its own property reads and writes by
 * name, so each has its own inline caches. A loop over the names shares one site across every
 * type, and the stores' read path (a million envelopes) then pays a generic lookup per field.
 * Only the codec's own field names (JSON-quoted) go into the code, never data.
 */
const compileStoredDecoder = (
  fields: ReadonlyArray<readonly [string, t.Mixed, boolean]>,
  decoders: ReadonlyArray<Fast>,
  rules: ReadonlyArray<(a: never) => unknown>,
): Fast => {
  let body = 'if (typeof u !== "object" || u === null || Array.isArray(u)) return FAIL;\nlet present = 0;\nlet v;\nconst out = {};\n';
  fields.forEach(([key, , required], i) => {
    const name = JSON.stringify(key);
    const decode = `v = decoders[${i}](v); if (v === FAIL) return FAIL; out[${name}] = v;`;
    body += `v = u[${name}];\n`;
    body += required ? `present++; ${decode}\n` : `if (v !== undefined) { present++; ${decode} }\n`;
  });
  // No unknown field: every key is one of the fields read above (an inherited enumerable key counts as unknown).
  body += 'let keys = 0;\nfor (const _ in u) keys++;\nif (keys !== present) return FAIL;\n';
  body += 'for (let i = 0; i < rules.length; i++) if (rules[i](out)) return FAIL;\nreturn out;';
  return new Function('FAIL', 'decoders', 'rules', `return (u) => {\n${body}\n};`)(FAIL, decoders, rules) as Fast;
};

const UnknownField = new t.Type<never>(
  'no such field',
  (_u): _u is never => false,
  (u, c) => t.failure(u, c),
  () => {
    throw new Error('unreachable');
  },
);

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * A JSON object written from per-field writers, in the writers' order (plain ASCII names, so each
 * is written as "name" without escaping), absent fields skipped; undefined if a field cannot be.
 */
const writeObject = (writers: ReadonlyArray<[string, (value: unknown) => string | undefined]>, a: unknown): string | undefined => {
  let text = '{';
  for (const [key, write] of writers) {
    const value = (a as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const part = write(value);
    if (part === undefined) return undefined;
    text += (text.length === 1 ? '"' : ',"') + key + '":' + part;
  }
  return text + '}';
};

/**
 * A closed object: required and optional fields, and nothing else. Unknown fields are rejected
 * (a typo such as "pricePerShares" must not pass silently); null counts as absent for optional
 * fields. Absent optional fields stay absent when encoded, so canonical JSON is stable.
 */
export const closed = <R extends Props, O extends Props = {}>(
  expectation: string,
  required: R,
  optional: O = {} as O,
  rules: ReadonlyArray<ObjectRule<Decoded<R, O>>> = [],
): t.Type<Decoded<R, O>, Encoded<R, O>, unknown> => {
  const fields: Array<[string, t.Mixed, boolean]> = [
    ...Object.entries(required).map(([k, c]): [string, t.Mixed, boolean] => [k, c, true]),
    ...Object.entries(optional).map(([k, c]): [string, t.Mixed, boolean] => [k, c, false]),
  ];
  const known = new Set(fields.map(([k]) => k));
  const type: t.Type<Decoded<R, O>, Encoded<R, O>, unknown> = new t.Type(
    expectation,
    (u): u is Decoded<R, O> => isPlainObject(u) && fields.every(([k, c, req]) => (req || u[k] !== undefined ? c.is(u[k]) : true)),
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c);
      const errors: t.Errors = [];
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(u)) {
        if (!known.has(key)) errors.push({ value: u[key], context: [...c, { key, type: UnknownField, actual: u[key] }] });
      }
      for (const [key, codec, req] of fields) {
        const value = u[key];
        if (!req && (value === undefined || value === null)) continue;
        const result = codec.validate(value, [...c, { key, type: codec, actual: value }]);
        if (result._tag === 'Left') errors.push(...result.left);
        else out[key] = result.right;
      }
      if (errors.length > 0) return t.failures(errors);
      const decoded = out as Decoded<R, O>;
      for (const rule of rules) {
        const broken = rule(decoded);
        if (broken) {
          const actual = u[broken.field];
          return t.failure(actual, [...c, { key: broken.field, type: t.unknown, actual }], broken.message);
        }
      }
      return t.success(decoded);
    },
    (a) => {
      const out: Record<string, unknown> = {};
      for (const [key, codec] of fields) {
        const value = (a as Record<string, unknown>)[key];
        if (value !== undefined) out[key] = codec.encode(value);
      }
      return out as Encoded<R, O>;
    },
  );
  // Canonical JSON straight from the decoded object: the fields in key order (plain ASCII names,
  // so each is written as "name" without escaping), absent ones skipped as encode skips them.
  let sortedWriters: Array<[string, CanonicalWriter]> | undefined;
  withCanonical(type, (a) => {
    sortedWriters ??= fields
      .map(([k, c]): [string, CanonicalWriter] => [k, canonicalOf(c)])
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return writeObject(sortedWriters, a);
  });
  // JSON.stringify(encode(a)) the same way, in field order (what the stores keep).
  let orderedWriters: Array<[string, JsonWriter]> | undefined;
  withJsonWriter(type, (a) => {
    orderedWriters ??= fields.map(([k, c]): [string, JsonWriter] => [k, jsonWriterOf(c)]);
    return writeObject(orderedWriters, a);
  });
  shapes.set(type, { fields, rules: rules as ReadonlyArray<ObjectRule<never>> });
  // The same rules without contexts (see withFast); built on first use, when every field codec
  // has its own fast decoder registered.
  let fastFields: FieldDecoders | undefined;
  withFast(type, (u) => {
    if (!isPlainObject(u)) return FAIL;
    fastFields ??= fieldDecoders(fields, fastOf);
    const out = decodeFields(fastFields, u);
    if (out === FAIL) return FAIL;
    for (const rule of rules) if (rule(out as Decoded<R, O>)) return FAIL;
    return out;
  });
  // The stored form only (see StoredForm): each field in its canonical form, no null for an
  // absent field.
  let stored: Fast | undefined;
  return withStoredDecoder(type, (u) => {
    stored ??= compileStoredDecoder(
      fields,
      fields.map(([, c]) => storedDecoderOf(c)),
      rules as ReadonlyArray<(a: never) => unknown>,
    );
    return stored(u);
  });
};

/** An array with at least one element. */
export const nonEmptyArray = <C extends t.Mixed>(codec: C, expectation: string) => {
  const base = t.array(codec);
  const type = new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(
    expectation,
    (u): u is Array<t.TypeOf<C>> => base.is(u) && u.length > 0,
    (u, c) => (Array.isArray(u) && u.length === 0 ? t.failure(u, c) : base.validate(u, c)),
    base.encode,
  );
  let stored: Fast | undefined;
  return withCanonicalArray(
    codec,
    withStoredDecoder(
      withFast(type, (u) => (Array.isArray(u) && u.length > 0 ? fastArray(fastOf(codec), u) : FAIL)),
      (u) => (Array.isArray(u) && u.length > 0 ? fastArray((stored ??= storedDecoderOf(codec)), u) : FAIL),
    ),
  );
};

/** An array's text from its elements' texts, in order; undefined when one has none. */
const arrayText = (write: (x: unknown) => string | undefined, a: unknown): string | undefined => {
  let text = '[';
  for (const x of a as unknown[]) {
    const part = write(x);
    if (part === undefined) return undefined;
    text += (text.length === 1 ? '' : ',') + part;
  }
  return text + ']';
};

/** An array codec's canonical and JSON writers: its elements' writers, in order. */
const withCanonicalArray = <A extends t.Mixed>(element: t.Mixed, array: A): A =>
  withJsonWriter(
    withCanonical(array, (a) => arrayText(canonicalOf(element), a)),
    (a) => arrayText(jsonWriterOf(element), a),
  );

const fastArray = (element: Fast, u: ReadonlyArray<unknown>): unknown[] | typeof FAIL => {
  const out: unknown[] = [];
  for (const x of u) {
    const decoded = element(x);
    if (decoded === FAIL) return FAIL;
    out.push(decoded);
  }
  return out;
};

/** An array (possibly empty). */
export const arrayOf = <C extends t.Mixed>(codec: C, expectation: string) => {
  const base = t.array(codec);
  let stored: Fast | undefined;
  return withCanonicalArray(
    codec,
    withStoredDecoder(
      withFast(new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(expectation, base.is, base.validate, base.encode), (u) =>
        Array.isArray(u) ? fastArray(fastOf(codec), u) : FAIL,
      ),
      (u) => (Array.isArray(u) ? fastArray((stored ??= storedDecoderOf(codec)), u) : FAIL),
    ),
  );
};
