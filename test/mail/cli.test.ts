import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { FIXTURE } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { installedSite, queueEvent } from './helpers/mailEnv';

/**
 * The built CLI: `bxsup mail --once` with the files transport (one .eml per event), `--retry-dead`,
 * `bxsup templates …` (an unknown placeholder exits 2 naming it), and the mail part of `bxsup status`.
 */
describe('bxsup mail and bxsup templates', () => {
  let t: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await installedSite();
    dir = await mkdtemp(path.join(tmpdir(), 'bxsup-mail-'));
    env = {
      BXSUP_DB_URL: t.url,
      BXSUP_CONFIG: path.join(dir, 'bxsup.config.json'),
    };
    await writeFile(
      env.BXSUP_CONFIG,
      JSON.stringify({
        site: { timeZone: 'Europe/Moscow' },
        mail: { transport: 'files', dir: path.join(dir, 'out') },
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.drop();
  });

  it('bxsup mail needs to be told what to do', async () => {
    const result = await runCli(['mail'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('bxsup: say what to do: bxsup mail send, retry-dead or watch\n');
  });

  it('bxsup mail --once writes each due mail as an .eml file and reports counts', async () => {
    await queueEvent(t, {
      eventKey: 'created:9',
      eventType: 'SUPPORT_TICKET_CREATED',
      ticketId: FIXTURE.tickets.openNoReply.id,
    });
    await queueEvent(t, {
      eventKey: 'created:4',
      eventType: 'SUPPORT_TICKET_CREATED',
      ticketId: FIXTURE.tickets.foreignOrderInMessage.id,
    });
    const result = await runCli(['mail', '--once', '--json'], { env });
    expect(result.stderr).toMatch(/not mailed: no address: user 8 has no e-mail/);
    // A customer without an address is not a failure of the pass: nothing else failed, so exit 0.
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      claimed: 2,
      sent: 1,
      retried: 0,
      dead: 0,
      skipped: 0,
      noAddress: 1,
      reaped: 0,
      lost: 0,
      givenBack: 0,
      lateMarks: 0,
    });
    expect(await readdir(path.join(dir, 'out'))).toEqual(['created_9.eml']);
    const mail = await simpleParser(await readFile(path.join(dir, 'out', 'created_9.eml')));
    expect(mail.messageId).toBe('<ticket-9@shop.example.ru>');
    expect(mail.subject).toBe('[№ SUP-20240311-0003] Обращение принято: Не работает промокод');
    expect(mail.to).toMatchObject({ value: [{ address: 'alexey.yolkin@example.ru' }] });
  });

  it('bxsup status shows the mail that waits for an address, without calling the bridge unhealthy for it', async () => {
    const result = await runCli(['status', '--json'], { env });
    const status = JSON.parse(result.stdout);
    expect(status.mail).toMatchObject({ transport: 'files', dead: 0, noAddress: 1, sent: 1, pending: 0 });
    expect(status.problems.join('\n')).not.toMatch(/address/);
    const text = await runCli(['status'], { env });
    expect(text.stdout).toMatch(
      /no address +1 mail\(s\) wait for the recipient's e-mail address \(bxsup mail retry-dead once it is set\)/,
    );
  });

  it('bxsup mail --retry-dead sends it once the address exists', async () => {
    const early = await runCli(['mail', '--retry-dead'], { env });
    expect(early.stdout).toBe('requeued 1 dead or address-less mail(s)\n');
    const still = await runCli(['mail', '--once'], { env });
    expect(still.code).toBe(0);
    expect(still.stdout).toBe('sent 0, retrying 0, dead 0, not mailed 0, no address 1\n');
    await t.db('b_user').where('ID', FIXTURE.users.customerNoEmail).update({ EMAIL: 'petr@example.ru' });
    const requeue = await runCli(['mail', '--retry-dead'], { env });
    expect(requeue.stdout).toBe('requeued 1 dead or address-less mail(s)\n');
    const send = await runCli(['mail', '--once'], { env });
    expect(send.code).toBe(0);
    expect(send.stdout).toBe('sent 1, retrying 0, dead 0, not mailed 0, no address 0\n');
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['created_4.eml', 'created_9.eml']);
  });

  it('bxsup templates add refuses an unknown placeholder with exit code 2, naming it', async () => {
    const result = await runCli(
      [
        'templates',
        'add',
        'greeting',
        '--language',
        'en',
        '--title',
        'Greeting',
        '--body',
        'Hi #CUSTOMER#,\\nyour order #ORDER_NUMBER#',
      ],
      { env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^bxsup: template greeting \(en\): unknown placeholder #CUSTOMER#: use one of #CUSTOMER_NAME#, /,
    );
  });

  it('bxsup templates add, list, render, edit and remove', async () => {
    const add = await runCli(
      [
        'templates',
        'add',
        'greeting',
        '--language',
        'en',
        '--title',
        'Greeting',
        '--body',
        'Hi #CUSTOMER_NAME#,\\nyour ticket #TICKET_NUMBER#.',
      ],
      { env },
    );
    expect(add.code).toBe(0);
    const list = await runCli(['templates', 'list', '--language', 'en'], { env });
    expect(list.stdout).toContain('greeting             en  active    Greeting');
    const render = await runCli(
      ['templates', 'render', 'greeting', '--ticket', String(FIXTURE.tickets.answered.id)],
      { env },
    );
    expect(render.stdout).toBe('Hi John,\nyour ticket SUP-20240311-0001.\n');
    const edit = await runCli(['templates', 'edit', 'greeting', '--language', 'en', '--inactive'], { env });
    expect(edit.code).toBe(0);
    expect((await runCli(['templates', 'list', '--json'], { env })).stdout).toContain('"active": false');
    const remove = await runCli(['templates', 'remove', 'greeting'], { env });
    expect(remove.stdout).toMatch(/^removed 1 version\(s\) of greeting/);
  });

  it('bxsup templates publish --dry-run prints the statements and publishes nothing', async () => {
    const result = await runCli(['templates', 'publish', '--dry-run'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "INSERT INTO b_ticket_dictionary (FIRST_SITE_ID, C_TYPE, SID, SET_AS_DEFAULT, C_SORT, NAME, DESCR, RESPONSIBLE_USER_ID) VALUES ('s1', 'F', 'bxsup_need_details'",
    );
    expect(result.stdout).toContain('would add: site s2: resolved');
    expect(
      await t.db('b_ticket_dictionary').where('SID', 'like', 'bxsup%').count<{ n: number }[]>({ n: '*' }),
    ).toEqual([{ n: 0 }]);
  });
});

/**
 * The database refuses the 'sent' marks while mails are still going out: the pass stops taking rows,
 * gives back what it had not sent, and ends with the error as one line (the mails that went out stay
 * 'sending' until their claim lapses, never resent at once), not a crash on a mark that failed before
 * the pass came to wait for it.
 */
describe('bxsup mail --once when the sent marks fail', () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await installedSite();
    dir = await mkdtemp(path.join(tmpdir(), 'bxsup-mail-'));
    await writeFile(
      path.join(dir, 'bxsup.config.json'),
      JSON.stringify({
        site: { timeZone: 'Europe/Moscow' },
        mail: { transport: 'files', dir: path.join(dir, 'out'), concurrency: 1 },
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.drop();
  });

  it('stops sending, gives back the unsent rows, and reports the lost marks in one line', async () => {
    for (let i = 1; i <= 12; i++)
      await queueEvent(t, {
        eventKey: `created:9:${i}`,
        eventType: 'SUPPORT_TICKET_CREATED',
        ticketId: FIXTURE.tickets.openNoReply.id,
      });
    await t.db.raw(
      `CREATE TRIGGER refuse_sent BEFORE UPDATE ON bl_support_outbox FOR EACH ROW
       IF NEW.state = 'sent' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox write refused'; END IF`,
    );
    const result = await runCli(['mail', '--once'], {
      env: { BXSUP_DB_URL: t.url, BXSUP_CONFIG: path.join(dir, 'bxsup.config.json') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^bxsup: \d+ mail\(s\) went out but their 'sent' mark could not be written \(database error ER_SIGNAL_EXCEPTION: outbox write refused\): they will be sent again once their claim lapses$/,
      ),
    ]);
    const written = (await readdir(path.join(dir, 'out'))).length;
    // It stopped taking rows once the marks failed: not all twelve went out.
    expect(written).toBeLessThan(12);
    const rows = await t.db('bl_support_outbox').select('state', 'attempts');
    // What went out waits, claimed, for its lease to lapse; what did not go out is back in the queue
    // with its attempt returned.
    expect(rows.filter((r) => r.state === 'sending')).toHaveLength(written);
    expect(rows.filter((r) => r.state === 'pending')).toHaveLength(12 - written);
    expect(rows.filter((r) => r.state === 'pending').every((r) => r.attempts === 0)).toBe(true);
  });
});
