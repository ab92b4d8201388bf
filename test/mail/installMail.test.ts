import { bitrixCacheOf } from '../../bridge/bitrixCache';
import { loadBitrixFixture } from '../../fixtures/seed';
import { runInstall } from '../../install/install';
import { executingRunner, recordingRunner } from '../../core/sqlRunner';
import { runUninstall } from '../../install/uninstall';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { createTestDatabase, TestDatabase } from '../helpers/db';

/**
 * What the installer changes for mail in Bitrix: our event types and default templates (for the bitrix
 * transport), and with --take-over-customer-mail the overlapping native customer mails switched off.
 * Uninstall puts the mail tables back exactly as they were.
 */
describe('installer: Bitrix mail events and the take-over of customer mail', () => {
  let t: TestDatabase;
  let before: string;
  const mailTables = async (): Promise<string> => {
    const parts: string[] = [];
    for (const table of ['b_event_type', 'b_event_message', 'b_event_message_site']) {
      const rows = await t.db(table).select('*');
      parts.push(...rows.map((r) => `${table}: ${JSON.stringify(r)}`).sort());
    }
    return parts.join('\n');
  };
  const install = (
    takeOverCustomerMail: boolean,
    dryRun = false,
    print: (s: string) => void = () => undefined,
  ) =>
    runInstall(
      {
        db: t.db,
        target: t.target,
        runner: dryRun ? recordingRunner(t.db, print) : executingRunner(t.db),
        now: referenceClock().now(),
        onStep: () => undefined,
      },
      { dryRun, seedDictionaries: false, takeOverCustomerMail },
    );
  const active = async (event: string) =>
    t.db('b_event_message').where('EVENT_NAME', event).orderBy('LID').pluck('ACTIVE');

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE });
    // An admin had already switched one overlapping template off: it must stay off after uninstall.
    await t
      .db('b_event_message')
      .where({ EVENT_NAME: 'TICKET_CHANGE_BY_SUPPORT_FOR_AUTHOR', LID: 's2' })
      .update({ ACTIVE: 'N' });
    before = await mailTables();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a dry run prints the mail statements and changes nothing', async () => {
    const lines: string[] = [];
    await install(true, true, (s) => lines.push(s));
    const text = lines.join('\n');
    expect(text).toContain(
      "INSERT INTO b_event_type (LID, EVENT_NAME, NAME, DESCRIPTION, SORT, EVENT_TYPE) VALUES ('ru', 'SUPPORT_TICKET_CREATED'",
    );
    expect(text).toContain('INSERT INTO b_event_message (EVENT_NAME, LID, ACTIVE');
    expect(text).toContain("UPDATE b_event_message SET ACTIVE = 'N', TIMESTAMP_X = TIMESTAMP_X WHERE ID = ");
    expect(text).toContain('INSERT IGNORE INTO bl_support_templates');
    expect(await mailTables()).toBe(before);
  });

  it('registers our six event types per site language and a template per site, without touching native mails', async () => {
    await install(false);
    const types = await t
      .db('b_event_type')
      .where('EVENT_NAME', 'like', 'SUPPORT\\_%')
      .orderBy(['LID', 'EVENT_NAME'])
      .select('LID', 'EVENT_NAME', 'NAME');
    expect(types.map((r) => `${r.LID} ${r.EVENT_NAME}`)).toEqual([
      'en SUPPORT_SLA_BREACH',
      'en SUPPORT_SLA_DIGEST',
      'en SUPPORT_SLA_WARNING',
      'en SUPPORT_TICKET_CLOSED',
      'en SUPPORT_TICKET_CREATED',
      'en SUPPORT_TICKET_REPLY',
      'ru SUPPORT_SLA_BREACH',
      'ru SUPPORT_SLA_DIGEST',
      'ru SUPPORT_SLA_WARNING',
      'ru SUPPORT_TICKET_CLOSED',
      'ru SUPPORT_TICKET_CREATED',
      'ru SUPPORT_TICKET_REPLY',
    ]);
    const created = await t
      .db('b_event_message as m')
      .join('b_event_message_site as s', 's.EVENT_MESSAGE_ID', 'm.ID')
      .where('m.EVENT_NAME', 'SUPPORT_TICKET_CREATED')
      .orderBy('m.LID')
      .select('m.LID', 's.SITE_ID', 'm.ACTIVE', 'm.EMAIL_TO', 'm.SUBJECT', 'm.IN_REPLY_TO', 'm.LANGUAGE_ID');
    expect(created).toEqual([
      {
        LID: 's1',
        SITE_ID: 's1',
        ACTIVE: 'Y',
        EMAIL_TO: '#EMAIL_TO#',
        SUBJECT: '[№ #TICKET_NUMBER#] Обращение принято: #TICKET_TITLE#',
        IN_REPLY_TO: '#IN_REPLY_TO#',
        LANGUAGE_ID: 'ru',
      },
      {
        LID: 's2',
        SITE_ID: 's2',
        ACTIVE: 'Y',
        EMAIL_TO: '#EMAIL_TO#',
        SUBJECT: '[Ticket #TICKET_NUMBER#] We have received your request: #TICKET_TITLE#',
        IN_REPLY_TO: '#IN_REPLY_TO#',
        LANGUAGE_ID: 'en',
      },
    ]);
    expect(await active('TICKET_NEW_FOR_AUTHOR')).toEqual(['Y', 'Y']);
    const journal = await t
      .db('bl_support_native_change')
      .whereIn('kind', ['event_type', 'event_message'])
      .count<{ n: number }[]>({ n: '*' });
    expect(Number(journal[0].n)).toBe(24);
  });

  it('--take-over-customer-mail switches off the active overlapping templates only, journaling each first', async () => {
    await install(true);
    expect(await active('TICKET_NEW_FOR_AUTHOR')).toEqual(['N', 'N']);
    expect(await active('TICKET_CHANGE_BY_SUPPORT_FOR_AUTHOR')).toEqual(['N', 'N']);
    expect(await active('TICKET_NEW_FOR_TECHSUPPORT')).toEqual(['Y', 'Y']);
    const journal = await t
      .db('bl_support_native_change')
      .where('kind', 'native_template_off')
      .orderBy('id')
      .select('target', 'detail');
    expect(journal).toHaveLength(3); // not the s2 template that was off already
    expect(JSON.parse(journal[0].detail)).toMatchObject({
      eventName: 'TICKET_NEW_FOR_AUTHOR',
      siteId: 's1',
      previousActive: 'Y',
    });
  });

  it('uninstall restores the mail tables exactly', async () => {
    const report = await runUninstall(
      {
        db: t.db,
        target: t.target,
        runner: executingRunner(t.db),
        cache: bitrixCacheOf(undefined),
        now: referenceClock().now(),
      },
      { purge: false },
    );
    expect(report.removed).toEqual(
      expect.arrayContaining([
        "switch-off of native mail TICKET_NEW_FOR_AUTHOR (ID 1): ACTIVE back to 'Y'",
        'mail event type SUPPORT_TICKET_REPLY (ru)',
        'mail template SUPPORT_SLA_DIGEST (site s2)',
      ]),
    );
    expect(await mailTables()).toBe(before);
  });
});
