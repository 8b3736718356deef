import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Reads a V8 .cpuprofile (`node --cpu-prof`) and prints where the time went: the top functions by
 * self time and by inclusive time (each sample counted once per function on its stack).
 * `node dist/bench/profileTop.js FILE.cpuprofile [--top 25]`
 */

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[]; positionTicks?: Array<{ line: number; ticks: number }> };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const label = (f: CallFrame): string => {
  const file = f.url ? path.relative(process.cwd(), f.url.replace(/^file:\/\//, '')) : '';
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
};

export const summarise = (profile: Profile, top: number): string => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map<number, string[]>();
  const stack = (id: number): string[] => {
    const known = stackOf.get(id);
    if (known) return known;
    const p = parent.get(id);
    const own = label(byId.get(id)!.callFrame);
    const above = p === undefined ? [] : stack(p);
    const result = above.includes(own) ? above : [...above, own];
    stackOf.set(id, result);
    return result;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const own = label(byId.get(id)!.callFrame);
    self.set(own, (self.get(own) ?? 0) + dt);
    for (const f of stack(id)) inclusive.set(f, (inclusive.get(f) ?? 0) + dt);
  });
  const table = (title: string, m: Map<string, number>): string =>
    [
      `${title} (of ${(total / 1e6).toFixed(2)} s sampled)`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([f, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(8)} ms  ${f}`),
    ].join('\n');
  return `${table('self time', self)}\n\n${table('inclusive time', inclusive)}\n\n${hotLines(
    profile,
    [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([f]) => f),
  )}\n`;
};

const sourceLine = (url: string, line: number): string => {
  try {
    return (
      fs
        .readFileSync(url.replace(/^file:\/\//, ''), 'utf8')
        .split('\n')
        [line - 1]?.trim()
        .slice(0, 110) ?? ''
    );
  } catch {
    return '';
  }
};

/** The hottest source lines of the top functions (V8's positionTicks), with the code on them. */
const hotLines = (profile: Profile, functions: string[]): string => {
  const lines = new Map<string, Map<number, number>>();
  const urls = new Map<string, string>();
  for (const n of profile.nodes) {
    const f = label(n.callFrame);
    if (!functions.includes(f) || !n.positionTicks) continue;
    urls.set(f, n.callFrame.url);
    const m = lines.get(f) ?? new Map<number, number>();
    for (const { line, ticks } of n.positionTicks) m.set(line, (m.get(line) ?? 0) + ticks);
    lines.set(f, m);
  }
  const out = ['hottest lines of the top self-time functions (ticks)'];
  for (const f of functions) {
    const m = lines.get(f);
    if (!m) continue;
    out.push(f);
    for (const [line, ticks] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 3))
      out.push(`  ${String(ticks).padStart(6)}  :${line}  ${sourceLine(urls.get(f)!, line)}`);
  }
  return out.join('\n');
};

const main = (argv: string[]): void => {
  const file = argv[0];
  if (!file) throw new Error('usage: profileTop.js FILE.cpuprofile [--top N]');
  const i = argv.indexOf('--top');
  process.stdout.write(summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, i >= 0 ? Number(argv[i + 1]) : 25));
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
