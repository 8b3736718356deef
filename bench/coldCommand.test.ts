import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRssSource, runCold, type RssSource } from './measure/coldCommand.js';

/** A node child that touches `mb` MB (a filled Buffer: every page written) and prints its size. */
const allocating = (mb: number): string[] => ['-e', `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); console.log(b.length);`];

const sources: RssSource[] = defaultRssSource() === 'time' ? ['time', 'preload'] : ['preload'];

describe('runCold: one command in a fresh process, wall time and peak RSS', () => {
  for (const rssSource of sources)
    it(`measures a child that allocates 120 MB as at least 120 MB, and one that does not as less (${rssSource})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-test-'));
      try {
        const stdoutFile = path.join(dir, 'out.txt');
        const big = await runCold(process.execPath, allocating(120), { timeoutMs: 60_000, stdoutFile, rssSource });
        expect(big).toMatchObject({ ok: true, exitCode: 0, timedOut: false, rssSource });
        expect(big.maxRssMb).toBeGreaterThanOrEqual(120);
        expect(fs.readFileSync(stdoutFile, 'utf8').trim()).toBe(String(120 * 1024 * 1024));
        expect(big.stdoutBytes).toBe(fs.statSync(stdoutFile).size);
        expect(big.wallMs).toBeGreaterThan(0);
        expect(big.cpuMs).toBeGreaterThan(0);
        const small = await runCold(process.execPath, ['-e', '0'], { timeoutMs: 60_000, rssSource });
        expect(small.ok).toBe(true);
        expect(small.maxRssMb).toBeLessThan(big.maxRssMb - 60);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

  it('reports a failing command with its exit code and the end of its stderr', async () => {
    const run = await runCold(process.execPath, ['-e', 'console.error("no such issuer: co-9999"); process.exit(2)'], { timeoutMs: 60_000 });
    expect(run).toMatchObject({ ok: false, exitCode: 2, timedOut: false });
    expect(run.error).toContain('no such issuer: co-9999');
  });

  it('kills a command that outlives its timeout and says it timed out', async () => {
    // Left alone it would outlast the test's own timeout.
    const run = await runCold(process.execPath, ['-e', 'setTimeout(() => {}, 600_000)'], { timeoutMs: 500 });
    expect(run).toMatchObject({ ok: false, timedOut: true, exitCode: undefined });
  });
});
