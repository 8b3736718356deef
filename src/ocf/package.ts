import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../domain/problem.js';
import { loadFflate } from './lazyModules.js';

/** The manifest's lists of object files, in the order they are read. */
export const MANIFEST_FILE_LISTS = [
  'stakeholders_files',
  'stock_classes_files',
  'stock_plans_files',
  'stock_legend_templates_files',
  'vesting_terms_files',
  'valuations_files',
  'financings_files',
  'documents_files',
  'transactions_files',
] as const;

export const MANIFEST_NAME = 'Manifest.ocf.json';

export type PackageFile = Readonly<{ name: string; json: unknown }>;

/** An OCF package as read: the manifest and every object file it lists (md5 checked), parsed. */
export type OcfPackage = Readonly<{ source: string; manifest: PackageFile; files: ReadonlyArray<PackageFile> }>;

type Entries = Readonly<{ read: (name: string) => Uint8Array | undefined; names: ReadonlyArray<string> }>;

const invalid = (message: string, details: Record<string, unknown>): never => fail('InvalidInput', message, details);

const normalized = (name: string): string => path.posix.normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');

const folderEntries = (dir: string): Entries => ({
  names: [],
  read: (name) => {
    const file = path.join(dir, ...normalized(name).split('/'));
    if (!path.resolve(file).startsWith(path.resolve(dir) + path.sep)) return undefined;
    try {
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  },
});

/** A zip's entries; the package may sit in one folder inside it (the manifest's folder is the root). */
const zipEntries = async (file: string): Promise<Entries> => {
  const { unzipSync } = loadFflate();
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(fs.readFileSync(file));
  } catch (e) {
    return invalid(`${file}: not a readable zip archive (${e instanceof Error ? e.message : String(e)})`, { file });
  }
  const byName = new Map(Object.entries(files).map(([k, v]) => [normalized(k), v]));
  const manifests = [...byName.keys()].filter((n) => n === MANIFEST_NAME || n.endsWith(`/${MANIFEST_NAME}`));
  const root = manifests.length === 1 ? manifests[0]!.slice(0, -MANIFEST_NAME.length) : '';
  if (manifests.length > 1) return invalid(`${file}: more than one ${MANIFEST_NAME} in the archive`, { file });
  return { names: [...byName.keys()], read: (name) => byName.get(normalized(root + normalized(name))) };
};

const parseJson = (name: string, bytes: Uint8Array): unknown => {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    return invalid(`${name}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { file: name });
  }
};

/**
 * Reads a package from a folder or a `.ocf.zip`: the manifest, then each file its lists name,
 * checking the file exists and its md5 is the one the manifest gives. Only the structure needed to
 * find the files is checked here; the schemas check the rest.
 */
export const readPackage = async (location: string): Promise<OcfPackage> => {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    return invalid(`${location}: no such folder or file`, { file: location });
  }
  const entries = stat.isDirectory() ? folderEntries(location) : await zipEntries(location);
  const manifestBytes = entries.read(MANIFEST_NAME);
  if (manifestBytes === undefined) return invalid(`${location}: no ${MANIFEST_NAME} in the package`, { file: MANIFEST_NAME });
  const manifest = parseJson(MANIFEST_NAME, manifestBytes);
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    return invalid(`${MANIFEST_NAME}: expected a JSON object`, { file: MANIFEST_NAME, path: '' });
  const files: PackageFile[] = [];
  const seen = new Set<string>();
  for (const list of MANIFEST_FILE_LISTS) {
    const listed: unknown = (manifest as Record<string, unknown>)[list];
    if (!Array.isArray(listed)) continue;
    listed.forEach((entry: unknown, i) => {
      const where = { file: MANIFEST_NAME, path: `/${list}/${i}` };
      const filepath = (entry as { filepath?: unknown } | null)?.filepath;
      const md5 = (entry as { md5?: unknown } | null)?.md5;
      if (typeof filepath !== 'string' || typeof md5 !== 'string')
        return invalid(`${MANIFEST_NAME} at /${list}/${i}: expected {filepath, md5}`, where);
      const name = normalized(filepath);
      if (seen.has(name)) return;
      seen.add(name);
      const bytes = entries.read(filepath);
      if (bytes === undefined) return invalid(`${MANIFEST_NAME} at /${list}/${i}/filepath: ${filepath} is not in the package`, where);
      const actual = createHash('md5').update(bytes).digest('hex');
      if (actual !== md5.toLowerCase())
        return invalid(`${name}: md5 ${actual} differs from ${md5}, the one ${MANIFEST_NAME} gives at /${list}/${i}/md5`, {
          file: name,
          path: `/${list}/${i}/md5`,
        });
      files.push({ name, json: parseJson(name, bytes) });
    });
  }
  return { source: location, manifest: { name: MANIFEST_NAME, json: manifest }, files };
};
