import { FixedClock } from '../../core/clock';
import { ConfigInput, validateConfig } from '../../config/config';
import { Logger } from '../../core/logger';
import { createAgentContext } from '../../escalator/agent/context';
import { RowBudget } from '../../core/rowBudget';
import { runEscalationPass } from '../../escalator/agent/pass';
import { PassHooks, PassResult } from '../../escalator/agent/passResult';
import { HttpPost } from '../../escalator/webhooks/http';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { FIXTURE, FixtureShape } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { msk } from '../sync/harness';
import { TestDatabase } from '../helpers/db';
import { installedSite, memoryLogger, syncDeps } from '../sync/harness';

export { installedSite, msk } from '../sync/harness';

/**
 * A fixture site with bxsup installed at the reference time (Tue 2024-03-12 07:30Z), and the two
 * halves of the daemon the agent tests drive by hand at chosen instants: a sync and an escalation pass,
 * both with the same configuration (the sync's SLA refresh uses it too).
 */
export interface Site {
  t: TestDatabase;
  config: ConfigInput;
  logger: Logger;
  /** What the logger was given so far, a line per entry. */
  logLines(): string[];
  sync(at: Date, options?: { reconcile?: 'off' | 'full' }): Promise<void>;
  /** `config` replaces the site's configuration for this pass only. */
  pass(
    at: Date,
    options?: { http?: HttpPost; hooks?: PassHooks; config?: ConfigInput; rowBudget?: RowBudget },
  ): Promise<PassResult>;
}

export async function escalationSite(
  input: ConfigInput = {},
  options: { shape?: FixtureShape } = {},
): Promise<Site> {
  // The fixture writes native datetimes in Moscow time; the test server runs on UTC.
  const config: ConfigInput = { ...input, site: { timeZone: FIXTURE_ZONE, ...input.site } };
  const t = await installedSite({ shape: options.shape });
  const { logger, lines } = memoryLogger();
  const site: Site = {
    t,
    config,
    logger,
    logLines: lines,
    async sync(at, options = {}) {
      await syncOnce(syncDeps(t, { clock: new FixedClock(at), config, logger }), {
        reconcile: options.reconcile ?? 'off',
      });
    },
    async pass(at, options = {}) {
      const agent = await createAgentContext({
        db: t.db,
        target: t.target,
        logger,
        config: validateConfig(options.config ? { ...options.config, site: config.site } : config),
        http: options.http,
        rowBudget: options.rowBudget,
      });
      return runEscalationPass(agent, at, options.hooks);
    },
  };
  return site;
}

/**
 * The escalation site, past its install pass, with one new ticket the workers' tests watch: normal
 * priority, Olga's, created and synced on Tue 12 March at 11:00 Moscow. 24/7: its first reply is due at
 * 19:00, its warning point (80 %) is 17:24.
 */
export async function siteWithNewTicket(title: string): Promise<{ site: Site; ticketId: number }> {
  const site = await escalationSite();
  await site.sync(new Date(REFERENCE_TIME));
  await site.pass(new Date(REFERENCE_TIME));
  const ticketId = await createTicket(site.t.db, FIXTURE_ZONE, {
    siteId: 's1',
    ownerUserId: FIXTURE.users.customerMaria,
    title,
    message: 'Hello',
    criticalityId: FIXTURE.dictionary.criticality.s1.middle,
    responsibleUserId: FIXTURE.users.operatorOlga,
    at: msk('2024-03-12 11:00:00'),
  });
  await site.sync(msk('2024-03-12 11:00:00'));
  return { site, ticketId };
}

export interface EscalationRowView {
  ticket_id: number;
  target: string;
  level: string;
  cycle: number;
  outcome: string;
  due_at: string;
}

export async function escalations(t: TestDatabase, ticketId?: number): Promise<EscalationRowView[]> {
  const q = t
    .db('bl_support_escalation')
    .orderBy('id')
    .select('ticket_id', 'target', 'level', 'cycle', 'outcome', 'due_at');
  if (ticketId !== undefined) q.where('ticket_id', ticketId);
  return q;
}

export async function slaNotices(
  t: TestDatabase,
  ticketId?: number,
): Promise<Array<{ event_type: string; ticket_id: number; payload: Record<string, unknown> }>> {
  const q = t.db('bl_support_outbox').where('event_type', 'like', 'SUPPORT\\_SLA\\_%').orderBy('id');
  if (ticketId !== undefined) q.where('ticket_id', ticketId);
  const rows = (await q.select('event_type', 'ticket_id', 'payload')) as Array<{
    event_type: string;
    ticket_id: number;
    payload: string;
  }>;
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

export async function logLines(
  t: TestDatabase,
  ticketId: number,
  module = 'bxsup',
): Promise<Array<Record<string, unknown>>> {
  return t
    .db('b_ticket_message')
    .where({ TICKET_ID: ticketId, CREATED_MODULE_NAME: module })
    .orderBy('C_NUMBER')
    .select('C_NUMBER', 'IS_LOG', 'NOT_CHANGE_STATUS', 'IS_HIDDEN', 'MESSAGE', 'DATE_CREATE');
}
