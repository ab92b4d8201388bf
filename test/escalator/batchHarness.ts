import { validateConfig } from '../../config/config';
import { Db } from '../../core/db';
import { openDb } from '../../core/db';
import { createAgentContext } from '../../escalator/agent/context';
import { queueInstallDigest } from '../../escalator/agent/digest';
import { dueTicketIds } from '../../escalator/agent/dueTickets';
import { escalateTicket } from '../../escalator/agent/escalateTicket';
import { AlreadyEscalated } from '../../store/escalations';
import { createPassCache } from '../../escalator/agent/passCache';
import { computeTickets } from '../../escalator/state/computeState';
import { refreshStaleSla } from '../../escalator/state/refreshSla';
import { pendingDueAt, storeComputation } from '../../escalator/state/storeState';
import { generateTickets } from '../../fixtures/generate';
import { FixtureShape } from '../../fixtures/seed';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { escalationSite, msk, Site } from './agentHarness';

/**
 * For the batched escalation tests: a site with `tickets` unanswered tickets created after the install
 * (every first reply breached by `BATCH_NOW`, many resolutions warned or breached), half of them left
 * stale so the pass's SLA catch-up hands them over; the one-ticket path the batches are held to; and
 * everything a pass writes, as comparable text.
 */
export const BATCH_NOW = new Date('2024-03-14T12:00:00.000Z');

export async function batchSite(tickets: number, shape?: FixtureShape): Promise<Site> {
  const s = await escalationSite({}, { shape });
  await s.sync(new Date(REFERENCE_TIME));
  await generateTickets(s.t.db, {
    tickets,
    messagesPerTicket: 1,
    zone: FIXTURE_ZONE,
    startAt: msk('2024-03-12 11:00:00'),
    closedPercent: 0,
  });
  await s.sync(msk('2024-03-12 15:00:00'));
  await s.t.db('bl_support_ticket').whereRaw('id % 2 = 0').update({ sla_stale: 1 });
  return s;
}

/**
 * What runEscalationPass does, with each due ticket escalated in a transaction of its own by
 * escalateTicket (the path before batches, and still the one for a ticket a batch cannot take).
 */
export async function oneTicketPass(s: Site, now: Date): Promise<void> {
  const ctx = await createAgentContext({
    db: s.t.db,
    target: s.t.target,
    logger: s.logger,
    config: validateConfig(s.config),
  });
  await refreshStaleSla(ctx, now, ctx.escalation.refreshLimit);
  const cache = await createPassCache(ctx, now);
  const attempted: number[] = [];
  for (;;) {
    const ids = await dueTicketIds(ctx.db, now, 1000, attempted);
    if (ids.length === 0) break;
    attempted.push(...ids);
    const computed = await computeTickets(ctx.db, ctx, ids, now);
    for (const c of computed) {
      await Promise.all([cache.criticalities(c.ticket.site_id), cache.language(c.ticket.site_id)]);
      if (c.plan.due.length === 0) await storeComputation(ctx.db, ctx, c, pendingDueAt(c));
      else
        await escalateTicket(ctx, cache, c, now).catch((err: unknown) => {
          if (!(err instanceof AlreadyEscalated)) throw err;
        });
    }
  }
  await queueInstallDigest(ctx.db, cache.people.supervisors, now);
}

/** A second pool on the site's database: another process's connections. */
export function otherPool(s: Site): Db {
  return openDb(s.t.target, { poolMax: 4 });
}

/** Everything a pass writes, as comparable text (auto-increment IDs left out). */
export async function effects(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const r of await db('bl_support_escalation')
    .orderBy(['ticket_id', 'target', 'level', 'cycle'])
    .select('*')) {
    const { id: _id, actions, ...rest } = r as Record<string, unknown>;
    const { logMessageId: _log, ...what } = JSON.parse(String(actions)) as Record<string, unknown>;
    parts.push(`escalation ${JSON.stringify({ ...rest, what })}`);
  }
  for (const r of await db('bl_support_outbox')
    .where('event_type', 'like', 'SUPPORT\\_SLA%')
    .orderBy('event_key')
    .select('event_key', 'event_type', 'ticket_id', 'payload', 'state'))
    parts.push(`outbox ${JSON.stringify(r)}`);
  for (const r of await db('b_ticket')
    .orderBy('ID')
    .select('ID', 'CRITICALITY_ID', 'RESPONSIBLE_USER_ID', 'TIMESTAMP_X', 'MODIFIED_MODULE_NAME'))
    parts.push(`b_ticket ${JSON.stringify(r)}`);
  for (const r of await db('b_ticket_message')
    .where('CREATED_MODULE_NAME', 'bxsup')
    .orderBy(['TICKET_ID', 'C_NUMBER'])
    .select(
      'TICKET_ID',
      'C_NUMBER',
      'MESSAGE',
      'IS_LOG',
      'NOT_CHANGE_STATUS',
      'CURRENT_RESPONSIBLE_USER_ID',
      'DATE_CREATE',
      'SOURCE_ID',
    ))
    parts.push(`log ${JSON.stringify(r)}`);
  for (const r of await db('bl_support_ticket_event')
    .where('source', 'bxsup')
    .orderBy(['ticket_id', 'at', 'kind'])
    .select('ticket_id', 'at', 'kind', 'value'))
    parts.push(`event ${JSON.stringify(r)}`);
  for (const r of await db('bl_support_ticket')
    .orderBy('id')
    .select(
      'id',
      'priority',
      'next_due_at',
      'escalation_level',
      'sla_stale',
      'sla_version',
      'first_reply_deadline',
      'sla_deadline',
      'first_reply_breached',
      'resolution_breached',
      'uf_state',
    ))
    parts.push(`mirror ${JSON.stringify(r)}`);
  parts.push(`intents ${JSON.stringify(await db('bl_support_native_intent').count({ n: '*' }))}`);
  return parts.join('\n');
}
