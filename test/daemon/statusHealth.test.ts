import { hostname } from 'node:os';
import { validateConfig } from '../../config/config';
import { instantToUtc } from '../../core/time';
import { createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE, loadBitrixFixture } from '../../fixtures/seed';
import { collectStatus } from '../../status/collectStatus';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { configDir, eventually, startBxsup } from '../helpers/daemonProcess';
import { installedSite } from '../helpers/installedSite';

const ZONE = FIXTURE.zone;
const config = validateConfig({ site: { timeZone: ZONE } });

/**
 * `bxsup status` tells the truth about the daemon: sync passes that keep failing and a mirror that lags
 * are problems; a killed instance that a later daemon on the same host superseded is not; an install
 * on a b_ticket without the columns the sync reads is refused.
 */
describe('status: health that tells the truth', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await installedSite({ installer: 'cli' });
    expect((await runCli(['sync', '--once', '--db', t.url])).code).toBe(0);
  }, 60000);

  afterAll(async () => {
    await t?.drop();
  });

  it('sync passes that keep failing, and the tickets waiting meanwhile, make it unhealthy', async () => {
    // Every pass fails on the new ticket (a refusal the daemon cannot fix, but no reason to stop). Its
    // class is an access rule's (42), which would refuse any ticket, so the pass fails; a refusal of
    // one row's data (class 22, 23 or 45) sets that ticket aside instead (test/sync/setAside.test.ts).
    await t.db.raw(
      `CREATE TRIGGER refuse_mirror BEFORE INSERT ON bl_support_ticket FOR EACH ROW
       SIGNAL SQLSTATE '42000' SET MESSAGE_TEXT = 'mirror write refused'`,
    );
    const daemon = startBxsup(['run', '--db', t.url], {
      cwd: configDir({
        site: { timeZone: ZONE },
        sync: { pollIntervalMs: 200 },
        mail: { transport: 'files', dir: 'mail' },
        escalation: { enabled: false },
      }),
    });
    try {
      await daemon.waitForOutput(/daemon started/);
      await createTicket(t.db, ZONE, {
        siteId: 's1',
        ownerUserId: FIXTURE.users.customerMaria,
        title: 'Waiting for a quarter of an hour',
        message: 'Hello?',
        at: new Date(Date.now() - 15 * 60_000),
      });
      await eventually(
        async () => {
          const row = await t.db('bl_support_daemon').first('failing');
          return Boolean(row?.failing && JSON.parse(row.failing).sync);
        },
        30000,
        'the heartbeat recording the failing sync',
      );
      // Seen a little later (the clock is a parameter): the failure has lasted, the daemon still beats.
      const report = await collectStatus({ db: t.db, config, now: new Date(Date.now() + 35_000) });
      expect(report.healthy).toBe(false);
      expect(report.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^sync passes of the daemon on ${hostname()} \\(pid \\d+\\) have failed since .*: database error ER_SIGNAL_EXCEPTION: mirror write refused$`,
            ),
          ),
          expect.stringMatching(
            /^the mirror is 1 ticket\(s\) and \d+ message\(s\) behind, the oldest waiting for 1[5-6] min/,
          ),
        ]),
      );
      expect(report.problems.join('\n')).not.toMatch(/insert into/i);
    } finally {
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      await t.db.raw('DROP TRIGGER IF EXISTS refuse_mirror');
    }
    // Once the passes go through again, the mirror catches up and both problems are gone.
    expect((await runCli(['sync', '--once', '--db', t.url])).code).toBe(0);
    const after = await collectStatus({ db: t.db, config, now: new Date() });
    expect(after.problems.join('\n')).not.toMatch(/the mirror is|failed since/);
  }, 90000);

  it('a dead instance superseded by a live one on its host is not a problem; one alone on its host is', async () => {
    const now = new Date();
    const ago = (ms: number) => instantToUtc(new Date(now.getTime() - ms));
    await t.db('bl_support_daemon').insert([
      {
        instance_id: 'web1:100:aaaaaa',
        host: 'web1',
        pid: 100,
        version: 'x',
        started_at: ago(7200_000),
        heartbeat_at: ago(3600_000),
      },
      {
        instance_id: 'web1:200:bbbbbb',
        host: 'web1',
        pid: 200,
        version: 'x',
        started_at: ago(3500_000),
        heartbeat_at: ago(2000),
      },
      {
        instance_id: 'web2:300:cccccc',
        host: 'web2',
        pid: 300,
        version: 'x',
        started_at: ago(7200_000),
        heartbeat_at: ago(3600_000),
      },
    ]);
    try {
      const report = await collectStatus({ db: t.db, config, now });
      const problems = report.problems.join('\n');
      expect(problems).not.toContain('web1:100:aaaaaa');
      expect(problems).toMatch(/daemon web2:300:cccccc on web2 last sent a heartbeat 360\d s ago/);
      const sync = report.sections.find((s) => s.key === 'sync')!;
      expect(sync.lines).toContainEqual([
        'daemon',
        expect.stringMatching(
          /^web1 pid 200 \(\d s ago\); 1 earlier instance\(s\) superseded on the same host$/,
        ),
      ]);
    } finally {
      await t.db('bl_support_daemon').delete();
    }
  });

  it('a daemon removes the heartbeat rows of dead processes of its own host at once', async () => {
    const stale = instantToUtc(new Date(Date.now() - 3600_000));
    // A pid no process has (above the kernel's pid_max).
    await t.db('bl_support_daemon').insert({
      instance_id: `${hostname()}:4194305:dddddd`,
      host: hostname(),
      pid: 4194305,
      version: 'x',
      started_at: stale,
      heartbeat_at: stale,
    });
    const daemon = startBxsup(['run', '--db', t.url], {
      cwd: configDir({
        site: { timeZone: ZONE },
        mail: { transport: 'files', dir: 'mail' },
        escalation: { enabled: false },
      }),
    });
    try {
      await daemon.waitForOutput(/daemon started/);
      await eventually(
        async () => (await t.db('bl_support_daemon').pluck('pid')).every((pid) => Number(pid) !== 4194305),
        15000,
        'the dead row pruned',
      );
      const report = await collectStatus({ db: t.db, config, now: new Date() });
      expect(report.problems.join('\n')).not.toMatch(/heartbeat/);
    } finally {
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    }
  }, 60000);

  it('install refuses a b_ticket without the columns the sync reads (exit 2, one line), and status says so', async () => {
    const odd = await createTestDatabase();
    try {
      await loadBitrixFixture(odd.db);
      await odd.db.raw('ALTER TABLE b_ticket DROP COLUMN CRITICALITY_ID, DROP COLUMN REOPEN');
      const result = await runCli(['install', '--db', odd.url, '--yes']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        "bxsup: table b_ticket lacks the column(s) CRITICALITY_ID, REOPEN that bxsup reads: this is not the support module's b_ticket (or a version bxsup does not know); check the database, and the support module's version",
      ]);
      expect(result.stdout).not.toMatch(/checking the database: ok/);
      const status = await runCli(['status', '--json', '--db', odd.url]);
      expect(status.code).toBe(1);
      expect(JSON.parse(status.stdout).problems).toContainEqual(
        expect.stringMatching(/^table b_ticket lacks the column\(s\) CRITICALITY_ID, REOPEN/),
      );
    } finally {
      await odd.drop();
    }
  });
});
