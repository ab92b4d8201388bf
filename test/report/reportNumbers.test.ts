import { buildReport } from '../../report/buildReport';
import { Report } from '../../report/reportTypes';
import { REFERENCE_TIME } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { loadReportFixture, reportConfig } from './reportFixture';

const NOW = new Date(REFERENCE_TIME);
const WINDOW = { from: '2024-03-04', to: '2024-03-10' };

/** Every expected number here is worked out by hand in reportFixture.ts. */
describe('buildReport: numbers against hand-computed values', () => {
  let t: TestDatabase;
  let report: Report;

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    await loadReportFixture(t.db);
    report = await buildReport({ db: t.db, config: reportConfig(), now: NOW }, WINDOW);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('takes the tickets created in the local window, deleted ones left out', () => {
    expect(report.window).toEqual({
      from: new Date('2024-03-03T21:00:00Z'),
      to: new Date('2024-03-10T21:00:00Z'),
      zone: 'Europe/Moscow',
    });
    expect(report.totals.tickets).toBe(6);
    expect(report.calendar).toEqual({ source: 'sla.calendar', timeZone: 'Europe/Moscow' });
    expect(report.percentileMethod).toBe('nearest-rank');
  });

  it('first-reply time: median, p90 and mean by nearest rank, wall clock and business time', () => {
    // wall 30, 45, 785, 795, 1020: rank ⌈0.5·5⌉ = 3 → 785; ⌈0.9·5⌉ = 5 → 1020; mean 2675 / 5.
    expect(report.totals.firstReply.wall).toEqual({ count: 5, median: 785, p90: 1020, mean: 535 });
    // business 0, 5, 15, 30, 120 (weekend and nights do not count).
    expect(report.totals.firstReply.business).toEqual({ count: 5, median: 15, p90: 120, mean: 34 });
  });

  it('resolution time of the closed tickets', () => {
    // wall 240, 1140, 2760: rank 2 → 1140; rank ⌈2.7⌉ = 3 → 2760; mean 4140 / 3.
    expect(report.totals.resolution.wall).toEqual({ count: 3, median: 1140, p90: 2760, mean: 1380 });
    // business 60, 240, 240.
    expect(report.totals.resolution.business).toEqual({ count: 3, median: 240, p90: 240, mean: 180 });
  });

  it('SLA compliance, breaches, reopen rate and order links', () => {
    const c = report.totals;
    expect(c.firstReplyCompliance).toMatchObject({ met: 4, breached: 2, pending: 0 });
    expect(c.firstReplyCompliance.percent).toBeCloseTo(66.667, 3);
    expect(c.resolutionCompliance).toEqual({ met: 2, breached: 2, pending: 2, percent: 50 });
    expect(c.breaches).toEqual({ firstReply: 2, resolution: 2, tickets: 4 });
    expect(c.reopen.reopened).toBe(1);
    expect(c.reopen.everResolved).toBe(3);
    expect(c.reopen.percent).toBeCloseTo(33.333, 3);
    expect([c.orderLinked, c.notOrderLinked]).toEqual([3, 3]);
  });

  it('escalations applied in the window, by level and target', () => {
    expect(report.escalations).toEqual({
      total: 4,
      byLevel: [
        { level: 'breach', firstReply: 2, resolution: 1, total: 3 },
        { level: 'warning', firstReply: 1, resolution: 0, total: 1 },
      ],
    });
  });

  it('backlog: every open ticket now, by age', () => {
    // R9 5.5 h, R6 1 d 14.5 h, R4 4 d 23.5 h, R3 5 d 14.5 h, R7 8 d 11.5 h, R10 71 days; R8 deleted.
    expect(report.backlog.total).toBe(6);
    expect(report.backlog.buckets.map((b) => [b.label, b.tickets])).toEqual([
      ['<1d', 1],
      ['1–3d', 1],
      ['3–7d', 2],
      ['7–14d', 1],
      ['14–30d', 0],
      ['≥30d', 1],
    ]);
  });

  it('first-reply distribution in business time', () => {
    expect(report.firstReplyDistribution.map((b) => [b.label, b.tickets])).toEqual([
      ['<15m', 2],
      ['15–30m', 1],
      ['30m–1h', 1],
      ['1–2h', 0],
      ['2–4h', 1],
      ['4–8h', 0],
      ['8–24h', 0],
      ['1–2d', 0],
      ['≥2d', 0],
    ]);
  });

  it('per operator: tickets, first replies, median first reply, breaches', () => {
    expect(report.operators).toEqual([
      {
        operatorId: 2,
        name: 'Ольга Смирнова',
        ticketsHandled: 3,
        firstReplies: 3,
        medianFirstReplyMinutes: 785,
        medianFirstReplyBusinessMinutes: 15,
        breaches: 1,
      },
      {
        operatorId: 3,
        name: 'Ivan Petrov',
        ticketsHandled: 2,
        firstReplies: 2,
        // 45 and 1020: the nearest-rank median of an even sample is the lower middle value.
        medianFirstReplyMinutes: 45,
        medianFirstReplyBusinessMinutes: 0,
        breaches: 2,
      },
      {
        operatorId: null,
        name: 'unassigned',
        ticketsHandled: 1,
        firstReplies: 0,
        medianFirstReplyMinutes: null,
        medianFirstReplyBusinessMinutes: null,
        breaches: 1,
      },
    ]);
  });

  it('compliance by local week', () => {
    expect(report.weekly).toHaveLength(1);
    expect(report.weekly[0]).toMatchObject({ weekStart: '2024-03-04', label: '2024-W10', tickets: 6 });
    expect(report.weekly[0].resolutionCompliance.percent).toBe(50);
  });

  it('--by category: groups with their own percentiles, most tickets first', async () => {
    const r = await buildReport(
      { db: t.db, config: reportConfig(), now: NOW },
      { ...WINDOW, by: 'category' },
    );
    expect(r.by?.groups.map((g) => [g.key, g.label, g.tickets])).toEqual([
      ['payment', 'payment', 3],
      ['shipping', 'shipping', 2],
      ['', '(no category)', 1],
    ]);
    const [payment, shipping] = r.by!.groups;
    expect(payment.firstReply.wall).toMatchObject({ count: 3, median: 785, p90: 795 });
    expect(payment.firstReply.wall.mean).toBeCloseTo(1610 / 3, 9);
    expect(payment.resolutionCompliance).toEqual({ met: 1, breached: 1, pending: 1, percent: 50 });
    expect(shipping.firstReply.wall).toEqual({ count: 2, median: 45, p90: 1020, mean: 532.5 });
    expect(shipping.resolution.wall).toEqual({ count: 2, median: 1140, p90: 2760, mean: 1950 });
    expect(shipping.firstReplyCompliance).toEqual({ met: 1, breached: 1, pending: 0, percent: 50 });
  });

  it('--by operator, priority and site label their groups', async () => {
    const by = async (dimension: 'operator' | 'priority' | 'site') =>
      (
        await buildReport({ db: t.db, config: reportConfig(), now: NOW }, { ...WINDOW, by: dimension })
      ).by!.groups.map((g) => [g.label, g.tickets]);
    expect(await by('operator')).toEqual([
      ['Ольга Смирнова', 3],
      ['Ivan Petrov', 2],
      ['unassigned', 1],
    ]);
    expect(await by('priority')).toEqual([
      ['4 critical', 1],
      ['3 high', 1],
      ['2 normal', 3],
      ['1 low', 1],
    ]);
    expect(await by('site')).toEqual([
      ['s1 Интернет-магазин', 5],
      ['s2 Online shop', 1],
    ]);
  });

  it('--by week uses the local calendar: Sunday 22:00 UTC is Monday in Moscow', async () => {
    const r = await buildReport(
      { db: t.db, config: reportConfig(), now: NOW },
      { from: '2024-03-04', to: '2024-03-11', by: 'week' },
    );
    expect(r.by?.groups.map((g) => [g.key, g.label, g.tickets])).toEqual([
      ['2024-03-04', '2024-W10', 6],
      ['2024-03-11', '2024-W11', 1],
    ]);
    expect(r.weekly.map((w) => [w.label, w.tickets])).toEqual([
      ['2024-W10', 6],
      ['2024-W11', 1],
    ]);
  });

  it('without SLA working hours, business time is wall-clock time (24/7)', async () => {
    const r = await buildReport(
      { db: t.db, config: reportConfig({ site: { timeZone: 'Europe/Moscow' } }), now: NOW },
      WINDOW,
    );
    expect(r.calendar.source).toBe('24/7');
    expect(r.totals.firstReply.business).toEqual(r.totals.firstReply.wall);
  });

  it('a --site filter narrows the tickets and the backlog', async () => {
    const r = await buildReport(
      { db: t.db, config: reportConfig(), now: NOW },
      { ...WINDOW, siteIds: ['s2'] },
    );
    expect(r.totals.tickets).toBe(1);
    // R3 is the one open ticket of s2.
    expect(r.backlog.total).toBe(1);
  });
});
