import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the OCF schemas shareledger validates with, inside the package. */
const SCHEMAS = path.join('src', 'ocf', 'schemas');

/**
 * The schemas ship in the package (src/ocf/schemas, with their licence); this module runs from
 * src/ocf (tests), dist/src/ocf (tsc) or dist/src/cli/bundle.cjs (the published bin), so the
 * package root is found by walking up to the folder that holds package.json and the schemas.
 */
export const ocfSchemaRoot = (from: string = fileURLToPath(import.meta.url)): string => {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, SCHEMAS))) return path.join(dir, SCHEMAS);
    if (path.dirname(dir) === dir) throw new Error(`the OCF schemas (${SCHEMAS}) are not in the package above ${from}`);
  }
};

export const OCF_VERSION = '1.2.0';
