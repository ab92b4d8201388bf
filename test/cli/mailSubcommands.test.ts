import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURE } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { configDir, startBxsup } from '../helpers/daemonProcess';
import { TestDatabase } from '../helpers/db';
import { installedSite, queueEvent } from '../mail/helpers/mailEnv';

/**
 * `bxsup mail send | retry-dead | watch`, each with its own --db, and the flags `bxsup mail` took before
 * (--once, --retry-dead, --watch) still doing the same as aliases. The built CLI, the files transport.
 */
describe('bxsup mail subcommands and their aliases', () => {
  let t: TestDatabase;
  let cwd: string;
  const ticketId = FIXTURE.tickets.openNoReply.id;

  beforeAll(async () => {
    t = await installedSite();
    cwd = configDir({ site: { timeZone: 'Europe/Moscow' }, mail: { transport: 'files', dir: 'out' } });
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
    await t.drop();
  });

  const mail = (args: string[]): ReturnType<typeof runCli> => runCli(['mail', ...args], { cwd });
  const stateOf = async (id: number): Promise<string> =>
    (await t.db('bl_support_outbox').where({ id }).first<{ state: string }>('state'))!.state;
  const deadEvent = async (eventKey: string): Promise<number> => {
    const id = await queueEvent(t, { eventKey, eventType: 'SUPPORT_TICKET_CREATED', ticketId });
    await t.db('bl_support_outbox').where({ id }).update({ state: 'dead', last_error: '550 no such user' });
    return id;
  };

  it('send: writes each due mail and prints the counts as JSON', async () => {
    await queueEvent(t, { eventKey: 'created:send', eventType: 'SUPPORT_TICKET_CREATED', ticketId });
    const result = await mail(['send', '--db', t.url, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ claimed: 1, sent: 1, dead: 0, noAddress: 0 });
    expect(await readdir(path.join(cwd, 'out'))).toEqual(['created_send.eml']);
  });

  it('retry-dead --id: only those dead mails go back in the queue; send mails them', async () => {
    const [chosen, other] = [await deadEvent('created:chosen'), await deadEvent('created:other')];
    const requeue = await mail(['retry-dead', '--id', String(chosen), '--db', t.url, '--json']);
    expect(requeue.code).toBe(0);
    expect(JSON.parse(requeue.stdout)).toEqual({ requeued: 1 });
    expect([await stateOf(chosen), await stateOf(other)]).toEqual(['pending', 'dead']);
    const send = await mail(['send', '--db', t.url]);
    expect(send.code).toBe(0);
    expect(send.stdout).toBe('sent 1, retrying 0, dead 0, not mailed 0, no address 0\n');
    expect([await stateOf(chosen), await stateOf(other)]).toEqual(['sent', 'dead']);
  });

  it('the old flags are aliases: --retry-dead --id … --once requeues, then sends, in one run', async () => {
    const id = (await t.db('bl_support_outbox').where({ state: 'dead' }).first<{ id: number }>('id'))!.id;
    const result = await mail(['--retry-dead', '--id', String(id), '--once', '--json', '--db', t.url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ requeued: 1, claimed: 1, sent: 1, dead: 0 });
    expect(await stateOf(id)).toBe('sent');
  });

  it("options before the subcommand's name are mail's and count for the subcommand", async () => {
    const result = await mail(['--db', t.url, 'send']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('sent 0, retrying 0, dead 0, not mailed 0, no address 0\n');
  });

  it.each([
    ['watch', 'created:watch'],
    ['--watch', 'created:watch-alias'],
  ])('%s keeps sending what becomes due until Ctrl-C, then exits 0', async (verb, eventKey) => {
    const watcher = startBxsup(['mail', verb, '--db', t.url], { cwd });
    try {
      await watcher.waitForOutput(/sending mail; Ctrl-C stops/);
      await queueEvent(t, { eventKey, eventType: 'SUPPORT_TICKET_CREATED', ticketId });
      await watcher.waitForOutput(/mail sent: SUPPORT_TICKET_CREATED/);
    } finally {
      watcher.child.kill('SIGINT');
    }
    expect(await watcher.exited).toBe(0);
    expect(await t.db('bl_support_outbox').where({ event_key: eventKey }).pluck('state')).toEqual(['sent']);
  });

  it('--help names the subcommands and says the old flags are their aliases', async () => {
    const help = await mail(['--help']);
    expect(help.code).toBe(0);
    for (const line of [
      /^ {2}send \[options\] +send everything due now, then exit$/m,
      /^ {2}retry-dead \[options\] +put dead mails and those that had no address back in the/m,
      /^ {2}watch \[options\] +keep sending until Ctrl-C/m,
      /^ {2}--once +alias of bxsup mail send$/m,
      /^ {2}--retry-dead +alias of bxsup mail retry-dead \(with --once: requeue,/m,
      /^ {2}--watch +alias of bxsup mail watch$/m,
    ])
      expect(help.stdout).toMatch(line);
  });
});
