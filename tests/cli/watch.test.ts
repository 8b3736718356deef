import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, demoLedger, runCli, tempDir } from './harness.js';

const children: Array<{ kill: () => boolean }> = [];
// A failed expectation must not leave a watcher running.
afterEach(() => children.splice(0).forEach((c) => c.kill()));

/** Starts `watch` as its own process and collects its stdout until it exits. */
const startWatch = (args: string[]) => {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (predicate: () => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`watch printed nothing expected; stdout:\n${stdout}\nstderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, waitFor, out: () => stdout, err: () => stderr };
};

describe('watch', () => {
  it('catches up on stored events, then prints each new append with its stake changes, and stops at --limit', async () => {
    const dir = tempDir();
    const db = await demoLedger(dir);
    const store = `sqlite:${db}`;
    const watch = startWatch(['--store', store, '--json', 'watch', '--issuer', 'sensetime', '--limit', '19']);
    // The demo's sensetime stream is caught up first (17 events), then two appends arrive.
    await watch.waitFor(() => watch.out().split('\n').filter(Boolean).length >= 17);
    const sale = [
      '--store',
      store,
      'append',
      'BlockSale',
      '--issuer',
      'sensetime',
      '--date',
      '2023-08-01',
      '--seller',
      'softbank',
      '--class',
      'B',
      '--price-per-share',
      '2',
      '--currency',
      'HKD',
    ];
    expect((await runCli([...sale, '--shares', '1000'])).code).toBe(0);
    expect((await runCli([...sale, '--shares', '4000000001', '--date', '2023-08-02'])).code).toBe(1);
    expect((await runCli([...sale, '--shares', '500', '--date', '2023-08-03'])).code).toBe(0);
    expect(await watch.exited).toBe(0);
    const lines = watch
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; stream: string; revision: number; changes: Array<Record<string, string>> });
    expect(lines).toHaveLength(19);
    expect(lines.every((l) => l.stream === 'issuer-sensetime')).toBe(true);
    expect(lines.map((l) => l.revision)).toEqual([...Array(19).keys()]);
    expect(lines[17]!.changes).toEqual([
      { class: 'B', holder: 'softbank', before: '4000000000', after: '3999999000' },
      { class: 'B', holder: 'public', before: '3900000000', after: '3900001000' },
    ]);
    expect(lines[18]!.changes[0]).toEqual({ class: 'B', holder: 'softbank', before: '3999999000', after: '3999998500' });
  });

  it('with --new-only prints only what is appended after it starts, for every stream', async () => {
    const dir = tempDir();
    const db = await demoLedger(dir);
    const store = `sqlite:${db}`;
    const watch = startWatch(['--store', store, 'watch', '--new-only', '--limit', '1']);
    await new Promise((r) => setTimeout(r, 700));
    const run = await runCli([
      '--store',
      store,
      'append',
      'HolderRegistered',
      '--date',
      '2023-08-01',
      '--holder',
      'hillhouse',
      '--name',
      'Hillhouse Capital',
    ]);
    expect(run.code).toBe(0);
    expect(await watch.exited).toBe(0);
    expect(watch.out()).toMatch(/^2023-08-01 {2}HolderRegistered {2}holders@\d+/);
    expect(watch.out().trim().split('\n')).toHaveLength(1);
    expect(path.isAbsolute(db)).toBe(true);
  });

  it('rejects a bad issuer id with exit 2', async () => {
    const run = await runCli(['--store', 'memory:', 'watch', '--issuer', 'Not A Slug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--issuer');
  });
});
