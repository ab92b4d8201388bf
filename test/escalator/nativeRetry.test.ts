import { FIXTURE } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { FixtureShape } from '../../fixtures/seed';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { escalations, escalationSite, logLines, msk, Site } from './agentHarness';

/**
 * An escalation whose transaction fails after its native write: on InnoDB the write is rolled back with
 * ours, on MyISAM (old installs) it stays. Either way the next pass must leave the ticket one step up with
 * one log line, not raise it a second time: the effect is recorded before it is made, and made again only
 * where the ticket still holds what it held.
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;
const CONFIG = {
  escalation: {
    levels: [{ name: 'breach', on: 'breach' as const, raisePriority: true, notify: ['supervisor' as const] }],
  },
};

describe.each<[FixtureShape, string]>([
  ['cp1251-myisam', 'MyISAM'],
  ['utf8mb3-innodb', 'InnoDB'],
])('a failed escalation pass on %s native tables (%s)', (shape) => {
  let site: Site;
  let id: number;
  beforeAll(async () => {
    site = await escalationSite(CONFIG, { shape });
    await site.sync(new Date(REFERENCE_TIME));
    await site.pass(new Date(REFERENCE_TIME));
    id = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Не работает оплата',
      message: 'Карта не проходит',
      categoryId: D.category.s1.payment,
      criticalityId: D.criticality.s1.low,
      at: msk('2024-03-12 11:00:00'),
    });
    await site.sync(msk('2024-03-12 11:00:01'));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('the first attempt fails after the raise; the retry finishes it without a second raise', async () => {
    // Low: first reply due after 1440 working minutes (24/7): breached a day later.
    const breach = msk('2024-03-13 11:30:00');
    await site.t.db.raw(
      `CREATE TRIGGER refuse_breach BEFORE INSERT ON bl_support_escalation FOR EACH ROW BEGIN IF NEW.ticket_id = ${id} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure after the native write'; END IF; END`,
    );
    const failed = await site.pass(breach);
    expect(failed.failed).toBe(1);
    const afterFailure = await site.t.db('b_ticket').where('ID', id).first('CRITICALITY_ID');
    const engine = (
      await site.t
        .db('information_schema.TABLES')
        .where({ TABLE_SCHEMA: site.t.name, TABLE_NAME: 'b_ticket' })
        .first('ENGINE')
    ).ENGINE;
    // MyISAM kept the raise and its log line; InnoDB rolled both back.
    expect(afterFailure.CRITICALITY_ID).toBe(
      engine === 'MyISAM' ? D.criticality.s1.middle : D.criticality.s1.low,
    );
    expect(await logLines(site.t, id)).toHaveLength(engine === 'MyISAM' ? 1 : 0);
    expect(await escalations(site.t, id)).toEqual([]);

    await site.t.db.raw('DROP TRIGGER refuse_breach');
    const retried = await site.pass(new Date(breach.getTime() + 60_000));
    expect(retried.failed).toBe(0);
    expect(await site.t.db('b_ticket').where('ID', id).first('CRITICALITY_ID')).toEqual({
      CRITICALITY_ID: D.criticality.s1.middle,
    });
    const lines = await logLines(site.t, id);
    expect(lines).toHaveLength(1);
    expect(lines[0].MESSAGE).toContain('критичность: Средняя');
    expect((await escalations(site.t, id)).map((e) => [e.target, e.level, e.outcome])).toEqual([
      ['first_reply', 'breach', 'applied'],
    ]);
    expect(await site.t.db('bl_support_native_intent').count({ n: '*' })).toEqual([{ n: 0 }]);
    // Written as the module writes its log lines: no author, OWNER_SID '', no side.
    const row = await site.t
      .db('b_ticket_message')
      .where({ TICKET_ID: id, CREATED_MODULE_NAME: 'bxsup' })
      .first('OWNER_USER_ID', 'OWNER_SID', 'MESSAGE_BY_SUPPORT_TEAM', 'CREATED_USER_ID');
    expect(row).toEqual({
      OWNER_USER_ID: null,
      OWNER_SID: '',
      MESSAGE_BY_SUPPORT_TEAM: null,
      CREATED_USER_ID: null,
    });
  });
});

describe('a breach on the top of the stock criticalities (Low/Middle/High)', () => {
  let site: Site;
  let id: number;
  beforeAll(async () => {
    site = await escalationSite({
      escalation: {
        levels: [
          {
            name: 'breach',
            on: 'breach' as const,
            raisePriority: true,
            reassign: 'supervisor' as const,
            notify: ['supervisor' as const],
          },
        ],
      },
    });
    await site.sync(new Date(REFERENCE_TIME));
    await site.pass(new Date(REFERENCE_TIME));
    id = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Списали деньги дважды',
      message: 'Верните, пожалуйста',
      criticalityId: D.criticality.s1.high,
      at: msk('2024-03-12 11:00:00'),
    });
    await site.sync(msk('2024-03-12 11:00:01'));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('does its other actions and says the priority is already at the top', async () => {
    // High: first reply due 240 minutes later.
    const result = await site.pass(msk('2024-03-12 15:30:00'));
    expect(result.failed).toBe(0);
    const native = await site.t.db('b_ticket').where('ID', id).first('CRITICALITY_ID', 'RESPONSIBLE_USER_ID');
    expect(native).toEqual({ CRITICALITY_ID: D.criticality.s1.high, RESPONSIBLE_USER_ID: U.supervisor });
    const [line] = await logLines(site.t, id);
    expect(line.MESSAGE).toBe(
      '<li>ответственный: [5] Анна Волкова [техподдержка]<li>критичность уже наивысшая (Высокая)<li>причина: SLA: просрочен срок первого ответа (уровень «breach»)',
    );
    const [escalation] = await site.t
      .db('bl_support_escalation')
      .where({ ticket_id: id, level: 'breach' })
      .pluck('actions');
    expect(JSON.parse(escalation)).toMatchObject({
      raisedTo: null,
      reassignedTo: U.supervisor,
      note: 'already at the highest criticality',
    });
  });
});
