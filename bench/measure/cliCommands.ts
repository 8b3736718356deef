import fs from 'node:fs';
import path from 'node:path';
import { type ColdRun, runCold } from './coldCommand.js';

/**
 * The commands issues 13 and 14 time as a user runs them: the published bin
 * (`dist/src/cli/shareledger.cjs`), one fresh process per command, on a SQLite ledger. Outputs go
 * to files, so their sizes are reported and a large one costs the bench nothing.
 */

/** Who the questions are about: named by the generator's stats for the size measured. */
export type CliSubjects = Readonly<{ issuer: string; midIssuer: string; holder: string }>;

export type CliCommand = Readonly<{
  /** The command line as a user types it after `shareledger --store sqlite:DB`, outputs as FILE. */
  label: string;
  args: ReadonlyArray<string>;
  /** The file the command writes with --out, when it does. */
  outFile?: string;
  /** Its wall-time target on the 1M ledger (issues 7 and 14), when it has one. */
  wallTargetMs?: number;
}>;

export type CliResult = Readonly<{ label: string; run: ColdRun; outputBytes: number; wallTargetMs?: number }>;

export type CliImport = Readonly<{
  run: ColdRun;
  events: number;
  perSec: number;
  jsonlBytes: number;
  dbBytes: number;
  bytesPerEvent: number;
  /** Database bytes per JSONL byte. */
  diskRatio: number;
  /** What the command itself reports in its JSON (`eventsPerSecond`, `elapsedMs`), when it does. */
  reported?: Readonly<{ appended?: number; eventsPerSecond?: number; elapsedMs?: number }>;
}>;

const AS_OF = '2020-06-30';
const AUDIT_FORMATS = ['md', 'html', 'json', 'csv'] as const;

/** The question commands of issue 14, in the order they run. */
export const queryCommands = (s: CliSubjects, outDir: string): CliCommand[] => {
  const plain = (wallTargetMs: number | undefined, ...args: string[]): CliCommand => ({
    label: args.join(' '),
    args,
    ...(wallTargetMs === undefined ? {} : { wallTargetMs }),
  });
  return [
    plain(300, 'stake', '--issuer', s.issuer, '--holder', s.holder, '--as-of', AS_OF),
    plain(undefined, 'cap-table', '--issuer', s.issuer, '--as-of', AS_OF),
    plain(1_000, 'history', '--issuer', s.issuer, '--holder', s.holder),
    // The import took the busy issuers' disposal caches (20,000 events or more; its time includes
    // that fold): the first question reads them, as the second does.
    plain(1_000, 'proceeds', '--holder', s.holder),
    { ...plain(1_000, 'proceeds', '--holder', s.holder), label: `proceeds --holder ${s.holder} (asked again)` },
    plain(2_000, 'audit', '--issuer', s.midIssuer, '--format', 'json'),
    ...AUDIT_FORMATS.map((format): CliCommand => {
      const outFile = path.join(outDir, `audit-${s.issuer}.${format}`);
      return {
        label: `audit --issuer ${s.issuer} --format ${format} --out FILE`,
        args: ['audit', '--issuer', s.issuer, '--format', format, '--out', outFile],
        outFile,
        wallTargetMs: 20_000,
      };
    }),
    plain(15_000, 'verify'),
    plain(undefined, 'digest'),
    plain(undefined, 'export', '--issuer', s.issuer),
  ];
};

const fileBytes = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/** A SQLite ledger's bytes on disk: the file and whatever its write-ahead log still holds. */
export const databaseBytes = (db: string): number => fileBytes(db) + fileBytes(`${db}-wal`);

const storeArgs = (cli: string, db: string): string[] => [cli, '--store', `sqlite:${db}`];

/** Runs one command cold on the ledger `db`; stdout goes to a file in `outDir`. */
export const runCliCommand = async (
  cli: string,
  db: string,
  command: CliCommand,
  outDir: string,
  timeoutMs: number,
): Promise<CliResult> => {
  const stdoutFile = path.join(outDir, 'stdout.txt');
  const run = await runCold(process.execPath, [...storeArgs(cli, db), ...command.args], { timeoutMs, stdoutFile });
  const outputBytes = command.outFile ? fileBytes(command.outFile) : run.stdoutBytes;
  fs.rmSync(stdoutFile, { force: true });
  if (command.outFile) fs.rmSync(command.outFile, { force: true });
  return { label: command.label, run, outputBytes, ...(command.wallTargetMs === undefined ? {} : { wallTargetMs: command.wallTargetMs }) };
};

const MAX_JSON_TO_READ = 64 * 2 ** 20;

/** `shareledger --json import FILE` into a fresh ledger `db`: rate, and bytes on disk against the JSONL. */
export const runCliImport = async (
  cli: string,
  db: string,
  file: string,
  events: number,
  outDir: string,
  timeoutMs: number,
): Promise<CliImport> => {
  const stdoutFile = path.join(outDir, 'import.json');
  const run = await runCold(process.execPath, [...storeArgs(cli, db), '--json', 'import', file], { timeoutMs, stdoutFile });
  let reported: CliImport['reported'];
  if (run.ok && run.stdoutBytes <= MAX_JSON_TO_READ) {
    const json = JSON.parse(fs.readFileSync(stdoutFile, 'utf8')) as Record<string, unknown>;
    const num = (k: string): number | undefined => (typeof json[k] === 'number' ? json[k] : undefined);
    reported = { appended: num('appended'), eventsPerSecond: num('eventsPerSecond'), elapsedMs: num('elapsedMs') };
  }
  fs.rmSync(stdoutFile, { force: true });
  const jsonlBytes = fileBytes(file);
  const dbBytes = databaseBytes(db);
  return {
    run,
    events,
    perSec: events / (run.wallMs / 1000),
    jsonlBytes,
    dbBytes,
    bytesPerEvent: dbBytes / events,
    diskRatio: dbBytes / jsonlBytes,
    ...(reported ? { reported } : {}),
  };
};
