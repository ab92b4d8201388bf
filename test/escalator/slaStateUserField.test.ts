import { FIXTURE } from '../../fixtures/seed';
import { addMessage, closeTicket, createTicket } from '../../fixtures/nativeWriter';
import { runCli } from '../helpers/cli';
import { FIXTURE_ZONE } from '../helpers/clock';
import { escalationSite, msk, Site } from './agentHarness';

/**
 * UF_SLA_STATE, the field operators filter and sort by in the Bitrix admin list: registered as an
 * enumeration the list can filter, and kept current by the daemon as time passes and the ticket moves,
 * also with a configuration that has no warning level.
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;

describe('UF_SLA_STATE in the admin list', () => {
  let site: Site;
  let ids: Map<string, number>;
  let ticket: number;

  beforeAll(async () => {
    site = await escalationSite({
      escalation: { levels: [{ name: 'breach', on: 'breach', notify: ['supervisor'] }] },
    });
    const values = await site.t
      .db('b_user_field_enum')
      .where('USER_FIELD_ID', await stateFieldId())
      .orderBy('ID');
    ids = new Map(values.map((v) => [v.XML_ID as string, Number(v.ID)]));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  /** b_user_field.ID of UF_SLA_STATE (its values' USER_FIELD_ID). */
  const stateFieldId = async (): Promise<number> => {
    const field = await site.t
      .db('b_user_field')
      .where({ ENTITY_ID: 'SUPPORT', FIELD_NAME: 'UF_SLA_STATE' })
      .first('ID');
    return Number(field.ID);
  };

  const stateOf = async (id: number): Promise<string | undefined> => {
    const row = await site.t.db('b_uts_support').where('VALUE_ID', id).first('UF_SLA_STATE');
    return [...ids].find(([, value]) => value === Number(row?.UF_SLA_STATE))?.[0];
  };

  it('is an enumeration the list shows, filters exactly and never posts back, with ru/en labels', async () => {
    const fields = await site.t
      .db('b_user_field')
      .where('ENTITY_ID', 'SUPPORT')
      .orderBy('SORT')
      .select('FIELD_NAME', 'USER_TYPE_ID', 'SHOW_FILTER', 'SHOW_IN_LIST', 'EDIT_IN_LIST', 'SETTINGS', 'ID');
    expect(
      fields.map((f) => [f.FIELD_NAME, f.USER_TYPE_ID, f.SHOW_FILTER, f.SHOW_IN_LIST, f.EDIT_IN_LIST]),
    ).toEqual([
      ['UF_ORDER_ID', 'integer', 'I', 'Y', 'Y'],
      ['UF_SLA_STATE', 'enumeration', 'I', 'Y', 'N'],
      ['UF_SLA_DEADLINE', 'datetime', 'N', 'Y', 'N'],
      ['UF_TICKET_NUMBER', 'string', 'S', 'Y', 'N'],
    ]);
    const state = fields[1];
    expect(state.SETTINGS).toBe(
      'a:4:{s:7:"DISPLAY";s:4:"LIST";s:11:"LIST_HEIGHT";i:1;s:16:"CAPTION_NO_VALUE";s:0:"";s:13:"SHOW_NO_VALUE";s:1:"Y";}',
    );
    const labels = await site.t
      .db('b_user_field_lang')
      .where('USER_FIELD_ID', state.ID)
      .orderBy('LANGUAGE_ID');
    expect(labels.map((l) => [l.LANGUAGE_ID, l.EDIT_FORM_LABEL, l.LIST_FILTER_LABEL])).toEqual([
      ['en', 'SLA state', 'SLA'],
      ['ru', 'Состояние SLA', 'SLA'],
    ]);
    // The values in the default site's language (s1 is Russian), in the order of urgency.
    const values = await site.t.db('b_user_field_enum').where('USER_FIELD_ID', state.ID).orderBy('ID');
    expect(values.map((v) => [v.XML_ID, v.VALUE, v.DEF])).toEqual([
      ['breached', 'просрочено', 'N'],
      ['warning', 'скоро срок', 'N'],
      ['on_time', 'в срок', 'N'],
      ['paused', 'на паузе', 'N'],
      ['met', 'выполнено', 'N'],
    ]);
    const column = await site.t
      .db('information_schema.COLUMNS')
      .where({ TABLE_SCHEMA: site.t.name, TABLE_NAME: 'b_uts_support', COLUMN_NAME: 'UF_SLA_STATE' })
      .first('COLUMN_TYPE');
    expect(column.COLUMN_TYPE).toBe('int(18)');
  });

  it('follows a ticket: on time, warning (without a warning level), breached, then the next target, then closed', async () => {
    const created = msk('2024-03-12 11:00:00');
    ticket = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Где мой заказ?',
      message: 'Заказ не пришёл',
      categoryId: D.category.s1.bugs,
      criticalityId: D.criticality.s1.middle,
      at: created,
    });
    await site.sync(created);
    expect(await stateOf(ticket)).toBe('on_time');
    // Normal priority: first reply in 480 minutes (19:00), warning at 80% (17:24). The agent is due then.
    const row = await site.t.db('bl_support_ticket').where('id', ticket).first('next_due_at');
    expect(new Date(`${row.next_due_at.replace(' ', 'T')}Z`)).toEqual(msk('2024-03-12 17:24:00'));

    await site.pass(msk('2024-03-12 17:30:00'));
    expect(await stateOf(ticket)).toBe('warning');
    await site.pass(msk('2024-03-12 19:05:00'));
    expect(await stateOf(ticket)).toBe('breached');
    // What the admin list's filter asks for ("=UF_SLA_STATE" = breached) finds it.
    const breached = await site.t
      .db('b_uts_support')
      .where('UF_SLA_STATE', ids.get('breached'))
      .pluck('VALUE_ID');
    expect(breached).toContain(ticket);

    await addMessage(site.t.db, FIXTURE_ZONE, {
      ticketId: ticket,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Проверяем',
      at: msk('2024-03-12 19:10:00'),
    });
    await site.sync(msk('2024-03-12 19:11:00'));
    // Answered: the resolution deadline (two days) is the one in force now.
    expect(await stateOf(ticket)).toBe('on_time');

    await closeTicket(site.t.db, FIXTURE_ZONE, {
      ticketId: ticket,
      byUserId: U.operatorOlga,
      bySupport: true,
      at: msk('2024-03-12 20:00:00'),
    });
    await site.sync(msk('2024-03-12 20:01:00'));
    // The first reply came late: the closed ticket did not meet its SLA.
    expect(await stateOf(ticket)).toBe('breached');
  });

  it('a form that overwrote it gets the computed value back', async () => {
    await site.t
      .db('b_uts_support')
      .where('VALUE_ID', ticket)
      .update({ UF_SLA_STATE: ids.get('met') });
    await site.sync(msk('2024-03-12 20:05:00'), { reconcile: 'full' });
    await site.pass(msk('2024-03-12 20:06:00'));
    expect(await stateOf(ticket)).toBe('breached');
  });

  it('a list deleted and added again in the field settings (new value IDs): every ticket, closed ones too, shows its state again', async () => {
    // An open ticket beside the closed one, its state written (on time) and not changing at the next pass.
    const open = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Вопрос по доставке',
      message: 'Когда привезут?',
      categoryId: D.category.s1.bugs,
      criticalityId: D.criticality.s1.middle,
      at: msk('2024-03-12 20:10:00'),
    });
    await site.sync(msk('2024-03-12 20:11:00'));
    await site.pass(msk('2024-03-12 20:12:00'));
    expect(await stateOf(open)).toBe('on_time');
    expect(await stateOf(ticket)).toBe('breached');

    // An admin deletes the values in the field's settings and adds them again with their XML_IDs (typed
    // there, or added back by `bxsup install`): the same texts and XML_IDs in new rows, with new IDs.
    // As on the real module (CUserFieldEnum::SetEnumValues, two saves: an XML_ID still in the list is
    // refused), deleting the values leaves the tickets' b_uts_support values as they were.
    const fieldId = await stateFieldId();
    const withState = await site.t.db('b_uts_support').whereNotNull('UF_SLA_STATE').pluck('VALUE_ID');
    const before = await site.t.db('b_user_field_enum').where('USER_FIELD_ID', fieldId).orderBy('ID');
    await site.t.db('b_user_field_enum').where('USER_FIELD_ID', fieldId).delete();
    await site.t
      .db('b_user_field_enum')
      .insert(before.map(({ ID: _id, ...value }) => value as Record<string, unknown>));
    const after = await site.t.db('b_user_field_enum').where('USER_FIELD_ID', fieldId).orderBy('ID');
    ids = new Map(after.map((v) => [v.XML_ID as string, Number(v.ID)]));
    expect(Math.min(...ids.values())).toBeGreaterThan(Math.max(...before.map((v) => Number(v.ID))));
    // The old IDs are no value of the list now: the admin list shows no state for either ticket.
    expect(await stateOf(open)).toBeUndefined();
    expect(await stateOf(ticket)).toBeUndefined();

    await site.pass(msk('2024-03-12 20:13:00'));
    expect(await stateOf(open)).toBe('on_time');
    expect(await stateOf(ticket)).toBe('breached');
    // Every ticket the daemon had written a state for (the fixture's too) holds a value of the list again.
    const unknown = await site.t
      .db('b_uts_support')
      .whereIn('VALUE_ID', withState)
      .where((q) => q.whereNull('UF_SLA_STATE').orWhereNotIn('UF_SLA_STATE', [...ids.values()]))
      .pluck('VALUE_ID');
    expect(unknown).toEqual([]);
    expect(site.logLines().join('\n')).toContain(
      `the UF_SLA_STATE list has new value IDs: the state of ${withState.length} ticket(s) is written again`,
    );

    // With the list unchanged, a pass does not read b_uts_support for it again.
    const sent: string[] = [];
    const listen = (q: { sql: string }) => sent.push(q.sql);
    site.t.db.on('query', listen);
    try {
      await site.pass(msk('2024-03-12 20:14:00'));
    } finally {
      site.t.db.off('query', listen);
    }
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((sql) => /FROM b_uts_support WHERE VALUE_ID >/.test(sql))).toEqual([]);
    expect(await stateOf(ticket)).toBe('breached');
  });

  it('values deleted in the settings (the tickets show no state meanwhile) and added back by `bxsup install`: the states come back', async () => {
    const fieldId = await stateFieldId();
    await site.t.db('b_user_field_enum').where('USER_FIELD_ID', fieldId).delete();
    // A pass with an empty list writes no state (no value to point to).
    await site.pass(msk('2024-03-12 20:15:00'));
    const blank = await site.t.db('b_uts_support').where('VALUE_ID', ticket).first('UF_SLA_STATE');
    expect(blank.UF_SLA_STATE).toBeNull();

    const result = await runCli(['install', '--db', site.t.url, '--yes']);
    expect(result.code).toBe(0);
    const values = await site.t.db('b_user_field_enum').where('USER_FIELD_ID', fieldId).orderBy('ID');
    expect(values.map((v) => v.XML_ID)).toEqual(['breached', 'warning', 'on_time', 'paused', 'met']);
    ids = new Map(values.map((v) => [v.XML_ID as string, Number(v.ID)]));

    await site.pass(msk('2024-03-12 20:16:00'));
    expect(await stateOf(ticket)).toBe('breached');
  });

  it('uninstall removes the field with its values', async () => {
    const result = await runCli(['uninstall', '--db', site.t.url, '--yes']);
    expect(result.code).toBe(0);
    expect(await site.t.db('b_user_field').where('FIELD_NAME', 'UF_SLA_STATE').first()).toBeUndefined();
    expect(await site.t.db('b_user_field_enum').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
