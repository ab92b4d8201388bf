import { validateConfig } from '../../config/config';
import { Db, openDb } from '../../core/db';
import { createSlaRefreshDeps } from '../../escalator/state/refreshDeps';
import { refreshStaleSla } from '../../escalator/state/refreshSla';
import { generateTickets } from '../../fixtures/generate';
import { syncOnce } from '../../sync/syncOnce';
import { BatchInfo } from '../../sync/types';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';
import { rawRows } from '../../core/rawRows';

/**
 * A pass that dies half-way (an exception before a batch commits, or its connection killed) and is then
 * run again ends with exactly the tables of a pass that was never interrupted: nothing lost, nothing
 * twice, no number burnt.
 */
async function site(): Promise<TestDatabase> {
  const t = await installedSite();
  await generateTickets(t.db, {
    tickets: 60,
    messagesPerTicket: 4,
    zone: FIXTURE_ZONE,
    startAt: msk('2024-03-12 11:00:00'),
    closedPercent: 40,
  });
  return t;
}

/** Our tables as comparable text; outbox row IDs left out (auto-increment values are not rolled back). */
async function mirror(db: Db): Promise<string> {
  const parts: string[] = [];
  const tables: Array<[string, string]> = [
    ['bl_support_ticket', 'id'],
    ['bl_support_message', 'id'],
    ['bl_support_ticket_number_day', 'day'],
    ['bl_support_cursor', 'name'],
    ['b_uts_support', 'VALUE_ID'],
  ];
  for (const [table, key] of tables) {
    for (const row of await db(table).orderBy(key).select('*'))
      parts.push(`${table}: ${JSON.stringify(row)}`);
  }
  for (const row of await db('bl_support_outbox').orderBy('event_key').select('*')) {
    const { id: _id, ...rest } = row as Record<string, unknown>;
    parts.push(`bl_support_outbox: ${JSON.stringify(rest)}`);
  }
  return parts.join('\n');
}

const options = { batchSize: 7, reconcile: 'full' as const };

describe('an interrupted pass, run again', () => {
  let reference: TestDatabase;
  let crashed: TestDatabase;
  let expected: string;
  beforeAll(async () => {
    [reference, crashed] = await Promise.all([site(), site()]);
    await syncOnce(syncDeps(reference), options);
    expected = await mirror(reference.db);
  });
  afterAll(async () => {
    await Promise.all([reference.drop(), crashed.drop()]);
  });

  it('after exceptions thrown just before a commit, in every phase', async () => {
    const crashAt = (phase: BatchInfo['phase'], nth: number) => {
      let seen = 0;
      return (batch: BatchInfo) => {
        if (batch.phase === phase && ++seen === nth) throw new Error(`crash in ${phase} batch ${nth}`);
      };
    };
    await expect(syncOnce(syncDeps(crashed), { ...options, onBatch: crashAt('tickets', 5) })).rejects.toThrow(
      'crash in tickets batch 5',
    );
    await expect(
      syncOnce(syncDeps(crashed), { ...options, onBatch: crashAt('messages', 3) }),
    ).rejects.toThrow('crash in messages batch 3');
    await expect(
      syncOnce(syncDeps(crashed), { ...options, onBatch: crashAt('messages', 2) }),
    ).rejects.toThrow('crash in messages batch 2');
    const partial = await mirror(crashed.db);
    expect(partial).not.toBe(expected);
    await syncOnce(syncDeps(crashed), options);
    expect(await mirror(crashed.db)).toBe(expected);
  });

  it('after its connection is killed mid-transaction', async () => {
    const t = await site();
    const killer = openDb({ ...t.target }, { poolMax: 1 });
    const victim = openDb(t.target, { poolMax: 2 });
    try {
      let batches = 0;
      const killAll = async () => {
        if (++batches !== 4) return;
        const rows = await rawRows<{ ID: number }>(
          killer,
          'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
          [t.name],
        );
        for (const row of rows) await killer.raw(`KILL ${Number(row.ID)}`).catch(() => undefined);
      };
      await expect(
        syncOnce({ ...syncDeps(t), db: victim }, { ...options, onBatch: killAll }),
      ).rejects.toThrow();
      await syncOnce({ ...syncDeps(t), db: killer }, options);
      expect(await mirror(killer)).toBe(expected);
    } finally {
      await victim.destroy();
      await killer.destroy();
      await t.drop();
    }
  });
});

/**
 * With a backlog of tickets (20 batches or more) the ticket and message phases run side by side. The
 * tables must not depend on that (the same as one phase after the other), and a phase that fails stops
 * the other before the pass rejects, so a rerun ends as an uninterrupted pass does.
 */
/**
 * Time let pass on purpose after a pass rejected: nothing may happen in it. A batch of 3 tickets
 * commits in a few milliseconds, so a phase that went on after the rejection would commit several.
 */
const quietWindow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 500));

describe('a pass whose phases run side by side', () => {
  // 71 tickets in batches of 3: more than 20 batches behind, so the phases overlap.
  const sideBySide = { batchSize: 3, reconcile: 'full' as const };
  let sequential: string;
  const settled = async (t: TestDatabase): Promise<string> => {
    // The refresh at the end of a pass stores at most a batch of tickets; all of them, for comparison.
    await refreshStaleSla(
      await createSlaRefreshDeps(t.db, validateConfig({}), FIXTURE_ZONE),
      referenceClock().now(),
      10_000,
    );
    // sla_version counts the batches that wrote a ticket's history, which depends on the batch size.
    return (await mirror(t.db)).replace(/"sla_version":\d+/g, '"sla_version":_');
  };
  beforeAll(async () => {
    const reference = await site();
    try {
      await syncOnce(syncDeps(reference), options);
      sequential = await settled(reference);
    } finally {
      await reference.drop();
    }
  });

  it('writes what the phases write one after the other', async () => {
    const t = await site();
    try {
      const batches: string[] = [];
      await syncOnce(syncDeps(t), { ...sideBySide, onBatch: (b) => void batches.push(b.phase) });
      // Message batches committed while ticket batches were still to come: they did overlap.
      expect(batches.indexOf('messages')).toBeLessThan(batches.lastIndexOf('tickets'));
      expect(await settled(t)).toBe(sequential);
    } finally {
      await t.drop();
    }
  });

  it.each(['tickets', 'messages'] as const)(
    'stops both phases when one fails in its %s, and a rerun ends the same',
    async (phase) => {
      const t = await site();
      try {
        let seen = 0;
        const committed: string[] = [];
        const crash = (batch: BatchInfo) => {
          if (batch.phase === phase && ++seen === 4) throw new Error(`crash in ${phase}`);
          committed.push(batch.phase);
        };
        await expect(syncOnce(syncDeps(t), { ...sideBySide, onBatch: crash })).rejects.toThrow(
          `crash in ${phase}`,
        );
        // Nothing of the failed pass is still writing once it rejected: no batch commits after it,
        // and the tables stay as they were while a phase still running would commit several.
        const committedAtRejection = committed.length;
        const after = await mirror(t.db);
        await quietWindow();
        expect(await mirror(t.db)).toBe(after);
        expect(committed.length).toBe(committedAtRejection);
        expect(committed.length).toBeGreaterThan(3);
        await syncOnce(syncDeps(t), sideBySide);
        expect(await settled(t)).toBe(sequential);
      } finally {
        await t.drop();
      }
    },
  );
});
