import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OcfObjects } from './exportMapping.js';
import { loadFflate } from './lazyModules.js';
import { MANIFEST_NAME, type OcfPackage } from './package.js';
import { OCF_VERSION } from './schemaDir.js';
import { validatePackage } from './schemas.js';

export type WrittenPackage = Readonly<{ out: string; files: string[]; zip: boolean }>;

const OBJECT_FILES = [
  { name: 'Stakeholders.ocf.json', fileType: 'OCF_STAKEHOLDERS_FILE', list: 'stakeholders_files', key: 'stakeholders' },
  { name: 'StockClasses.ocf.json', fileType: 'OCF_STOCK_CLASSES_FILE', list: 'stock_classes_files', key: 'stockClasses' },
  { name: 'Transactions.ocf.json', fileType: 'OCF_TRANSACTIONS_FILE', list: 'transactions_files', key: 'transactions' },
] as const;

const EMPTY_LISTS = ['stock_plans_files', 'stock_legend_templates_files', 'vesting_terms_files', 'valuations_files'] as const;

const text = (json: unknown): string => `${JSON.stringify(json, null, 2)}\n`;

/**
 * Writes an OCF 1.2.0 package: the object files and a manifest with each file's md5, `generated_at`
 * the given instant and `as_of` its date. A folder, or one .ocf.zip when `out` ends in .zip. The
 * package is validated against the official schemas before anything is written.
 */
export const writePackage = async (objects: OcfObjects, out: string, now: Date): Promise<WrittenPackage> => {
  const files = OBJECT_FILES.map((f) => ({ ...f, text: text({ file_type: f.fileType, items: objects[f.key] }) }));
  const manifest: Record<string, unknown> = {
    ocf_version: OCF_VERSION,
    file_type: 'OCF_MANIFEST_FILE',
    issuer: objects.issuer,
    as_of: now.toISOString().slice(0, 10),
    generated_at: now.toISOString(),
    comments: objects.comments,
    ...Object.fromEntries(EMPTY_LISTS.map((l) => [l, []])),
  };
  for (const f of files) manifest[f.list] = [{ filepath: `./${f.name}`, md5: createHash('md5').update(f.text, 'utf8').digest('hex') }];
  const pkg: OcfPackage = {
    source: out,
    manifest: { name: MANIFEST_NAME, json: manifest },
    files: files.map((f) => ({ name: f.name, json: JSON.parse(f.text) as unknown })),
  };
  await validatePackage(pkg, () => undefined).catch((e: unknown) => {
    throw new Error(`bug: the exported package does not pass the OCF schemas: ${e instanceof Error ? e.message : String(e)}`);
  });
  const all = [{ name: MANIFEST_NAME, text: text(manifest) }, ...files];
  const zip = /\.zip$/i.test(out);
  if (zip) {
    const { zipSync, strToU8 } = loadFflate();
    const archive = zipSync(Object.fromEntries(all.map((f) => [f.name, strToU8(f.text)])), { level: 6 });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, archive);
    fs.renameSync(tmp, out);
  } else {
    fs.mkdirSync(out, { recursive: true });
    for (const f of all) fs.writeFileSync(path.join(out, f.name), f.text);
  }
  return { out, files: all.map((f) => f.name), zip };
};
