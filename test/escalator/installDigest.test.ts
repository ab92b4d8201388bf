import { baselineDigest, BaselineEscalation } from '../../store/escalations';
import { queueInstallDigest } from '../../escalator/agent/digest';
import { seededRandom } from '../helpers/seededRandom';
import { installedSite } from '../helpers/installedSite';
import { TestDatabase } from '../helpers/db';

/**
 * The install digest on a site installed with many tickets already overdue: the server counts the
 * tickets and picks the first 500 with their latest point, so the pass never holds every 'baseline' row.
 * What it says must be what reading every row would say: the count of tickets, the earliest point, and
 * the first tickets by ID each with its latest point. 'applied' rows and rows whose ticket has no mirror
 * row are not in it.
 */
describe('the install digest of 1,200 overdue tickets', () => {
  let t: TestDatabase;
  const firstId = 5001;
  const tickets = 1200;

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    const at = '2024-03-01 09:00:00';
    const mirror = Array.from({ length: tickets }, (_, i) => ({
      id: firstId + i,
      number: `SUP-20240301-${String(i + 1).padStart(4, '0')}`,
      site_id: 's1',
      subject: `Overdue ${i}`,
      status: 'open',
      created_at: at,
      updated_at: at,
    }));
    for (let i = 0; i < mirror.length; i += 400)
      await t.db('bl_support_ticket').insert(mirror.slice(i, i + 400));
    const random = seededRandom('install digest');
    const rows: object[] = [];
    const point = (ticket: number, target: string, level: string, dueMinute: number, outcome: string) =>
      rows.push({
        ticket_id: ticket,
        target,
        level,
        cycle: 0,
        due_at: new Date(Date.UTC(2024, 2, 1, 6, 0) + dueMinute * 60_000)
          .toISOString()
          .slice(0, 19)
          .replace('T', ' '),
        fired_at: '2024-03-12 07:00:00',
        outcome,
      });
    // Shuffled, so the table's order is not the order the digest wants.
    const order = Array.from({ length: tickets }, (_, i) => firstId + i).sort(() => random() - 0.5);
    for (const id of order) {
      const warn = Math.floor(random() * 20_000);
      point(id, 'first_reply', 'warn', warn, 'baseline');
      if (random() < 0.6)
        point(id, 'first_reply', 'breach', warn + 1 + Math.floor(random() * 500), 'baseline');
      if (random() < 0.2) point(id, 'resolution', 'warn', Math.floor(random() * 30_000), 'baseline');
    }
    // Not in the digest: applied points (even an early one), and a ticket the mirror does not have.
    point(firstId, 'assignment', 'breach', -5000, 'applied');
    point(99_999, 'first_reply', 'breach', -6000, 'baseline');
    for (let i = 0; i < rows.length; i += 500)
      await t.db('bl_support_escalation').insert(rows.slice(i, i + 500));
  });
  afterAll(async () => {
    await t.drop();
  });

  /** The digest from every row, as the pass built it before (all rows in memory). */
  async function fromEveryRow(limit: number) {
    const all = (await t
      .db('bl_support_escalation as e')
      .join('bl_support_ticket as t', 't.id', 'e.ticket_id')
      .where('e.outcome', 'baseline')
      .orderBy([{ column: 'e.ticket_id' }, { column: 'e.due_at' }, { column: 'e.id' }])
      .select('e.ticket_id', 't.number', 'e.target', 'e.level', 'e.due_at')) as BaselineEscalation[];
    const byTicket = new Map(all.map((r) => [r.ticket_id, r]));
    const first = all.reduce((a, b) => (b.due_at < a.due_at ? b : a));
    return {
      tickets: byTicket.size,
      first,
      listed: [...byTicket.values()].slice(0, limit),
      rows: all.length,
    };
  }

  it('counts, picks and lists what reading every row would', async () => {
    const expected = await fromEveryRow(500);
    expect(expected.tickets).toBe(tickets);
    expect(expected.rows).toBeGreaterThan(1.5 * tickets);
    const digest = await baselineDigest(t.db, 500);
    expect(digest.tickets).toBe(expected.tickets);
    expect(digest.first).toEqual(expected.first);
    expect(digest.listed).toHaveLength(500);
    expect(digest.listed).toEqual(expected.listed);
    // The latest point of a ticket with a breach is the breach.
    expect(digest.listed.some((r) => r.level === 'breach')).toBe(true);
  });

  it('queues one notice saying so', async () => {
    expect(await queueInstallDigest(t.db, [3], new Date('2024-03-12T07:00:00Z'))).toBe(true);
    const [notice] = (await t.db('bl_support_outbox').where('event_type', 'SUPPORT_SLA_DIGEST')) as Array<{
      payload: string;
    }>;
    const payload = JSON.parse(notice.payload) as {
      count: number;
      tickets: Array<{ ticketId: number }>;
      dueAt: string;
    };
    const expected = await fromEveryRow(500);
    expect(payload.count).toBe(tickets);
    expect(payload.tickets.map((x) => x.ticketId)).toEqual(expected.listed.map((r) => r.ticket_id));
    expect(payload.dueAt).toBe(`${expected.first.due_at.replace(' ', 'T')}.000Z`);
    expect(await queueInstallDigest(t.db, [3], new Date('2024-03-12T07:15:00Z'))).toBe(false);
  });
});
