import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURE } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { loadBitrixFixture } from '../../fixtures/seed';
import { FIXTURE_ZONE } from '../helpers/clock';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { msk } from './harness';

/** `bxsup sync --once` and the sync section of `bxsup status`, through the built CLI. */
describe('bxsup sync --once', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('refuses to run before bxsup install, in one line, exit 2', async () => {
    const result = await runCli(['sync', '--once', '--db', t.url]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`bxsup: bxsup is not installed in ${t.name}: run bxsup install`);
  });

  it('without --once points to bxsup run', async () => {
    const result = await runCli(['sync', '--db', t.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --once \(the continuous sync is bxsup run\)/);
  });

  it('backfills in one pass, logging progress without a terminal, then reports no lag', async () => {
    expect((await runCli(['install', '--db', t.url, '--yes'])).code).toBe(0);
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'bxsup-sync-')), 'bxsup.config.json');
    writeFileSync(config, JSON.stringify({ site: { timeZone: FIXTURE_ZONE } }));
    const sync = await runCli(['sync', '--once', '--db', t.url, '--config', config, '--json']);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ tickets: 11, messages: 20, events: 0, complete: true });
    expect(sync.stderr).toMatch(/tickets: 100% \(11\/11 IDs\)/);

    const status = await runCli(['status', '--db', t.url, '--json']);
    const report = JSON.parse(status.stdout);
    // (Other sections may report the fixture's overdue tickets: no daemon escalates them here.)
    expect(report.problems.filter((p: string) => /sync|daemon/.test(p))).toEqual([]);
    expect(report.sync).toMatchObject({
      installed: true,
      synced: true,
      lag: { tickets: 0, messages: 0 },
      daemons: [],
    });

    await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: FIXTURE.users.customerMaria,
      title: 'Новый вопрос',
      message: 'Текст',
      at: msk('2024-03-12 12:00:00'),
    });
    const behind = await runCli(['status', '--db', t.url]);
    expect(behind.stdout).toMatch(/sync\s+1 ticket\(s\) and 2 message\(s\) behind/);
    const again = await runCli(['sync', '--once', '--db', t.url, '--config', config]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^synced: 1 new ticket\(s\), 1 message\(s\), 0 changed, 0 deleted, 1 event\(s\) queued/,
    );
  });

  it('status flags a daemon whose heartbeat stopped', async () => {
    await t.db('bl_support_daemon').insert({
      instance_id: 'host-a:123',
      host: 'host-a',
      pid: 123,
      version: '0.1.0',
      started_at: '2020-01-01 00:00:00',
      heartbeat_at: '2020-01-01 00:00:00',
    });
    const status = await runCli(['status', '--db', t.url]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/daemon\s+none alive/);
    expect(status.stdout).toMatch(/problem: daemon host-a:123 on host-a last sent a heartbeat \d+ s ago/);
  });
});
