import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildReport } from '../../report/buildReport';
import { htmlReport } from '../../report/html/htmlReport';
import { REFERENCE_TIME } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { inspectInChromium } from './chromium';
import { loadReportFixture, reportConfig } from './reportFixture';

interface PageFacts {
  charts: Array<{ label: string; width: number; height: number; visibleRects: number; dots: number }>;
  scripts: number;
  images: number;
  iframes: number;
  resources: string[];
  text: string;
  operatorCells: string[];
}

const PAGE_FACTS = `(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const visibleRects = [...svg.querySelectorAll('rect')].filter((r) => {
      const b = r.getBoundingClientRect();
      return b.width > 0 && b.height > 0;
    }).length;
    return { label: svg.getAttribute('aria-label'), width: box.width, height: box.height, visibleRects, dots: svg.querySelectorAll('circle').length };
  });
  return {
    charts,
    scripts: document.scripts.length,
    images: document.images.length,
    iframes: document.querySelectorAll('iframe, object, embed').length,
    resources: performance.getEntriesByType('resource').map((e) => e.name),
    text: document.body.innerText,
    operatorCells: [...document.querySelectorAll('#operators tbody td:first-child')].map((td) => td.textContent),
  };
})()`;

describe('the HTML report in real headless Chromium', () => {
  let t: TestDatabase;
  let dir: string;
  let file: string;
  const hostileName = '<img src=x onerror=alert(1)>';
  const hostileCategory = '"><script>alert("x")</script>';

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    await loadReportFixture(t.db);
    // Names typed into Bitrix by people: they must print as text, never run.
    await t.db('b_user').where('ID', 3).update({ NAME: hostileName, LAST_NAME: '' });
    await t.db('bl_support_ticket').where('id', 5).update({ category: hostileCategory });
    const report = await buildReport(
      { db: t.db, config: reportConfig(), now: new Date(REFERENCE_TIME) },
      { from: '2024-02-12', to: '2024-03-10', by: 'category' },
    );
    dir = mkdtempSync(path.join(os.tmpdir(), 'bxsup-html-'));
    file = path.join(dir, 'report.html');
    writeFileSync(file, htmlReport(report));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  });

  it('is one self-contained file: no script, no external reference, a CSP that forbids both', () => {
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('loads without console errors and renders its three charts with real sizes', async () => {
    const page = await inspectInChromium<PageFacts>(file, PAGE_FACTS, {
      screenshot: Boolean(process.env.BXSUP_REPORT_SCREENSHOT),
    });
    if (page.screenshotPng) writeFileSync(process.env.BXSUP_REPORT_SCREENSHOT!, page.screenshotPng);
    expect(page.exceptions).toEqual([]);
    expect(
      page.console.filter((c) => c.type === 'error' || c.type === 'warning' || c.type === 'assert'),
    ).toEqual([]);
    expect(page.logErrors).toEqual([]);
    expect(page.value.scripts).toBe(0);
    expect(page.value.images).toBe(0);
    expect(page.value.iframes).toBe(0);
    expect(page.value.resources).toEqual([]);

    const charts = page.value.charts;
    expect(charts.map((c) => c.label)).toEqual([
      'SLA compliance by week',
      'First-reply time distribution (business time)',
      'Open tickets by age',
    ]);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(50);
    }
    // Four weeks in the window, one with tickets: a dot per series there.
    expect(charts[0].dots).toBe(2);
    // First-reply bins with tickets (<15m, 15–30m, 30m–1h, 2–4h) and backlog bins (five non-empty).
    expect(charts[1].visibleRects).toBe(4);
    expect(charts[2].visibleRects).toBe(5);
  });

  it('prints names from the database as text', async () => {
    const page = await inspectInChromium<PageFacts>(file, PAGE_FACTS);
    expect(page.value.operatorCells).toEqual(['Ольга Смирнова', hostileName, 'unassigned']);
    expect(page.value.text).toContain(hostileCategory);
    expect(page.value.text).toContain('Support response times');
  });
});
