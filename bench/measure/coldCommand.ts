import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nowMs } from '../stats.js';

/**
 * One cold run of a command in a fresh process, as a user starts it: wall time from spawn to
 * exit, peak RSS, CPU time, and a timeout that kills the run (and only it) and says so.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f`) when it is installed: it reads the kernel's
 * high-water mark of the child (wait4's ru_maxrss) once the child is gone, so it counts the whole
 * life of the process, native memory (SQLite's page cache) included, and puts no code into the
 * program measured. Polling /proc/PID/status misses a peak just before exit (a zombie has no
 * VmHWM any more), and Node cannot read a child's rusage. Without GNU time, a node command gets a
 * `-r` preload that records `process.resourceUsage()` at exit (the same kernel figure, from inside).
 */

export type RssSource = 'time' | 'preload';

export type ColdRun = Readonly<{
  ok: boolean;
  /** Exit code (undefined when killed by a signal). */
  exitCode: number | undefined;
  timedOut: boolean;
  wallMs: number;
  /** NaN when it could not be read (a run killed before it exited, under the preload). */
  maxRssMb: number;
  cpuMs: number;
  stdoutBytes: number;
  /** The last lines of stderr when the run failed. */
  error?: string;
  rssSource: RssSource;
}>;

export type ColdOptions = Readonly<{
  timeoutMs: number;
  /** Where stdout goes (a file, so a large output costs the bench nothing); discarded when absent. */
  stdoutFile?: string;
  /** Force a source of peak RSS (tests); by default GNU time when installed. */
  rssSource?: RssSource;
}>;

const GNU_TIME = '/usr/bin/time';
const FORMAT = '%M %U %S';

const PRELOAD = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('fs').writeFileSync(process.env.COLD_RSS_FILE, u.maxRSS + ' ' + u.userCPUTime / 1e6 + ' ' + u.systemCPUTime / 1e6 + '\\n');
});
`;

export const defaultRssSource = (): RssSource => (fs.existsSync(GNU_TIME) ? 'time' : 'preload');

/** KB, user s, system s: the last line of GNU time's -o file (after "Command terminated by signal …") or of the preload's. */
const parseUsage = (text: string): { maxRssMb: number; cpuMs: number } => {
  const last = text.trim().split('\n').pop() ?? '';
  const [kb, user, sys] = last.split(' ').map(Number);
  if (kb === undefined || !Number.isFinite(kb)) return { maxRssMb: NaN, cpuMs: NaN };
  return { maxRssMb: kb / 1024, cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000 };
};

/** Runs `executable args…` once, cold. A node command is `process.execPath` with the script first. */
export const runCold = (executable: string, args: ReadonlyArray<string>, options: ColdOptions): Promise<ColdRun> => {
  const rssSource = options.rssSource ?? defaultRssSource();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-'));
  const usageFile = path.join(scratch, 'usage.txt');
  let command: string;
  let argv: string[];
  const env = { ...process.env };
  if (rssSource === 'time') {
    command = GNU_TIME;
    argv = ['-f', FORMAT, '-o', usageFile, executable, ...args];
  } else {
    if (executable !== process.execPath)
      throw new Error(`runCold: without ${GNU_TIME} only node commands can be measured, not ${executable}`);
    const preload = path.join(scratch, 'rss.cjs');
    fs.writeFileSync(preload, PRELOAD);
    command = executable;
    argv = ['-r', preload, ...args];
    env['COLD_RSS_FILE'] = usageFile;
  }
  const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'ignore';
  return new Promise((resolve) => {
    const started = nowMs();
    // Its own process group, so a timeout kills GNU time and the command under it together.
    const child = spawn(command, argv, { stdio: ['ignore', out, 'pipe'], env, detached: true });
    if (typeof out === 'number') fs.closeSync(out);
    let stderr = '';
    let timedOut = false;
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    let finished = false;
    const finish = (exitCode: number | undefined, spawnError?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const wallMs = nowMs() - started;
      // A run killed at its timeout has no usage of its own to report (GNU time is killed with it).
      const usage = timedOut
        ? { maxRssMb: NaN, cpuMs: NaN }
        : parseUsage(fs.existsSync(usageFile) ? fs.readFileSync(usageFile, 'utf8') : '');
      fs.rmSync(scratch, { recursive: true, force: true });
      const ok = !timedOut && exitCode === 0;
      const lines = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('Command exited with non-zero status'));
      resolve({
        ok,
        exitCode,
        timedOut,
        wallMs,
        ...usage,
        stdoutBytes: options.stdoutFile && fs.existsSync(options.stdoutFile) ? fs.statSync(options.stdoutFile).size : 0,
        ...(ok ? {} : { error: spawnError?.message ?? (lines.slice(-3).join(' | ') || `exit ${exitCode ?? 'by signal'}`) }),
        rssSource,
      });
    };
    child.on('error', (e) => finish(undefined, e));
    child.on('close', (code) => finish(code ?? undefined));
  });
};
