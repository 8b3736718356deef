import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSI, CLI, runCli, tempDir } from './harness.js';

/**
 * A terminal session under a pseudo-terminal (util-linux `script`, else python3's pty module):
 * long work shows a progress bar on stderr, colour appears only on a terminal and never under
 * NO_COLOR, and nothing of the sort reaches a pipe.
 */

const run = promisify(execFile);
const has = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs node CLI args in a pseudo-terminal; returns everything the terminal showed (stdout and stderr). */
const inTerminal = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const environment: NodeJS.ProcessEnv = { ...process.env };
  delete environment['NO_COLOR'];
  Object.assign(environment, env);
  const [file, argv] = has('script', ['--version'])
    ? ['script', ['-qec', command, '/dev/null']]
    : ['python3', ['-c', `import pty,sys\npty.spawn(['sh','-c',sys.argv[1]])`, command]];
  try {
    return (await run(file, argv, { env: environment, maxBuffer: 1 << 24 })).stdout;
  } catch (e) {
    // A command that exits non-zero still showed something on the terminal.
    const shown = (e as { stdout?: unknown }).stdout;
    if (typeof shown === 'string') return shown;
    throw e;
  }
};

const terminalAvailable = has('script', ['--version']) || has('python3', ['-c', 'import pty']);
const EVENTS = 10_050;

let dir: string;
let big: string;

beforeAll(() => {
  dir = tempDir();
  big = path.join(dir, 'big.jsonl');
  const lines = [
    JSON.stringify({
      type: 'IssuerRegistered',
      issuer: 'bigco',
      date: '2020-01-01',
      data: { name: 'Big Co', currency: 'USD', classes: [{ class: 'A', votesPerShare: 1 }] },
    }),
  ];
  for (let i = 0; i < EVENTS; i++)
    lines.push(
      JSON.stringify({
        type: 'SharesIssued',
        issuer: 'bigco',
        date: '2020-01-02',
        data: { holder: `h${i % 40}`, class: 'A', shares: '100', pricePerShare: '1.5', currency: 'USD' },
      }),
    );
  fs.writeFileSync(big, `${lines.join('\n')}\n`);
});

describe.skipIf(!terminalAvailable)('in a terminal', () => {
  it('a >10,000-event import shows a progress bar on stderr, and NO_COLOR=1 means no ANSI colour', async () => {
    const store = `sqlite:${path.join(dir, 'tty.db')}`;
    const shown = await inTerminal(['--store', store, 'import', big], { NO_COLOR: '1' });
    expect(shown).toMatch(/\rchecking \[[#.]{20}\] +\d+% [\d,]+\/10,051 lines/);
    expect(shown).toMatch(/100% 10,051\/10,051 lines/);
    expect(shown).toMatch(/appended 10,051 events/);
    expect(shown).not.toMatch(ANSI);
    const replay = await inTerminal(['--store', store, 'stake', '--issuer', 'bigco', '--holder', 'h1'], { NO_COLOR: '1' });
    expect(replay).toMatch(/\rreplaying \[[#.]{20}\]/);
    expect(replay).toMatch(/h1 in bigco/);
    expect(replay).not.toMatch(ANSI);
  });

  it('colours tables and errors on a terminal when NO_COLOR is unset', async () => {
    const store = `sqlite:${path.join(dir, 'colour.db')}`;
    const shown = await inTerminal(['--store', store, 'demo']);
    expect(shown).toMatch(/\u001b\[1mas of/);
    const error = await inTerminal(['--store', store, 'stake', '--issuer', 'sensetime', '--holder', 'nobody']);
    expect(error).toMatch(/\u001b\[31merror:\u001b\[39m unknown holder nobody/);
  });
});

describe('through pipes', () => {
  it('shows no progress, no colour, and --json stdout stays one document', async () => {
    const store = `sqlite:${path.join(dir, 'pipe.db')}`;
    const piped = await runCli(['--json', '--store', store, 'import', big]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toMatch(ANSI);
    const report = JSON.parse(piped.stdout) as { appended: number; events: unknown[] };
    expect(report.appended).toBe(EVENTS + 1);
    expect(report.events).toHaveLength(EVENTS + 1);
    // `export | head -1`: the reader closes the pipe early; the CLI stops quietly with 0.
    const child = spawn(process.execPath, [CLI, '--store', store, 'export'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
