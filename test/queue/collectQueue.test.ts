import { FIXTURE } from '../../fixtures/seed';
import { collectQueue } from '../../queue/collectQueue';
import { parseQueueFilter, QueueCliOptions } from '../../queue/queueOptions';
import { REFERENCE_TIME } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { insertTickets } from '../helpers/mirroredTickets';
import { queueTickets } from './queueFixture';

const NOW = new Date(REFERENCE_TIME);

describe('collectQueue: open tickets by their next SLA deadline', () => {
  let t: TestDatabase;
  const ids = async (opts: QueueCliOptions, env: NodeJS.ProcessEnv = {}): Promise<number[]> =>
    (await collectQueue(t.db, parseQueueFilter(opts, env), NOW)).map((r) => r.id);

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    await insertTickets(t.db, queueTickets(NOW));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('lists open, undeleted tickets, most urgent first, paused ones last', async () => {
    expect(await ids({})).toEqual([105, 101, 103, 102, 104]);
  });

  it('joins the customer, the order number and the assignee, and computes the time left', async () => {
    const rows = await collectQueue(t.db, parseQueueFilter({}), NOW);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(101)).toMatchObject({
      number: 'SUP-20240312-0101',
      customer: 'Мария Иванова',
      customerUserId: FIXTURE.users.customerMaria,
      orderNumber: '2024-0042',
      priority: 3,
      status: 'open',
      assigneeName: 'Ольга Смирнова',
      dueKind: 'first_reply',
      minutesLeft: -30,
      overdue: true,
      paused: false,
    });
    expect(byId.get(102)).toMatchObject({
      customer: 'John Smith',
      orderNumber: null,
      assigneeName: 'Ivan Petrov',
      dueKind: 'resolution',
      minutesLeft: 120,
      overdue: false,
    });
    expect(byId.get(103)).toMatchObject({
      customer: 'guest@example.org',
      customerUserId: null,
      assigneeId: null,
      assigneeName: null,
      minutesLeft: 30,
    });
    expect(byId.get(104)).toMatchObject({ paused: true, dueAt: null, minutesLeft: null, overdue: false });
    expect(byId.get(105)).toMatchObject({
      customer: 'Пётр Сидоров',
      minutesLeft: -2 * 24 * 60,
      overdue: true,
    });
    expect(byId.get(101)?.dueAt?.toISOString()).toBe(new Date(NOW.getTime() - 30 * 60_000).toISOString());
  });

  it('filters by status (one or a comma list)', async () => {
    expect(await ids({ status: 'open' })).toEqual([105, 101, 103]);
    expect(await ids({ status: 'awaiting_reply,in_progress' })).toEqual([102, 104]);
    expect(await ids({ status: 'closed' })).toEqual([]);
  });

  it('filters by category', async () => {
    expect(await ids({ category: 'payment' })).toEqual([101, 103]);
    expect(await ids({ category: 'shipping,payment' })).toEqual([101, 103, 102]);
  });

  it('filters by assignee: an ID, none, and me from --me or BXSUP_OPERATOR_ID', async () => {
    expect(await ids({ assignee: String(FIXTURE.users.operatorOlga) })).toEqual([101, 104]);
    expect(await ids({ assignee: 'none' })).toEqual([103]);
    expect(await ids({ assignee: 'me', me: FIXTURE.users.operatorIvan })).toEqual([105, 102]);
    expect(await ids({ assignee: 'me' }, { BXSUP_OPERATOR_ID: String(FIXTURE.users.operatorIvan) })).toEqual([
      105, 102,
    ]);
    // --me wins over the environment.
    expect(await ids({ assignee: 'me', me: FIXTURE.users.operatorOlga }, { BXSUP_OPERATOR_ID: '3' })).toEqual(
      [101, 104],
    );
  });

  it('filters by priority, as numbers or names', async () => {
    expect(await ids({ priority: '4' })).toEqual([103]);
    expect(await ids({ priority: 'high,critical' })).toEqual([101, 103]);
    expect(await ids({ priority: 'low' })).toEqual([104]);
  });

  it('filters overdue tickets: the next deadline has passed', async () => {
    expect(await ids({ overdue: true })).toEqual([105, 101]);
    expect(await ids({ overdue: true, assignee: 'none' })).toEqual([]);
  });

  it('filters by site and limits the count', async () => {
    expect(await ids({ site: 's2' })).toEqual([102]);
    expect(await ids({ site: 's1', limit: 2 })).toEqual([105, 101]);
  });

  it('combines filters with AND', async () => {
    expect(await ids({ status: 'open', category: 'payment', priority: '3' })).toEqual([101]);
  });
});
