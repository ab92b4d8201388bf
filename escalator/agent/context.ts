import { readDictionary } from '../../bridge/dictionaries';
import { resolveSiteZone } from '../../bridge/siteZone';
import { Config } from '../../core/config';
import { Db } from '../../core/db';
import { DbTarget } from '../../core/dbUrl';
import { Logger } from '../../core/logger';
import { BASELINE_CURSORS } from '../../schema/historyBaseline';
import { buildPriorityResolver, PriorityResolver } from '../../sync/mapping/priority';
import { EscalationConfig } from '../escalationConfig';
import { SlaPolicy } from '../slaMatrix';
import { createSlaRefreshDeps } from '../state/refreshDeps';
import { SlaRefreshDeps } from '../state/refreshSla';
import { HttpPost, axiosPost } from '../webhooks/http';

/**
 * Everything an escalation pass needs, built once per daemon (and per CLI run): the policy with its
 * calendars (native schedules read here), the site zone, which user fields exist, the install instant
 * and the criticality → priority mapping the sync uses. No module singletons: the worker and the CLI
 * each build their own.
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
}

export async function createAgentContext(deps: {
  db: Db;
  target: DbTarget;
  logger: Logger;
  config: Config;
  http?: HttpPost;
}): Promise<AgentContext> {
  const { db, config } = deps;
  const zone = (await resolveSiteZone(db, config.site.timeZone)).zone;
  const [sla, baseline, dictionary] = await Promise.all([
    createSlaRefreshDeps(db, config, zone),
    db('bl_support_cursor').where({ name: BASELINE_CURSORS.ticket }).first('value'),
    readDictionary(db),
  ]);
  return {
    ...sla,
    db,
    target: deps.target,
    logger: deps.logger.child({ module: 'escalator' }),
    escalation: config.escalation,
    baselineTicketId: baseline ? Number((baseline as { value: number }).value) : 0,
    priorityOf: buildPriorityResolver(dictionary, config.mapping.criticality),
    http: deps.http ?? axiosPost(config.escalation.webhookRetry.timeoutMs),
  };
}
