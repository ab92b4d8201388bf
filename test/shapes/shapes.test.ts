import { FixedClock } from '../../core/clock';
import { validateConfig } from '../../config/config';
import { createAgentContext } from '../../escalator/agent/context';
import { runEscalationPass } from '../../escalator/agent/pass';
import { addMessage, createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE, FIXTURE_SHAPES, FixtureShape, loadBitrixFixture } from '../../fixtures/seed';
import { mailOnce } from '../../mail/mailOnce';
import { createMailDeps } from '../../mail/mailSetup';
import { runInstall } from '../../install/install';
import { executingRunner } from '../../core/sqlRunner';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { runPhp } from '../helpers/php';
import { startSink, SmtpSink } from '../mail/helpers/smtpSink';
import { memoryLogger, msk, syncDeps } from '../sync/harness';
import { rawRows } from '../../core/rawRows';

/**
 * The real shapes bxsup meets (fixtures/bitrixSchema.ts): a utf8mb3/InnoDB site, an old cp1251/MyISAM
 * one, the main-18 schema. Each gets the same story, run through the code the daemon runs (the sync
 * pass, the escalation pass, the mail sender): install, backfill, a new ticket and a reply, a breach a
 * day later, and mails by SMTP and by Bitrix's own queue. Chosen over running every suite three times:
 * the other suites run on the default shape, this one walks the paths that depend on the shape
 * (charsets, engines, missing columns) on all three, and keeps `npm test` short.
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;
const CONFIG = {
  site: { timeZone: FIXTURE_ZONE },
  escalation: {
    levels: [{ name: 'breach', on: 'breach' as const, raisePriority: true, notify: ['supervisor' as const] }],
  },
};

describe.each<FixtureShape>(['utf8mb3-innodb', 'cp1251-myisam', 'main18'])('a %s site', (shape) => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let live: number;
  let reply: number;

  beforeAll(async () => {
    t = await createTestDatabase(FIXTURE_SHAPES[shape]);
    await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE, shape });
    const report = await runInstall(
      {
        db: t.db,
        target: t.target,
        runner: executingRunner(t.db),
        now: new Date(REFERENCE_TIME),
        onStep: () => undefined,
      },
      { dryRun: false, seedDictionaries: false },
    );
    expect(report.changed).toBe(true);
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  it('installs, with what the shape needs said', async () => {
    const report = await runInstall(
      {
        db: t.db,
        target: t.target,
        runner: executingRunner(t.db),
        now: new Date(REFERENCE_TIME),
        onStep: () => undefined,
      },
      { dryRun: false, seedDictionaries: false },
    );
    expect(report.changed).toBe(false);
    const warned = report.warnings.join('\n');
    if (shape === 'cp1251-myisam')
      expect(warned).toMatch(/native tables without transactions: b_event \(MyISAM\), b_ticket \(MyISAM\)/);
    if (shape === 'main18') expect(warned).toMatch(/b_event_type without EVENT_TYPE/);
    if (shape === 'utf8mb3-innodb') expect(warned).toBe('');
    expect(
      await t.db('b_event_type').where('EVENT_NAME', 'SUPPORT_TICKET_CREATED').count({ n: '*' }),
    ).toEqual([{ n: 2 }]);
  });

  it('the sync mirrors the history, then a new ticket and a reply with their events', async () => {
    const first = await syncOnce(syncDeps(t, { config: CONFIG }));
    expect(first.tickets).toBe(11);
    const linked = await t
      .db('bl_support_ticket')
      .where('id', FIXTURE.tickets.orderInTitle.id)
      .first('order_id', 'subject');
    expect(linked.order_id).toBe(FIXTURE.orders.mariaTemplated.id);
    expect(linked.subject).toBe(FIXTURE.expect.cyrillicText);
    live = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Где заказ №2024-0042?',
      message: 'Посылка не пришла',
      criticalityId: D.criticality.s1.low,
      at: msk('2024-03-12 11:00:00'),
    });
    reply = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: live,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Мария, ваш трек-номер #TRACKING_NUMBER#',
      at: msk('2024-03-12 11:10:00'),
    });
    await syncOnce(syncDeps(t, { config: CONFIG, clock: new FixedClock(msk('2024-03-12 11:11:00')) }));
    const events = await t.db('bl_support_outbox').where('ticket_id', live).orderBy('id').pluck('event_key');
    expect(events).toEqual([`created:${live}`, `reply:${reply}`]);
    expect(await t.db('bl_support_ticket').where('id', live).first('order_id', 'number')).toEqual({
      order_id: FIXTURE.orders.mariaTemplated.id,
      number: expect.stringMatching(/^SUP-20240312-\d{4}$/),
    });
  });

  it('mails them over SMTP, readable on every charset, placeholders filled in the native message', async () => {
    const config = validateConfig({ ...CONFIG, mail: { smtpUrl: sink.url } });
    const deps = await createMailDeps({
      db: t.db,
      config,
      logger: memoryLogger().logger,
      clock: new FixedClock(msk('2024-03-12 11:12:00')),
    });
    try {
      expect(await mailOnce(deps)).toMatchObject({ sent: 2, dead: 0 });
    } finally {
      await deps.transport.close();
    }
    const mails = sink.to('maria.ivanova@example.ru');
    expect(mails.map((m) => m.parsed.subject)).toEqual([
      expect.stringContaining('Где заказ №2024-0042?'),
      expect.stringContaining('Где заказ №2024-0042?'),
    ]);
    expect(mails[1].parsed.text).toContain(`ваш трек-номер ${FIXTURE.orders.mariaTemplated.tracking}`);
    const native = await t.db('b_ticket_message').where('ID', reply).first('MESSAGE');
    expect(native.MESSAGE).toBe(`Мария, ваш трек-номер ${FIXTURE.orders.mariaTemplated.tracking}`);
  });

  it('an escalation a day later raises the criticality once, with a log line in the site charset', async () => {
    const agent = await createAgentContext({
      db: t.db,
      target: t.target,
      logger: memoryLogger().logger,
      config: validateConfig(CONFIG),
    });
    await runEscalationPass(agent, new Date(REFERENCE_TIME));
    const breach = msk('2024-03-13 11:30:00');
    // Low: first reply 1440 minutes, but Olga replied: the resolution (5760) is not due yet. A new
    // unanswered Low ticket from the same morning breaches its first reply.
    const waiting = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerAlexey,
      title: 'Не работает оплата',
      message: 'Карта не проходит',
      criticalityId: D.criticality.s1.low,
      at: msk('2024-03-12 11:05:00'),
    });
    await syncOnce(syncDeps(t, { config: CONFIG, clock: new FixedClock(msk('2024-03-12 11:20:00')) }));
    const result = await runEscalationPass(agent, breach);
    expect(result.failed).toBe(0);
    expect(await t.db('b_ticket').where('ID', waiting).first('CRITICALITY_ID')).toEqual({
      CRITICALITY_ID: D.criticality.s1.middle,
    });
    const lines = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: waiting, CREATED_MODULE_NAME: 'bxsup' })
      .pluck('MESSAGE');
    expect(lines).toEqual([
      '<li>критичность: Средняя<li>причина: SLA: просрочен срок первого ответа (уровень «breach»)',
    ]);
    // A second pass does nothing more.
    await runEscalationPass(agent, new Date(breach.getTime() + 60_000));
    expect(await t.db('b_ticket').where('ID', waiting).first('CRITICALITY_ID')).toEqual({
      CRITICALITY_ID: D.criticality.s1.middle,
    });
    expect(
      await t
        .db('bl_support_outbox')
        .where('event_type', 'SUPPORT_SLA_BREACH')
        .where('ticket_id', waiting)
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it("through Bitrix's queue: b_event rows PHP's own unserialize() reads, in the site's language", async () => {
    await t
      .db('bl_support_outbox')
      .where('event_type', 'SUPPORT_SLA_BREACH')
      .update({ state: 'pending', attempts: 0 });
    const config = validateConfig({ ...CONFIG, mail: { transport: 'bitrix' } });
    const deps = await createMailDeps({
      db: t.db,
      config,
      logger: memoryLogger().logger,
      clock: new FixedClock(msk('2024-03-13 11:40:00')),
    });
    expect((await mailOnce(deps)).sent).toBeGreaterThanOrEqual(1);
    const language = shape === 'main18' ? 'NULL' : 'LANGUAGE_ID';
    const rows = await rawRows<{ hex: string; LID: string; lang: string | null }>(
      t.db,
      `SELECT HEX(C_FIELDS) AS hex, LID, ${language} AS lang FROM b_event WHERE EVENT_NAME = 'SUPPORT_SLA_BREACH' ORDER BY ID`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const charset = shape === 'cp1251-myisam' ? 'windows-1251' : 'utf-8';
    const reasons = new Map<string, string>();
    for (const row of rows) {
      // Each row in its site's language, the one our template of that site has (none on main 18).
      expect(row.lang).toBe(shape === 'main18' ? null : FIXTURE.sites[row.LID as 's1' | 's2'].languageId);
      const out = runPhp(
        '$a = unserialize(stream_get_contents(STDIN)); echo $a === false ? "FAILED" : bin2hex($a["SLA_REASON"]);',
        Buffer.from(row.hex, 'hex'),
      );
      expect(out).not.toBe('FAILED');
      reasons.set(row.LID, new TextDecoder(charset).decode(Buffer.from(out, 'hex')));
    }
    expect(reasons.get('s1')).toBe('SLA: просрочен срок первого ответа (уровень «breach»)');
  });
});
