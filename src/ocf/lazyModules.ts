import { createRequire } from 'node:module';

/**
 * ajv, ajv-formats and fflate, loaded on first use: only the OCF commands pay for them, and the
 * bundled CLI keeps them outside its one file. `require` (not `import()`): the bundle runs as a
 * script with a code cache, where a dynamic import has no loader.
 */
const load = <T>(name: string): T => {
  const m = createRequire(import.meta.url)(name) as T & { default?: T };
  return m.default ?? m;
};

export const loadAjv = (): typeof import('ajv').default => load('ajv');
export const loadAddFormats = (): typeof import('ajv-formats').default => load('ajv-formats');
export const loadFflate = (): typeof import('fflate') => load('fflate');
