#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runAsProcess } from '../entry.js';
import { loadBundle } from './codeCache.js';

// dist/src/cli/main.js as `npm run build` leaves it (build.ts bundles this file there): the whole
// CLI is bundle.cjs beside it, compiled through the code cache made at build time.
await runAsProcess(loadBundle(fileURLToPath(new URL('./bundle.cjs', import.meta.url))).runCli);
