#!/usr/bin/env node
import { runAsProcess } from './entry.js';
import { runCli } from './program.js';

// The entry as tsc builds it, module by module. `npm run build` then replaces dist/src/cli/main.js
// with bundle/launcher.ts, which runs the same program as one file with a code cache (bundle/build.ts).
await runAsProcess(runCli);
