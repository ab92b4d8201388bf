import { DateTime } from 'luxon';
import { instantToNative, nativeToInstant } from '../core/time';
import { BITRIX_TABLE_NAMES, createBitrixTables } from '../fixtures/bitrixSchema';
import { generateTickets } from '../fixtures/generate';
import { autoCloseTicket } from '../fixtures/nativeWriter';
import { nativeDate } from '../fixtures/native/rows';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { createTestDatabase, TestDatabase } from './helpers/db';
import { FIXTURE_ZONE, REFERENCE_TIME } from './helpers/clock';

type TicketRow = Record<string, string | number | null>;

/** Checks the native module's invariants on every ticket: C_NUMBER 1..n, counters, last-message fields. */
async function inconsistentTickets(t: TestDatabase): Promise<unknown[]> {
  const [rows] = await t.db.raw(`
    SELECT t.ID FROM b_ticket t
    JOIN (SELECT TICKET_ID, COUNT(*) c, MIN(C_NUMBER) mn, MAX(C_NUMBER) mx, COUNT(DISTINCT C_NUMBER) d,
                 SUM(IS_LOG = 'N' AND IS_HIDDEN = 'N') visible,
                 MAX(IF(IS_LOG = 'N' AND IS_HIDDEN = 'N', DATE_CREATE, NULL)) last_visible
          FROM b_ticket_message GROUP BY TICKET_ID) m ON m.TICKET_ID = t.ID
    WHERE m.mn <> 1 OR m.mx <> m.c OR m.d <> m.c OR m.visible <> t.MESSAGES
       OR NOT (m.last_visible <=> t.LAST_MESSAGE_DATE)`);
  return rows as unknown[];
}

describe('the Bitrix-shaped fixture', () => {
  let t: TestDatabase;
  const ticket = async (id: number): Promise<TicketRow> => t.db('b_ticket').where({ ID: id }).first();

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE });
  });
  afterAll(async () => {
    await t?.drop();
  });

  test('creates every native table as utf8 (utf8mb3) InnoDB, with no foreign keys and no b_uts_support', async () => {
    const tables = await t
      .db('information_schema.TABLES')
      .where({ TABLE_SCHEMA: t.name })
      .select('TABLE_NAME as name', 'ENGINE as engine', 'TABLE_COLLATION as collation');
    expect(tables.map((r) => r.name).sort()).toEqual([...BITRIX_TABLE_NAMES].sort());
    for (const table of tables) {
      expect([table.name, table.engine]).toEqual([table.name, 'InnoDB']);
      expect([table.name, table.collation]).toEqual([
        table.name,
        expect.stringMatching(/^utf8(mb3)?_unicode_ci$/),
      ]);
    }
    const columns = await t
      .db('information_schema.COLUMNS')
      .where({ TABLE_SCHEMA: t.name })
      .whereNotNull('CHARACTER_SET_NAME')
      .distinct('CHARACTER_SET_NAME as charset');
    expect(columns.map((c) => c.charset)).toEqual([expect.stringMatching(/^utf8(mb3)?$/)]);
    const foreignKeys = await t
      .db('information_schema.REFERENTIAL_CONSTRAINTS')
      .where({ CONSTRAINT_SCHEMA: t.name });
    expect(foreignKeys).toEqual([]);
    expect(await t.db.schema.hasTable('b_uts_support')).toBe(false);
  });

  test('b_ticket has no index led by TIMESTAMP_X, only IX_OWNER_ID(OWNER_USER_ID, TIMESTAMP_X)', async () => {
    const stats = await t
      .db('information_schema.STATISTICS')
      .where({ TABLE_SCHEMA: t.name, TABLE_NAME: 'b_ticket' })
      .orderBy(['INDEX_NAME', 'SEQ_IN_INDEX'])
      .select('INDEX_NAME as name', 'COLUMN_NAME as column');
    const indexes: Record<string, string[]> = {};
    for (const s of stats) (indexes[s.name] ??= []).push(s.column);
    expect(indexes).toEqual({
      PRIMARY: ['ID'],
      IX_OWNER_ID: ['OWNER_USER_ID', 'TIMESTAMP_X'],
      IX_RESPONSIBLE_ID: ['RESPONSIBLE_USER_ID'],
    });
  });

  test('every ticket state is present, as FIXTURE describes it', async () => {
    const rows = (await t.db('b_ticket').orderBy('ID')) as TicketRow[];
    expect(rows.map((r) => r.ID)).toEqual(
      Object.values(FIXTURE.tickets)
        .map((x) => x.id)
        .sort((a, b) => a - b),
    );
    for (const [key, expected] of Object.entries(FIXTURE.tickets)) {
      const row = rows.find((r) => r.ID === expected.id)!;
      expect({
        key,
        site: row.SITE_ID,
        // A guest's ticket has OWNER_USER_ID 0, as the mail gateway writes it.
        owner: row.OWNER_USER_ID || null,
        messages: row.MESSAGES,
        last: row.LAST_MESSAGE_BY_SUPPORT_TEAM,
      }).toEqual({
        key,
        site: expected.siteId,
        owner: expected.ownerUserId,
        messages: expected.messages,
        last: expected.lastBySupport,
      });
      expect(nativeToInstant(row.DATE_CREATE as string, FIXTURE_ZONE)!.getTime()).toBeLessThan(
        Date.parse(REFERENCE_TIME),
      );
    }
    expect(rows.filter((r) => r.DATE_CLOSE === null).map((r) => r.ID)).toEqual(FIXTURE.expect.openTicketIds);
    expect(rows.filter((r) => r.DATE_CLOSE !== null).map((r) => r.ID)).toEqual(
      FIXTURE.expect.closedTicketIds,
    );

    const closed = await ticket(FIXTURE.tickets.closed.id);
    expect([closed.AUTO_CLOSED, closed.STATUS_ID]).toEqual([null, FIXTURE.dictionary.status.s1.solved]);
    const auto = await ticket(FIXTURE.tickets.autoClosed.id);
    expect([auto.AUTO_CLOSED, auto.MODIFIED_MODULE_NAME, auto.MODIFIED_USER_ID]).toEqual([
      'Y',
      'auto closing',
      null,
    ]);
    const afterAutoClose = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: auto.ID })
      .where('DATE_CREATE', '>=', auto.DATE_CLOSE as string);
    expect(afterAutoClose).toEqual([]);
    const reopened = await ticket(FIXTURE.tickets.reopened.id);
    // The real module resets REOPEN to 'N' in the call that reopens: b_ticket keeps no trace.
    expect([reopened.REOPEN, reopened.DATE_CLOSE, reopened.DEADLINE_SOURCE_DATE]).toEqual([
      'N',
      null,
      '2024-03-05 08:40:00',
    ]);
    const guest = await ticket(FIXTURE.tickets.guest.id);
    expect([guest.OWNER_USER_ID, guest.OWNER_SID, guest.CREATED_MODULE_NAME]).toEqual([
      0,
      FIXTURE.expect.guestSid,
      'mail',
    ]);
    const answered = await ticket(FIXTURE.tickets.answered.id);
    expect(answered.RESPONSIBLE_USER_ID).toBe(FIXTURE.users.operatorInactive);
    expect(answered.ID_1_USER_M_AFTER_SUP_M).not.toBeNull();
    // No responsible and no default one: the module writes 0, not NULL.
    expect((await ticket(FIXTURE.tickets.openNoReply.id)).RESPONSIBLE_USER_ID).toBe(0);
  });

  test('writes what the real module writes (seen with CTicket::Set and the public form on the harness)', async () => {
    const T = FIXTURE.tickets;
    // A customer's new ticket from the public form: no responsible (0), the default auto-close days,
    // no module name, CREATED_USER_ID the customer, MODIFIED 0, OWNER_SID ''.
    expect(await ticket(T.openNoReply.id)).toMatchObject({
      RESPONSIBLE_USER_ID: 0,
      AUTO_CLOSE_DAYS: 7,
      CREATED_MODULE_NAME: null,
      MODIFIED_MODULE_NAME: '',
      CREATED_USER_ID: FIXTURE.users.customerAlexey,
      OWNER_SID: '',
      MARK_ID: 0,
    });
    // Typed in by staff for the owner: CREATED_USER_ID and MODIFIED_USER_ID 0, the message's CREATED_USER_ID NULL.
    expect(await ticket(T.internalNote.id)).toMatchObject({ CREATED_USER_ID: 0, CREATED_MODULE_NAME: null });
    const first = await t.db('b_ticket_message').where({ TICKET_ID: T.internalNote.id, C_NUMBER: 1 }).first();
    expect(first).toMatchObject({ CREATED_USER_ID: null, OWNER_USER_ID: FIXTURE.users.customerMaria });
    // The mail gateway: 'mail', and a guest's last message has user 0.
    expect(await ticket(T.guest.id)).toMatchObject({
      CREATED_MODULE_NAME: 'mail',
      LAST_MESSAGE_USER_ID: 0,
      CREATED_USER_ID: 0,
    });
    // Log lines: no author, OWNER_SID '', no side, the actor in CREATED_USER_ID.
    const logs = (await t.db('b_ticket_message').where('IS_LOG', 'Y')) as TicketRow[];
    for (const log of logs) {
      expect([log.ID, log.OWNER_USER_ID, log.OWNER_SID, log.MESSAGE_BY_SUPPORT_TEAM]).toEqual([
        log.ID,
        null,
        '',
        null,
      ]);
    }
    const closeLog = logs.find(
      (l) => l.TICKET_ID === T.closed.id && String(l.MESSAGE).includes('обращение закрыто'),
    )!;
    expect(closeLog.CREATED_USER_ID).toBe(FIXTURE.users.operatorOlga);
    // A support reply adds no log line; closing adds one and leaves MESSAGES and LAST_MESSAGE_* alone.
    const closed = await ticket(T.closed.id);
    const lastVisible = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: T.closed.id, IS_LOG: 'N', IS_HIDDEN: 'N' })
      .orderBy('C_NUMBER', 'desc')
      .first('DATE_CREATE', 'OWNER_USER_ID');
    expect([closed.LAST_MESSAGE_DATE, closed.LAST_MESSAGE_USER_ID]).toEqual([
      lastVisible.DATE_CREATE,
      lastVisible.OWNER_USER_ID,
    ]);
    const kinds = await t
      .db('b_ticket_message')
      .where('TICKET_ID', T.awaitingCustomer.id)
      .orderBy('C_NUMBER')
      .pluck('IS_LOG');
    // Created (message, log), Ivan's reply (no log line), Ivan's change of status (a log line).
    expect(kinds).toEqual(['N', 'Y', 'N', 'Y']);
    // MESSAGES counts the visible non-log messages; C_NUMBER counts every row.
    const answered = await ticket(T.answered.id);
    const rows = await t.db('b_ticket_message').where('TICKET_ID', T.answered.id).count({ n: '*' });
    expect([answered.MESSAGES, Number(rows[0].n)]).toEqual([3, 4]);
    // Stock criticalities Low/Middle/High only, SIDs NULL (the e-mail source says 'email'), sites only in _2_site.
    const stock = await t
      .db('b_ticket_dictionary')
      .whereIn('C_TYPE', ['C', 'K', 'S'])
      .select('SID', 'FIRST_SITE_ID');
    expect(new Set(stock.map((r) => `${r.SID}|${r.FIRST_SITE_ID}`))).toEqual(new Set(['null|null']));
    expect(await t.db('b_ticket_dictionary').where({ C_TYPE: 'K' }).orderBy('ID').pluck('NAME')).toEqual([
      'Низкая',
      'Средняя',
      'Высокая',
      'Low',
      'Middle',
      'High',
    ]);
  });

  test('the internal note is hidden, and neither it nor log lines count as messages', async () => {
    const id = FIXTURE.tickets.internalNote.id;
    const hidden = await t
      .db('b_ticket_message')
      .where({ IS_HIDDEN: 'Y' })
      .select('TICKET_ID', 'MESSAGE_BY_SUPPORT_TEAM');
    expect(hidden).toEqual([{ TICKET_ID: id, MESSAGE_BY_SUPPORT_TEAM: 'Y' }]);
    const note = await ticket(id);
    // Typed in by Olga for Maria: the module records no creator (0) when the owner is passed.
    expect([note.MESSAGES, note.LAST_MESSAGE_USER_ID, note.CREATED_USER_ID]).toEqual([
      1,
      FIXTURE.users.customerMaria,
      0,
    ]);
    const logs = await t.db('b_ticket_message').where({ IS_LOG: 'Y', C_NUMBER: 2 }).count({ n: '*' }).first();
    expect(Number(logs!.n)).toBe(Object.keys(FIXTURE.tickets).length);
    const log = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: FIXTURE.tickets.answered.id, C_NUMBER: 2 })
      .first();
    expect(log.MESSAGE).toBe(
      '<li>support level: Default<li>responsible person: [4] Сергей Кузнецов [helpdesk staff]<li>category: Bugs<li>priority: High<li>status: Request accepted',
    );
  });

  test('C_NUMBER runs 1..n per ticket and the counters match the messages', async () => {
    expect(await inconsistentTickets(t)).toEqual([]);
  });

  test('multi-byte text and markup survive the round trip', async () => {
    expect((await ticket(FIXTURE.tickets.orderInTitle.id)).TITLE).toBe('Где мой заказ №2024-0042?');
    expect((await ticket(FIXTURE.tickets.htmlTitle.id)).TITLE).toBe(FIXTURE.expect.htmlTitle);
    const first = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: FIXTURE.tickets.htmlTitle.id, C_NUMBER: 1 })
      .first();
    expect(first.MESSAGE).toContain('Ёлки-палки: € 49,90 — “quotes”, знак №, ½, 日本語.');
    expect(first.MESSAGE_SEARCH).toContain('ЁЛКИ-ПАЛКИ');
    const petr = await t.db('b_user').where({ ID: FIXTURE.users.customerNoEmail }).first();
    expect([petr.NAME, petr.EMAIL]).toEqual(['Пётр', '']);
  });

  test('native datetimes are the wall-clock time of the zone', async () => {
    const row = await ticket(FIXTURE.tickets.openNoReply.id);
    expect(row.DATE_CREATE).toBe('2024-03-11 16:20:00');
    expect(row.DAY_CREATE).toBe('2024-03-11');
    expect(nativeToInstant(row.DATE_CREATE as string, FIXTURE_ZONE)!.toISOString()).toBe(
      '2024-03-11T13:20:00.000Z',
    );
  });

  test('orders: own order by account number, a foreign order in a message, system shipments', async () => {
    const own = await t
      .db('b_sale_order')
      .where({ ACCOUNT_NUMBER: FIXTURE.expect.orderInTitle.accountNumber })
      .first();
    expect([own.ID, own.USER_ID]).toEqual([
      FIXTURE.expect.orderInTitle.orderId,
      FIXTURE.tickets.orderInTitle.ownerUserId,
    ]);
    const foreign = await t
      .db('b_sale_order')
      .where({ ID: FIXTURE.expect.foreignOrderMention.mentionedOrderId })
      .first();
    expect(foreign.USER_ID).toBe(FIXTURE.expect.foreignOrderMention.orderOwnerUserId);
    expect(foreign.USER_ID).not.toBe(FIXTURE.tickets.foreignOrderInMessage.ownerUserId);
    const message = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: FIXTURE.tickets.foreignOrderInMessage.id, C_NUMBER: 1 })
      .first();
    expect(message.MESSAGE).toContain('№43');
    const tracking = await t
      .db('b_sale_order_delivery')
      .where({ ORDER_ID: 43, SYSTEM: 'N' })
      .pluck('TRACKING_NUMBER');
    expect(tracking).toEqual([FIXTURE.orders.johnDelivered.tracking]);
    expect(await t.db('b_sale_order_delivery').where({ SYSTEM: 'Y' }).count({ n: '*' }).first()).toEqual({
      n: 5,
    });
  });

  test('rights, staff groups and native mail templates are in place', async () => {
    const rights = await t
      .db('b_module_group')
      .where({ MODULE_ID: 'support' })
      .orderBy('GROUP_ID')
      .select('GROUP_ID', 'G_ACCESS');
    expect(rights).toEqual([
      { GROUP_ID: FIXTURE.groups.supportStaff, G_ACCESS: 'T' },
      { GROUP_ID: FIXTURE.groups.supportAdmins, G_ACCESS: 'W' },
      { GROUP_ID: FIXTURE.groups.customers, G_ACCESS: 'R' },
    ]);
    expect(
      await t.db('b_option').where({ MODULE_ID: 'support', NAME: 'GROUP_DEFAULT_RIGHT' }).first('VALUE'),
    ).toEqual({ VALUE: 'D' });
    const templates = await t
      .db('b_event_message as m')
      .join('b_event_message_site as s', 's.EVENT_MESSAGE_ID', 'm.ID')
      .where({ 'm.ACTIVE': 'Y' })
      .whereIn('m.EVENT_NAME', ['TICKET_NEW_FOR_AUTHOR', 'TICKET_CHANGE_BY_SUPPORT_FOR_AUTHOR'])
      .orderBy(['m.EVENT_NAME', 's.SITE_ID'])
      .select('m.EVENT_NAME as event', 's.SITE_ID as site');
    expect(templates.map((r) => `${r.event}@${r.site}`)).toEqual([
      'TICKET_CHANGE_BY_SUPPORT_FOR_AUTHOR@s1',
      'TICKET_CHANGE_BY_SUPPORT_FOR_AUTHOR@s2',
      'TICKET_NEW_FOR_AUTHOR@s1',
      'TICKET_NEW_FOR_AUTHOR@s2',
    ]);
    const schedule = await t
      .db('b_ticket_sla_shedule')
      .where({ TIMETABLE_ID: FIXTURE.sla.timetableId })
      .orderBy('WEEKDAY_NUMBER');
    expect(
      schedule.map((r) => `${r.WEEKDAY_NUMBER}:${r.OPEN_TIME}:${r.MINUTE_FROM ?? ''}-${r.MINUTE_TILL ?? ''}`),
    ).toEqual([
      '0:CUSTOM:540-1080',
      '1:CUSTOM:540-1080',
      '2:CUSTOM:540-1080',
      '3:CUSTOM:540-1080',
      '4:CUSTOM:540-1080',
      '5:CLOSED:-',
      '6:CLOSED:-',
    ]);
  });

  test('the auto-close agent refuses a ticket it would not close, and leaves it untouched', async () => {
    const id = FIXTURE.tickets.openNoReply.id;
    const before = await ticket(id);
    await expect(
      autoCloseTicket(t.db, FIXTURE_ZONE, { ticketId: id, at: new Date(REFERENCE_TIME) }),
    ).rejects.toThrow(/would not close/);
    expect(await ticket(id)).toEqual(before);
  });
});

describe('on a utf8mb4 database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' });
  });
  afterAll(async () => {
    await t?.drop();
  });

  test('the native tables are still utf8mb3, like a typical Bitrix site', async () => {
    await createBitrixTables(t.db);
    const collations = await t
      .db('information_schema.TABLES')
      .where({ TABLE_SCHEMA: t.name })
      .distinct('TABLE_COLLATION as collation');
    expect(collations.map((c) => c.collation)).toEqual([expect.stringMatching(/^utf8(mb3)?_unicode_ci$/)]);
  });

  test('loading twice replaces the previous fixture and gives the same IDs', async () => {
    await loadBitrixFixture(t.db);
    await t.db.raw('CREATE TABLE b_uts_support (VALUE_ID int(11) NOT NULL PRIMARY KEY, UF_ORDER int(18))');
    await loadBitrixFixture(t.db);
    expect(await t.db.schema.hasTable('b_uts_support')).toBe(false);
    expect(await t.db('b_ticket').max({ id: 'ID' }).first()).toEqual({ id: FIXTURE.tickets.htmlTitle.id });
  });
});

describe('the bulk generator', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
  });
  afterAll(async () => {
    await t?.drop();
  });

  test('appends the requested tickets and messages with consistent counters, in small batches', async () => {
    const progress: number[] = [];
    const before = await t.db('b_ticket_message').count({ n: '*' }).first();
    const result = await generateTickets(t.db, {
      tickets: 250,
      messagesPerTicket: 4,
      zone: FIXTURE_ZONE,
      startAt: new Date('2023-01-09T06:00:00Z'),
      batchSize: 64,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([64, 128, 192, 250]);
    expect(result.firstTicketId).toBe(Object.keys(FIXTURE.tickets).length + 1);
    expect(result.lastTicketId - result.firstTicketId + 1).toBe(250);
    const tickets = await t
      .db('b_ticket')
      .where('ID', '>=', result.firstTicketId)
      .select('MESSAGES', 'DATE_CLOSE', 'AUTO_CLOSED');
    expect(tickets).toHaveLength(250);
    expect(tickets.every((r) => r.MESSAGES === 4)).toBe(true);
    expect(tickets.filter((r) => r.DATE_CLOSE !== null)).toHaveLength(125);
    expect(tickets.filter((r) => r.AUTO_CLOSED === 'Y')).toHaveLength(125); // even count: staff spoke last
    const after = await t.db('b_ticket_message').count({ n: '*' }).first();
    expect(Number(after!.n) - Number(before!.n)).toBe(result.messageRows);
    expect(result.messageRows).toBe(250 * 5);
    expect(await inconsistentTickets(t)).toEqual([]);
  });

  test('odd message counts end with the client: closed tickets were closed by staff with a log line', async () => {
    const result = await generateTickets(t.db, {
      tickets: 40,
      messagesPerTicket: 3,
      zone: FIXTURE_ZONE,
      startAt: new Date('2023-06-01T06:00:00Z'),
      closedPercent: 25,
    });
    expect(result.messageRows).toBe(40 * 4 + 10);
    const closed = await t
      .db('b_ticket')
      .where('ID', '>=', result.firstTicketId)
      .whereNotNull('DATE_CLOSE')
      .select('ID', 'AUTO_CLOSED', 'LAST_MESSAGE_BY_SUPPORT_TEAM');
    expect(closed).toHaveLength(10);
    expect(closed.every((r) => r.AUTO_CLOSED === null && r.LAST_MESSAGE_BY_SUPPORT_TEAM === 'N')).toBe(true);
    expect(await inconsistentTickets(t)).toEqual([]);
  });
});

describe('nativeDate (the fast local-time conversion)', () => {
  test.each([
    ['Europe/Moscow', '2024-03-12T07:30:00Z'],
    ['America/New_York', '2024-03-10T06:59:59Z'],
    ['America/New_York', '2024-03-10T07:00:00Z'],
    ['America/New_York', '2024-11-03T05:59:59Z'],
    ['America/New_York', '2024-11-03T06:00:00Z'],
    ['Australia/Lord_Howe', '2024-04-06T14:59:00Z'],
    ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
    ['Asia/Kathmandu', '2024-01-01T00:00:00Z'],
    ['Europe/Berlin', '2024-03-31T00:59:59Z'],
    ['Europe/Berlin', '2024-03-31T01:00:00Z'],
  ])('%s at %s agrees with core/time', (zone, iso) => {
    const at = new Date(iso);
    expect(nativeDate(at, zone).dateTime).toBe(instantToNative(at, zone));
    expect(nativeDate(at, zone).day).toBe(DateTime.fromJSDate(at, { zone }).toISODate());
  });
});
