import { Knex } from 'knex';
import { Config } from '../../core/config';
import { Logger } from '../../core/logger';
import { createSlaRefreshDeps } from './refreshDeps';
import { refreshStaleSla } from './refreshSla';

/**
 * The sync's last step when its pass changed anything: recompute the SLA of the tickets it marked stale
 * (at most `limit`, open ones first), so deadlines, next_due_at and the user fields follow a change
 * within the same pass. A failure here (a bad sla configuration, a lost connection) is logged and left
 * to the escalation pass, which refreshes stale tickets first: the mirror the sync committed stands.
 */
export async function refreshAfterSync(
  deps: { db: Knex; config: Config; logger: Logger; zone: string },
  now: Date,
  limit: number,
): Promise<number> {
  try {
    return await refreshStaleSla(await createSlaRefreshDeps(deps.db, deps.config, deps.zone), now, limit);
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
