import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, cleanEnv } from './support.js';

/**
 * Runs many CLI invocations in one node process: the real program of dist/src/cli/main.js,
 * re-evaluated per invocation (imported again under a new query string, so commander, the
 * context and the failure handler are fresh; the command and domain modules are shared, as they
 * are stateless). Spawning node costs ~150 ms a call; this costs a few. main.ts exposes no entry
 * point, so the driver sets process.argv, captures process.stdout/stderr writes and reads
 * process.exitCode, which is all main.ts uses.
 */

export type Invocation = Readonly<{ id: string; args: ReadonlyArray<string> }>;
export type InvocationResult = Readonly<{ id: string; code: number; stdout: string; stderr: string; digestAfter: string }>;
export type Batch = Readonly<{ digestBefore: string; results: InvocationResult[] }>;

const DRIVER = `
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
const [mainPath, storeUrl, casesPath, outPath] = process.argv.slice(2);
const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
const mainUrl = pathToFileURL(mainPath).href;
const realExit = process.exit.bind(process);
// main.js arms an unref'd 2 s process.exit() per run, for store clients that keep sockets open.
process.exit = () => undefined;
let out = '';
let err = '';
const capture = (append) => (chunk, encoding, callback) => {
  append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  const done = typeof encoding === 'function' ? encoding : callback;
  if (done) done();
  return true;
};
process.stdout.write = capture((s) => (out += s));
process.stderr.write = capture((s) => (err += s));
let runs = 0;
const run = async (args) => {
  out = '';
  err = '';
  process.argv = [process.execPath, mainPath, ...args];
  process.exitCode = undefined;
  // Each run of main.js adds its own listeners (EPIPE on stdout): drop them afterwards, as its exit would.
  const listening = { stdout: process.stdout.listeners('error'), stderr: process.stderr.listeners('error') };
  await import(mainUrl + '?run=' + ++runs);
  for (const stream of ['stdout', 'stderr'])
    for (const l of process[stream].listeners('error')) if (!listening[stream].includes(l)) process[stream].off('error', l);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { code: Number(code), stdout: out, stderr: err };
};
const digest = async () => {
  const r = await run(['--store', storeUrl, '--json', 'digest']);
  if (r.code !== 0) throw new Error('digest failed: ' + r.stderr);
  return r.stdout;
};
const results = [];
const digestBefore = await digest();
for (const c of cases) {
  const r = await run(['--store', storeUrl, ...c.args]);
  results.push({ id: c.id, ...r, digestAfter: await digest() });
}
fs.writeFileSync(outPath, JSON.stringify({ digestBefore, results }));
realExit(0);
`;

/** Runs `invocations` in order against `storeUrl` in one process; `digest --json` before, and after each. */
export const runInOneProcess = async (
  dir: string,
  storeUrl: string,
  invocations: ReadonlyArray<Invocation>,
  name = 'batch',
): Promise<Batch> => {
  const driver = path.join(dir, 'driver.mjs');
  if (!fs.existsSync(driver)) fs.writeFileSync(driver, DRIVER);
  const casesFile = path.join(dir, `${name}.cases.json`);
  const outFile = path.join(dir, `${name}.results.json`);
  fs.writeFileSync(casesFile, JSON.stringify(invocations));
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [driver, CLI, storeUrl, casesFile, outFile], {
      env: cleanEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`the in-process driver exited ${code}: ${text}`))));
  });
  if (!fs.existsSync(outFile)) throw new Error(`the in-process driver wrote no results: ${stderr}`);
  return JSON.parse(fs.readFileSync(outFile, 'utf8')) as Batch;
};
