import { bytes, int, megabytes, RSS_LIMIT_MB, times, wall, yes } from './format.js';
import type { ColdRun } from './measure/coldCommand.js';
import { coldFailure, failure, type SizeResult } from './report.js';

/**
 * The commands of issues 13 and 14, cold, as one markdown table per size, beside the raw-scan and
 * raw-INSERT baselines of the same run. Peak RSS is held to its target at every size (issue 14:
 * the same figure on 10M as on 1M); wall times to theirs up to 1M events, where they are stated.
 */

const TIME_TARGETS_UP_TO_EVENTS = 1_000_000;
const IMPORT_PER_SEC = 100_000;
const DISK_RATIO = 2.5;

type Row = Readonly<{ command: string; wall: string; rss: string; cpu: string; output: string; target: string; met: string }>;

const seconds = (msValue: number): string => (msValue >= 1000 ? `${+(msValue / 1000).toFixed(1)} s` : `${msValue} ms`);

const rssOk = (run: ColdRun): boolean => Number.isFinite(run.maxRssMb) && run.maxRssMb <= RSS_LIMIT_MB;

const ranRow = (command: string, run: ColdRun, output: string, target: string, met: boolean): Row =>
  run.ok
    ? { command, wall: wall(run.wallMs), rss: megabytes(run.maxRssMb), cpu: wall(run.cpuMs), output, target, met: yes(met) }
    : { command, wall: coldFailure(run), rss: megabytes(run.maxRssMb), cpu: '—', output: '—', target, met: '**no**' };

export const cliTable = (r: SizeResult): string => {
  const timed = r.events <= TIME_TARGETS_UP_TO_EVENTS;
  const rssTarget = `≤ ${RSS_LIMIT_MB} MB`;
  const rows: Row[] = [];
  const imp = r.cliImport;
  if (imp) {
    const rate = `≥ ${int(IMPORT_PER_SEC)} events/s`;
    rows.push(
      ranRow(
        '`--json import FILE`',
        imp.run,
        `${int(imp.perSec)} events/s; ${bytes(imp.dbBytes)} on disk, ${int(imp.bytesPerEvent)} B/event, ${times(imp.diskRatio)} the JSONL`,
        `${timed ? `${rate}, ` : ''}${rssTarget}, ≤ ${DISK_RATIO}× on disk${timed ? '' : ` (${rate} at 1M)`}`,
        rssOk(imp.run) && imp.diskRatio <= DISK_RATIO && (!timed || imp.perSec >= IMPORT_PER_SEC),
      ),
    );
  }
  for (const c of r.cliCommands ?? []) {
    const limit = c.wallTargetMs;
    const target =
      limit === undefined ? rssTarget : timed ? `≤ ${seconds(limit)}, ${rssTarget}` : `${rssTarget} (≤ ${seconds(limit)} at 1M)`;
    rows.push(
      ranRow(
        `\`${c.label}\``,
        c.run,
        bytes(c.outputBytes),
        target,
        rssOk(c.run) && (!timed || limit === undefined || c.run.wallMs <= limit),
      ),
    );
  }
  const baselines: Array<[string, SizeResult['scan']]> = [
    ['raw scan: `SELECT envelope FROM events`, iterated', r.scan],
    ['raw INSERT into a plain table, one transaction', r.rawPlain],
    ['raw INSERT with a unique id and (stream, revision)', r.rawIndexed],
  ];
  for (const [what, o] of baselines)
    rows.push(
      o?.ok
        ? {
            command: `baseline: ${what} (timed inside its process)`,
            wall: wall(o.result.ms),
            rss: megabytes(o.result.maxRssMb),
            cpu: '—',
            output: `${int(o.result.rows)} rows, ${int(o.result.perSec)} rows/s`,
            target: 'baseline',
            met: '',
          }
        : { command: `baseline: ${what}`, wall: failure(o), rss: '—', cpu: '—', output: '—', target: 'baseline', met: '' },
    );
  const s = r.subjects;
  const g = r.generate.ok ? r.generate.result : undefined;
  const about =
    s && g
      ? `Questions about ${s.issuer} (the busiest issuer, ${int(g.hotIssuerEvents)} events), ${s.midIssuer} (${int(g.midIssuerEvents)} events) and ${s.holder} (the holder ${s.issuer} names most), as the generator's stats name them.`
      : undefined;
  const rssSource = imp?.run.rssSource ?? r.cliCommands?.[0]?.run.rssSource;
  return [
    `#### ${r.size}: the commands, cold (\`node dist/src/cli/shareledger.cjs --store sqlite:DB …\`, one fresh process each)`,
    '',
    '| command | wall | peak RSS | CPU (user + sys) | output | target | met? |',
    '|---|---:|---:|---:|---|---|---|',
    ...rows.map((x) => `| ${x.command} | ${x.wall} | ${x.rss} | ${x.cpu} | ${x.output} | ${x.target} | ${x.met} |`),
    '',
    ...(about ? [`- ${about}`] : []),
    `- Wall: spawn to exit. Peak RSS: ${rssSource === 'preload' ? "the process's own `resourceUsage().maxRSS` at exit (a `-r` preload)" : 'GNU time (`/usr/bin/time -f %M`)'}. The commands run after the import, so the ledger is in the page cache.`,
  ].join('\n');
};
