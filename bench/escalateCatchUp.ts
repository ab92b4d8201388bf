import { performance } from 'node:perf_hooks';
import { validateConfig } from '../config/config';
import { silentLogger } from '../core/logger';
import { createAgentContext } from '../escalator/agent/context';
import { runEscalationPass } from '../escalator/agent/pass';
import { ThrowawayServer } from '../demo/privateServer';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { scratchDatabase } from '../demo/scratchDatabase';
import { fillEscalationTables } from './escalateData';
import { instantToUtc } from '../core/time';
import { installForBench } from './installForBench';
import { floorEscalationRows } from './escalateFloor';
import { Db, openDb } from '../core/db';
import { ESCALATION_POOL_SIZE } from '../daemon/dbLoad/daemonPools';

/**
 * The first escalation pass after install on a site with `open` (50,000) open tickets, all overdue
 * already at install (created 10 h before, normal priority: the first reply's warning and deadline
 * passed before the install): mirrored by the first sync but not computed yet (sla_stale, as the
 * backfill leaves them beyond the sync's own refresh). The pass catches every one up (refreshLimit
 * raised to cover them all) and records its two overdue points without acting (outcome 'baseline'),
 * then queues the one install digest. Timed against its writes floor measured in the same run (see
 * recordingFloorSeconds), since the 10 s target is absolute and the machine's speed is not.
 */
export async function benchInstallCatchUp(
  server: ThrowawayServer,
  open: number,
): Promise<{ seconds: number; floorSeconds: number; refreshed: number; recorded: number }> {
  const now = new Date('2024-03-20T12:00:00Z');
  const bench = await scratchDatabase('catchup', server);
  let agentDb: Db | null = null;
  try {
    await loadBitrixFixture(bench.db, { zone: FIXTURE.zone });
    await installForBench(bench.db, bench.target, new Date(now.getTime() - 5 * 60_000));
    await bench.db('bl_support_ticket').delete();
    await fillEscalationTables(bench.db, { tickets: open, openEvery: 1, dueEvery: 1, now });
    await bench.db('bl_support_ticket').update({ sla_stale: 1, next_due_at: null });
    const floorSeconds = await recordingFloorSeconds(server, bench.target.database, now);
    // On a pool of the escalation worker's size, as the daemon runs the pass (the bench's own 2
    // connections left the next round's reads queued behind the round being stored).
    agentDb = openDb(bench.target, { poolMax: ESCALATION_POOL_SIZE });
    const agent = await createAgentContext({
      db: agentDb,
      target: bench.target,
      logger: silentLogger(),
      config: validateConfig({ site: { timeZone: FIXTURE.zone }, escalation: { refreshLimit: open } }),
    });
    const started = performance.now();
    const result = await runEscalationPass(agent, now);
    const seconds = (performance.now() - started) / 1000;
    if (result.refreshed !== open || result.examined !== open || result.applied !== 0 || result.failed) {
      throw new Error(
        `bench: the catch-up pass refreshed ${result.refreshed}, examined ${result.examined}, applied ${result.applied}, failed ${result.failed} of ${open}`,
      );
    }
    return { seconds, floorSeconds, refreshed: result.refreshed, recorded: result.recorded };
  } finally {
    await agentDb?.destroy();
    await bench.close();
  }
}

/**
 * The catch-up's writes floor, on a copy of the two tables: per ticket its two escalation rows and its
 * mirror row's next_due_at and stale flag, 500 tickets a transaction in two multi-row statements
 * (nothing read, nothing computed, no deadlines or user fields stored).
 */
async function recordingFloorSeconds(server: ThrowawayServer, from: string, now: Date): Promise<number> {
  const copy = await scratchDatabase('catchup_floor', server);
  try {
    for (const table of ['bl_support_ticket', 'bl_support_escalation']) {
      await copy.db.raw(`CREATE TABLE \`${table}\` LIKE \`${from}\`.\`${table}\``);
      await copy.db.raw(`INSERT INTO \`${table}\` SELECT * FROM \`${from}\`.\`${table}\``);
    }
    const ids = (await copy.db('bl_support_ticket').orderBy('id').pluck('id')) as number[];
    const utc = instantToUtc(now);
    const started = performance.now();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await copy.db.transaction(async (trx) => {
        await trx('bl_support_escalation').insert(floorEscalationRows(chunk, utc, () => 'baseline'));
        const derived = chunk.map(() => 'SELECT ? AS id').join(' UNION ALL ');
        await trx.raw(
          `UPDATE bl_support_ticket t JOIN (${derived}) v ON v.id = t.id SET t.next_due_at = ?, t.sla_stale = 0`,
          [...chunk, utc],
        );
      });
    }
    return (performance.now() - started) / 1000;
  } finally {
    await copy.close();
  }
}
