import { Knex } from 'knex';
import { computeTickets, ComputeDeps } from './computeState';
import { pendingDueAt, storeComputation, StoreDeps } from './storeState';

/**
 * Recomputes the SLA of tickets from their history and stores it (deadlines, pause, flags, next_due_at,
 * user fields). The sync calls refreshSla for the tickets it changed; the escalation pass first calls
 * refreshStaleSla, so a ticket whose refresh was missed (a crash, a version race) is caught up.
 */
export interface SlaRefreshDeps extends ComputeDeps, StoreDeps {
  db: Knex;
}

const BATCH = 500;

export async function refreshSla(deps: SlaRefreshDeps, ids: readonly number[], now: Date): Promise<number> {
  let stored = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const computed = await computeTickets(deps.db, deps, ids.slice(i, i + BATCH), now);
    for (const c of computed) if (await storeComputation(deps.db, deps, c, pendingDueAt(c))) stored++;
  }
  return stored;
}

/** Open tickets first (they can be due), then closed ones; at most `limit` per call. */
export async function refreshStaleSla(
  deps: SlaRefreshDeps,
  now: Date,
  limit: number,
  options: { openOnly?: boolean } = {},
): Promise<number> {
  let stored = 0;
  let seen = 0;
  for (const isOpen of options.openOnly ? [1] : [1, 0]) {
    let afterId = 0;
    while (seen < limit) {
      const ids = await deps
        .db('bl_support_ticket')
        .where({ sla_stale: 1, is_open: isOpen })
        .andWhere('id', '>', afterId)
        .orderBy('id')
        .limit(Math.min(BATCH, limit - seen))
        .pluck<number[]>('id');
      if (ids.length === 0) break;
      seen += ids.length;
      afterId = ids[ids.length - 1];
      stored += await refreshSla(deps, ids, now);
    }
  }
  return stored;
}
