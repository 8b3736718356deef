import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditJson } from '../../src/integrity/auditDocument.js';
import { auditCsv } from '../../src/integrity/auditCsv.js';
import { auditHtml } from '../../src/integrity/auditHtml.js';
import { auditMarkdown } from '../../src/integrity/auditMarkdown.js';
import { auditReport, openAuditReport } from '../../src/auditReport.js';
import { withEvents } from '../../src/integrity/auditDocument.js';
import { auditJsonText } from '../../src/integrity/auditJson.js';
import { LineSpool } from '../../src/lineSpool.js';
import { disposalCount } from '../../projections/audit.js';
import { Ledger } from '../../src/ledger.js';
import { isLedgerError } from '../../src/domain/problem.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { buildFixture, draftOf, ID, steppingClock } from '../integrity/fixtureLedger.js';

/** The fixture ledger (see tests/integrity/fixtureLedger.ts), audited on 2024-01-01. */
const NOW = new Date('2024-01-01T00:00:00.000Z');
let store: EventStore;
let report: AuditJson;

const audit = (options: { from?: string; to?: string; issuer?: string } = {}, on: EventStore = store) =>
  auditReport(on, { issuer: 'acme', now: NOW, ...options });

beforeAll(async () => {
  store = createMemoryStore();
  await buildFixture(store);
  report = await audit();
});

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF): to check the output reads back. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
};

describe('audit: given the fixture ledger, audited over its whole life', () => {
  it('covers the registration date to the day of the report, as known then', () => {
    expect(report).toMatchObject({
      issuer: 'acme',
      name: 'Acme Vision',
      period: { from: '2018-01-01', to: '2024-01-01' },
      knownAt: '2024-01-01T00:00:00.000Z',
    });
  });

  it('verifies the streams it reads (not the whole ledger) and carries their head hashes', () => {
    // the fixture's fourth stream (another issuer, 4 events) is not the report's concern
    expect(report.verification).toMatchObject({ ok: true, streams: 3, events: 14, problems: [] });
    expect(report.verification.heads.map((h) => [h.stream, h.revision])).toEqual([
      ['fx', 0],
      ['holders', 2],
      ['issuer-acme', 9],
    ]);
  });

  it('lists every event dated in the period in timeline order, with who recorded it when, and from what source', () => {
    expect(report.events.map((e) => [e.date, e.type, e.status])).toEqual([
      ['2018-01-01', 'IssuerRegistered', 'counted'],
      ['2018-01-02', 'SharesIssued', 'counted'],
      ['2018-06-01', 'FundingRoundClosed', 'retracted'],
      ['2018-06-01', 'FundingRoundClosed', 'counted'],
      ['2021-12-30', 'IPOCompleted', 'counted'],
      ['2021-12-31', 'StakeDisclosed', 'counted'],
      ['2023-07-06', 'BlockSale', 'counted'],
      ['2023-07-06', 'StakeDisclosed', 'counted'],
      ['2023-07-07', 'StakeDisclosed', 'counted'],
      ['2023-08-01', 'EventRetracted', 'retraction'],
    ]);
    const sale = report.events.find((e) => e.eventId === ID.blockSale)!;
    expect(sale).toMatchObject({
      recordedAt: '2023-07-10T08:01:00.000Z',
      actor: 'analyst',
      source: 'https://example.com/block-sale',
      summary: 'taobao-holding sold 100,000 B to public at 1.82 HKD (fees 1000)',
      holders: ['taobao-holding', 'public'],
    });
  });

  it('shows each holding change with the share delta and the % of class before and after', () => {
    const sale = report.events.find((e) => e.eventId === ID.blockSale)!;
    expect(sale.changes).toEqual([
      {
        holder: 'public',
        class: 'B',
        sharesBefore: '350000',
        sharesAfter: '450000',
        delta: '100000',
        percentOfClassBefore: '36.842105',
        percentOfClassAfter: '47.368421',
      },
      {
        holder: 'taobao-holding',
        class: 'B',
        sharesBefore: '400000',
        sharesAfter: '300000',
        delta: '-100000',
        percentOfClassBefore: '42.105263',
        percentOfClassAfter: '31.578947',
      },
    ]);
    const retracted = report.events.find((e) => e.eventId === ID.seriesC)!;
    expect(retracted).toMatchObject({ status: 'retracted', changes: [], holders: ['taobao-holding', 'temasek'] });
  });

  it('flags entries recorded more than 30 days after their effective date', () => {
    expect(report.events.map((e) => [e.date, e.daysToRecord, e.backDated])).toEqual([
      ['2018-01-01', 2016, true],
      ['2018-01-02', 2015, true],
      ['2018-06-01', 1865, true],
      ['2018-06-01', 1887, true],
      ['2021-12-30', 557, true],
      ['2021-12-31', 556, true],
      ['2023-07-06', 4, false],
      ['2023-07-06', 4, false],
      ['2023-07-07', 25, false],
      ['2023-08-01', 0, false],
    ]);
  });

  it('lists retractions with who, when and why, and what they retracted', () => {
    expect(report.retractions).toEqual([
      {
        eventId: report.events[9]!.eventId,
        date: '2023-08-01',
        recordedAt: '2023-08-01T08:03:00.000Z',
        actor: 'auditor',
        reason: 'Temasek took 250,000',
        target: {
          eventId: ID.seriesC,
          type: 'FundingRoundClosed',
          date: '2018-06-01',
          recordedAt: '2023-07-10T08:01:00.000Z',
          actor: 'analyst',
          summary: 'Series C: 400,000 B to taobao-holding, 200,000 B to temasek at 1 USD',
        },
      },
    ]);
  });

  it('reconciles each stake disclosure against the computed stake at the end of its date', () => {
    expect(report.disclosures.map((d) => [d.date, d.basis, d.computed, d.difference, d.flagged])).toEqual([
      ['2021-12-31', 'percentOfClass', { shares: '400000', percent: '42.105263' }, { shares: null, percentagePoints: '-0.005263' }, false],
      ['2023-07-06', 'percentOfClass', { shares: '300000', percent: '31.578947' }, { shares: '0', percentagePoints: '+0.001053' }, false],
      [
        '2023-07-07',
        'percentOfClass',
        { shares: '300000', percent: '31.578947' },
        { shares: '10000', percentagePoints: '+3.421053' },
        true,
      ],
    ]);
    expect(report.disclosures[2]!.reasons).toEqual(['shares differ by +10000', 'percentage differs by +3.421053 pp (more than 0.05)']);
  });

  it('lists realized proceeds by holder for disposals in the period', () => {
    expect(report.proceeds.holders.map((h) => [h.holder, h.name, h.disposals.length, h.totals])).toEqual([
      [
        'taobao-holding',
        'Taobao Holding',
        1,
        [
          {
            currency: 'HKD',
            gross: '182000.00',
            fees: '1000.00',
            net: '181000.00',
            costBasis: expect.any(String),
            gain: expect.any(String),
          },
        ],
      ],
      [
        'temasek',
        'Temasek',
        1,
        [{ currency: 'HKD', gross: '192500.00', fees: '0.00', net: '192500.00', costBasis: expect.any(String), gain: expect.any(String) }],
      ],
    ]);
  });

  it('charts the class most holders held, its largest holders and everyone else', () => {
    expect(report.chart.class).toBe('B');
    expect(report.chart.series.map((s) => s.holder)).toEqual(['taobao-holding', 'temasek', 'others']);
    expect(report.chart.points.map((p) => [p.date, ...p.percents])).toEqual([
      ['2018-01-01', null, null, null],
      ['2018-06-01', '61.538462', '38.461538', '0.000000'],
      ['2021-12-30', '42.105263', '21.052632', '36.842105'],
      ['2023-07-06', '31.578947', '21.052632', '47.368421'],
    ]);
  });

  it('is deterministic: the same ledger and time give the same document', async () => {
    expect(JSON.stringify(await audit())).toBe(JSON.stringify(report));
  });
});

describe('audit: a period', () => {
  it('takes the cap table before its first day and at its last, and only the events dated in it', async () => {
    const r = await audit({ from: '2021-12-30', to: '2023-07-06' });
    expect(r.capTable.start.asOf).toBe('2021-12-29');
    expect(r.capTable.start.holders.map((h) => [h.holder, h.shares])).toEqual([
      ['founder', '1000000'],
      ['taobao-holding', '400000'],
      ['temasek', '250000'],
    ]);
    expect(r.capTable.end.asOf).toBe('2023-07-06');
    expect(r.capTable.end.holders.map((h) => [h.holder, h.shares])).toEqual([
      ['founder', '1000000'],
      ['public', '450000'],
      ['taobao-holding', '300000'],
      ['temasek', '200000'],
    ]);
    expect(r.events.map((e) => e.type)).toEqual(['IPOCompleted', 'StakeDisclosed', 'BlockSale', 'StakeDisclosed']);
    expect(r.retractions).toEqual([]);
    expect(r.disclosures.map((d) => d.date)).toEqual(['2021-12-31', '2023-07-06']);
    expect(r.chart.points.slice(0, 2)).toEqual([
      { date: '2021-12-30', outstanding: '650000', percents: ['61.538462', '38.461538', '0.000000'] }, // the start: before the IPO of that day
      { date: '2021-12-30', outstanding: '950000', percents: ['42.105263', '21.052632', '36.842105'] },
    ]);
  });

  it('without the disposal lines (md, html) counts and totals the same, and md and html are the same text', async () => {
    const counted = await auditReport(store, { issuer: 'acme', now: NOW, disposalLines: false });
    expect(counted.proceeds.holders.map((h) => [h.holder, disposalCount(h), h.totals])).toEqual(
      report.proceeds.holders.map((h) => [h.holder, h.disposals.length, h.totals]),
    );
    expect(counted.proceeds.holders.some((h) => disposalCount(h) > 0)).toBe(true);
    expect(() => counted.proceeds.holders[0]!.disposals).toThrow(/without keeping them/);
    expect(auditMarkdown(counted)).toBe(auditMarkdown(report));
    expect(auditHtml(counted)).toBe(auditHtml(report));
  });

  it('with the disposal lines kept on disk (json, csv) is the same report', async () => {
    const spool = new LineSpool(1);
    try {
      const spooled = await auditReport(store, { issuer: 'acme', now: NOW, disposalLines: () => spool.list() });
      expect(JSON.parse(JSON.stringify(spooled))).toEqual(JSON.parse(JSON.stringify(report)));
      expect(auditCsv(spooled)).toBe(auditCsv(report));
      expect(spooled.proceeds.holders.some((h) => h.disposals.length > 0)).toBe(true);
    } finally {
      spool.close();
    }
  });

  it('with its disclosures kept on disk is the same report in md, html and json, read as often as written', async () => {
    const spool = new LineSpool(1);
    try {
      const open = await openAuditReport(store, { issuer: 'acme', now: NOW, disclosureLines: () => spool.list() });
      const { disclosures } = open.head;
      expect(disclosures).not.toBeInstanceOf(Array);
      expect(disclosures.length).toBe(report.disclosures.length);
      expect(report.disclosures.length).toBeGreaterThan(2);
      expect([...disclosures]).toEqual(report.disclosures);
      expect([...disclosures]).toEqual(report.disclosures); // read again from the file, not used up
      const document = withEvents(open.head, [...open.events()]);
      expect(auditMarkdown(document)).toBe(auditMarkdown(report));
      expect(auditHtml(document)).toBe(auditHtml(report));
      expect([...auditJsonText(open.head, open.events())].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
      expect(JSON.stringify(document)).toBe(JSON.stringify(report));
    } finally {
      spool.close();
    }
  });

  it('as its events table alone (csv) is the same report but for the proceeds, disclosures and chart, and the same csv', async () => {
    const events = await auditReport(store, { issuer: 'acme', now: NOW, eventsTableOnly: true });
    const { proceeds: _none, disclosures, chart, ...rest } = events;
    const { proceeds: whole, disclosures: reconciled, chart: drawn, ...expected } = report;
    expect(rest).toEqual(expected);
    // The chart's class (the notices are of it), not drawn.
    expect(drawn.points.length).toBeGreaterThan(1);
    expect(chart).toEqual({ ...drawn, series: [], points: [] });
    expect(auditCsv(events)).toBe(auditCsv(report));
    expect(whole.holders.some((h) => h.disposals.length > 0)).toBe(true);
    expect(() => events.proceeds.holders).toThrow(/without its proceeds/);
    expect(events.proceeds.warnings).toEqual([]);
    // Reconciled and counted (the summary is the same, above), not kept.
    expect(reconciled.length).toBeGreaterThan(0);
    expect(reconciled.some((d) => d.flagged)).toBe(true);
    expect(disclosures).toEqual([]);
  });

  it('selects proceeds by the disposal date', async () => {
    const r = await audit({ from: '2023-01-01' });
    expect(r.proceeds.holders.map((h) => h.holder)).toEqual(['taobao-holding']);
  });

  it('rejects a bad period or issuer as invalid input, and an unknown issuer', async () => {
    const problemOf = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        if (isLedgerError(e)) return [e.problem.kind, e.message];
      }
      return undefined;
    };
    expect(await problemOf(audit({ from: '2023-02-30' }))).toEqual([
      'InvalidInput',
      '--from: expected a calendar date YYYY-MM-DD, got "2023-02-30"',
    ]);
    expect(await problemOf(audit({ from: '2023-02-01', to: '2023-01-01' }))).toEqual([
      'InvalidInput',
      '--from 2023-02-01 is after --to 2023-01-01',
    ]);
    expect(await problemOf(audit({ issuer: 'Not A Slug' }))).toEqual([
      'InvalidInput',
      '--issuer: expected an id of lowercase letters, digits and "-" (1-64 chars), got "Not A Slug"',
    ]);
    expect(await problemOf(audit({ issuer: 'nobody' }))).toEqual(['UnknownIssuer', 'unknown issuer nobody']);
  });
});

describe('audit: disclosure thresholds', () => {
  const withDisclosures = async (disclosures: Array<Record<string, unknown>>): Promise<AuditJson> => {
    const s = createMemoryStore();
    await buildFixture(s);
    const ledger = new Ledger({ store: s, actor: 'analyst', now: steppingClock('2023-09-01T00:00:00.000Z') });
    await ledger.append(disclosures.map((data, i) => draftOf({ type: 'StakeDisclosed', issuer: 'acme', date: `2023-08-0${i + 1}`, data })));
    return audit({ from: '2023-08-01' }, s);
  };

  it('flags a percentage more than 0.05 pp off, not one exactly 0.05 pp off', async () => {
    const r = await withDisclosures([
      { holder: 'founder', class: 'A', percent: '99.95' },
      { holder: 'founder', class: 'A', percent: '99.949' },
    ]);
    expect(r.disclosures.map((d) => [d.difference.percentagePoints, d.flagged])).toEqual([
      ['-0.050000', false],
      ['-0.051000', true],
    ]);
  });

  it('compares with % of all shares when no class is named, and flags any share difference', async () => {
    const r = await withDisclosures([
      { holder: 'founder', percent: '51.28', shares: '1000000' },
      { holder: 'founder', shares: '999999' },
    ]);
    expect(r.disclosures.map((d) => [d.basis, d.computed.percent, d.difference, d.flagged])).toEqual([
      ['percentOfTotal', '51.282051', { shares: '0', percentagePoints: '-0.002051' }, false],
      ['percentOfTotal', '51.282051', { shares: '-1', percentagePoints: null }, true],
    ]);
  });
});

describe('audit: disclosure obligations (regime hk)', () => {
  it('lists the notices dated in the period with their status as of its end, late and missing ones counted', () => {
    expect(report.obligations.regime).toBe('hk');
    expect(report.obligations.asOf).toBe('2024-01-01');
    expect(report.obligations.notices.map((n) => [n.date, n.holder, n.class, n.kind, n.status])).toEqual([
      ['2021-12-30', 'founder', 'A', 'became', 'missing'],
      ['2021-12-30', 'taobao-holding', 'B', 'became', 'on-time'],
      ['2021-12-30', 'temasek', 'B', 'became', 'missing'],
      ['2023-07-06', 'taobao-holding', 'B', 'crossed', 'on-time'],
    ]);
    expect(report.summary).toMatchObject({ notices: 4, lateNotices: 0, missingNotices: 2 });
    expect(report.obligations.levels.slice(0, 3)).toEqual(['5', '32', '33']);
  });

  it('keeps to the period', async () => {
    const r = await audit({ from: '2023-01-01', to: '2023-12-31' });
    expect(r.obligations.notices.map((n) => [n.date, n.kind])).toEqual([['2023-07-06', 'crossed']]);
  });

  it('md and html render sections longer than a function call takes arguments', () => {
    // 200,000 reconciled disclosures (the 10M bench ledger's busiest issuer has 172k) and a chart
    // of 100,000 points (over 130,000 values): a table's widths or the chart's scale spread into
    // Math.max overflowed the stack.
    const d = report.disclosures[0]!;
    const point = report.chart.points[report.chart.points.length - 1]!;
    const big: AuditJson = {
      ...report,
      disclosures: Array.from({ length: 200_000 }, () => d),
      chart: { ...report.chart, points: Array.from({ length: 100_000 }, () => point) },
    };
    const rows = auditMarkdown(big)
      .split('\n')
      .filter((l) => l.startsWith(`| ${d.date} | ${d.holder} `));
    expect(rows.length).toBe(200_000);
    expect(auditHtml(big)).toContain('<svg');
  });

  it('md and html flag late and missing notices', () => {
    const md = auditMarkdown(report);
    expect(md).toContain('## Disclosure obligations (regime hk)');
    expect(md).toMatch(/\| 2021-12-30 \| temasek +\| B +\| became .*\| missing .*\| FLAGGED: missing \|/);
    const html = auditHtml(report);
    expect(html).toContain('<section id="obligations">');
    expect(html).toMatch(/<tr class="flagged">.*temasek/);
    expect(html).toContain('class="threshold" data-level="5"');
  });
});

describe('audit formats', () => {
  it('csv is the events table, RFC 4180: one row per holding change, quotes doubled, CRLF', () => {
    const csv = auditCsv(report);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"Series C filing, ""lead"" Alibaba"');
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      'date',
      'recordedAt',
      'actor',
      'eventId',
      'revision',
      'type',
      'status',
      'retractedBy',
      'backDated',
      'daysToRecord',
      'source',
      'note',
      'summary',
      'holder',
      'class',
      'sharesBefore',
      'sharesAfter',
      'delta',
      'percentOfClassBefore',
      'percentOfClassAfter',
      'obligations',
    ]);
    expect(rows).toHaveLength(1 + report.events.reduce((n, e) => n + Math.max(1, e.changes.length), 0));
    expect(rows.every((r) => r.length === 21)).toBe(true);
    expect(rows.filter((r) => r[3] === ID.blockSale).map((r) => r[20])).toEqual([
      'hk crossed taobao-holding B 42.105263→31.578947 due 2023-07-11: on-time',
      'hk crossed taobao-holding B 42.105263→31.578947 due 2023-07-11: on-time',
    ]);
    const saleRows = rows.filter((r) => r[3] === ID.blockSale);
    expect(saleRows.map((r) => [r[13], r[17], r[18], r[19]])).toEqual([
      ['public', '100000', '36.842105', '47.368421'],
      ['taobao-holding', '-100000', '42.105263', '31.578947'],
    ]);
    expect(rows.find((r) => r[3] === ID.seriesC)).toMatchObject({ 6: 'retracted', 8: 'true', 13: '' });
  });

  it('md has every section, with aligned tables', () => {
    const md = auditMarkdown(report);
    for (const heading of [
      '# Audit report: Acme Vision (acme)',
      '## Verification',
      '## Cap table at the start of the period (as of 2017-12-31)',
      '## Cap table at the end of the period (as of 2024-01-01)',
      '## Events',
      '### Holding changes',
      '## Retractions',
      '## Stake disclosures reconciled',
      '## Realized proceeds in the period (fifo)',
    ])
      expect(md).toContain(`${heading}\n`);
    expect(md).toContain('**PASSED**');
    expect(md).toMatch(/\| 2023-07-07 \| taobao-holding \| B +\| +310,000 \| +300,000 \| +\+10,000 \|.*FLAGGED/);
    expect(md).toContain('1. Series C filing, "lead" Alibaba');
    const table = md.split('\n').filter((l) => l.startsWith('| Holder  '));
    expect(table.length).toBeGreaterThan(0);
  });

  it('html is one self-contained file: inline style and SVG, no script, nothing to fetch', () => {
    const html = auditHtml(report);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(
      '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/\ssrc=/g)).toBeNull();
    expect(html.match(/<path class="series"/g)).toHaveLength(3);
    expect(html).toContain('@media print');
    // the only external address is the event's own source, as a link a reader may follow
    expect([...html.matchAll(/https?:\/\/[^"<\s]+/g)].map((m) => m[0])).toEqual(expect.arrayContaining(['https://example.com/block-sale']));
    expect(
      [...html.matchAll(/https?:\/\/[^"<\s]+/g)].every(
        (m) => m[0] === 'https://example.com/block-sale' || m[0] === 'http://www.w3.org/2000/svg',
      ),
    ).toBe(true);
  });

  it('html escapes what the ledger holds', async () => {
    const s = createMemoryStore();
    const ledger = new Ledger({ store: s, actor: 'analyst', now: steppingClock('2023-09-01T00:00:00.000Z') });
    await ledger.import(
      [
        '{"type":"IssuerRegistered","issuer":"evil","date":"2020-01-01","data":{"name":"<script>alert(1)</script> & Co","currency":"USD","classes":[{"class":"A","votesPerShare":1}]}}',
        '{"type":"SharesIssued","issuer":"evil","date":"2020-01-02","source":"\\"><img src=x onerror=alert(1)>","data":{"holder":"x","class":"A","shares":"1","pricePerShare":"0","currency":"USD"}}',
      ].join('\n'),
    );
    const html = auditHtml(await auditReport(s, { issuer: 'evil', now: NOW }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });
});
