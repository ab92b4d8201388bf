import { readdirSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../../core/db';
import { parseDbUrl } from '../../core/dbUrl';
import { PrivateServer, startPrivateServer } from '../../demo/privateServer';
import { addMessage, closeTicket, createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { configDir, eventually, startBxsup } from '../helpers/daemonProcess';
import { installedSite } from '../helpers/installedSite';

const ZONE = FIXTURE.zone;

/**
 * The daemon as a system service runs it: a real `bxsup run` child process against a private MariaDB
 * of its own, so the test may stop and restart the database under it.
 */
describe('bxsup run (the daemon)', () => {
  let server: PrivateServer;
  let site: TestDatabase;
  let url: string;
  /** The site's connection; the restart test opens a new one after the server comes back. */
  let db: ReturnType<typeof openDb>;

  beforeAll(async () => {
    server = await startPrivateServer();
    site = await installedSite({ server: parseDbUrl(server.url), installer: 'cli' });
    url = site.url;
    db = site.db;
  }, 120000);

  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it('mirrors, mails, survives a database restart, and stops gracefully on SIGTERM', async () => {
    const cwd = configDir({
      site: { timeZone: ZONE, baseUrl: 'https://shop.example.ru' },
      sync: { pollIntervalMs: 200 },
      mail: { transport: 'files', dir: 'mail', pollIntervalMs: 200 },
      escalation: { enabled: false },
    });
    const daemon = startBxsup(['run', '--db', url], { cwd });
    try {
      await daemon.waitForOutput(/daemon started/);
      await eventually(
        async () => Number((await db('bl_support_ticket').count({ n: '*' }))[0].n) === 11,
        30000,
        'backfill',
      );

      // History is mirrored silently: no mail for the eleven fixture tickets.
      expect(await db('bl_support_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);

      const ticketId = await createTicket(db, ZONE, {
        siteId: 's1',
        ownerUserId: FIXTURE.users.customerMaria,
        title: 'Где мой заказ №41?',
        message: 'Заказ всё ещё не пришёл',
        at: new Date(),
      });
      await eventually(
        async () =>
          (await db('bl_support_outbox')
            .where({ event_key: `created:${ticketId}`, state: 'sent' })
            .first()) !== undefined,
        30000,
        'the created mail',
      );
      const mirrored = await db('bl_support_ticket').where('id', ticketId).first();
      expect(mirrored.order_id).toBe(41);
      expect(mirrored.number).toMatch(/^SUP-\d{8}-\d{4}$/);
      expect(readdirSync(path.join(cwd, 'mail')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

      // The database goes away under the running daemon: it says so and keeps running; then it comes back.
      expect(daemon.output()).not.toMatch(/database unreachable/);
      await server.halt();
      await daemon.waitForOutput(/database unreachable/);
      expect(daemon.child.exitCode).toBeNull();
      await server.resume();
      await db.destroy();
      db = openDb(parseDbUrl(url));

      const replyId = await addMessage(db, ZONE, {
        ticketId,
        authorUserId: FIXTURE.users.operatorOlga,
        bySupport: true,
        text: 'Заказ передан в доставку.',
        at: new Date(),
      });
      await closeTicket(db, ZONE, {
        ticketId,
        byUserId: FIXTURE.users.operatorOlga,
        bySupport: true,
        at: new Date(),
      });
      await eventually(
        async () =>
          Number(
            (
              await db('bl_support_outbox')
                .where('ticket_id', ticketId)
                .where('state', 'sent')
                .count({ n: '*' })
            )[0].n,
          ) === 3,
        60000,
        'reply and close mails after the restart',
      );
      const keys = await db('bl_support_outbox')
        .where('ticket_id', ticketId)
        .orderBy('id')
        .pluck('event_key');
      expect(keys.slice(0, 2)).toEqual([`created:${ticketId}`, `reply:${replyId}`]);
      expect(keys[2]).toMatch(new RegExp(`^closed:${ticketId}:`));
      expect(daemon.output()).toMatch(/database unreachable/);
      expect(daemon.output()).toMatch(/working again/);
      expect((await db('bl_support_daemon').count({ n: '*' }))[0].n).toBe(1);
    } finally {
      daemon.child.kill('SIGTERM');
    }
    expect(await daemon.exited).toBe(0);
    expect(daemon.output()).toMatch(/stopping \(SIGTERM\)/);
    expect(daemon.output()).toMatch(/\bstopped\b/);
    expect(daemon.output()).not.toMatch(/password/i);
    expect(await db('bl_support_daemon').count({ n: '*' })).toEqual([{ n: 0 }]);
  }, 180000);

  it('refuses to start with a config file others can read when it holds a password', async () => {
    const cwd = configDir({ db: { url: `${server.url.replace('root@', 'root:Secret-1@')}/${site.name}` } });
    const { chmodSync } = await import('node:fs');
    chmodSync(path.join(cwd, 'bxsup.config.json'), 0o644);
    const result = await runCli(['run'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/chmod 600/);
    expect(result.stderr).not.toContain('Secret-1');
  });
});
