import { Knex } from 'knex';
import { readTicketsAfter } from '../../bridge/nativeTickets';
import { FIXTURE } from '../../fixtures/seed';
import { createPassContext, PassContext } from '../../sync/passContext';
import { checkInstalled } from '../../sync/preflight';
import { copyHistoryTickets } from '../../sync/phases/copyTickets';
import { mirrorNewTickets } from '../../sync/phases/mirrorTickets';
import { TestDatabase } from '../helpers/db';
import { installedSite, syncDeps } from './harness';
import { FixtureShape } from '../../fixtures/seed';

/**
 * The backfill's server-side ticket copy (sync/mapping/ticketSql.ts) against the Node mapping it
 * replaces (mapTicket through mirrorNewTickets): the same native rows, each path in a transaction that
 * is rolled back, and every column of every row written must be the same, numbers and history included.
 * The rows are history (inserted before the install) and chosen to be awkward: wall-clock times in the
 * DST gap and overlap of several zones, NULL and '0' dictionary IDs, unknown IDs, guests, a solved
 * status with the customer last, REOPEN, an order named in a title, Cyrillic and quotes.
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;

type Row = Record<string, unknown>;

function ticket(id: number, fields: Row): Row {
  return {
    ID: id,
    SITE_ID: 's1',
    DATE_CREATE: '2024-03-01 10:00:00',
    TIMESTAMP_X: '2024-03-01 10:00:00',
    TITLE: `Обращение ${id}`,
    OWNER_USER_ID: U.customerMaria,
    LAST_MESSAGE_BY_SUPPORT_TEAM: 'N',
    ...fields,
  };
}

/** Tickets 1001–1040, which the SQL copy takes. */
function awkwardTickets(): Row[] {
  const rows: Row[] = [];
  let id = 1000;
  const add = (fields: Row) => rows.push(ticket(++id, fields));
  // Wall-clock times around the DST changes of Europe/Berlin, America/New_York and Australia/Lord_Howe.
  for (const at of [
    '2024-03-31 01:59:59',
    '2024-03-31 02:00:00',
    '2024-03-31 02:30:00',
    '2024-03-31 03:00:00',
    '2023-10-29 02:00:00',
    '2023-10-29 02:59:59',
    '2023-10-29 03:00:00',
    '2023-03-12 02:15:00',
    '2023-11-05 01:30:00',
    '2023-04-02 01:45:00',
    '2023-10-01 02:10:00',
    '2004-12-31 23:59:59',
  ])
    add({ DATE_CREATE: at, TIMESTAMP_X: at });
  add({ DATE_CREATE: '2024-02-29 23:30:00', TIMESTAMP_X: null });
  add({
    DATE_CLOSE: '2024-03-02 18:00:00',
    TIMESTAMP_X: '2024-03-02 18:00:00',
    STATUS_ID: D.status.s1.solved,
  });
  add({ DATE_CLOSE: '2024-03-02 18:00:00', AUTO_CLOSED: 'Y', LAST_MESSAGE_BY_SUPPORT_TEAM: 'Y' });
  add({ STATUS_ID: D.status.s1.solved, LAST_MESSAGE_BY_SUPPORT_TEAM: 'N' });
  add({ STATUS_ID: D.status.s1.solved, LAST_MESSAGE_BY_SUPPORT_TEAM: 'Y' });
  add({ STATUS_ID: 0, CRITICALITY_ID: 0, CATEGORY_ID: 0, RESPONSIBLE_USER_ID: 0 });
  add({ STATUS_ID: null, CRITICALITY_ID: null, CATEGORY_ID: null, LAST_MESSAGE_BY_SUPPORT_TEAM: 'Y' });
  add({ STATUS_ID: 9999, CRITICALITY_ID: 9998, CATEGORY_ID: 9997 });
  add({
    STATUS_ID: D.status.s1.inProgress,
    CRITICALITY_ID: D.criticality.s1.high,
    CATEGORY_ID: D.category.s1.payment,
  });
  add({
    STATUS_ID: D.status.s1.accepted,
    CRITICALITY_ID: D.criticality.s1.low,
    CATEGORY_ID: D.category.s1.bugs,
  });
  add({ SITE_ID: 's2', CRITICALITY_ID: D.criticality.s2.middle, CATEGORY_ID: D.category.s2.shipping });
  // A criticality of the other site: its place is counted among its own site's.
  add({ SITE_ID: 's2', CRITICALITY_ID: D.criticality.s1.high, STATUS_ID: D.status.s1.notSolved });
  add({ REOPEN: 'Y' });
  add({ REOPEN: 'N', RESPONSIBLE_USER_ID: U.operatorOlga });
  add({ RESPONSIBLE_USER_ID: U.operatorInactive });
  add({ OWNER_USER_ID: 0, OWNER_SID: 'guest@example.org' });
  add({ OWNER_USER_ID: null, OWNER_SID: '' });
  add({ OWNER_USER_ID: null, OWNER_SID: null });
  add({ OWNER_USER_ID: U.customerJohn, OWNER_SID: '  ignored for a user  ' });
  add({ TITLE: `Где мой заказ №${FIXTURE.orders.mariaTemplated.accountNumber}? 'кавычки' "и" \\ слеш` });
  add({ TITLE: `Order #${FIXTURE.orders.johnDelivered.id} not mine`, OWNER_USER_ID: U.customerMaria });
  add({ TITLE: 'x'.repeat(255) });
  add({ TITLE: '' });
  add({ DATE_CREATE: '2024-03-01 10:00:00', TITLE: 'the same day, a later ID' });
  add({ LAST_MESSAGE_BY_SUPPORT_TEAM: 'y' });
  add({ DATE_CREATE: '2024-03-01 00:00:00', TIMESTAMP_X: '2024-03-01 00:00:00' });
  return rows;
}

const FIRST = 1001;

async function site(shape?: FixtureShape): Promise<TestDatabase> {
  return installedSite({
    shape,
    beforeInstall: async (s) => {
      await s.db('b_ticket').insert(awkwardTickets());
    },
  });
}

async function context(t: TestDatabase, zone: string, batchSize = 500): Promise<PassContext> {
  const { baseline, cursors } = await checkInstalled(t.db);
  const ctx = createPassContext({ ...syncDeps(t), zone }, { batchSize }, baseline, cursors);
  await ctx.preload();
  return ctx;
}

const ROLLBACK = new Error('rolled back on purpose');

/** Runs `write` in a transaction, returns what it left in our tables, and rolls it all back. */
async function written(t: TestDatabase, write: (trx: Knex.Transaction) => Promise<unknown>) {
  let seen: { result: unknown; tickets: Row[]; events: Row[]; numbers: Row[] } | null = null;
  await t.db
    .transaction(async (trx) => {
      const result = await write(trx);
      seen = {
        result,
        tickets: await trx('bl_support_ticket').where('id', '>=', FIRST).orderBy('id').select('*'),
        events: await trx('bl_support_ticket_event')
          .where('ticket_id', '>=', FIRST)
          .orderBy(['ticket_id', 'id'])
          .select('ticket_id', 'at', 'kind', 'value', 'source', 'created_at'),
        numbers: await trx('bl_support_ticket_number_day').orderBy('day').select('*'),
      };
      throw ROLLBACK;
    })
    .catch((err: unknown) => {
      if (err !== ROLLBACK) throw err;
    });
  return seen!;
}

async function bothPaths(t: TestDatabase, ctx: PassContext) {
  const uf = await ctx.ufColumns(false);
  const sql = await ctx.ticketSql();
  expect(sql).not.toBeNull();
  const after = FIRST - 1;
  const node = await written(t, async (trx) => {
    const rows = await readTicketsAfter(trx, after, ctx.batchSize, uf);
    const last = Number(rows[rows.length - 1].ID);
    return (await mirrorNewTickets(trx, ctx, rows, { after, upTo: last })).tickets;
  });
  const server = await written(t, async (trx) => (await copyHistoryTickets(trx, ctx, sql!, after, uf))?.rows);
  return { node, server };
}

describe.each([['utf8mb3-innodb' as const], ['cp1251-myisam' as const]])('the ticket copy on %s', (shape) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await site(shape);
  });
  afterAll(async () => {
    await t.drop();
  });

  it.each([
    ['Europe/Berlin'],
    ['America/New_York'],
    ['Australia/Lord_Howe'],
    ['Europe/Moscow'],
    ['Asia/Kathmandu'],
  ])('writes what the Node mapping writes, in %s', async (zone) => {
    const ctx = await context(t, zone);
    const { node, server } = await bothPaths(t, ctx);
    expect(server.result).toBe(awkwardTickets().length);
    expect(node.result).toBe(awkwardTickets().length);
    expect(server.tickets).toEqual(node.tickets);
    expect(server.events).toEqual(node.events);
    expect(server.numbers).toEqual(node.numbers);
  });
});

describe('rows the copy leaves to Node', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite({
      beforeInstall: async (s) => {
        await s.db('b_ticket').insert(awkwardTickets());
      },
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it.each<[string, Row]>([
    ['a zero DATE_CREATE', { DATE_CREATE: '0000-00-00 00:00:00' }],
    ['a NULL DATE_CREATE', { DATE_CREATE: null }],
    ['a zero DATE_CLOSE', { DATE_CLOSE: '0000-00-00 00:00:00' }],
    ['a zero TIMESTAMP_X', { TIMESTAMP_X: '0000-00-00 00:00:00' }],
    ['a date before the zone table', { DATE_CREATE: '1999-12-31 23:00:00' }],
    ['a guest address to trim', { OWNER_USER_ID: 0, OWNER_SID: ' guest@example.org' }],
    [
      'a guest address ending in a no-break space',
      { OWNER_USER_ID: 0, OWNER_SID: 'guest@example.org\u00a0' },
    ],
  ])('%s: the batch is mapped in Node', async (_what, fields) => {
    const id = FIRST + 5;
    const before = (await t.db('b_ticket').where('ID', id).first()) as Row;
    // Zero dates as old rows hold them, written under the empty sql_mode they were written under.
    const laxly = (change: Row) =>
      t.db.transaction(async (trx) => {
        await trx.raw('SET @bxsup_mode = @@SESSION.sql_mode');
        await trx.raw("SET SESSION sql_mode = ''");
        await trx('b_ticket').where('ID', id).update(change);
        await trx.raw('SET SESSION sql_mode = @bxsup_mode');
      });
    try {
      await laxly(fields);
      const ctx = await context(t, 'Europe/Berlin');
      const uf = await ctx.ufColumns(false);
      const sql = (await ctx.ticketSql())!;
      const copied = await written(t, (trx) => copyHistoryTickets(trx, ctx, sql, FIRST - 1, uf));
      expect(copied.result).toBeNull();
      expect(copied.tickets).toEqual([]);
    } finally {
      await laxly(before);
    }
  });

  it('takes a batch of history only: a ticket after the baseline is mapped in Node', async () => {
    const ctx = await context(t, 'Europe/Moscow');
    const uf = await ctx.ufColumns(false);
    const sql = (await ctx.ticketSql())!;
    const copied = await written(t, (trx) => copyHistoryTickets(trx, ctx, sql, ctx.baseline.ticketId, uf));
    expect(copied.result).toBeNull();
  });
});
