import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { CLI, DEMO_FILE, tempDir } from './harness.js';

/** The README's "CLI at a glance" runs as shown: each line in order, through sh, in a fresh directory. */

const run = promisify(execFile);
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

const glanceLines = (): string[] => {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## The CLI at a glance'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
};

it('every command of "The CLI at a glance" runs as shown', async () => {
  const cwd = tempDir('shareledger-readme-');
  const bin = path.join(cwd, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'shareledger'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  fs.mkdirSync(path.join(cwd, 'examples'));
  fs.copyFileSync(DEMO_FILE, path.join(cwd, 'examples', 'sensetime.jsonl'));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
  for (const k of ['SHARELEDGER_STORE', 'SHARELEDGER_ACTOR', 'LOG_LEVEL']) delete env[k];
  const lines = glanceLines();
  expect(lines.length).toBeGreaterThan(15);
  for (const line of lines) {
    const assignment = /^export (\w+)=(\S+)$/.exec(line);
    if (assignment) {
      env[assignment[1]!] = assignment[2]!;
      continue;
    }
    const expected = Number(/# exits (\d)/.exec(line)?.[1] ?? 0);
    let code = 0;
    let stderr = '';
    try {
      await run('sh', ['-c', line], { cwd, env });
    } catch (e) {
      code = (e as { code?: number }).code ?? -1;
      stderr = String((e as { stderr?: unknown }).stderr ?? '');
    }
    expect({ line, code, stderr: code === expected ? '' : stderr }).toEqual({ line, code: expected, stderr: '' });
  }
  expect(fs.existsSync(path.join(cwd, 'sensetime-audit.md'))).toBe(true);
  expect(fs.existsSync(path.join(cwd, 'backup.db'))).toBe(true);
});
