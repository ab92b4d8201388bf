import { Knex } from 'knex';
import { insertLogLines, logLineIds } from '../../bridge/ticketBatchWrites';
import { LogLine } from '../../bridge/ticketWrites';
import { claimEscalations, EscalationRow, setLogLineIds, withLogLine } from '../../store/escalations';
import { escalationSite, Site } from './agentHarness';

/**
 * An escalation batch's log lines are found again by their ticket and C_NUMBER among the IDs from the
 * lines' first ID up. b_ticket_message has no unique key on (TICKET_ID, C_NUMBER) on a real site (only
 * PRIMARY and IX_TICKET_ID), and Bitrix numbers a message as MAX + 1 without a lock: a message of the
 * module's own written beside ours can carry the same number. Then the line is ambiguous and the batch
 * must fail (its transaction rolls back and a later pass tries again) rather than point the escalation
 * at the customer's message. Where the rows are claimed before the lines (MyISAM), setLogLineIds writes
 * the IDs into them.
 */
const NOW = new Date('2024-03-12T12:00:00Z');

describe('log-line IDs of an escalation batch', () => {
  let s: Site;
  let ticketId: number;
  beforeAll(async () => {
    s = await escalationSite();
    ticketId = Number((await s.t.db('b_ticket').min('ID as id').first())!.id);
  });
  afterAll(async () => {
    await s.t.drop();
  });

  const row = (cycle: number): EscalationRow => ({
    ticketId,
    target: 'first_reply',
    level: 'breach',
    cycle,
    dueAt: NOW,
    deadlineAt: NOW,
    outcome: 'applied',
    actions: { raisedTo: 'high', logMessageId: null },
  });

  const line = (number: number): LogLine => ({
    ticket: { ID: ticketId, SOURCE_ID: null, RESPONSIBLE_USER_ID: null },
    text: '<li>критичность: Высокая',
    local: '2024-03-12 15:00:00',
    number,
  });

  /** `copies` native messages numbered `number`; returns the first's ID. */
  async function nativeMessages(trx: Knex.Transaction, number: number, copies: number): Promise<number> {
    const ids: number[] = [];
    for (let i = 0; i < copies; i++) {
      const [id] = await trx('b_ticket_message').insert({
        TICKET_ID: ticketId,
        C_NUMBER: number,
        IS_LOG: 'Y',
        MESSAGE: `line ${i}`,
        MESSAGE_SEARCH: '',
      });
      ids.push(Number(id));
    }
    return Math.min(...ids);
  }

  /** `body` in a transaction that is rolled back afterwards (the site stays as it was). */
  async function rolledBack(body: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    await s.t.db
      .transaction(async (trx) => {
        await body(trx);
        throw new Error('rollback');
      })
      .catch((err: Error) => {
        if (err.message !== 'rollback') throw err;
      });
  }

  it('returns the IDs of the lines written, in their order', async () => {
    await rolledBack(async (trx) => {
      const ids = await insertLogLines(trx, [line(1001), line(1002)]);
      const stored = await trx('b_ticket_message').whereIn('ID', ids).select('ID', 'C_NUMBER');
      const number = new Map(stored.map((m: { ID: number; C_NUMBER: number }) => [Number(m.ID), m.C_NUMBER]));
      expect(ids.map((id) => number.get(id))).toEqual([1001, 1002]);
    });
  });

  it('writes a line ID into the escalation row claimed before the line', async () => {
    await rolledBack(async (trx) => {
      await claimEscalations(trx, [row(1)], NOW);
      const [lineId] = await insertLogLines(trx, [line(1011)]);
      await setLogLineIds(trx, [withLogLine(row(1), lineId)]);
      const stored = await trx('bl_support_escalation').where({ ticket_id: ticketId, cycle: 1 }).first();
      expect(JSON.parse(String(stored.actions))).toEqual({ raisedTo: 'high', logMessageId: lineId });
    });
  });

  it('fails the batch when two lines of the ticket carry the number', async () => {
    await expect(
      s.t.db.transaction(async (trx) => {
        await claimEscalations(trx, [row(2)], NOW);
        const firstId = await nativeMessages(trx, 1021, 2);
        await logLineIds(trx, [line(1021)], firstId);
      }),
    ).rejects.toThrow(/found twice/);
    expect(await s.t.db('bl_support_escalation').where({ ticket_id: ticketId, cycle: 2 })).toHaveLength(0);
  });

  it('fails the batch when the line is not among the IDs from the first one up', async () => {
    await expect(
      s.t.db.transaction(async (trx) => {
        const firstId = await nativeMessages(trx, 1031, 1);
        await logLineIds(trx, [line(1031)], firstId + 1);
      }),
    ).rejects.toThrow(/was not written/);
  });

  it('fails the batch when an escalation row to hold a line ID is missing', async () => {
    await expect(
      s.t.db.transaction(async (trx) => {
        await setLogLineIds(trx, [withLogLine(row(4), 1)]);
      }),
    ).rejects.toThrow(/were not found/);
  });
});
