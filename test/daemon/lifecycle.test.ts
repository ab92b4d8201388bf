import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';
import axios from 'axios';
import { formatDbUrl } from '../../core/dbUrl';
import { createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE } from '../../fixtures/seed';
import { BASELINE_CURSORS } from '../../store/cursors';
import { runCli } from '../helpers/cli';
import { serverTarget, TestDatabase } from '../helpers/db';
import { configDir, eventually, startBxsup } from '../helpers/daemonProcess';
import { installedSite } from '../helpers/installedSite';
import { rawRows } from '../../core/rawRows';

const ZONE = FIXTURE.zone;
/** A rule that does not fire while a test runs: only the catch-up pass at start escalates. */
const NEVER_DURING_TESTS = '0 3 1 1 *';

function baseConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site: { timeZone: ZONE },
    sync: { pollIntervalMs: 200 },
    mail: { transport: 'files', dir: 'mail', pollIntervalMs: 200 },
    escalation: { cron: NEVER_DURING_TESTS },
    ...extra,
  };
}

/**
 * A daemon that cannot do its work exits instead of lingering half-dead (systemd then restarts it and
 * its start-up checks say what to fix); at start it escalates after its first sync pass; what it
 * escalates is counted in /metrics.
 */
describe('bxsup run: start, stop and what it counts', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await installedSite({ installer: 'cli' });
  }, 60000);

  afterAll(async () => {
    await t?.drop();
  });

  it.each(['61 * * * *', '*/0 * * * *', '0 25 * * *'])(
    'an invalid escalation.cron (%s) stops it at once: exit 2, one line naming the key',
    async (cron) => {
      const cwd = configDir(baseConfig({ escalation: { cron } }));
      const started = Date.now();
      const result = await runCli(['run', '--db', t.url], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^bxsup: .*escalation\\.cron: "${cron.replace(/[*/]/g, '\\$&')}" is not a cron rule the daemon can run \\(`,
          ),
        ),
      ]);
      expect(Date.now() - started).toBeLessThan(15000);
    },
  );

  it('a worker that cannot start (the metrics port is taken) stops the others and exits non-zero', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const daemon = startBxsup(['run', '--db', t.url], {
        cwd: configDir(baseConfig({ metrics: { port } })),
      });
      expect(await daemon.exited).toBe(2);
      expect(daemon.output()).toMatch(new RegExp(`metrics\\.port ${port} .*is taken`));
      expect(daemon.output()).toMatch(/stopped/);
    } finally {
      blocker.close();
    }
  }, 60000);

  it('a privilege lost while running stops it with the GRANT to run (exit 2), never a SQL statement', async () => {
    const user = `bxsup_run_${randomBytes(3).toString('hex')}`;
    const password = 'Run-S3cret';
    await t.db.raw(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await t.db.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${t.name}\`.* TO '${user}'@'%'`);
    try {
      const url = formatDbUrl({ ...t.target, user, password, host: serverTarget().host });
      const daemon = startBxsup(['run', '--db', url], { cwd: configDir(baseConfig()) });
      await daemon.waitForOutput(/daemon started/);
      await t.db.raw(`REVOKE INSERT ON \`${t.name}\`.* FROM '${user}'@'%'`);
      // Database privileges apply to new connections: drop the daemon's, as a restart of the server would.
      const sessions = await rawRows<{ ID: number }>(
        t.db,
        `SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?`,
        [user],
      );
      for (const s of sessions) await t.db.raw(`KILL ${Number(s.ID)}`).catch(() => undefined);
      await createTicket(t.db, ZONE, {
        siteId: 's1',
        ownerUserId: FIXTURE.users.customerMaria,
        title: 'After the revoke',
        message: 'Hello',
        at: new Date(),
      });
      expect(await daemon.exited).toBe(2);
      const out = daemon.output();
      expect(out).toMatch(
        new RegExp(
          `may not INSERT .*run GRANT SELECT, INSERT, UPDATE, DELETE ON \`${t.name}\`\\.\\* TO '${user}'@'%';`,
        ),
      );
      expect(out).not.toMatch(/insert into|update `|select .* from/i);
      expect(out).not.toContain(password);
    } finally {
      await t.db.raw(`DROP USER IF EXISTS '${user}'@'%'`);
    }
  }, 60000);

  it('at start it escalates after its first sync pass, so the catch-up sees what Bitrix holds', async () => {
    const fresh = await installedSite({ installer: 'cli' });
    try {
      // Nothing mirrored yet: a catch-up pass run before the sync would find no ticket at all.
      expect(await fresh.db('bl_support_ticket').count({ n: '*' })).toEqual([{ n: 0 }]);
      const daemon = startBxsup(['run', '--db', fresh.url], { cwd: configDir(baseConfig()) });
      try {
        await daemon.waitForOutput(/escalation pass: /, 30000);
        // Every fixture ticket overdue at install was looked at in that one pass: recorded, nothing left due.
        const [{ n: recorded }] = await fresh.db('bl_support_escalation').count({ n: '*' });
        expect(Number(recorded)).toBeGreaterThan(0);
        const status = JSON.parse((await runCli(['status', '--json', '--db', fresh.url])).stdout);
        expect(status.escalation.due).toBe(0);
        expect(status.problems.join('\n')).not.toMatch(/escalation is behind/);
      } finally {
        daemon.child.kill('SIGTERM');
        expect(await daemon.exited).toBe(0);
      }
    } finally {
      await fresh.drop();
    }
  }, 60000);

  it('counts each applied escalation in bxsup_escalations_fired_total', async () => {
    // Installed a day ago; a ticket opened ten hours ago has missed its 8-hour first reply since.
    await t
      .db('bl_support_cursor')
      .where('name', BASELINE_CURSORS.installedAt)
      .update({ value: Date.now() - 86_400_000 });
    await createTicket(t.db, ZONE, {
      siteId: 's1',
      ownerUserId: FIXTURE.users.customerMaria,
      title: 'Waiting for ten hours',
      message: 'Anyone there?',
      at: new Date(Date.now() - 10 * 3600_000),
    });
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as AddressInfo).port;
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const daemon = startBxsup(['run', '--db', t.url], { cwd: configDir(baseConfig({ metrics: { port } })) });
    try {
      await eventually(
        async () =>
          Number((await t.db('bl_support_escalation').where('outcome', 'applied').count({ n: '*' }))[0].n) >
          0,
        30000,
        'an escalation applied',
      );
      const applied = (await t
        .db('bl_support_escalation')
        .where('outcome', 'applied')
        .select('level', 'target')) as Array<{ level: string; target: string }>;
      await eventually(
        async () => {
          const text = (await axios.get<string>(`http://127.0.0.1:${port}/metrics`)).data;
          return applied.every((a) =>
            new RegExp(
              `bxsup_escalations_fired_total\\{level="${a.level}",target="${a.target}"\\} [1-9]`,
            ).test(text),
          );
        },
        10000,
        'the counter',
      );
      const text = (await axios.get<string>(`http://127.0.0.1:${port}/metrics`)).data;
      const total = [...text.matchAll(/^bxsup_escalations_fired_total\{[^}]*\} (\d+)$/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
      expect(total).toBe(applied.length);
    } finally {
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    }
  }, 60000);
});
