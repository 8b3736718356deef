import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLedger } from '../support/ledgerGenerator/generate.js';
import { shapeNamed } from '../support/ledgerGenerator/shapes.js';
import { DEMO_FILE, inPool, runCli, sleep, spawnCli, storedEvents, tempDir } from './support.js';

/**
 * What a ledger must not give away: its file to other users of the machine (mode 0600 for the
 * database, its -wal and -shm, and exports, even under umask 000), or the credentials of an
 * EventStoreDB connection string (in stdout, stderr, debug logs or --json errors). And what it
 * must always keep: who recorded every event.
 */

let dir: string;
let demo: string;

beforeAll(async () => {
  dir = tempDir('security');
  demo = path.join(dir, 'demo.db');
  const built = await runCli(['--store', `sqlite:${demo}`, 'import', DEMO_FILE]);
  if (built.code !== 0) throw new Error(`building the demo ledger failed: ${built.stderr}`);
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0');

describe('file modes under umask 000', () => {
  it('init creates the database 0600', async () => {
    const file = path.join(dir, 'init.db');
    const run = await runCli(['--store', `sqlite:${file}`, 'init'], { umask: '000' });
    expect(run.code).toBe(0);
    expect(modeOf(file)).toBe('0600');
  });

  it('the database, its -wal and its -shm are 0600 while an import is writing', async () => {
    const file = path.join(dir, 'busy.db');
    const big = path.join(dir, 'big.jsonl');
    // Long enough to catch the files open.
    writeLedger(big, { ...shapeNamed('2k'), name: 'security', events: 1_000 }, 1);
    const run = spawnCli(['--store', `sqlite:${file}`, '--log-level', 'info', 'import', big], { umask: '000' });
    while (!run.exited() && !run.stderrSoFar().includes('"msg":"store opened"')) await sleep(2);
    // The child is stopped where it stands: -wal and -shm stay as they were while it ran.
    run.child.kill('SIGKILL');
    await run.done;
    expect({ db: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) }).toEqual({ db: '0600', wal: '0600', shm: '0600' });
  });

  it('export --out and a copy target are 0600', async () => {
    const out = path.join(dir, 'export.jsonl');
    const target = path.join(dir, 'copy.db');
    const [exported, copied] = await Promise.all([
      runCli(['--store', `sqlite:${demo}`, 'export', '--out', out], { umask: '000' }),
      runCli(['--store', `sqlite:${demo}`, 'copy', '--to', `sqlite:${target}`], { umask: '000' }),
    ]);
    expect([exported.code, copied.code]).toEqual([0, 0]);
    expect({ export: modeOf(out), copy: modeOf(target) }).toEqual({ export: '0600', copy: '0600' });
  });
});

describe('credentials in store URLs', () => {
  const USER = 'alice-the-admin';
  const SECRET = 'Hunter2Secret';
  const url = (scheme: string, query = '?tls=false') => `${scheme}://${USER}:${SECRET}@127.0.0.1:1${query}`;
  const bigFile = () => path.join(dir, 'one.jsonl');

  type Case = Readonly<{ name: string; args: string[]; env?: Record<string, string>; exit: 2 | 3; secrets?: string[] }>;
  const cases = (): Case[] => [
    { name: 'digest, debug log, --json', args: ['--store', url('esdb'), '--log-level', 'debug', '--json', 'digest'], exit: 3 },
    { name: 'verify over TLS, debug log', args: ['--store', url('esdb', ''), '--log-level', 'debug', 'verify'], exit: 3 },
    {
      name: 'kurrentdb stake, trace log, --json',
      args: ['--store', url('kurrentdb'), '--log-level', 'trace', '--json', 'stake', '--issuer', 'sensetime', '--holder', 'softbank'],
      exit: 3,
    },
    { name: 'import, debug log', args: ['--store', url('kurrentdb'), '--log-level', 'debug', 'import', bigFile()], exit: 3 },
    {
      name: 'append, --json',
      args: ['--store', url('esdb'), '--json', 'append', 'HolderRegistered', '--date', '2023-08-01', '--holder', 'x', '--name', 'X'],
      exit: 3,
    },
    { name: 'export, debug log', args: ['--store', url('esdb'), '--log-level', 'debug', 'export'], exit: 3 },
    {
      name: 'the store from SHARELEDGER_STORE',
      args: ['--log-level', 'debug', '--json', 'digest'],
      env: { SHARELEDGER_STORE: url('kurrentdb') },
      exit: 3,
    },
    {
      name: 'copy --to an unreachable server',
      args: ['--store', `sqlite:${demo}`, '--log-level', 'debug', '--json', 'copy', '--to', url('esdb')],
      exit: 3,
    },
    {
      name: 'a percent-encoded password with @ and /',
      args: ['--store', `esdb://${USER}:S3cr%40t%2Fpw@127.0.0.1:1?tls=false`, '--log-level', 'debug', '--json', 'digest'],
      exit: 3,
      secrets: ['S3cr%40t', 'S3cr@t', '%2Fpw'],
    },
    {
      name: 'a password in the query',
      args: ['--store', `kurrentdb://127.0.0.1:1?tls=false&password=${SECRET}`, '--log-level', 'debug', '--json', 'digest'],
      exit: 2,
    },
    {
      name: 'an unsupported scheme with credentials',
      args: ['--store', `ftp://${USER}:${SECRET}@127.0.0.1/x`, '--log-level', 'debug', '--json', 'digest'],
      exit: 2,
    },
    {
      name: 'copy --to an unsupported scheme with credentials',
      args: ['--store', `sqlite:${demo}`, '--log-level', 'debug', 'copy', '--to', `postgres://${USER}:${SECRET}@127.0.0.1/x`],
      exit: 2,
    },
  ];

  it('never appear in stdout, stderr, debug logs or --json errors; an unreachable server is exit 3', async () => {
    fs.writeFileSync(bigFile(), `${fs.readFileSync(DEMO_FILE, 'utf8').split('\n')[0]}\n`);
    const all = cases();
    const runs = await inPool(
      all.map((c) => () => runCli(c.args, c.env ? { env: c.env } : {})),
      2,
    );
    const failures = runs.flatMap((run, i) => {
      const c = all[i]!;
      const problems: string[] = [];
      if (run.code !== c.exit) problems.push(`exit ${run.code}, expected ${c.exit}`);
      for (const secret of c.secrets ?? [SECRET, USER])
        if (`${run.stdout}\n${run.stderr}`.includes(secret)) problems.push(`shows ${secret}`);
      if (!/\*\*\*/.test(run.stderr)) problems.push('stderr does not show the redacted URL');
      if (c.args.includes('--json'))
        try {
          const error = (JSON.parse(run.stderr.trim().split('\n').at(-1)!) as { error?: { code?: string } }).error;
          if (!error?.code) problems.push('the last stderr line is not a --json error');
        } catch {
          problems.push('the last stderr line is not JSON');
        }
      if (c.exit === 3 && c.args.includes('debug') && !/"level":20/.test(run.stderr))
        problems.push('no debug log was written (nothing was tested)');
      return problems.length ? [`${c.name}: ${problems.join('; ')}\n    stderr: ${run.stderr.slice(0, 400)}`] : [];
    });
    expect(failures).toEqual([]);
  });
});

describe('the actor of every stored event', () => {
  const append = (file: string, holder: string, options: { actor?: string; env?: Record<string, string> }) =>
    runCli(
      [
        '--store',
        `sqlite:${file}`,
        ...(options.actor !== undefined ? ['--actor', options.actor] : []),
        'append',
        'HolderRegistered',
        '--date',
        '2023-08-01',
        '--holder',
        holder,
        '--name',
        holder,
      ],
      options.env ? { env: options.env } : {},
    );

  it('is --actor, else SHARELEDGER_ACTOR, else the OS user, and an import records it on every event', async () => {
    const file = path.join(dir, 'actors.db');
    const results = [
      await append(file, 'by-flag', { actor: 'Analyst One' }),
      await append(file, 'by-env', { env: { SHARELEDGER_ACTOR: 'company-secretary' } }),
      await append(file, 'flag-beats-env', { actor: 'auditor', env: { SHARELEDGER_ACTOR: 'company-secretary' } }),
      await append(file, 'by-os-user', {}),
      await runCli(['--store', `sqlite:${file}`, 'import', DEMO_FILE], { env: { SHARELEDGER_ACTOR: 'importer' } }),
      await runCli([
        '--store',
        `sqlite:${file}`,
        '--actor',
        'reviewer',
        'retract',
        '9d3ae7fc-fce5-409c-aeb0-75bcd690464f',
        '--reason',
        'checking',
      ]),
    ];
    expect(results.map((r) => [r.code, r.stderr])).toEqual(results.map(() => [0, '']));
    const events = await storedEvents(file);
    const actorOf = (holder: string) => events.find((e) => e.type === 'HolderRegistered' && e.data.holder === holder)?.actor;
    expect({ flag: actorOf('by-flag'), env: actorOf('by-env'), both: actorOf('flag-beats-env'), os: actorOf('by-os-user') }).toEqual({
      flag: 'Analyst One',
      env: 'company-secretary',
      both: 'auditor',
      os: os.userInfo().username,
    });
    const demoIds = new Set(
      fs
        .readFileSync(DEMO_FILE, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    const imported = events.filter((e) => demoIds.has(e.id));
    expect(imported.length).toBe(demoIds.size);
    expect(new Set(imported.map((e) => e.actor))).toEqual(new Set(['importer']));
    expect(events.filter((e) => e.type === 'EventRetracted').map((e) => e.actor)).toEqual(['reviewer']);
    expect(events.every((e) => typeof e.actor === 'string' && e.actor.trim() !== '')).toBe(true);
  });

  it('an empty or oversized actor is refused before anything is stored (exit 2)', async () => {
    const file = path.join(dir, 'no-actor.db');
    const runs = await Promise.all([append(file, 'x', { actor: '' }), append(file, 'y', { actor: 'a'.repeat(201) })]);
    expect(runs.map((r) => r.code)).toEqual([2, 2]);
    expect(runs.every((r) => /--actor/.test(r.stderr))).toBe(true);
    expect(fs.existsSync(file) ? (await storedEvents(file)).length : 0).toBe(0);
  });
});
