import { Knex } from 'knex';
import { openDb } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * The reconciliation looks for tickets Bitrix deleted (a probe of b_ticket for each mirror row of a
 * range) only where the mirror holds more live tickets than the native side matched. Seen from outside:
 * which ranges get the probe, and what the sweep marked deleted.
 */
const RANGE = 10;

describe('the reconciliation probes for deleted tickets only where the counts differ', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await installedSite();
    await generateTickets(t.db, {
      tickets: 60,
      messagesPerTicket: 3,
      zone: FIXTURE_ZONE,
      startAt: msk('2023-06-01 09:00:00'),
      closedPercent: 50,
    });
    await syncOnce(syncDeps(t), { reconcile: 'full' });
    victims = await closedPair();
  });
  afterAll(async () => {
    await t.drop();
  });

  /** A whole cycle in ranges of RANGE tickets; returns the ranges probed and the ranges read in detail. */
  async function sweep() {
    const db = openDb(t.target, { poolMax: 2 });
    const probed: Array<[number, number]> = [];
    const detail: Array<[number, number]> = [];
    db.on('query', (q: { sql: string; bindings?: readonly Knex.Value[] }) => {
      const [from, to] = (q.bindings ?? []) as number[];
      if (/from `bl_support_ticket` as `m` left join `b_ticket` as `t`.* between/.test(q.sql))
        probed.push([from, to]);
      if (/^SELECT ID, TICKET_ID FROM b_ticket_message\b/.test(q.sql)) detail.push([from, to]);
    });
    try {
      const result = await syncOnce({ ...syncDeps(t), db }, { reconcile: 'full', batchSize: RANGE });
      expect(result.reconciled).toBe(true);
      return { result, probed, detail };
    } finally {
      await db.destroy();
    }
  }
  const within = (ranges: Array<[number, number]>, id: number) =>
    ranges.length === 1 && ranges[0][0] <= id && id <= ranges[0][1];
  /**
   * Two closed tickets in one range of the sweep (ranges of RANGE IDs from 1): the reconciliation is what
   * finds a closed ticket deleted (the fast poll compares the open ones).
   */
  async function closedPair(): Promise<[number, number]> {
    const closed = (await t.db('bl_support_ticket').where('is_open', 0).orderBy('id').pluck('id')).map(
      Number,
    );
    const range = (id: number) => Math.floor((id - 1) / RANGE);
    const i = closed.findIndex((id, k) => k > 0 && range(closed[k - 1]) === range(id));
    return [closed[i - 1], closed[i]];
  }
  let victims: [number, number];

  it('probes no range when the mirror is in step', async () => {
    const { result, probed } = await sweep();
    expect(probed).toEqual([]);
    expect(result).toMatchObject({ deletedTickets: 0, changedTickets: 0, messages: 0 });
  });

  it('probes the one range where Bitrix deleted a ticket, and marks it deleted', async () => {
    const id = victims[0];
    const mirrored = await t.db('bl_support_message').where('ticket_id', id).count({ n: '*' });
    await t.db('b_ticket_message').where('TICKET_ID', id).delete();
    await t.db('b_ticket').where('ID', id).delete();
    const { result, probed } = await sweep();
    expect(within(probed, id)).toBe(true);
    expect(result.deletedTickets).toBe(1);
    const row = await t.db('bl_support_ticket').where('id', id).first('deleted_at');
    expect(row.deleted_at).not.toBeNull();
    // A deleted ticket keeps its mirrored messages.
    expect(await t.db('bl_support_message').where('ticket_id', id).count({ n: '*' })).toEqual(mirrored);
  });

  it('after that, the deleted ticket costs no probe and its messages no detail read', async () => {
    const { result, probed, detail } = await sweep();
    expect(probed).toEqual([]);
    expect(detail).toEqual([]);
    expect(result).toMatchObject({ deletedTickets: 0, changedTickets: 0, messages: 0 });
  });

  it('a second deletion in a range that already holds one is still found', async () => {
    const id = victims[1];
    await t.db('b_ticket_message').where('TICKET_ID', id).delete();
    await t.db('b_ticket').where('ID', id).delete();
    const { result, probed } = await sweep();
    expect(within(probed, id)).toBe(true);
    expect(result.deletedTickets).toBe(1);
    expect((await t.db('bl_support_ticket').where('id', id).first('deleted_at')).deleted_at).not.toBeNull();
  });
});
