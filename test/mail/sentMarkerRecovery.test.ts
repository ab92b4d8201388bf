import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../core/clock';
import { Db, openDb } from '../../core/db';
import { createSentMarker } from '../../mail/outbox/sentMarker';
import { installedSite } from '../helpers/installedSite';
import { TestDatabase } from '../helpers/db';

/**
 * A sender's 'sent' marks after a lost connection are retried for `giveUpAfterMs` from when the marks
 * started failing, not from the first failure the marker ever saw: on a busy sender the marker keeps
 * flushing for minutes, and a second blip long after the first had healed must be retried like the
 * first. Given up at once, the mark rejects, and a mail that went out is not recorded as sent.
 *
 * Staged on the real server: the marks block on row locks another session holds, and that session
 * kills the marker's connection while it waits (a lost connection, as a server restart gives).
 */
describe('the sent marker after a lost connection', () => {
  let t: TestDatabase;
  let markerDb: Db;
  let lockA: Db;
  let lockB: Db;
  const token = 'test-sender:1';

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    for (const key of ['one', 'two'])
      await t.db('bl_support_outbox').insert({
        event_key: `marker:${key}`,
        event_type: 'SUPPORT_TICKET_CLOSED',
        ticket_id: 1,
        state: 'sending',
        available_at: '2024-03-12 07:00:00',
        claimed_by: token,
        claimed_at: '2024-03-12 07:00:00',
        created_at: '2024-03-12 07:00:00',
      });
    markerDb = openDb(t.target, { poolMax: 1 });
    lockA = openDb(t.target, { poolMax: 1 });
    lockB = openDb(t.target, { poolMax: 1 });
  });
  afterAll(async () => {
    await Promise.all([markerDb, lockA, lockB].map((d) => d?.destroy()));
    await t.drop();
  });

  const ids = async () =>
    (await t.db('bl_support_outbox').orderBy('id').select('id')).map((r: { id: number }) => r.id);

  /** Waits until the marker's UPDATE is waiting for a lock, and kills its connection. */
  async function killWaitingMark(): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const [rows] = (await t.db.raw(
        `SELECT ID FROM information_schema.PROCESSLIST
          WHERE DB = DATABASE() AND INFO LIKE 'UPDATE bl_support_outbox%' AND COMMAND = 'Query'`,
      )) as [Array<{ ID: number }>];
      if (rows.length === 1) {
        await t.db.raw(`KILL CONNECTION ${Number(rows[0].ID)}`);
        return;
      }
      await sleep(20);
    }
    throw new Error('the mark never waited for its lock');
  }

  it('retries a second blip long after the first one healed, within one flush', async () => {
    const [one, two] = await ids();
    const giveUpAfterMs = 1000;
    const marker = createSentMarker(markerDb, { clock: systemClock, giveUpAfterMs });
    // Both rows locked by other sessions, each released on cue.
    const trxA = await lockA.transaction();
    const trxB = await lockB.transaction();
    await trxA('bl_support_outbox').where('id', one).forUpdate().select('id');
    await trxB('bl_support_outbox').where('id', two).forUpdate().select('id');

    const first = marker.mark({ id: one, claimedBy: token });
    // The first blip: its mark is retried, and waits for row one again.
    await killWaitingMark();
    const firstFailedAt = Date.now();
    for (let i = 0; i < 200 && !(await waitingMarks()); i++) await sleep(20);
    // The second mark arrives while the first is in flight: the same flush takes it next.
    const second = marker.mark({ id: two, claimedBy: token }).then(
      () => 'landed',
      (err: Error) => `rejected: ${err.message}`,
    );
    await sleep(firstFailedAt + giveUpAfterMs + 300 - Date.now());
    // Row one is let go: the first mark lands. The second waits for row two, and its connection is lost
    // more than giveUpAfterMs after the first blip.
    await trxA.commit();
    await first;
    await killWaitingMark();
    expect(Date.now() - firstFailedAt).toBeGreaterThan(giveUpAfterMs);
    await sleep(300);
    await trxB.commit();
    expect(await second).toBe('landed');
    const states = await t.db('bl_support_outbox').orderBy('id').select('state');
    expect(states.map((r: { state: string }) => r.state)).toEqual(['sent', 'sent']);
    expect(marker.failed).toBe(true);
  });

  async function waitingMarks(): Promise<boolean> {
    const [rows] = (await t.db.raw(
      `SELECT ID FROM information_schema.PROCESSLIST
        WHERE DB = DATABASE() AND INFO LIKE 'UPDATE bl_support_outbox%' AND COMMAND = 'Query'`,
    )) as [Array<{ ID: number }>];
    return rows.length === 1;
  }
});
