/**
 * The report's only stylesheet, inlined: system fonts (nothing to download), a restrained palette,
 * and print rules (A4 landscape, repeated table headers, rows kept whole, colours kept).
 */
export const AUDIT_CSS = `
:root { --ink: #1d2430; --muted: #5b6472; --rule: #d9dde3; --soft: #f4f6f8; --accent: #0b3d91; --ok: #116b3a; --ok-bg: #e6f4ea; --bad: #a61b1b; --bad-bg: #fde8e8; --warn: #8a5a00; --warn-bg: #fff4d6; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #eef1f4; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 24px auto; background: #fff; padding: 36px 44px 28px; box-shadow: 0 1px 3px rgba(16, 24, 40, .08); border-radius: 6px; }
header.report { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px; border-bottom: 3px solid var(--accent); padding-bottom: 18px; margin-bottom: 22px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; font-weight: 700; color: var(--accent); margin: 0 0 4px; }
h1 { font-size: 26px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 30px 0 10px; padding-bottom: 5px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 16px 0 8px; color: var(--muted); }
.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 8px 0 0; font-size: 13px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.badge { display: inline-block; padding: 6px 14px; border-radius: 999px; font-weight: 700; font-size: 13px; letter-spacing: .04em; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); border: 1px solid #a8d5b5; }
.badge.bad { color: var(--bad); background: var(--bad-bg); border: 1px solid #f1b0b0; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin: 0 0 8px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; background: var(--soft); }
.card .value { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { font-size: 12px; color: var(--muted); }
.card.flag { background: var(--warn-bg); border-color: #f0d48a; }
.card.bad { background: var(--bad-bg); border-color: #f1b0b0; }
figure { margin: 0; }
figure svg.chart { display: block; width: 100%; height: auto; max-width: 960px; }
figcaption, .note { color: var(--muted); font-size: 12.5px; margin-top: 6px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
table { width: 100%; border-collapse: collapse; font-size: 12.5px; margin: 6px 0 4px; }
thead th { text-align: left; font-weight: 600; color: var(--muted); background: var(--soft); border-bottom: 1px solid var(--rule); padding: 6px 8px; white-space: nowrap; }
tbody td { border-bottom: 1px solid #eceff2; padding: 6px 8px; vertical-align: top; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.mono, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 11.5px; }
.hash { word-break: break-all; }
.id { color: var(--muted); font-size: 11px; }
.pos { color: var(--ok); }
.neg { color: var(--bad); }
tr.retracted td { color: #8a909a; text-decoration: line-through; text-decoration-color: #b9bec6; }
tr.retracted td.flags { text-decoration: none; }
tr.flagged td { background: var(--warn-bg) !important; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 4px; margin: 1px 4px 1px 0; white-space: nowrap; text-decoration: none; }
.tag.warn { color: var(--warn); background: var(--warn-bg); border: 1px solid #f0d48a; }
.tag.bad { color: var(--bad); background: var(--bad-bg); border: 1px solid #f1b0b0; }
.tag.muted { color: var(--muted); background: var(--soft); border: 1px solid var(--rule); }
.tag.ok { color: var(--ok); background: var(--ok-bg); border: 1px solid #a8d5b5; }
ul.changes { list-style: none; margin: 0; padding: 0; }
table.events { table-layout: fixed; min-width: 980px; }
table.events th:nth-child(1) { width: 84px; }
table.events th:nth-child(2) { width: 150px; }
table.events th:nth-child(3) { width: 27%; }
table.events th:nth-child(4) { width: 25%; }
table.events th:nth-child(5) { width: 112px; }
table.events th:nth-child(6) { width: 17%; }
table.events th:nth-child(7) { width: 124px; }
table.events td.flags .tag { white-space: normal; }
table.events th { white-space: normal; }
table.events td { overflow-wrap: anywhere; }
details.month > summary { cursor: pointer; padding: 5px 0; font-weight: 600; }
details.month[open] > summary { color: var(--accent); }
.note-text { color: var(--muted); font-size: 11.5px; margin-top: 3px; }
ul.changes li { margin-bottom: 2px; }
.scroll { overflow-x: auto; }
.id { word-break: break-all; }
.empty { color: var(--muted); font-style: italic; }
a { color: var(--accent); }
footer { margin-top: 28px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { .pair, .cards { grid-template-columns: 1fr; } main { padding: 20px; } }
@page { size: A4 landscape; margin: 12mm 11mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; border-radius: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, figure, .card, .meta { break-inside: avoid; page-break-inside: avoid; }
  section.chart { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
}
`;
