import { FIXTURE } from '../../fixtures/seed';
import { addMessage, changeTicket } from '../../fixtures/nativeWriter';
import { isRowError } from '../../sync/isolate';
import { syncOnce } from '../../sync/syncOnce';
import { runCli } from '../helpers/cli';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, memoryLogger, msk, syncDeps } from './harness';

/**
 * One ticket the sync cannot process must not stop the others: it is set aside with its reason, logged,
 * shown by `bxsup status`, skipped by the fast phases, and tried again by the reconciliation. The bad
 * ticket is made on purpose with a trigger that refuses its row (as a value Bitrix stored under an empty
 * sql_mode would be refused).
 */
const T = FIXTURE.tickets;
const U = FIXTURE.users;

async function refuse(t: TestDatabase, name: string, table: string, event: string, condition: string) {
  await t.db.raw(
    `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW BEGIN IF ${condition} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'this row cannot be stored'; END IF; END`,
  );
}

async function setAsideRows(t: TestDatabase) {
  return t
    .db('bl_support_set_aside')
    .orderBy('ticket_id')
    .select('ticket_id', 'phase', 'message_id', 'reason');
}

describe('a ticket that cannot be processed is set aside', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a new ticket refused: the others and every other message are mirrored, the pass completes', async () => {
    await refuse(t, 'bad_ticket', 'bl_support_ticket', 'INSERT', `NEW.id = ${T.internalNote.id}`);
    const log = memoryLogger();
    const result = await syncOnce(syncDeps(t, { logger: log.logger }));
    expect(result.complete).toBe(true);
    expect(result.tickets).toBe(10);
    expect(await setAsideRows(t)).toEqual([
      {
        ticket_id: T.internalNote.id,
        phase: 'tickets',
        message_id: null,
        reason: 'ER_SIGNAL_EXCEPTION: this row cannot be stored',
      },
    ]);
    // Its messages do not hold up the others' (the message cursor went past them).
    const mirrored = await t.db('bl_support_message').distinct('ticket_id').pluck('ticket_id');
    expect(mirrored.sort((a: number, b: number) => a - b)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
    const error = log
      .lines()
      .map((l) => JSON.parse(l))
      .find((l) => l.level === 'error');
    expect(error.message).toBe(
      `ticket ${T.internalNote.id} cannot be processed and is set aside: ER_SIGNAL_EXCEPTION: this row cannot be stored`,
    );
  });

  it('status shows it as a problem', async () => {
    const status = await runCli(['status', '--db', t.url]);
    expect(status.stdout).toMatch(
      new RegExp(
        `problem: 1 ticket\\(s\\) set aside by the sync because their data cannot be processed \\(#${T.internalNote.id} \\(tickets: ER_SIGNAL_EXCEPTION: this row cannot be stored\\)\\)`,
      ),
    );
  });

  it('once the cause is gone the reconciliation mirrors it, with its messages, and clears it', async () => {
    await t.db.raw('DROP TRIGGER bad_ticket');
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(await setAsideRows(t)).toEqual([]);
    expect(await t.db('bl_support_ticket').where('id', T.internalNote.id).first('id')).toEqual({
      id: T.internalNote.id,
    });
    expect(await t.db('bl_support_message').where('ticket_id', T.internalNote.id).count({ n: '*' })).toEqual([
      { n: 2 },
    ]);
  });

  it('a change that cannot be mirrored: the other changes go through, and the fast path leaves it alone', async () => {
    await refuse(
      t,
      'bad_update',
      'bl_support_ticket',
      'UPDATE',
      `NEW.id = ${T.answered.id} AND NEW.assigned_to <=> ${U.operatorIvan}`,
    );
    for (const id of [T.answered.id, T.openNoReply.id]) {
      await changeTicket(t.db, FIXTURE_ZONE, {
        ticketId: id,
        responsibleUserId: U.operatorIvan,
        byUserId: U.admin,
        at: msk('2024-03-12 10:00:00'),
      });
    }
    await syncOnce(syncDeps(t));
    expect(await t.db('bl_support_ticket').where('id', T.openNoReply.id).first('assigned_to')).toEqual({
      assigned_to: U.operatorIvan,
    });
    expect((await setAsideRows(t)).map((r) => [r.ticket_id, r.phase])).toEqual([[T.answered.id, 'changes']]);
    const log = memoryLogger();
    await syncOnce(syncDeps(t, { logger: log.logger }));
    expect(log.lines().filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
    await t.db.raw('DROP TRIGGER bad_update');
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(await setAsideRows(t)).toEqual([]);
    expect(await t.db('bl_support_ticket').where('id', T.answered.id).first('assigned_to')).toEqual({
      assigned_to: U.operatorIvan,
    });
  });

  it('a message that cannot be mirrored: skipped and its ticket set aside, later messages flow', async () => {
    const bad = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: T.awaitingCustomer.id,
      authorUserId: U.customerAlexey,
      bySupport: false,
      text: 'адрес: Казань',
      at: msk('2024-03-12 10:05:00'),
    });
    await refuse(t, 'bad_message', 'bl_support_message', 'INSERT', `NEW.id = ${bad}`);
    const after = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: T.openNoReply.id,
      authorUserId: U.customerAlexey,
      bySupport: false,
      text: 'жду',
      at: msk('2024-03-12 10:06:00'),
    });
    const result = await syncOnce(syncDeps(t));
    expect(result.complete).toBe(true);
    expect(await t.db('bl_support_message').where('id', after).first('id')).toEqual({ id: after });
    expect(await setAsideRows(t)).toEqual([
      {
        ticket_id: T.awaitingCustomer.id,
        phase: 'messages',
        message_id: bad,
        reason: 'ER_SIGNAL_EXCEPTION: this row cannot be stored',
      },
    ]);
    await t.db.raw('DROP TRIGGER bad_message');
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    expect(await t.db('bl_support_message').where('id', bad).first('id')).toEqual({ id: bad });
    expect(await setAsideRows(t)).toEqual([]);
  });

  it("only a row's own errors set a ticket aside; connection, privilege and schema errors fail the pass", () => {
    expect(isRowError({ code: 'ER_SIGNAL_EXCEPTION', errno: 1644, sqlState: '45000' })).toBe(true);
    expect(isRowError({ code: 'ER_TRUNCATED_WRONG_VALUE', errno: 1292, sqlState: '22007' })).toBe(true);
    expect(isRowError({ code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' })).toBe(true);
    expect(isRowError(new TypeError("Cannot read properties of null (reading 'slice')"))).toBe(true);
    expect(isRowError({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe(false);
    expect(isRowError({ code: 'ER_TABLEACCESS_DENIED_ERROR', errno: 1142, sqlState: '42000' })).toBe(false);
    expect(isRowError({ code: 'ER_BAD_FIELD_ERROR', errno: 1054, sqlState: '42S22' })).toBe(false);
    expect(isRowError({ code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001' })).toBe(false);
    // The crash hooks of the interruption tests throw plain Errors: those are never a row's fault.
    expect(isRowError(new Error('crash in tickets batch 5'))).toBe(false);
  });
});
