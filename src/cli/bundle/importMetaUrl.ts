import { pathToFileURL } from 'node:url';

/**
 * import.meta.url in build.ts's CommonJS outputs (esbuild defines import.meta.url as this): the
 * URL of the output file itself. Injected as a module rather than a banner, so each output still
 * begins with "use strict", as the ES modules it comes from are strict.
 */
export const importMetaUrl = pathToFileURL(__filename).href;
