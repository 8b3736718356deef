import { int, megabytes, ms, RSS_LIMIT_MB, times, yes } from './format.js';
import type { CliImport, CliResult, CliSubjects } from './measure/cliCommands.js';
import type { ColdRun } from './measure/coldCommand.js';
import type { Latency } from './stats.js';
import type { GenerationStats } from '../tests/support/ledgerGenerator/generate.js';

/** What one child process reported, or why it did not. */
export type Outcome<R> = Readonly<
  | { ok: true; result: R & { maxRssMb: number; loadavg1?: number }; wallMs: number }
  | { ok: false; error: string; timedOut: boolean; wallMs: number }
>;

type Rate = { perSec: number; ms: number };

/** The steps of one size, in the order they run; `--skip` names them. */
export const STEPS = [
  'generate',
  'cliImport',
  'apiImport',
  'rawInsert',
  'scan',
  'replaySqlite',
  'replayMemory',
  'transactions',
  'cliCommands',
] as const;
export type Step = (typeof STEPS)[number];
export type SizeResult = {
  size: string;
  events: number;
  fileBytes: number;
  generate: Outcome<GenerationStats & { ms: number }>;
  /** Steps not run at this size (see `--skip`). */
  skipped: Step[];
  /** Why the rest of this size was not measured, when it was not. */
  stopped?: string;
  subjects?: CliSubjects;
  /** `shareledger --json import FILE`, cold: the ledger every later step reads. */
  cliImport?: CliImport;
  /** `Ledger.import` in a worker: the library's import, timed inside the process. */
  import?: Outcome<Rate & { events: number; snapshots?: number; snapshotsMs?: number }>;
  fixture?: Outcome<{ events: number; ms: number }>;
  rawPlain?: Outcome<Rate & { rows: number }>;
  rawIndexed?: Outcome<Rate & { rows: number }>;
  scan?: Outcome<Rate & { rows: number }>;
  replaySqlite?: Outcome<Rate & { events: number; readDecodeMs: number; selectMs: number; evolveMs: number }>;
  replayMemory?: Outcome<Rate & { events: number; selectMs: number; evolveMs: number }>;
  transactions?: Outcome<{ rows: number; hotIssuer: string; hotIssuerEvents: number; positions: number }>;
  sql?: Outcome<{ stake: Latency; capTable: Latency; answers: string[]; plans: unknown }>;
  lib?: Outcome<{ stake: Latency; capTable: Latency; mismatches: number; checked: number; warmUpMs: number }>;
  cli?: { runsMs: number[]; medianMs: number; maxRssMb: number; error?: string };
  cliCommands?: CliResult[];
};

type Row = { figure: string; value: string; baseline: string; ratio: string; target: string; met: string };

/** Why a cold command has no figure: it ran out of time, or how it failed. */
export const coldFailure = (run: ColdRun): string =>
  run.timedOut
    ? `did not finish in ${Math.floor(run.wallMs / 1000)} s`
    : `failed (exit ${run.exitCode ?? 'by signal'}): ${(run.error ?? '').slice(0, 120)}`;

export const failure = (o: Outcome<unknown> | undefined): string =>
  !o
    ? 'not run'
    : o.ok
      ? ''
      : o.timedOut
        ? `did not finish in ${int(o.wallMs / 1000)} s`
        : `failed: ${o.error.split('\n')[0]!.slice(0, 120)}`;

const IMPORT_TARGET = '≥ 0.50× and ≥ 100,000/s';

/** An import's rate against a raw INSERT into a table with the keys a ledger needs (issue 13). */
const importRow = (figure: string, perSec: number | string, r: SizeResult): Row => {
  const raw = r.rawIndexed;
  const baseline = raw?.ok ? `${int(raw.result.perSec)} (raw INSERT, unique id and (stream, revision))` : failure(raw);
  if (typeof perSec === 'string' || !raw?.ok)
    return { figure, value: typeof perSec === 'string' ? perSec : int(perSec), baseline, ratio: '—', target: IMPORT_TARGET, met: '**no**' };
  const ratio = perSec / raw.result.perSec;
  return { figure, value: int(perSec), baseline, ratio: times(ratio), target: IMPORT_TARGET, met: yes(ratio >= 0.5 && perSec >= 100_000) };
};

/** Every figure against its target (issues 7 and 13). Targets are stated for the 1M ledger; smaller sizes show the trend. */
const rowsOf = (r: SizeResult): Row[] => {
  const rows: Row[] = [];
  const cliImport = r.cliImport;
  if (cliImport)
    rows.push(
      importRow(
        'import, `shareledger --json import FILE` (cold, wall time), events/s',
        cliImport.run.ok ? cliImport.perSec : coldFailure(cliImport.run),
        r,
      ),
    );
  const imp = r.import;
  if (r.skipped.includes('apiImport')) {
    // not run at this size: the CLI import above is the import figure
  } else
    rows.push(
      importRow('import, `Ledger.import` → SQLite (in a worker, timed inside), events/s', imp?.ok ? imp.result.perSec : failure(imp), r),
    );
  if (imp?.ok && imp.result.snapshotsMs !== undefined)
    rows.push({
      figure: '  (then the snapshots `shareledger import` takes after its commit)',
      value: ms(imp.result.snapshotsMs),
      baseline: `${int(imp.result.snapshots ?? 0)} snapshots`,
      ratio: '',
      target: 'info',
      met: '',
    });
  if (cliImport?.run.ok)
    rows.push({
      figure: 'on disk after `shareledger import`, bytes per event',
      value: int(cliImport.bytesPerEvent),
      baseline: `${int(cliImport.jsonlBytes / cliImport.events)} (the JSONL)`,
      ratio: times(cliImport.diskRatio),
      target: '≤ 2.5×',
      met: yes(cliImport.diskRatio <= 2.5),
    });
  if (r.rawPlain?.ok)
    rows.push({
      figure: '  (raw INSERT into a plain table, no keys), rows/s',
      value: int(r.rawPlain.result.perSec),
      baseline: '',
      ratio: '',
      target: 'info',
      met: '',
    });
  const rs = r.replaySqlite;
  if (rs?.ok && r.scan?.ok) {
    const ratio = rs.result.perSec / r.scan.result.perSec;
    rows.push({
      figure: 'full replay from SQLite (read + decode + evolve), events/s',
      value: int(rs.result.perSec),
      baseline: `${int(r.scan.result.perSec)} (raw scan)`,
      ratio: times(ratio),
      target: '≥ 0.50×',
      met: yes(ratio >= 0.5),
    });
  } else
    rows.push({
      figure: 'full replay from SQLite, events/s',
      value: failure(rs),
      baseline: failure(r.scan),
      ratio: '—',
      target: '≥ 0.50×',
      met: '**no**',
    });
  const rm = r.replayMemory;
  rows.push(
    rm?.ok
      ? {
          figure: 'full replay from memory (select + evolve), events/s',
          value: int(rm.result.perSec),
          baseline: '—',
          ratio: '—',
          target: '≥ 1,000,000/s',
          met: yes(rm.result.perSec >= 1_000_000),
        }
      : {
          figure: 'full replay from memory, events/s',
          value: failure(rm),
          baseline: '—',
          ratio: '—',
          target: '≥ 1,000,000/s',
          met: '**no**',
        },
  );
  const lib = r.lib;
  const sql = r.sql;
  for (const [kind, label, sqlLabel] of [
    ['stake', 'warm as-of stake', 'SUM(delta)'],
    ['capTable', 'warm as-of cap table', 'GROUP BY holder'],
  ] as const) {
    for (const p of ['p50', 'p99'] as const) {
      if (lib?.ok && sql?.ok) {
        const speedup = sql.result[kind][p] / lib.result[kind][p];
        rows.push({
          figure: `${label} ${p} (n=${lib.result[kind].n})`,
          value: ms(lib.result[kind][p]),
          baseline: `${ms(sql.result[kind][p])} (SQL ${sqlLabel}, n=${sql.result[kind].n})`,
          ratio: `${times(speedup)} faster`,
          target: '≥ 10× faster',
          met: yes(speedup >= 10),
        });
      } else
        rows.push({
          figure: `${label} ${p}`,
          value: failure(lib),
          baseline: sql?.ok ? ms(sql.result[kind][p]) : failure(sql),
          ratio: '—',
          target: '≥ 10× faster',
          met: '**no**',
        });
    }
  }
  const cli = r.cli;
  rows.push(
    cli && !cli.error
      ? {
          figure: `cold \`shareledger stake\` wall time, median of ${cli.runsMs.length}`,
          value: ms(cli.medianMs),
          baseline: `first run ${ms(cli.runsMs[0]!)}, slowest ${ms(Math.max(...cli.runsMs))}`,
          ratio: '—',
          target: '≤ 300 ms',
          met: yes(cli.medianMs <= 300),
        }
      : {
          figure: 'cold `shareledger stake` wall time',
          value: cli?.error ?? 'not run',
          baseline: '—',
          ratio: '—',
          target: '≤ 300 ms',
          met: '**no**',
        },
  );
  const rss: Array<[string, Step, number | undefined]> = [
    ['generator', 'generate', r.generate.ok ? r.generate.result.maxRssMb : undefined],
    ['`shareledger import`', 'cliImport', cliImport?.run.ok ? cliImport.run.maxRssMb : undefined],
    ['`Ledger.import`', 'apiImport', imp?.ok ? imp.result.maxRssMb : undefined],
    ['replay from SQLite', 'replaySqlite', rs?.ok ? rs.result.maxRssMb : undefined],
    ['warm queries', 'transactions', lib?.ok ? lib.result.maxRssMb : undefined],
    ['cold CLI stake', 'transactions', cli && !cli.error ? cli.maxRssMb : undefined],
  ];
  for (const [what, step, mb] of rss)
    if (!r.skipped.includes(step))
      rows.push({
        figure: `peak RSS, ${what} process`,
        value: mb === undefined ? 'n/a' : megabytes(mb),
        baseline: '—',
        ratio: '—',
        target: `≤ ${RSS_LIMIT_MB} MB`,
        met: mb === undefined ? '**no**' : yes(mb <= RSS_LIMIT_MB),
      });
  return rows;
};

export const markdownTable = (r: SizeResult): string => {
  const head = '| figure | shareledger | baseline | ratio | target | met? |\n|---|---:|---:|---:|---|---|';
  const body = rowsOf(r).map((x) => `| ${x.figure} | ${x.value} | ${x.baseline} | ${x.ratio} | ${x.target} | ${x.met} |`);
  const notes: string[] = [];
  if (r.stopped) notes.push(`Stopped: ${r.stopped}`);
  if (r.skipped.length) notes.push(`Not run at this size (\`--skip\`): ${r.skipped.join(', ')}.`);
  if (r.fixture?.ok)
    notes.push(
      `Import did not finish; replay and queries ran on a store built from the same file by bench/measure/fixture.ts (sealed, unvalidated) in ${int(r.fixture.result.ms / 1000)} s.`,
    );
  if (r.lib?.ok && r.lib.result.checked)
    notes.push(
      `Answers checked against the SQL baseline: ${r.lib.result.checked - r.lib.result.mismatches}/${r.lib.result.checked} stake answers equal.`,
    );
  if (r.transactions?.ok)
    notes.push(
      `Queries ask about ${r.transactions.result.hotIssuer} (${int(r.transactions.result.hotIssuerEvents)} events on its timeline, ${int(r.transactions.result.positions)} holder×class positions); the transactions table has ${int(r.transactions.result.rows)} rows.`,
    );
  return [
    `### ${r.size} (${int(r.events)} events, ${(r.fileBytes / 1e6).toFixed(0)} MB of JSONL)`,
    '',
    head,
    ...body,
    '',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
};
