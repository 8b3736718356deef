import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLedger, runCli, tempDir } from '../cli/harness.js';

/**
 * End to end: the CLI writes the SenseTime demo's HTML audit report, and headless Chromium
 * (Debian's `chromium` package) renders it. The chart must be visible and sized, the tables
 * present, and the page must make no network request at all.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const available = fs.existsSync(CHROMIUM);
if (!available) console.warn(`skipping the HTML report browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const LOCAL = new Set(['file:', 'data:', 'about:']);

describe.skipIf(!available)(`the HTML audit report in headless Chromium (${CHROMIUM})`, () => {
  let dir: string;
  let report: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir('shareledger-audit-html-');
    const demo = await demoLedger(dir);
    report = path.join(dir, 'sensetime.html');
    const run = await runCli(['--store', `sqlite:${demo}`, 'audit', '--issuer', 'sensetime', '--format', 'html', '--out', report]);
    if (run.code !== 0) throw new Error(`audit failed: ${run.stderr}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const remote: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (LOCAL.has(new URL(url).protocol)) return route.continue();
      remote.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    return { page, requests, remote };
  };

  it('shows the chart with a non-zero size, its axes and legend', async () => {
    const { page } = await open();
    const chart = page.locator('svg.chart');
    await expect.poll(() => chart.isVisible()).toBe(true);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    expect(box!.height).toBeGreaterThan(150);
    expect(await page.locator('svg.chart path.series').count()).toBe(6);
    const firstLine = await page.locator('svg.chart path.series').first().boundingBox();
    expect(firstLine!.width).toBeGreaterThan(100);
    const text = await chart.textContent();
    expect(text).toContain('% of class B');
    expect(text).toContain('Effective date');
    expect(text).toContain('Taobao Holding Limited');
    expect(text).toContain('Others (incl. free float)');
    const thresholds = page.locator('svg.chart g.threshold');
    expect(await thresholds.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-level')))).toEqual(['5', '6', '7', '8', '9']);
    const five = await thresholds.first().locator('line').boundingBox();
    expect(five!.width).toBeGreaterThan(400);
    await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });
    await page.close();
  });

  it('has the tables: cap tables, events, disclosures, obligations, proceeds, head hashes', async () => {
    const { page } = await open();
    expect(await page.locator('#cap-tables table').count()).toBe(1); // the start of the demo is before any share
    expect(await page.locator('#events table tbody tr').count()).toBe(17);
    expect(await page.locator('#disclosures table tbody tr').count()).toBe(2);
    expect(await page.locator('#proceeds table tbody tr').count()).toBe(1);
    const notices = page.locator('#obligations table tbody tr');
    expect(await notices.count()).toBe(10);
    expect(await page.locator('#obligations table tbody tr.flagged').count()).toBe(9);
    expect(await notices.last().textContent()).toContain('ceased');
    expect(await page.locator('#obligations').isVisible()).toBe(true);
    expect(await page.locator('#integrity table tbody tr').count()).toBe(3);
    await expect.poll(() => page.locator('#verification-badge').textContent()).toContain('Ledger verified');
    await page.close();
  });

  it('makes no network request, and stays laid out for print', async () => {
    const { page, requests, remote } = await open();
    await page.emulateMedia({ media: 'print' });
    const box = await page.locator('svg.chart').boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    await page.pdf({ path: path.join(dir, 'report.pdf'), format: 'A4', landscape: true, printBackground: true });
    expect(remote).toEqual([]);
    expect(requests.every((u) => LOCAL.has(new URL(u).protocol))).toBe(true);
    await page.close();
  });
});
