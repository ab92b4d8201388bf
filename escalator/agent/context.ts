import { readDictionary } from '../../bridge/dictionaries';
import { resolveSiteZone } from '../../bridge/siteZone';
import { Clock, systemClock } from '../../core/clock';
import { Config } from '../../config/config';
import { Db } from '../../core/db';
import { DbTarget } from '../../core/dbUrl';
import { Logger } from '../../core/logger';
import { RowBudget, UNLIMITED_ROWS } from '../../core/rowBudget';
import { BASELINE_CURSORS, readCursor } from '../../store/cursors';
import { buildPriorityResolver, PriorityResolver } from '../../core/ticketVocabulary';
import { EscalationConfig } from '../escalationConfig';
import { SlaPolicy } from '../../sla/slaMatrix';
import { createSlaRefreshDeps } from '../state/refreshDeps';
import { SlaRefreshDeps } from '../state/refreshSla';
import { HttpPost, axiosPost } from '../webhooks/http';
import { EscalationEvents } from './escalationEvents';

/**
 * Everything an escalation pass needs, built for each pass (the daemon's worker, the CLI): the policy
 * with its calendars (native schedules read here), the site zone, which user fields exist, the install
 * instant and the criticality → priority mapping the sync uses. No module singletons: the worker and the
 * CLI each build their own.
 */
export interface AgentContext extends SlaRefreshDeps {
  db: Db;
  target: DbTarget;
  logger: Logger;
  escalation: EscalationConfig;
  policy: SlaPolicy;
  /** Native tickets up to this ID existed at install: never distributed. */
  baselineTicketId: number;
  priorityOf: PriorityResolver;
  http: HttpPost;
  /** Stamps what happens after `now` (a webhook's sent_at); the pass itself runs at its `now`. */
  clock: Clock;
  /** Lifecycle events (escalationEvents.ts); the daemon's worker passes its emitter. */
  events?: EscalationEvents;
  /** What the pass's sweeps may make the server examine (the UF_SLA_STATE list check, slaStateList.ts). */
  rowBudget: RowBudget;
}

export async function createAgentContext(deps: {
  db: Db;
  target: DbTarget;
  logger: Logger;
  config: Config;
  http?: HttpPost;
  /** The system clock unless given (the daemon's and the CLI's own). */
  clock?: Clock;
  events?: EscalationEvents;
  /** The daemon's db.maxRowsPerSecond budget; none (a pass the operator runs by hand) unless given. */
  rowBudget?: RowBudget;
}): Promise<AgentContext> {
  const { db, config } = deps;
  const zone = (await resolveSiteZone(db, config.site.timeZone)).zone;
  const [sla, baseline, dictionary] = await Promise.all([
    createSlaRefreshDeps(db, config, zone),
    readCursor(db, BASELINE_CURSORS.ticket),
    readDictionary(db),
  ]);
  return {
    ...sla,
    db,
    target: deps.target,
    logger: deps.logger.child({ module: 'escalator' }),
    escalation: config.escalation,
    baselineTicketId: baseline ?? 0,
    priorityOf: buildPriorityResolver(dictionary, config.mapping.criticality),
    http: deps.http ?? axiosPost(config.escalation.webhookRetry.timeoutMs),
    clock: deps.clock ?? systemClock,
    events: deps.events,
    rowBudget: deps.rowBudget ?? UNLIMITED_ROWS,
  };
}
