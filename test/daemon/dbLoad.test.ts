import { validateConfig } from '../../config/config';
import { instantToUtc } from '../../core/time';
import { FIXTURE } from '../../fixtures/seed';
import { collectStatus } from '../../status/collectStatus';
import { runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { BxsupProcess, configDir, eventually, startBxsup } from '../helpers/daemonProcess';
import { installedSite } from '../helpers/installedSite';
import { freePort, sample, scrapeMetrics } from '../helpers/metrics';

const ZONE = FIXTURE.zone;
const WORKERS = ['heartbeat', 'sync', 'mail', 'escalation', 'metrics'];

/**
 * Load is visible: a running daemon's /metrics counts the statements and rows examined of each of its
 * workers' connections, and `bxsup status` prints the last minute's figures of every running daemon
 * from their heartbeat rows, also in --json.
 */
describe('bxsup run: the database load it causes', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await installedSite({ installer: 'cli' });
  }, 60000);

  afterAll(async () => {
    await t?.drop();
  });

  it('shows per-worker statements and rows examined in /metrics and in status, for each daemon', async () => {
    const port = await freePort();
    const config = (extra: Record<string, unknown>) =>
      configDir({
        site: { timeZone: ZONE },
        sync: { pollIntervalMs: 200 },
        mail: { transport: 'files', dir: 'mail', pollIntervalMs: 200 },
        escalation: { cron: '0 3 1 1 *' },
        ...extra,
      });
    const daemons: BxsupProcess[] = [
      startBxsup(['run', '--db', t.url], { cwd: config({ metrics: { port } }) }),
      startBxsup(['run', '--db', t.url], { cwd: config({}) }),
    ];
    try {
      await Promise.all(daemons.map((d) => d.waitForOutput(/daemon started/)));
      const pids = daemons.map((d) => d.child.pid);

      // The second heartbeat (10 s in) carries the figures of the passes run since the start.
      await eventually(
        async () => {
          const rows = (await t.db('bl_support_daemon').select('pid', 'db_load')) as Array<{
            pid: number;
            db_load: string | null;
          }>;
          return pids.every((pid) => {
            const row = rows.find((r) => Number(r.pid) === pid);
            const load = row?.db_load ? JSON.parse(row.db_load) : null;
            return load?.workers?.sync?.statements > 0 && load.workers.sync.rowsExamined > 0;
          });
        },
        40000,
        "both daemons' heartbeats carrying the sync's load",
      );

      const scrape = () => scrapeMetrics(port);
      const first = await scrape();
      for (const worker of WORKERS) {
        expect(sample(first, `bxsup_db_statements_total{worker="${worker}"}`)).not.toBeNull();
        expect(sample(first, `bxsup_db_rows_examined_total{worker="${worker}"}`)).not.toBeNull();
        expect(sample(first, `bxsup_db_received_bytes_total{worker="${worker}"}`)).not.toBeNull();
        expect(sample(first, `bxsup_db_sent_bytes_total{worker="${worker}"}`)).not.toBeNull();
      }
      expect(sample(first, 'bxsup_db_statements_total{worker="sync"}')).toBeGreaterThan(0);
      expect(sample(first, 'bxsup_db_rows_examined_total{worker="sync"}')).toBeGreaterThan(0);
      expect(sample(first, 'bxsup_db_statements_total{worker="heartbeat"}')).toBeGreaterThan(0);
      // The sync keeps polling: its counters only grow; the first scrape's gauge reads count as metrics'.
      await eventually(
        async () => {
          const next = await scrape();
          return (
            sample(next, 'bxsup_db_statements_total{worker="sync"}')! >
              sample(first, 'bxsup_db_statements_total{worker="sync"}')! &&
            sample(next, 'bxsup_db_statements_total{worker="metrics"}')! > 0
          );
        },
        10000,
        'the sync and metrics counters growing',
      );

      const status = await runCli(['status', '--db', t.url], { cwd: config({}) });
      const loadLines = status.stdout.split('\n').filter((l) => l.startsWith('database load'));
      expect(loadLines).toHaveLength(2);
      for (const pid of pids) {
        expect(loadLines).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^database load +last (minute|\\d+ s) \\(.+ pid ${pid}\\): heartbeat \\d+ statements?, \\d+ rows examined, \\d+ [kM]?B received; sync [1-9]\\d* statements?, [1-9]\\d* rows examined, \\d+ [kM]?B received; mail \\d+ .*; escalation \\d+ .*; metrics \\d+ `,
            ),
          ),
        );
      }
      const json = await runCli(['status', '--db', t.url, '--json'], { cwd: config({}) });
      const report = JSON.parse(json.stdout) as {
        dbLoad: {
          daemons: Array<{ pid: number; seconds: number; workers: Record<string, Record<string, number>> }>;
        };
      };
      expect(report.dbLoad.daemons.map((d) => d.pid).sort()).toEqual([...pids].sort());
      for (const d of report.dbLoad.daemons) {
        expect(Object.keys(d.workers)).toEqual(WORKERS);
        expect(d.workers.sync).toEqual({
          statements: expect.any(Number),
          rowsExamined: expect.any(Number),
          bytesReceived: expect.any(Number),
          bytesSent: expect.any(Number),
        });
        expect(d.workers.sync.statements).toBeGreaterThan(0);
        expect(d.seconds).toBeGreaterThan(0);
      }
    } finally {
      for (const d of daemons) d.child.kill('SIGTERM');
      await Promise.all(daemons.map((d) => d.exited));
    }
  }, 90000);

  it("prints the last minute's figures of each daemon row that has them, and none of a stale one", async () => {
    const now = new Date();
    const row = (instance: string, pid: number, seenMsAgo: number, load: unknown) => ({
      instance_id: instance,
      host: 'web1',
      pid,
      version: '0.0.0',
      started_at: instantToUtc(new Date(now.getTime() - 3_600_000)),
      heartbeat_at: instantToUtc(new Date(now.getTime() - seenMsAgo)),
      db_load: load === null ? null : JSON.stringify(load),
    });
    const sync = { statements: 12, rowsExamined: 340, bytesReceived: 20_480, bytesSent: 900 };
    const mail = { statements: 1, rowsExamined: 0, bytesReceived: 512, bytesSent: 100 };
    await t.db('bl_support_daemon').delete();
    await t
      .db('bl_support_daemon')
      .insert([
        row('web1:101:aaaaaa', 101, 5_000, { seconds: 64, workers: { sync, mail } }),
        row('web1:102:bbbbbb', 102, 5_000, { seconds: 20, workers: { sync } }),
        row('web1:103:cccccc', 103, 5_000, null),
        row('web1:104:dddddd', 104, 300_000, { seconds: 60, workers: { sync } }),
      ]);
    const report = await collectStatus({
      db: t.db,
      config: validateConfig({ site: { timeZone: ZONE } }),
      now,
    });
    const section = report.sections.find((s) => s.key === 'dbLoad')!;
    expect(section.lines).toEqual([
      [
        'database load',
        'last minute (web1 pid 101): sync 12 statements, 340 rows examined, 20 kB received; mail 1 statement, 0 rows examined, 512 B received',
      ],
      ['database load', 'last 20 s (web1 pid 102): sync 12 statements, 340 rows examined, 20 kB received'],
    ]);
    expect(section.data).toEqual({
      daemons: [
        { instanceId: 'web1:101:aaaaaa', host: 'web1', pid: 101, seconds: 64, workers: { sync, mail } },
        { instanceId: 'web1:102:bbbbbb', host: 'web1', pid: 102, seconds: 20, workers: { sync } },
      ],
    });
    await t.db('bl_support_daemon').delete();
  });
});
