import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/tempDir.js';

/** The OCF fixture packages (tests/fixtures/ocf, see NOTICE.md there). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/ocf/', import.meta.url));
export const ACME = path.join(FIXTURES, 'acme');

type Json = Record<string, any>;

/**
 * A copy of a fixture package in a temporary folder, after `edit` changed its files (name →
 * parsed JSON), with the manifest's md5s recomputed unless `keepMd5` (the released samples carry
 * placeholder md5s).
 */
export const packageCopy = (fixture: string, edit: (files: Map<string, Json>) => void = () => undefined, keepMd5 = false): string => {
  const dir = tempDir('shareledger-ocf-');
  const files = new Map<string, Json>();
  for (const name of fs.readdirSync(fixture)) files.set(name, JSON.parse(fs.readFileSync(path.join(fixture, name), 'utf8')) as Json);
  edit(files);
  const manifest = files.get('Manifest.ocf.json')!;
  for (const [name, json] of files) {
    const text = `${JSON.stringify(json, null, 2)}\n`;
    fs.writeFileSync(path.join(dir, name), text);
    if (keepMd5 || name === 'Manifest.ocf.json') continue;
    for (const [key, list] of Object.entries(manifest))
      if (key.endsWith('_files'))
        for (const f of list as Array<{ filepath: string; md5: string }>)
          if (path.basename(f.filepath) === name) f.md5 = createHash('md5').update(text).digest('hex');
  }
  fs.writeFileSync(path.join(dir, 'Manifest.ocf.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
};

/** The transaction with this id in a package's Transactions.ocf.json. */
export const transaction = (files: Map<string, Json>, id: string): Json =>
  (files.get('Transactions.ocf.json')!['items'] as Json[]).find((t) => t['id'] === id)!;
