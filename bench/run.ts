import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerationStats } from '../tests/support/ledgerGenerator/generate.js';
import { shapeNamed } from '../tests/support/ledgerGenerator/shapes.js';
import { cliTable } from './cliReport.js';
import { type CliResult, type CliSubjects, queryCommands, runCliCommand, runCliImport } from './measure/cliCommands.js';
import { runCold } from './measure/coldCommand.js';
import type { QuerySamples } from './measure/transactionsTable.js';
import { coldFailure, failure, markdownTable, type Outcome, type SizeResult, type Step, STEPS } from './report.js';
import { median, nowMs } from './stats.js';

/**
 * The benchmark of issues 7, 13 and 14: `node dist/bench/run.js [--sizes 10k,100k,1m,1m-single,10m]
 * [--quick] [--skip step,…] [--command-timeout-s 600]`. For each size: generate a ledger, import it
 * with the CLI, and measure shareledger against its plain-SQLite baselines side by side, each
 * measurement in its own child process, then time the CLI's commands cold. Prints two markdown
 * tables per size and writes everything to bench/results/<timestamp>.json (git-ignored).
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
  commandTimeoutMs: number;
  /** Steps not to run; undefined: the default of each size (see defaultSkips). */
  skip: Step[] | undefined;
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
    commandTimeoutMs: Number(arg('command-timeout-s') ?? 600) * 1000,
    skip: arg('skip')?.split(',').filter(Boolean).map(stepNamed),
    heapMb: Number(arg('heap-mb') ?? 8192),
    keep: argv.includes('--keep'),
    profileDir: profile ? path.join(repo, 'bench/results/profiles', stamp()) : undefined,
  };
};

const stepNamed = (name: string): Step => {
  const step = STEPS.find((s) => s === name.trim());
  if (!step || step === 'generate' || step === 'cliImport') throw new Error(`--skip ${name}: one of ${STEPS.slice(2).join(', ')}`);
  return step;
};

/** Past this size, the steps that hold the whole ledger in memory by design are left out unless `--skip` says otherwise. */
const IN_MEMORY_STEPS_UP_TO_EVENTS = 2_000_000;
const defaultSkips = (events: number): Step[] =>
  events > IN_MEMORY_STEPS_UP_TO_EVENTS ? ['apiImport', 'replayMemory', 'transactions'] : [];

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

/** Cold `shareledger stake` on the sampled questions: a fresh node process per run, as a user types it. */
const coldStake = async (options: Options, db: string, samples: QuerySamples): Promise<NonNullable<SizeResult['cli']>> => {
  const runsMs: number[] = [];
  const rssMb: number[] = [];
  for (let i = 0; i < options.cliRuns; i++) {
    const s = samples.stake[i % samples.stake.length]!;
    const args = ['--store', `sqlite:${db}`, '--json', 'stake', '--issuer', samples.issuer, '--holder', s.holder, '--as-of', s.date];
    const run = await runCold(process.execPath, [cliMain, ...args], { timeoutMs: options.commandTimeoutMs });
    if (!run.ok) return { runsMs, medianMs: NaN, maxRssMb: NaN, error: coldFailure(run) };
    runsMs.push(run.wallMs);
    rssMb.push(run.maxRssMb);
    log(`cli stake run ${i + 1}: ${run.wallMs.toFixed(0)} ms`);
    if (run.wallMs > 20_000 && runsMs.length >= 3) break;
  }
  return { runsMs, medianMs: median(runsMs), maxRssMb: Math.max(...rssMb) };
};

/** The commands of issues 13 and 14 on the ledger `db`, one after another, each cold. */
const coldCommands = async (options: Options, size: string, dir: string, db: string, subjects: CliSubjects): Promise<CliResult[]> => {
  const results: CliResult[] = [];
  for (const command of queryCommands(subjects, dir)) {
    log(`${size}: shareledger ${command.label} …`);
    const result = await runCliCommand(cliMain, db, command, dir, options.commandTimeoutMs);
    const { run } = result;
    log(
      `${size}: shareledger ${command.label} ${run.ok ? `done in ${(run.wallMs / 1000).toFixed(2)} s, peak RSS ${Math.round(run.maxRssMb)} MB` : coldFailure(run)}`,
    );
    results.push(result);
  }
  return results;
};

const removeDatabase = (db: string): void => {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
};

const runSize = async (options: Options, size: string): Promise<SizeResult> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shareledger-bench-${size}-`));
  const file = path.join(dir, 'ledger.jsonl');
  const db = path.join(dir, 'ledger.db');
  log(`${size}: generating into ${dir}`);
  const generate = await measure<GenerationStats & { ms: number }>(options, size, 'generateLedger', { file, size, seed: options.seed });
  if (!generate.ok) throw new Error(`${size}: the generator failed: ${generate.error}`);
  const stats = generate.result;
  const skipped = options.skip ?? defaultSkips(stats.lines);
  const runs = (step: Step): boolean => !skipped.includes(step);
  const subjects: CliSubjects = { issuer: stats.hotIssuer, midIssuer: stats.midIssuer, holder: stats.hotHolder };
  const result: SizeResult = { size, events: stats.lines, fileBytes: fs.statSync(file).size, generate, skipped, subjects };
  const done = (): SizeResult => {
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`${size}: kept ${dir}`);
    return result;
  };

  // The import a user runs builds the ledger every later step reads; the library's import, timed
  // inside its process, goes to a second file, kept only when the first did not finish.
  log(`${size}: shareledger import …`);
  result.cliImport = await runCliImport(cliMain, db, file, stats.lines, dir, options.importTimeoutMs);
  const cliRun = result.cliImport.run;
  log(
    `${size}: shareledger import ${cliRun.ok ? `done in ${(cliRun.wallMs / 1000).toFixed(1)} s, peak RSS ${Math.round(cliRun.maxRssMb)} MB` : coldFailure(cliRun)}`,
  );
  const apiDb = path.join(dir, 'api.db');
  if (runs('apiImport')) result.import = await measure(options, size, 'importLedger', { file, db: apiDb }, options.importTimeoutMs);
  if (cliRun.ok) removeDatabase(apiDb);
  else {
    removeDatabase(db);
    const api = result.import;
    if (api?.ok) {
      for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(apiDb + suffix)) fs.renameSync(apiDb + suffix, db + suffix);
    } else if (cliRun.timedOut || api?.timedOut) {
      removeDatabase(apiDb);
      result.fixture = await measure(options, size, 'buildFixture', { file, db });
      if (!result.fixture.ok) {
        result.stopped = `no ledger to measure: the import did not finish and the fixture failed (${failure(result.fixture)})`;
        return done();
      }
    } else {
      result.stopped = `the import rejected the generated ledger: ${coldFailure(cliRun)}`;
      return done();
    }
  }

  if (runs('rawInsert')) {
    result.rawPlain = await measure(options, size, 'rawInsert', { from: db, db: path.join(dir, 'raw-plain.db'), schema: 'plain' });
    removeDatabase(path.join(dir, 'raw-plain.db'));
    result.rawIndexed = await measure(options, size, 'rawInsert', { from: db, db: path.join(dir, 'raw-indexed.db'), schema: 'indexed' });
    removeDatabase(path.join(dir, 'raw-indexed.db'));
  }
  if (runs('scan')) result.scan = await measure(options, size, 'rawScan', { db });
  if (runs('replaySqlite')) result.replaySqlite = await measure(options, size, 'replaySqlite', { db });
  if (runs('replayMemory')) result.replayMemory = await measure(options, size, 'replayMemory', { db });
  if (runs('transactions')) {
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
      result.cli = await coldStake(options, db, JSON.parse(fs.readFileSync(samplesFile, 'utf8')) as QuerySamples);
    }
    removeDatabase(txDb);
  }
  if (runs('cliCommands')) result.cliCommands = await coldCommands(options, size, dir, db, subjects);
  return done();
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
    ...sizes.flatMap((r) => [markdownTable(r), cliTable(r)]),
  ].join('\n\n');
  fs.writeFileSync(out.replace(/\.json$/, '.md'), markdown + '\n');
  process.stdout.write(markdown + '\n');
  log(`wrote ${path.relative(repo, out)}`);
};

await main();
