import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fail } from '../domain/problem.js';
import { loadAddFormats, loadAjv } from './lazyModules.js';
import type { OcfPackage } from './package.js';
import { OCF_VERSION, ocfSchemaRoot } from './schemaDir.js';

type Schema = { $id: string; properties?: { object_type?: { const?: string; enum?: string[] }; file_type?: { const?: string } } };

/** The official OCF 1.2.0 schemas, compiled once: validators by object type and by file type. */
export type OcfValidator = Readonly<{
  byObjectType: ReadonlyMap<string, ValidateFunction>;
  byFileType: ReadonlyMap<string, ValidateFunction>;
  manifest: ValidateFunction;
}>;

const schemaFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? schemaFiles(path.join(dir, e.name)) : e.name.endsWith('.schema.json') ? [path.join(dir, e.name)] : [],
    )
    .sort();

let loaded: Promise<OcfValidator> | undefined;

/**
 * ajv 8 (draft-07) with ajv-formats, every schema added before any is compiled (they refer to
 * each other by $id), `strictTypes: false` (the official schemas combine types through allOf).
 * Loaded on first use: only OCF commands pay for ajv.
 */
export const ocfValidator = (): Promise<OcfValidator> => {
  loaded ??= (async () => {
    const Ajv = loadAjv();
    const addFormats = loadAddFormats();
    const ajv = new Ajv({ strictTypes: false, allErrors: false });
    addFormats(ajv);
    const schemas = schemaFiles(path.join(ocfSchemaRoot(), `v${OCF_VERSION}`)).map(
      (file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Schema,
    );
    for (const s of schemas) ajv.addSchema(s);
    const byObjectType = new Map<string, ValidateFunction>();
    const byFileType = new Map<string, ValidateFunction>();
    let manifest: ValidateFunction | undefined;
    for (const s of schemas) {
      const objectType = s.properties?.object_type;
      const fileType = s.properties?.file_type?.const;
      if (fileType === 'OCF_MANIFEST_FILE') manifest = ajv.getSchema(s.$id)!;
      else if (fileType !== undefined) byFileType.set(fileType, ajv.getSchema(s.$id)!);
      if (objectType?.const !== undefined) byObjectType.set(objectType.const, ajv.getSchema(s.$id)!);
    }
    // Enumerated object types (an old and a new name) where no schema of their own has the name as its const.
    for (const s of schemas)
      for (const type of s.properties?.object_type?.enum ?? []) if (!byObjectType.has(type)) byObjectType.set(type, ajv.getSchema(s.$id)!);
    if (!manifest) throw new Error('the OCF manifest schema is missing from the shipped schemas');
    return { byObjectType, byFileType, manifest };
  })();
  return loaded;
};

const describe = (errors: ErrorObject[] | null | undefined): { path: string; message: string } => {
  // The deepest error says most: oneOf/anyOf failures at the parent add little.
  const e = [...(errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!e) return { path: '', message: 'does not match the schema' };
  const extra =
    e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  const allowed = e.keyword === 'enum' ? `: ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}` : '';
  return { path: e.instancePath, message: `${e.message ?? 'is invalid'}${extra}${allowed}` };
};

const rejectAt = (file: string, itemId: string | undefined, jsonPath: string, message: string): never =>
  fail(
    'InvalidInput',
    `${file}${itemId === undefined ? '' : `, item ${JSON.stringify(itemId)}`}, at ${jsonPath === '' ? '/' : jsonPath}: ${message}`,
    { file, ...(itemId === undefined ? {} : { item: itemId }), path: jsonPath },
  );

/** Which OCF versions are read: 1.2.0, and other 1.x versions under the 1.2.0 schemas. */
const READ_VERSIONS = `OCF ${OCF_VERSION} (other 1.x versions are read under the ${OCF_VERSION} schemas)`;

/**
 * Validates a package against the official schemas: the manifest, each file's envelope, and each
 * item against the schema of its own object_type (the released transactions-file schema omits
 * one transaction type, so its list is not relied on). Throws InvalidInput naming the file, the
 * item id and the JSON path; `warn` hears of another 1.x version before anything is rejected.
 */
export const validatePackage = async (pkg: OcfPackage, warn: (message: string) => void): Promise<void> => {
  const manifest = pkg.manifest.json as Record<string, unknown>;
  const version = manifest['ocf_version'];
  if (typeof version !== 'string' || !/^1\.\d+/.test(version))
    return rejectAt(
      pkg.manifest.name,
      undefined,
      '/ocf_version',
      `version ${JSON.stringify(version)} is not read; shareledger reads ${READ_VERSIONS}`,
    );
  if (version !== OCF_VERSION) warn(`the package declares OCF ${version}; it is read under the OCF ${OCF_VERSION} schemas`);
  const v = await ocfValidator();
  const asRead = { ...manifest, ocf_version: OCF_VERSION };
  if (!v.manifest(asRead)) {
    const d = describe(v.manifest.errors);
    rejectAt(
      pkg.manifest.name,
      d.path.startsWith('/issuer') ? String((manifest['issuer'] as { id?: unknown })?.id ?? '') : undefined,
      d.path,
      d.message,
    );
  }
  for (const file of pkg.files) {
    const json = file.json as Record<string, unknown> | null;
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return rejectAt(file.name, undefined, '', 'expected an object {file_type, items}');
    const fileType = json['file_type'];
    const fileSchema = typeof fileType === 'string' ? v.byFileType.get(fileType) : undefined;
    if (!fileSchema) return rejectAt(file.name, undefined, '/file_type', `unknown file type ${JSON.stringify(fileType)}`);
    const items = json['items'];
    if (!Array.isArray(items)) return rejectAt(file.name, undefined, '/items', 'expected an array of objects');
    if (!fileSchema({ ...json, items: [] })) {
      const d = describe(fileSchema.errors);
      return rejectAt(file.name, undefined, d.path, d.message);
    }
    items.forEach((item: unknown, i) => {
      const id = typeof (item as { id?: unknown } | null)?.id === 'string' ? (item as { id: string }).id : undefined;
      const objectType = (item as { object_type?: unknown } | null)?.object_type;
      const schema = typeof objectType === 'string' ? v.byObjectType.get(objectType) : undefined;
      if (!schema) return rejectAt(file.name, id, `/items/${i}/object_type`, `unknown object type ${JSON.stringify(objectType)}`);
      if (!schema(item)) {
        const d = describe(schema.errors);
        rejectAt(file.name, id, `/items/${i}${d.path}`, d.message);
      }
    });
  }
};
