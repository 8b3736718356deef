import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLedger } from '../tests/support/ledgerGenerator/generate.js';
import { markdownTable, type Outcome, type SizeResult } from './report.js';
import { shapeNamed } from '../tests/support/ledgerGenerator/shapes.js';
import { median, nowMs } from './stats.js';
import type { QuerySamples } from './measure/transactionsTable.js';

/**
 * The benchmark of issue 7: `node dist/bench/run.js [--sizes 10k,100k,1m,1m-single] [--quick]`.
 * For each size: generate a ledger, import it, and measure shareledger against its plain-SQLite
 * baselines side by side, each measurement in its own child process. Prints one markdown table per
 * size and writes everything to bench/results/<timestamp>.json (git-ignored).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const worker = path.join(here, 'worker.js');
const cliMain = path.join(repo, 'dist/src/cli/shareledger.cjs'); // package.json's bin: what `shareledger` runs

type Options = {
  sizes: string[];
  seed: number;
  stakeSamples: number;
  capTableSamples: number;
  queryBudgetMs: number;
  cliRuns: number;
  importTimeoutMs: number;
  heapMb: number;
  keep: boolean;
  profileDir: string | undefined;
};

const parseOptions = (argv: string[]): Options => {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const profile = argv.includes('--profile');
  return {
    sizes: (arg('sizes') ?? (quick ? '10k' : '10k,100k,1m')).split(',').map((s) => shapeNamed(s.trim()).name),
    seed: Number(arg('seed') ?? 7),
    stakeSamples: Number(arg('stake-samples') ?? (quick ? 50 : 500)),
    capTableSamples: Number(arg('cap-table-samples') ?? (quick ? 20 : 100)),
    queryBudgetMs: Number(arg('query-budget-s') ?? (quick ? 10 : 60)) * 1000,
    cliRuns: Number(arg('cli-runs') ?? (quick ? 3 : 7)),
    importTimeoutMs: Number(arg('import-timeout-min') ?? 30) * 60_000,
    heapMb: Number(arg('heap-mb') ?? 8192),
    keep: argv.includes('--keep'),
    profileDir: profile ? path.join(repo, 'bench/results/profiles', stamp()) : undefined,
  };
};

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0]!.toFixed(2)}] ${message}\n`);
};

/** Runs one measurement in a fresh process; a timeout kills it (and only it). */
const measure = <R>(options: Options, size: string, name: string, args: object, timeoutMs = 4 * 3600_000): Promise<Outcome<R>> =>
  new Promise((resolve) => {
    const flags = [`--max-old-space-size=${options.heapMb}`];
    if (options.profileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${size}-${name}.cpuprofile`);
    log(`${size}: ${name} …`);
    const started = nowMs();
    const child = spawn(process.execPath, [...flags, worker, name, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = nowMs() - started;
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) {
        const result = { ...(JSON.parse(last) as R & { maxRssMb: number }), loadavg1: os.loadavg()[0]! };
        log(`${size}: ${name} done in ${(wallMs / 1000).toFixed(1)} s, peak RSS ${Math.round(result.maxRssMb)} MB`);
        resolve({ ok: true, result, wallMs });
      } else {
        log(`${size}: ${name} ${timedOut ? 'timed out' : `failed (exit ${code})`}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
        resolve({ ok: false, error: stderr.trim() || `exit ${code}`, timedOut, wallMs });
      }
    });
  });

const RSS_PROBE = `process.on('exit', () => { try { require('fs').appendFileSync(process.env.BENCH_RSS_FILE, process.resourceUsage().maxRSS + '\\n'); } catch {} });\n`;

/** Cold `shareledger stake`: a fresh node process per run, as a user types it; wall time from spawn to exit. */
const coldCli = (options: Options, dir: string, db: string, samples: QuerySamples): NonNullable<SizeResult['cli']> => {
  if (!fs.existsSync(cliMain))
    return { runsMs: [], medianMs: NaN, maxRssMb: NaN, error: `no CLI at ${path.relative(repo, cliMain)} (run npm run build)` };
  const probe = path.join(dir, 'rssProbe.cjs');
  const rssFile = path.join(dir, 'cli-rss.txt');
  fs.writeFileSync(probe, RSS_PROBE);
  const runsMs: number[] = [];
  for (let i = 0; i < options.cliRuns; i++) {
    const s = samples.stake[i % samples.stake.length]!;
    const started = nowMs();
    const run = spawnSync(
      process.execPath,
      [
        '-r',
        probe,
        cliMain,
        '--store',
        `sqlite:${db}`,
        '--json',
        'stake',
        '--issuer',
        samples.issuer,
        '--holder',
        s.holder,
        '--as-of',
        s.date,
      ],
      { env: { ...process.env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const wall = nowMs() - started;
    if (run.status !== 0)
      return {
        runsMs,
        medianMs: NaN,
        maxRssMb: NaN,
        error: `exit ${run.status}: ${(run.stderr || run.stdout).trim().split('\n')[0]?.slice(0, 160)}`,
      };
    runsMs.push(wall);
    log(`cli stake run ${i + 1}: ${wall.toFixed(0)} ms`);
    if (wall > 20_000 && runsMs.length >= 3) break;
  }
  const rss = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  return { runsMs, medianMs: median(runsMs), maxRssMb: Math.max(...rss) / 1024 };
};

const runSize = async (options: Options, size: string): Promise<SizeResult> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shareledger-bench-${size}-`));
  const file = path.join(dir, 'ledger.jsonl');
  const db = path.join(dir, 'ledger.db');
  log(`${size}: generating into ${dir}`);
  const t0 = nowMs();
  const generation = writeLedger(file, shapeNamed(size), options.seed);
  const result: SizeResult = {
    size,
    events: generation.lines,
    fileBytes: fs.statSync(file).size,
    generateMs: nowMs() - t0,
    generation,
    import: await measure(options, size, 'importLedger', { file, db }, options.importTimeoutMs),
  };
  if (!result.import.ok) {
    if (!result.import.timedOut) throw new Error(`${size}: import rejected the generated ledger: ${result.import.error}`);
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
    result.fixture = await measure(options, size, 'buildFixture', { file, db });
    if (!result.fixture.ok) throw new Error(`${size}: could not build the store: ${result.fixture.error}`);
  }
  result.rawPlain = await measure(options, size, 'rawInsert', { from: db, db: path.join(dir, 'raw-plain.db'), schema: 'plain' });
  result.rawIndexed = await measure(options, size, 'rawInsert', { from: db, db: path.join(dir, 'raw-indexed.db'), schema: 'indexed' });
  for (const f of ['raw-plain.db', 'raw-indexed.db'])
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, f + suffix), { force: true });
  result.scan = await measure(options, size, 'rawScan', { db });
  result.replaySqlite = await measure(options, size, 'replaySqlite', { db });
  result.replayMemory = await measure(options, size, 'replayMemory', { db });
  const txDb = path.join(dir, 'transactions.db');
  const samplesFile = path.join(dir, 'samples.json');
  result.transactions = await measure(options, size, 'buildTransactionsTable', {
    ledgerDb: db,
    txDb,
    samplesFile,
    seed: options.seed,
    stakeSamples: options.stakeSamples,
    capTableSamples: options.capTableSamples,
  });
  if (result.transactions.ok) {
    result.sql = await measure(options, size, 'sqlQueries', { txDb, samplesFile });
    const sqlAnswers = result.sql.ok ? result.sql.result.answers : undefined;
    result.lib = await measure(options, size, 'libQueries', {
      db,
      samplesFile,
      sqlAnswers,
      budgetMs: options.queryBudgetMs,
      minSamples: 3,
    });
    result.cli = coldCli(options, dir, db, JSON.parse(fs.readFileSync(samplesFile, 'utf8')) as QuerySamples);
  }
  if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  else log(`${size}: kept ${dir}`);
  return result;
};

/** The code measured: the commit, and whether the measured sources differ from it. */
const codeVersion = (): { commit: string; dirty: boolean | 'unknown' } => {
  if (process.env['BENCH_COMMIT']) return { commit: process.env['BENCH_COMMIT'], dirty: false };
  const head = spawnSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return { commit: 'unknown', dirty: 'unknown' };
  const status = spawnSync('git', ['-C', repo, 'status', '--porcelain', '--', 'src', 'events', 'projections', 'bench'], {
    encoding: 'utf8',
  });
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
};

const machine = () => ({
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model,
  memTotalGb: +(os.totalmem() / 2 ** 30).toFixed(1),
  memFreeGb: +(os.freemem() / 2 ** 30).toFixed(1),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  loadavg: os.loadavg(),
});

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2));
  if (options.profileDir) fs.mkdirSync(options.profileDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const before = machine();
  const sizes: SizeResult[] = [];
  for (const size of options.sizes) sizes.push(await runSize(options, size));
  const command = `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const code = codeVersion();
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    code,
    options,
    machine: before,
    loadavgAtEnd: os.loadavg(),
    sizes,
  };
  const resultsDir = process.env['BENCH_RESULTS_DIR'] ?? path.join(repo, 'bench/results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, `${stamp()}.json`);
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  const markdown = [
    `Command: \`${command}\` at ${code.commit.slice(0, 7)}${code.dirty === true ? ' (with uncommitted changes)' : ''} — ${before.nproc} cores (${before.cpu}), ${before.memTotalGb} GB, Node ${before.node}, load ${before.loadavg.map((l) => l.toFixed(2)).join(' ')} at start, ${os.loadavg()[0]!.toFixed(2)} at end`,
    '',
    ...sizes.map(markdownTable),
  ].join('\n\n');
  fs.writeFileSync(out.replace(/\.json$/, '.md'), markdown + '\n');
  process.stdout.write(markdown + '\n');
  log(`wrote ${path.relative(repo, out)}`);
};

await main();
