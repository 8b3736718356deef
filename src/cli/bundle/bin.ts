#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runAsProcess } from '../entry.js';
import { loadBundle } from './codeCache.js';

// `shareledger` (package.json bin): build.ts makes this file dist/src/cli/shareledger.cjs, a
// CommonJS file, which Node starts a few ms sooner than an ES module. It runs bundle.cjs beside it.
void runAsProcess(loadBundle(fileURLToPath(new URL('./bundle.cjs', import.meta.url))).runCli);
