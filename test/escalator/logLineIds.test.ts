import { claimEscalations, EscalationRow, setLogLineIds } from '../../store/escalations';
import { escalationSite, Site } from './agentHarness';

/**
 * setLogLineIds finds each log line by its ticket and C_NUMBER among the IDs from the lines' first
 * ID up. b_ticket_message has no unique key on (TICKET_ID, C_NUMBER) on a real site (only PRIMARY and
 * IX_TICKET_ID), and Bitrix numbers a message as MAX + 1 without a lock: a message of the module's
 * own written beside ours can carry the same number. Then the line is ambiguous and the batch must
 * fail (its transaction rolls back and a later pass tries again) rather than point the escalation at
 * the customer's message.
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

  /** Claims the row and writes `copies` native messages numbered `number`; returns the first's ID. */
  async function claimWithLines(trx: Parameters<typeof setLogLineIds>[0], cycle: number, copies: number) {
    await claimEscalations(trx, [row(cycle)], NOW);
    const number = 1000 + cycle;
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
    return { number, firstId: Math.min(...ids) };
  }

  it('writes the line ID into the escalation row of a line found once', async () => {
    await s.t.db
      .transaction(async (trx) => {
        const { number, firstId } = await claimWithLines(trx, 1, 1);
        await setLogLineIds(trx, [{ row: row(1), line: { ticketId, number } }], firstId);
        const stored = await trx('bl_support_escalation').where({ ticket_id: ticketId, cycle: 1 }).first();
        expect(JSON.parse(String(stored.actions))).toEqual({ raisedTo: 'high', logMessageId: firstId });
        throw new Error('rollback');
      })
      .catch((err: Error) => {
        if (err.message !== 'rollback') throw err;
      });
  });

  it('fails the batch when two lines of the ticket carry the number', async () => {
    await expect(
      s.t.db.transaction(async (trx) => {
        const { number, firstId } = await claimWithLines(trx, 2, 2);
        await setLogLineIds(trx, [{ row: row(2), line: { ticketId, number } }], firstId);
      }),
    ).rejects.toThrow(/found twice/);
    expect(await s.t.db('bl_support_escalation').where({ ticket_id: ticketId, cycle: 2 })).toHaveLength(0);
  });

  it('fails the batch when the line is not among the IDs from the first one up', async () => {
    await expect(
      s.t.db.transaction(async (trx) => {
        const { number, firstId } = await claimWithLines(trx, 3, 1);
        await setLogLineIds(trx, [{ row: row(3), line: { ticketId, number } }], firstId + 1);
      }),
    ).rejects.toThrow(/was not written/);
  });
});
