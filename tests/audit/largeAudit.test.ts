import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditReport, openAuditReport, type AuditReport } from '../../src/auditReport.js';
import { auditCsv, auditCsvLines } from '../../src/integrity/auditCsv.js';
import { wholeDocument, type AuditJson } from '../../src/integrity/auditDocument.js';
import { auditHtmlLarge } from '../../src/integrity/auditHtml.js';
import { auditJsonText } from '../../src/integrity/auditJson.js';
import { auditMarkdownLarge } from '../../src/integrity/auditMarkdown.js';
import { verifyLedger } from '../../src/integrity/verify.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { runCli, tempDir } from '../cli/harness.js';
import { buildFixture, copyOf, fixtureFile, ID, rowAt, setEnvelope, tamper } from '../integrity/fixtureLedger.js';

/** The fixture ledger (tests/integrity/fixtureLedger.ts), audited on 2024-01-01. */
const NOW = new Date('2024-01-01T00:00:00.000Z');
let store: EventStore;
let full: AuditJson;
let large: AuditReport;

beforeAll(async () => {
  store = createMemoryStore();
  await buildFixture(store);
  full = await auditReport(store, { issuer: 'acme', now: NOW });
  // 10 events in the period: over a threshold of 3, the report is a large one.
  large = await openAuditReport(store, { issuer: 'acme', now: NOW, listEveryEventUpTo: 3 });
});

describe('audit: json and csv written as the events are read', () => {
  it('json is the document JSON.stringify writes whole, indented by 2, also when the events are read again', () => {
    const whole = `${JSON.stringify(full, null, 2)}\n`;
    expect(large.large).toBe(true);
    expect([...auditJsonText(large.head, large.events())].join('')).toBe(whole);
    expect([...auditJsonText(large.head, [])].join('')).toBe(`${JSON.stringify({ ...full, events: [] }, null, 2)}\n`);
  });

  it('csv is the events table auditCsv writes whole', () => {
    expect([...auditCsvLines(large.head, large.events())].join('')).toBe(auditCsv(full));
  });

  it('the events read again are those kept by a small report', () => {
    expect(wholeDocument(large.head, [...large.events()])).toEqual(full);
  });
});

describe('audit: a period with more events than md and html list', () => {
  it('md says so, names the csv, counts the events per month and type, and lists only the flagged events', () => {
    const md = [...auditMarkdownLarge(large)].join('');
    expect(md).toContain('The period has 10 events, more than the 3 a report lists in full.');
    expect(md).toContain('shareledger audit --issuer acme --from 2018-01-01 --to 2024-01-01 --format csv');
    const july = md.split('\n').find((l) => l.startsWith('| 2023-07'))!;
    // columns: BlockSale, EventRetracted, FundingRoundClosed, IPOCompleted, IssuerRegistered, SharesIssued, StakeDisclosed, Total
    expect(july.split('|').map((c) => c.trim())).toEqual(['', '2023-07', '1', '', '', '', '', '', '2', '3', '']);
    expect(md).toContain('### Flagged events');
    // Flagged: back-dated (the first six), the retracted round, the retraction, the disclosures; not the block sale.
    const listed = md.split('\n').filter((l) => /^\| \d+ \| \d{4}-/.test(l));
    expect(listed.map((l) => l.split(' | ')[2])).toEqual([
      'IssuerRegistered',
      'SharesIssued',
      'FundingRoundClosed',
      'FundingRoundClosed',
      'IPOCompleted',
      'StakeDisclosed',
      'BlockSale',
      'StakeDisclosed',
      'StakeDisclosed',
      'EventRetracted',
    ]);
    expect(md).toContain('10 flagged of 10 events.');
    expect(md).toContain('## Realized proceeds in the period (fifo)');
  });

  it('leaves out the events nothing flags', async () => {
    const r = await openAuditReport(store, { issuer: 'acme', now: NOW, from: '2023-07-06', listEveryEventUpTo: 1 });
    const md = [...auditMarkdownLarge(r)].join('');
    const listed = md.split('\n').filter((l) => /^\| \d+ \| \d{4}-/.test(l));
    // The block sale is recorded 4 days late and is flagged only for the notice it gave rise to.
    expect(r.head.obligations.notices.map((n) => n.eventId)).toContain(ID.blockSale);
    expect(listed.map((l) => l.split(' | ')[2])).toEqual(['BlockSale', 'StakeDisclosed', 'StakeDisclosed', 'EventRetracted']);
    const quiet = await openAuditReport(store, { issuer: 'acme', now: NOW, from: '2023-07-07', to: '2023-07-31', listEveryEventUpTo: 0 });
    expect([...auditMarkdownLarge(quiet)].join('')).toContain('1 flagged of 1 event');
  });

  /** The rows of the events tables (the flagged events), in the order written. */
  const eventRows = (html: string): string[] =>
    [...html.matchAll(/<table class="events">[\s\S]*?<\/table>/g)].flatMap((t) => t[0].match(/<tr[ >][\s\S]*?<\/tr>/g)!.slice(1));

  it("html has the month table and the flagged rows, in the full table's row format", () => {
    // Flagged events no more than a full report lists: one table.
    const html = [...auditHtmlLarge({ ...large, listUpTo: 1000 })].join('');
    expect(html).toContain('id="large-report"');
    expect(html).toContain('<h3>Events per month and type</h3>');
    expect(html.match(/<table class="events">/g)).toHaveLength(1);
    expect(html).not.toContain('<details');
    expect(eventRows(html)).toHaveLength(10);
    expect(html).toContain('10 flagged of 10 events, in timeline order');
    expect(html).toMatch(/<\/html>\n$/);
  });

  it('html groups the flagged rows by month, each in a closed details, when they may be more than a full report lists', () => {
    const html = [...auditHtmlLarge(large)].join('');
    const months = [...html.matchAll(/<details class="month"><summary>(\d{4}-\d{2}): (\d+) flagged<\/summary>/g)];
    expect(months.length).toBeGreaterThan(1);
    expect(html.match(/<table class="events">/g)).toHaveLength(months.length);
    expect(months.map((m) => m[1])).toEqual([...new Set(months.map((m) => m[1]))].sort());
    expect(months.reduce((n, m) => n + Number(m[2]), 0)).toBe(10);
    // The same rows as the single table, in the same order.
    expect(eventRows(html)).toEqual(eventRows([...auditHtmlLarge({ ...large, listUpTo: 1000 })].join('')));
    expect(html).toContain('10 flagged of 10 events, in timeline order (effective date, then revision), by month');
    expect(html).toMatch(/<\/html>\n$/);
  });
});

describe('audit: a damaged ledger', () => {
  let file: string;
  beforeAll(async () => {
    file = copyOf(await fixtureFile());
    tamper(file, (db) => {
      const row = rowAt(db, 'issuer-acme', 4);
      const envelope = JSON.parse(row.envelope) as Record<string, unknown>;
      setEnvelope(db, row.position, { ...envelope, actor: 'mallory' });
      const other = rowAt(db, 'issuer-other', 1);
      setEnvelope(db, other.position, { ...(JSON.parse(other.envelope) as Record<string, unknown>), actor: 'mallory' });
    });
  });

  it("reports the problems a verify of the whole ledger finds in the report's streams, and none of the others", async () => {
    const s = openSqliteStore(file);
    try {
      const report = await auditReport(s, { issuer: 'acme', now: NOW });
      const all = await verifyLedger(s);
      const mine = all.problems.filter((p) => ['issuer-acme', 'holders', 'fx'].includes(p.stream));
      expect(mine.length).toBeGreaterThan(0);
      expect(report.verification.ok).toBe(false);
      expect(report.verification.problems).toEqual(mine);
      expect(all.problems.some((p) => p.stream === 'issuer-other')).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('audit CLI: a period of more than 5,000 events', () => {
  let dir: string;
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('md names the csv report that lists them all', async () => {
    dir = tempDir('shareledger-audit-large-');
    const lines = [
      JSON.stringify({
        type: 'IssuerRegistered',
        issuer: 'big',
        date: '2020-01-01',
        data: { name: 'Big', currency: 'USD', classes: [{ class: 'A', votesPerShare: 1 }] },
      }),
      ...Array.from({ length: 5001 }, (_, i) =>
        JSON.stringify({
          type: 'SharesIssued',
          issuer: 'big',
          date: '2020-01-02',
          data: { holder: `h-${i % 50}`, class: 'A', shares: '10', pricePerShare: '1', currency: 'USD' },
        }),
      ),
    ];
    const jsonl = path.join(dir, 'big.jsonl');
    fs.writeFileSync(jsonl, `${lines.join('\n')}\n`);
    const db = `sqlite:${path.join(dir, 'big.db')}`;
    expect((await runCli(['--store', db, 'import', jsonl])).code).toBe(0);
    const run = await runCli(['--store', db, 'audit', '--issuer', 'big', '--to', '2020-12-31']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The period has 5,002 events, more than the 5,000 a report lists in full.');
    expect(run.stdout).toContain('shareledger audit --issuer big --from 2020-01-01 --to 2020-12-31 --format csv');
  }, 120_000);
});
