import { openDb } from '../../core/db';
import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { readServerInfo } from '../../bridge/serverInfo';
import { MAIL_EVENT_TYPES } from '../../mail/eventTypes';
import { claimDue } from '../../store/outbox/claim';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk } from './helpers/mailEnv';
import { sessionRowsExamined } from '../helpers/sessionRows';

/**
 * What a claim costs the server and the senders beside it, with a backlog: it reads the rows it takes
 * (the due index in its own order), not every due row, so it locks only those, and a second sender
 * claiming meanwhile gets rows of its own instead of none. The earliest due goes first.
 */
const BACKLOG = 600;
const LIMIT = 10;
const now = msk('2024-03-12 11:00:00');

describe('claims with a backlog', () => {
  let t: TestDatabase;
  let skipLocked: boolean;

  beforeAll(async () => {
    t = await installedSite({ sync: false });
    skipLocked = (await readServerInfo(t.db)).supportsSkipLocked;
  });
  afterAll(async () => t.drop());

  /**
   * An outbox as a site's looks after a while: mostly mails sent long ago, then BACKLOG due closing
   * notices, none claimed. Returns the due rows' IDs in creation order.
   */
  const queueBacklog = async (): Promise<number[]> => {
    await t.db('bl_support_outbox').del();
    const stamp = instantToUtc(new Date(now.getTime() - 60_000));
    const later = instantToUtc(new Date(now.getTime() + 3_600_000));
    const row = (i: number, state: string, availableAt = stamp) => ({
      event_key: `closed:1:${state}-${availableAt}-${i}`,
      event_type: 'SUPPORT_TICKET_CLOSED',
      ticket_id: 1,
      payload: '{}',
      state,
      attempts: state === 'sent' ? 1 : 0,
      available_at: availableAt,
      created_at: stamp,
    });
    const rows = [
      ...Array.from({ length: 10 * BACKLOG }, (_, i) => row(i, 'sent')),
      ...Array.from({ length: BACKLOG }, (_, i) => row(i, 'pending')),
      // Retries waiting for their time.
      ...Array.from({ length: 5 * BACKLOG }, (_, i) => row(i, 'pending', later)),
    ];
    for (let i = 0; i < rows.length; i += 500) await t.db('bl_support_outbox').insert(rows.slice(i, i + 500));
    await t.db.raw('ANALYZE TABLE bl_support_outbox');
    return (
      await t
        .db('bl_support_outbox')
        .where({ state: 'pending', available_at: stamp })
        .orderBy('id')
        .pluck('id')
    ).map(Number);
  };

  const claim = (db: Db, strategy: boolean, claimer = 'host:1:a') =>
    claimDue(db, { claimer, limit: LIMIT, now, skipLocked: strategy, eventTypes: MAIL_EVENT_TYPES });

  it.each([
    ['FOR UPDATE SKIP LOCKED', true],
    ['the conditional UPDATE', false],
  ])('with %s a claim reads about the rows it takes, not the whole backlog', async (_name, strategy) => {
    if (strategy && !skipLocked) return; // the server has no SKIP LOCKED: only the other path exists
    await queueBacklog();
    // One connection, so the session's counters are the claim's.
    const one = openDb(t.target, { poolMax: 1 });
    try {
      const reads = (): Promise<number> => sessionRowsExamined(one);
      // What reading the counters costs by itself, taken off below.
      const own = -(await reads()) + (await reads());
      const before = await reads();
      const claimed = await claim(one, strategy);
      const examined = (await reads()) - before - own;
      expect(claimed).toHaveLength(LIMIT);
      // ORDER BY id read and sorted all 600 due rows (and more) for each claim.
      expect(examined).toBeLessThan(10 * LIMIT);
    } finally {
      await one.destroy();
    }
  });

  it('a second sender claiming while the first claim is still open gets rows of its own', async () => {
    if (!skipLocked) return; // without SKIP LOCKED the second claim waits for the first by design
    const ids = await queueBacklog();
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let claimedInside!: () => void;
    const inside = new Promise<void>((resolve) => (claimedInside = resolve));
    // The first sender's claim, held open between its statements and its commit.
    const slow = {
      transaction: <T>(work: (trx: unknown) => Promise<T>) =>
        t.db.transaction(async (trx) => {
          const result = await work(trx);
          claimedInside();
          await gate;
          return result;
        }),
    } as unknown as Db;
    const first = claim(slow, true, 'host:1:first');
    await inside;
    const second = await claim(t.db, true, 'host:2:second');
    commit();
    const firstRows = await first;
    expect(firstRows.map((r) => r.id)).toEqual(ids.slice(0, LIMIT));
    // ORDER BY id, where the server chose to sort the due rows, locked them all: the second found none.
    expect(second.map((r) => r.id)).toEqual(ids.slice(LIMIT, 2 * LIMIT));
  });

  it.each([
    ['FOR UPDATE SKIP LOCKED', true],
    ['the conditional UPDATE', false],
  ])('with %s the earliest due goes first, then the oldest', async (_name, strategy) => {
    if (strategy && !skipLocked) return;
    await t.db('bl_support_outbox').del();
    const at = (minutesAgo: number) => instantToUtc(new Date(now.getTime() - minutesAgo * 60_000));
    const insert = async (key: string, minutesAgo: number) =>
      Number(
        (
          await t.db('bl_support_outbox').insert({
            event_key: key,
            event_type: 'SUPPORT_TICKET_CLOSED',
            ticket_id: 1,
            payload: '{}',
            state: 'pending',
            attempts: 0,
            available_at: at(minutesAgo),
            created_at: at(30),
          })
        )[0],
      );
    // A retry that became due a minute ago, then two new events due for longer.
    const retried = await insert('closed:1:retried', 1);
    const older = await insert('closed:1:older', 10);
    const newer = await insert('closed:1:newer', 5);
    await insert('closed:1:not-yet', -5);
    const claimed = await claimDue(t.db, {
      claimer: 'host:1:a',
      limit: 10,
      now,
      skipLocked: strategy,
      eventTypes: MAIL_EVENT_TYPES,
    });
    expect(claimed.map((r) => r.id)).toEqual([older, newer, retried]);
  });
});
