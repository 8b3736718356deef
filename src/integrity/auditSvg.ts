import type { StakeChartJson } from '../../projections/auditChart.js';
import { showPercent } from '../../projections/humanNumbers.js';

/** Okabe–Ito colours: distinguishable with colour-blindness and in greyscale print; "others" is grey and dashed. */
const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'] as const;
const OTHERS_COLOUR = '#8a8f98';

const W = 960;
const H = 400;
const PLOT = { left: 72, right: 690, top: 24, bottom: 318 } as const;
const LEGEND_X = 716;

export const escapeXml = (s: string): string =>
  // Most texts (ids, dates, numbers) have nothing to escape: one scan, and no copies.
  /[&<>"']/.test(s)
    ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
    : s;

const DAY = 86_400_000;
const LEGEND_CHARS = 27;

/** A legend name on at most two lines of about LEGEND_CHARS characters (the full name is the tooltip). */
const legendLines = (name: string): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of name.split(/\s+/)) {
    if (line && `${line} ${word}`.length > LEGEND_CHARS) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  const shown = lines.slice(0, 2);
  if (lines.length > 2 || shown[1]!?.length > LEGEND_CHARS) shown[1] = `${(shown[1] ?? '').slice(0, LEGEND_CHARS - 1)}…`;
  if (shown[0]!.length > LEGEND_CHARS) shown[0] = `${shown[0]!.slice(0, LEGEND_CHARS - 1)}…`;
  return shown;
};
const num = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A round upper bound for the y axis: 10, 20, 25, 50, 75 or 100 %. */
const niceMax = (max: number): number => [10, 20, 25, 50, 75, 100].find((m) => max <= m * 0.98) ?? 100;

type Tick = { at: number; label: string };

/** Date ticks for the span: years (every 1, 2 or 5), else quarters, else months. */
const dateTicks = (start: number, end: number): Tick[] => {
  const first = new Date(start);
  const years = (end - start) / (365.25 * DAY);
  const ticks: Tick[] = [];
  if (years > 2.5) {
    const step = years > 25 ? 5 : years > 10 ? 2 : 1;
    for (let y = first.getUTCFullYear() + 1; ; y++) {
      const at = Date.UTC(y, 0, 1);
      if (at > end) break;
      if (y % step === 0) ticks.push({ at, label: String(y) });
    }
    return ticks;
  }
  const monthStep = years > 0.75 ? 3 : 1;
  for (let m = first.getUTCMonth() + 1; ; m++) {
    const at = Date.UTC(first.getUTCFullYear(), m, 1);
    if (at > end) break;
    const d = new Date(at);
    if (d.getUTCMonth() % monthStep === 0) ticks.push({ at, label: d.toISOString().slice(0, 7) });
  }
  return ticks;
};

/**
 * The audit's chart (docs/audit.md): each major holder's % of the main class as a step line (a holding
 * stays flat until the date it changes), with labelled axes and a legend. Plain SVG, no script,
 * no external font: it renders the same on screen, on paper and offline. `levels` are disclosure
 * threshold levels in percent (docs/obligations.md), drawn as dotted lines, the first one stronger.
 */
export const stakeChartSvg = (chart: StakeChartJson, levels: ReadonlyArray<string> = []): string => {
  const start = Date.parse(chart.from);
  const end = Math.max(Date.parse(chart.to) + DAY, start + DAY);
  const values = chart.points.flatMap((p) => p.percents.filter((v): v is string => v !== null).map(Number));
  // A fold, not Math.max(...): a chart of a long period has more values than a call takes arguments.
  const yMax = niceMax(values.reduce((m, v) => Math.max(m, v), 1));
  const x = (t: number) => PLOT.left + ((t - start) / (end - start)) * (PLOT.right - PLOT.left);
  const y = (v: number) => PLOT.bottom - (v / yMax) * (PLOT.bottom - PLOT.top);
  const out: string[] = [];
  const title =
    chart.class === null ? 'No shares outstanding in the period' : `Major holders' % of class ${chart.class}, ${chart.from} to ${chart.to}`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="chart-title" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="12">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="#fbfcfd" stroke="none"/>`,
  );
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    const yy = num(y(v));
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yy}" y2="${yy}" stroke="${i === 0 ? '#4a5160' : '#e3e6ea'}" stroke-width="1"/>`,
    );
    out.push(`<text x="${PLOT.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#4a5160">${num(v)}%</text>`);
  }
  for (const tick of dateTicks(start, end)) {
    const xx = num(x(tick.at));
    out.push(`<line x1="${xx}" x2="${xx}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#eef0f3" stroke-width="1"/>`);
    out.push(`<line x1="${xx}" x2="${xx}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 5}" stroke="#4a5160"/>`);
    out.push(`<text x="${xx}" y="${PLOT.bottom + 20}" text-anchor="middle" fill="#4a5160">${tick.label}</text>`);
  }
  // Levels 1% apart are a few pixels apart: a label is drawn only where it does not touch the last one.
  let labelledAt = Number.POSITIVE_INFINITY;
  levels.forEach((level, i) => {
    const v = Number(level);
    if (!(v > 0 && v <= yMax)) return;
    const yy = num(y(v));
    const labelled = Math.abs(labelledAt - y(v)) >= 11;
    if (labelled) labelledAt = y(v);
    out.push(
      `<g class="threshold" data-level="${escapeXml(level)}"><title>${escapeXml(`${i === 0 ? 'disclosure threshold' : 'disclosure level'} ${level}%`)}</title>`,
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yy}" y2="${yy}" stroke="#b91c1c" stroke-width="${i === 0 ? 1.5 : 1}" stroke-dasharray="${i === 0 ? '4 3' : '1 3'}" opacity="${i === 0 ? 0.9 : 0.6}"/>`,
      `${labelled ? `<text x="${PLOT.right - 4}" y="${num(y(v) - 3)}" text-anchor="end" fill="#b91c1c" font-size="10">${escapeXml(level)}%</text>` : ''}</g>`,
    );
  });
  out.push(`<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#4a5160"/>`);
  out.push(
    `<text x="${num((PLOT.left + PLOT.right) / 2)}" y="${H - 22}" text-anchor="middle" fill="#1d2430" font-weight="600">Effective date</text>`,
  );
  out.push(
    `<text transform="translate(18 ${num((PLOT.top + PLOT.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="#1d2430" font-weight="600">${escapeXml(chart.class === null ? '% of class' : `% of class ${chart.class}`)}</text>`,
  );
  let legendY = PLOT.top + 8;
  chart.series.forEach((series, i) => {
    const others = i === chart.series.length - 1;
    const colour = others ? OTHERS_COLOUR : SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    let d = '';
    let open = false;
    // A holder's line starts when it first holds shares: zeros before that would only crowd the axis.
    let entered = others;
    chart.points.forEach((p, k) => {
      const v = p.percents[i];
      if (!entered && (v === null || v === undefined || Number(v) === 0)) return;
      entered = true;
      const px = num(x(Date.parse(p.date)));
      if (v === null || v === undefined) {
        open = false;
        return;
      }
      const py = num(y(Number(v)));
      d += open ? ` H${px} V${py}` : `${d ? ' ' : ''}M${px} ${py}`;
      open = true;
      if (k === chart.points.length - 1) d += ` H${num(x(end))}`;
    });
    if (d)
      out.push(
        `<path class="series" data-holder="${escapeXml(series.holder)}" d="${d}" fill="none" stroke="${colour}" stroke-width="${others ? 1.75 : 2.25}"${others ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`,
      );
    const lines = legendLines(series.name);
    out.push(`<g class="legend-item"><title>${escapeXml(series.name)}</title>`);
    out.push(
      `<line x1="${LEGEND_X}" x2="${LEGEND_X + 26}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="3"${others ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    lines.forEach((line, k) =>
      out.push(
        `<text x="${LEGEND_X + 34}" y="${legendY + k * 15}" dominant-baseline="middle" fill="#1d2430" font-weight="600">${escapeXml(line)}</text>`,
      ),
    );
    const detail = others ? 'everyone else' : `${series.holder} · peak ${showPercent(series.peakPercent)}`;
    out.push(
      `<text x="${LEGEND_X + 34}" y="${legendY + lines.length * 15 + 1}" dominant-baseline="middle" fill="#6b7280" font-size="11">${escapeXml(detail)}</text></g>`,
    );
    legendY += lines.length * 15 + 28;
  });
  out.push('</svg>');
  return out.join('\n');
};
