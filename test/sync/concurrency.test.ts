import { openDb } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * Two syncs at once (two daemons, or a daemon and `bxsup sync --once`), each with its own connection
 * pool, over the fixture plus 400 tickets created after the install: every ticket gets one number,
 * numbers of a day are gapless, and every event is queued once.
 */
const GENERATED = 400;

describe('two syncs at once', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
    // Mon 12 March 2024 12:00 Moscow, one a minute: all on the 12th, after the install (10:30).
    await generateTickets(t.db, {
      tickets: GENERATED,
      messagesPerTicket: 3,
      zone: FIXTURE_ZONE,
      startAt: msk('2024-03-12 12:00:00'),
      closedPercent: 50,
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('mirror everything once, with unique gapless numbers and no duplicate events', async () => {
    const pools = [openDb(t.target, { poolMax: 3 }), openDb(t.target, { poolMax: 3 })];
    try {
      const results = await Promise.all(
        pools.map((db) => syncOnce({ ...syncDeps(t), db }, { batchSize: 25, reconcile: 'full' })),
      );
      // They really ran side by side: the cursor locks made them take turns, batch by batch.
      expect(results.every((r) => r.tickets > 0)).toBe(true);
      expect(results[0].tickets + results[1].tickets).toBe(11 + GENERATED);
      expect(results[0].events + results[1].events).toBe(GENERATED + GENERATED + GENERATED / 2);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
    const numbers: string[] = await t.db('bl_support_ticket').orderBy('id').pluck('number');
    expect(new Set(numbers).size).toBe(11 + GENERATED);
    // Fixture ticket 11 (06:50 Moscow) is the day's first; the generated ones follow in ID order.
    const today = numbers.filter((n) => n.startsWith('SUP-20240312-'));
    expect(today).toEqual(
      Array.from({ length: GENERATED + 1 }, (_, i) => `SUP-20240312-${String(i + 1).padStart(4, '0')}`),
    );
    expect(await t.db('bl_support_ticket_number_day').where('day', '20240312').first('last_seq')).toEqual({
      last_seq: GENERATED + 1,
    });

    // Each generated ticket: created; its one staff message (C_NUMBER 3) a reply; half of them closed.
    const count = async (type: string) =>
      Number((await t.db('bl_support_outbox').where('event_type', type).count({ n: '*' }))[0].n);
    expect(await count('SUPPORT_TICKET_CREATED')).toBe(GENERATED);
    expect(await count('SUPPORT_TICKET_REPLY')).toBe(GENERATED);
    expect(await count('SUPPORT_TICKET_CLOSED')).toBe(GENERATED / 2);
    const closedNative = await t
      .db('b_ticket')
      .whereNotNull('DATE_CLOSE')
      .where('ID', '>', 11)
      .count({ n: '*' });
    expect(Number(closedNative[0].n)).toBe(GENERATED / 2);

    // 3 messages per generated ticket + the fixture's 20; log lines never.
    const messages = await t.db('bl_support_message').count({ n: '*' });
    expect(Number(messages[0].n)).toBe(20 + 3 * GENERATED);
  });
});
