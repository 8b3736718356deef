#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runAsProcess } from '../entry.js';
import { loadBundle } from './codeCache.js';

// dist/src/cli/main.js as `npm run build` leaves it (build.ts bundles this file there): the same
// as bin.ts, as an ES module whose import settles when the run is over (a test may import it).
await runAsProcess(loadBundle(fileURLToPath(new URL('./bundle.cjs', import.meta.url))).runCli);
