import { Knex } from 'knex';
import { openDb } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * The reconciliation compares each range's messages by a digest the server computes, and reads a range
 * ID by ID only when the digests differ. Seen from outside: which ranges get the detail read (the
 * statement that lists a range's non-log message IDs) and what the sweep repaired.
 */
const RANGE = 10;

describe('the reconciliation finds differences through per-range digests', () => {
  let t: TestDatabase;
  let generated: { firstTicketId: number; lastTicketId: number };

  beforeAll(async () => {
    t = await installedSite();
    generated = await generateTickets(t.db, {
      tickets: 60,
      messagesPerTicket: 3,
      zone: FIXTURE_ZONE,
      startAt: msk('2023-06-01 09:00:00'),
      closedPercent: 50,
    });
    await syncOnce(syncDeps(t), { reconcile: 'full' });
  });
  afterAll(async () => {
    await t.drop();
  });

  /** A whole cycle in ranges of RANGE tickets; returns the ticket ranges read in detail. */
  async function sweep() {
    const db = openDb(t.target, { poolMax: 2 });
    const detail: Array<[number, number]> = [];
    // Ticket states read by ID once the sweep began (its first statement compares a range's tickets).
    let sweeping = false;
    const ticketsRead: number[] = [];
    db.on('query', (q: { sql: string; bindings?: readonly Knex.Value[] }) => {
      if (/^SELECT COUNT\(\*\) AS n, /.test(q.sql.trim())) sweeping = true;
      const byId = /from `b_ticket` as `t`.* where t\.ID IN \(([\d, ]+)\)/.exec(q.sql);
      if (sweeping && byId) ticketsRead.push(...byId[1].split(', ').map(Number));
      if (/^SELECT ID, TICKET_ID FROM b_ticket_message\b/.test(q.sql)) {
        const [from, to] = (q.bindings ?? []) as number[];
        detail.push([from, to]);
      }
    });
    try {
      const result = await syncOnce({ ...syncDeps(t), db }, { reconcile: 'full', batchSize: RANGE });
      expect(result.reconciled).toBe(true);
      expect(sweeping).toBe(true);
      return { result, detail, ticketsRead };
    } finally {
      await db.destroy();
    }
  }
  const within = (ranges: Array<[number, number]>, id: number) =>
    ranges.length === 1 && ranges[0][0] <= id && id <= ranges[0][1];

  async function messagesOf(ticketId: number): Promise<Array<{ ID: number; IS_LOG: string }>> {
    return t.db('b_ticket_message').where('TICKET_ID', ticketId).orderBy('ID').select('ID', 'IS_LOG');
  }
  async function mirroredIds(ticketId: number): Promise<number[]> {
    return (await t.db('bl_support_message').where('ticket_id', ticketId).orderBy('id').pluck('id')).map(
      Number,
    );
  }
  async function maxMessageId(): Promise<number> {
    return Number((await t.db('b_ticket_message').max({ m: 'ID' }))[0].m);
  }

  it('reads no range in detail when the mirror matches', async () => {
    const { result, detail, ticketsRead } = await sweep();
    expect(detail).toEqual([]);
    // The server's signatures of the tickets agree with those Node wrote: none is a candidate.
    expect(ticketsRead).toEqual([]);
    expect(result).toMatchObject({ messages: 0, changedTickets: 0, deletedTickets: 0 });
  });

  it('log lines do not count: one behind the cursor changes no digest', async () => {
    const ticket = generated.firstTicketId + 3;
    const [row] = await messagesOf(ticket);
    const id = (await maxMessageId()) + 1;
    await t.db('b_ticket_message').insert({
      ...(await t.db('b_ticket_message').where('ID', row.ID).first()),
      ID: id,
      IS_LOG: 'Y',
      MESSAGE: '<li>Статус изменён</li>',
    });
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect((await t.db('bl_support_cursor').where('name', 'message').first('value')).value).toBe(id);
    expect((await sweep()).detail).toEqual([]);
  });

  it('a message committed behind the cursor: only its range is read, and it is mirrored', async () => {
    const ticket = generated.firstTicketId + 17;
    const template = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: ticket, IS_LOG: 'N' })
      .orderBy('ID')
      .first();
    const late = (await maxMessageId()) + 1;
    // The higher ID commits first and the poll moves the cursor past the lower one.
    await t.db('b_ticket_message').insert({ ...template, ID: late + 1, C_NUMBER: 20 });
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    await t.db('b_ticket_message').insert({ ...template, ID: late, C_NUMBER: 19 });
    expect((await syncOnce(syncDeps(t), { reconcile: 'off' })).messages).toBe(0);

    const { result, detail } = await sweep();
    expect(within(detail, ticket)).toBe(true);
    expect(result.messages).toBe(1);
    expect(await mirroredIds(ticket)).toContain(late);
    expect((await sweep()).detail).toEqual([]);
  });

  it('a mirrored message missing from the mirror is found the same way', async () => {
    const ticket = generated.firstTicketId + 41;
    const [first] = await mirroredIds(ticket);
    await t.db('bl_support_message').where('id', first).delete();
    const { result, detail } = await sweep();
    expect(within(detail, ticket)).toBe(true);
    expect(result.messages).toBe(1);
    expect(await mirroredIds(ticket)).toContain(first);
  });

  it('a message Bitrix deleted is removed from the mirror through its range alone', async () => {
    const ticket = generated.firstTicketId + 52;
    const before = await mirroredIds(ticket);
    const gone = before[before.length - 1];
    await t.db('b_ticket_message').where('ID', gone).delete();
    const { detail } = await sweep();
    expect(within(detail, ticket)).toBe(true);
    expect(await mirroredIds(ticket)).toEqual(before.slice(0, -1));
    expect((await sweep()).detail).toEqual([]);
  });

  it('a closed ticket reopened without a message is caught while its messages stay undisturbed', async () => {
    const closed = await t
      .db('b_ticket')
      .whereBetween('ID', [generated.firstTicketId, generated.lastTicketId])
      .whereNotNull('DATE_CLOSE')
      .orderBy('ID')
      .first('ID');
    const id = Number(closed.ID);
    await t
      .db('b_ticket')
      .where('ID', id)
      .update({ DATE_CLOSE: null, REOPEN: 'Y', TIMESTAMP_X: '2024-03-12 10:30:00' });
    // The poll only looks at tickets it holds open: this one waits for the sweep.
    await syncOnce(syncDeps(t), { reconcile: 'off' });
    expect((await t.db('bl_support_ticket').where('id', id).first('is_open')).is_open).toBe(0);
    const { result, detail, ticketsRead } = await sweep();
    expect(result.changedTickets).toBe(1);
    expect(detail).toEqual([]);
    expect(ticketsRead).toContain(id);
    expect((await t.db('bl_support_ticket').where('id', id).first('is_open')).is_open).toBe(1);
  });
});
