import { Knex } from 'knex';
import { Config } from '../../config/config';
import { Logger } from '../../core/logger';
import { createSlaRefreshDeps } from './refreshDeps';
import { refreshStaleSla } from './refreshSla';

/**
 * The sync's last step: recompute the SLA of the tickets marked stale (at most `limit`, open ones
 * first), so deadlines, next_due_at and the user fields follow a change within the same pass. A poll
 * that changed nothing only catches up open tickets a killed pass left stale (one indexed probe, and
 * no write at all when there are none); closed ones wait for a busier pass or the escalation pass.
 * A failure here (a bad sla configuration, a lost connection) is logged and left to the escalation
 * pass, which refreshes stale tickets first: the mirror the sync committed stands.
 * It is the sync's afterPass step (sync/types.ts), wired by the composition roots.
 */
export async function refreshAfterSync(
  deps: { db: Knex; config: Config; logger: Logger; zone: string },
  { now, limit, changed }: { now: Date; limit: number; changed: boolean },
): Promise<number> {
  try {
    const probe = deps.db('bl_support_ticket').where('sla_stale', 1);
    if (!changed) probe.andWhere('is_open', 1);
    if (!(await probe.first('id'))) return 0;
    const refreshDeps = await createSlaRefreshDeps(deps.db, deps.config, deps.zone);
    return changed
      ? await refreshStaleSla(refreshDeps, now, limit)
      : await refreshStaleSla(refreshDeps, now, limit, { openOnly: true });
  } catch (err) {
    deps.logger.warn(
      `SLA refresh after sync failed, the escalation pass will retry: ${(err as Error).message}`,
      {
        module: 'sync',
      },
    );
    return 0;
  }
}
