import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILE, inPool, runCli, scaled, seconds, tempDir } from './support.js';
import { runInOneProcess } from './inProcessCli.js';
import { malformedCorpus, templateDryRuns, type MalformedCase } from './malformedCorpus.js';

/**
 * Given the demo ledger, when any input of the malformed corpus reaches `append` (flags or
 * --data) or `import` (a file), then it exits with its expected code (2: invalid input, 1: a
 * domain rejection), stderr names the line and the field or value, stdout stays empty, and
 * `digest --json` is the same after as before. The fast suite runs a fixed sample of the corpus
 * (every hand-written case and every STRIDE-th generated one) in two processes that re-run the
 * real CLI program per input, plus a few inputs as their own processes (same answers?); the soak
 * runs the whole corpus both ways.
 */

const STRIDE = scaled(4, 1);
const SPAWNED = scaled(16, Number.POSITIVE_INFINITY);
const SHARDS = 2;

let dir: string;
let fixture: string;
let corpus: MalformedCase[];
let selected: MalformedCase[];

const withFiles = (c: MalformedCase): string[] => c.args.map((a) => (a.startsWith('FILE:') ? path.join(dir, 'files', a.slice(5)) : a));

beforeAll(async () => {
  dir = tempDir('malformed');
  fixture = path.join(dir, 'fixture.db');
  const built = await runCli(['--store', `sqlite:${fixture}`, 'import', DEMO_FILE]);
  if (built.code !== 0) throw new Error(`building the demo ledger failed: ${built.stderr}`);
  corpus = malformedCorpus();
  let generated = 0;
  selected = corpus.filter((c) => c.handWritten || generated++ % STRIDE === 0);
  fs.mkdirSync(path.join(dir, 'files'));
  for (const c of selected)
    for (const [name, content] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(dir, 'files', name), content);
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What is wrong with one run of a case, if anything. */
const problemsOf = (c: MalformedCase, run: Readonly<{ code: number | null; stdout: string; stderr: string }>): string[] => {
  const problems: string[] = [];
  if (run.code !== c.exit) problems.push(`exit ${run.code}, expected ${c.exit}`);
  if (!/^error: \S/.test(run.stderr)) problems.push('stderr is not an error message');
  for (const m of c.mentions) if (!m.test(run.stderr)) problems.push(`stderr does not mention ${m}`);
  if (run.stdout !== '') problems.push(`stdout is not empty: ${run.stdout.slice(0, 120)}`);
  if (/internal error/i.test(run.stderr)) problems.push('an internal error (a bug)');
  return problems;
};

const shortStderr = (s: string): string => (s.length > 300 ? `${s.slice(0, 300)}…` : s).trim();

describe('the malformed-input corpus', () => {
  it('is large and its templates are valid events (each case breaks exactly one thing)', async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(corpus.filter((c) => c.handWritten).length).toBeGreaterThanOrEqual(80);
    for (const channel of ['flags', 'data', 'import'] as const)
      expect(corpus.filter((c) => c.channel === channel).length).toBeGreaterThanOrEqual(50);
    const store = path.join(dir, 'templates.db');
    fs.copyFileSync(fixture, store);
    const { results } = await runInOneProcess(
      dir,
      `sqlite:${store}`,
      templateDryRuns().map((t) => ({ id: t.type, args: t.args })),
      'templates',
    );
    // A second IPO of SenseTime is refused by the domain; its template only serves decode mutations.
    expect(results.filter((r) => r.code !== 0 && r.id !== 'IPOCompleted').map((r) => `${r.id}: ${r.stderr}`)).toEqual([]);
  });

  it(`each input exits 1 or 2 naming the problem, and the digest is unchanged (in-process, ${SHARDS} processes)`, async () => {
    expect(selected.length).toBeGreaterThanOrEqual(300);
    const started = performance.now();
    const shards = Array.from({ length: SHARDS }, (_, s) => selected.filter((_, i) => i % SHARDS === s));
    const batches = await Promise.all(
      shards.map(async (cases, s) => {
        const store = path.join(dir, `shard-${s}.db`);
        fs.copyFileSync(fixture, store);
        const batch = await runInOneProcess(
          dir,
          `sqlite:${store}`,
          cases.map((c) => ({ id: c.name, args: withFiles(c) })),
          `shard-${s}`,
        );
        return { cases, batch };
      }),
    );
    const failures: string[] = [];
    for (const { cases, batch } of batches)
      batch.results.forEach((run, i) => {
        const c = cases[i]!;
        const problems = problemsOf(c, run);
        const before = i === 0 ? batch.digestBefore : batch.results[i - 1]!.digestAfter;
        if (run.digestAfter !== before) problems.push('the store changed (digest --json differs)');
        if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}\n    stderr: ${shortStderr(run.stderr)}`);
      });
    const by = (p: (c: MalformedCase) => boolean) => selected.filter(p).length;
    console.info(
      `bad input (in-process): ${selected.length} of ${corpus.length} inputs in ${seconds(performance.now() - started)}: ` +
        `${by((c) => c.channel === 'flags')} flags, ${by((c) => c.channel === 'data')} --data, ${by((c) => c.channel === 'import')} import; ` +
        `${by((c) => c.handWritten)} hand-written; ${by((c) => c.exit === 2)} invalid (exit 2), ${by((c) => c.exit === 1)} rejected (exit 1); failures ${failures.length}`,
    );
    expect(failures).toEqual([]);
  });

  it('gives the same answers when each input runs as its own process', async () => {
    const spawnable = selected.filter((c) => c.spawnable);
    // An even spread over the corpus: every channel and kind of case, not the first few.
    const step = Math.max(1, Math.floor(spawnable.length / Math.min(SPAWNED, spawnable.length)));
    const sample = spawnable.filter((_, i) => i % step === 0).slice(0, SPAWNED);
    const store = path.join(dir, 'spawned.db');
    fs.copyFileSync(fixture, store);
    const digest = () => runCli(['--store', `sqlite:${store}`, '--json', 'digest']).then((r) => r.stdout);
    const before = await digest();
    const started = performance.now();
    const runs = await inPool(
      sample.map((c) => () => runCli(['--store', `sqlite:${store}`, ...withFiles(c)])),
      2,
    );
    const failures = runs.flatMap((run, i) => {
      const problems = problemsOf(sample[i]!, run);
      return problems.length ? [`${sample[i]!.name}: ${problems.join('; ')}\n    stderr: ${shortStderr(run.stderr)}`] : [];
    });
    console.info(
      `bad input (one process each): ${sample.length} inputs in ${seconds(performance.now() - started)}; failures ${failures.length}`,
    );
    expect(failures).toEqual([]);
    expect(await digest()).toBe(before);
  });
});
