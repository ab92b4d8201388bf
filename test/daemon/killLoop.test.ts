import { Db } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { addMessage, closeTicket, createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { configDir, startBxsup } from '../helpers/daemonProcess';
import { installedSite } from '../helpers/installedSite';
import { seededRandom } from '../helpers/seededRandom';

const ZONE = FIXTURE.zone;
const KILLS = 20;
/** Enough history that twenty interrupted passes, each killed shortly after its first batch, do not finish it. */
const HISTORY_TICKETS = 10000;

/** What the mirror holds, in a form two databases can be compared by (no wall-clock stamps of our own). */
async function mirrorSnapshot(db: Db): Promise<string> {
  const tickets = await db('bl_support_ticket')
    .orderBy('id')
    .select(
      'id',
      'number',
      'site_id',
      'user_id',
      'guest_email',
      'order_id',
      'subject',
      'category',
      'priority',
      'status',
      'assigned_to',
      'group_id',
      'first_reply_deadline',
      'sla_deadline',
      'first_reply_at',
      'resolved_at',
      'reopen_count',
      'is_open',
      'created_at',
      'updated_at',
    );
  const messages = await db('bl_support_message').orderBy('id').select('*');
  const outbox = await db('bl_support_outbox')
    .orderBy('event_key')
    .select('event_key', 'event_type', 'ticket_id', 'message_id');
  return JSON.stringify({ tickets, messages, outbox });
}

/** A site installed by the CLI after the fixture got HISTORY_TICKETS more tickets of history. */
function historySite(): Promise<TestDatabase> {
  return installedSite({
    installer: 'cli',
    beforeInstall: async (t) => {
      await generateTickets(t.db, {
        tickets: HISTORY_TICKETS,
        messagesPerTicket: 4,
        zone: ZONE,
        startAt: new Date('2024-01-01T06:00:00Z'),
      });
    },
  });
}

/** A delay in [min, max) ms drawn from the scenario's seeded sequence (the seed is printed). */
const randomDelay = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min));

/**
 * kill -9 at random points, 20 times, during a backfill and during live sync, then a restart: the
 * tables equal those of an uninterrupted run, and no event is missing or doubled.
 */
describe('a daemon killed mid-write loses nothing and doubles nothing', () => {
  let victim: TestDatabase;
  let reference: TestDatabase;
  let cwd: string;

  beforeAll(async () => {
    [victim, reference] = await Promise.all([historySite(), historySite()]);
    cwd = configDir({
      site: { timeZone: ZONE },
      sync: { pollIntervalMs: 100, batchSize: 100 },
      mail: { transport: 'files', dir: 'mail' },
      escalation: { enabled: false },
    });
  }, 240000);

  afterAll(async () => {
    await victim?.drop();
    await reference?.drop();
  });

  it('during the backfill', async () => {
    const random = seededRandom('kill loop, during the backfill');
    let killedMidway = 0;
    for (let i = 0; i < KILLS; i++) {
      const proc = startBxsup(['sync', '--once', '--db', victim.url], { cwd });
      // The kill is timed from the pass's first committed batch (its first progress line), not from the
      // process start, whose cost varies far more than a batch's: so it lands among the writes.
      const writing = await Promise.race([
        proc.waitForOutput(/(tickets|messages): \d+%/, 60000).then(() => true),
        proc.exited.then(() => false),
      ]);
      if (writing) await new Promise((resolve) => setTimeout(resolve, randomDelay(random, 0, 150)));
      if (proc.child.exitCode === null) killedMidway++;
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    // Most kills must land inside a pass, or the test would prove nothing.
    expect(killedMidway).toBeGreaterThan(KILLS / 2);
    for (const t of [victim, reference]) {
      const done = await runCli(['sync', '--once', '--db', t.url], { cwd });
      expect(done.code).toBe(0);
    }
    expect(Number((await victim.db('bl_support_ticket').count({ n: '*' }))[0].n)).toBe(HISTORY_TICKETS + 11);
    expect(await mirrorSnapshot(victim.db)).toBe(await mirrorSnapshot(reference.db));
  }, 240000);

  it('during live sync, with tickets, replies and closes arriving', async () => {
    const random = seededRandom('kill loop, during live sync');
    const expected = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      const daemon = startBxsup(['run', '--db', victim.url], { cwd });
      const at = new Date();
      for (const t of [victim, reference]) {
        const ticketId = await createTicket(t.db, ZONE, {
          siteId: 's2',
          ownerUserId: FIXTURE.users.customerJohn,
          title: `Live ticket ${i}`,
          message: 'Where is my order?',
          at,
        });
        const replyId = await addMessage(t.db, ZONE, {
          ticketId,
          authorUserId: FIXTURE.users.operatorIvan,
          bySupport: true,
          text: `Reply ${i}`,
          at,
        });
        await addMessage(t.db, ZONE, {
          ticketId,
          authorUserId: FIXTURE.users.operatorIvan,
          bySupport: true,
          text: 'note',
          hidden: true,
          at,
        });
        if (i % 2 === 0)
          await closeTicket(t.db, ZONE, {
            ticketId,
            byUserId: FIXTURE.users.operatorIvan,
            bySupport: true,
            at,
          });
        if (t === victim) {
          expected.add(`created:${ticketId}`);
          expected.add(`reply:${replyId}`);
          if (i % 2 === 0) expected.add(`closed:${ticketId}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, randomDelay(random, 300, 1200)));
      daemon.child.kill('SIGKILL');
      await daemon.exited;
    }
    for (const t of [victim, reference]) {
      const done = await runCli(['sync', '--once', '--db', t.url], { cwd });
      expect(done.code).toBe(0);
    }
    const keys = await victim.db('bl_support_outbox').pluck<string[]>('event_key');
    // closed:<id>:<DATE_CLOSE> — compare without the close stamp.
    const normalised = keys.map((k) => k.replace(/^(closed:\d+):.*$/, '$1'));
    expect(new Set(normalised).size).toBe(normalised.length);
    expect([...normalised].sort()).toEqual([...expected].sort());
    expect(await mirrorSnapshot(victim.db)).toBe(await mirrorSnapshot(reference.db));
  }, 240000);
});
