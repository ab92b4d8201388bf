import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { loadReportFixture, REPORT_CONFIG_INPUT } from './reportFixture';

/**
 * The built CLI against the hand-computed fixture. The CLI reads the real clock, so only numbers that
 * do not depend on "now" are checked here (durations, counts); compliance of running clocks is
 * checked in-process with the fixed reference time (reportNumbers.test.ts).
 */
describe('bxsup report (the built CLI)', () => {
  let t: TestDatabase;
  let dir: string;
  let config: string;
  const window = ['--from', '2024-03-04', '--to', '2024-03-10'];

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    await loadReportFixture(t.db);
    dir = mkdtempSync(path.join(os.tmpdir(), 'bxsup-report-'));
    config = path.join(dir, 'bxsup.config.json');
    writeFileSync(config, JSON.stringify(REPORT_CONFIG_INPUT));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  });

  it('prints the summary, the --by table and the operators', async () => {
    const result = await runCli(['report', '--db', t.url, '--config', config, ...window, '--by', 'category']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Response times 2024-03-04 … 2024-03-10 (Europe/Moscow): 6 tickets created');
    expect(out).toContain('business minutes: sla.calendar (Europe/Moscow); percentiles: nearest rank');
    expect(out).toMatch(/first reply, wall clock\s+13h 05m\s+17h 00m\s+8h 55m\s+5\n/);
    expect(out).toMatch(/first reply, business\s+15m\s+2h 00m\s+34m\s+5\n/);
    expect(out).toMatch(/resolution, wall clock\s+19h 00m\s+1d 22h\s+23h 00m\s+3\n/);
    expect(out).toMatch(/resolution, business\s+4h 00m\s+4h 00m\s+3h 00m\s+3\n/);
    expect(out).toContain('escalations        breach 3, warning 1');
    expect(out).toContain('reopen rate        33.3% (1 of 3 resolved)');
    expect(out).toContain('order-linked       3, not linked 3');
    expect(out).toMatch(/by category\n\s+tickets\s+1st median/);
    expect(out).toMatch(/\npayment\s+3\s+13h 05m\s+13h 15m/);
    expect(out).toMatch(/\nОльга Смирнова\s+3\s+3\s+13h 05m\s+\d+\n/);
  });

  it('--json is the whole report; --csv and --html write their files', async () => {
    const csv = path.join(dir, 'out.csv');
    const html = path.join(dir, 'out.html');
    const result = await runCli([
      'report',
      '--db',
      t.url,
      '--config',
      config,
      ...window,
      '--by',
      'operator',
      '--json',
      '--csv',
      csv,
      '--html',
      html,
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.totals.firstReply.wall).toEqual({ count: 5, median: 785, p90: 1020, mean: 535 });
    expect(report.by.groups.map((g: { label: string }) => g.label)).toEqual([
      'Ольга Смирнова',
      'Ivan Petrov',
      'unassigned',
    ]);
    const lines = readFileSync(csv, 'utf8').split('\r\n');
    expect(lines[0]).toMatch(/^group,label,tickets,first_reply_median_wall_min,first_reply_p90_wall_min,/);
    expect(lines[1]).toMatch(/^all,all tickets,6,785,1020,535,15,120,34,1140,2760,1380,240,240,180,/);
    expect(lines[2]).toMatch(/^operator,Ольга Смирнова,3,785,795,/);
    expect(lines).toHaveLength(6); // header, all, three operators, and '' after the final CRLF
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('rejects a bad --by or date with one line and exit 2', async () => {
    const bad = await runCli(['report', '--db', t.url, '--by', 'colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('bxsup: --by colour: use one of category, operator, priority, site, week\n');
    const date = await runCli(['report', '--db', t.url, '--from', '04.03.2024']);
    expect(date.code).toBe(2);
    expect(date.stderr).toMatch(/^bxsup: --from 04\.03\.2024: write a date as YYYY-MM-DD/);
  });
});
