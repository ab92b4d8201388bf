import { Knex } from 'knex';
import { nextCriticality, siteCriticalities } from '../../bridge/criticalities';
import { plainText } from '../../bridge/nativeLogText';
import { applyTicketChange, ticketLanguage } from '../../bridge/ticketWrites';
import { instantToNative } from '../../core/time';
import { appendTicketEvents } from '../history/ticketEvents';
import { TicketComputation } from '../state/computeState';
import { chooseAssignee } from './assignee';
import { AgentContext } from './context';
import { claimEscalation, recordActions } from './escalationStore';
import { noticeText, reasonText } from './noticeText';
import { queueNotice, queueWebhooks } from './notices';
import { EscalationPoint } from './plan';
import { PassPeople, resolveRecipients } from './recipients';

/**
 * Applies one escalation point in ONE transaction: the escalation row (its unique key claims the
 * action), the native change and log line, the history event of a raised priority, the outbox notice
 * and the webhook deliveries. A crash before the commit leaves nothing; after it, everything; a second
 * process that gets here for the same key fails on the key and does nothing. Returns null then.
 */
export interface PointResult {
  escalationId: number;
  outcome: 'applied' | 'baseline' | 'superseded';
  actions: Record<string, unknown>;
}

export async function applyPoint(
  ctx: AgentContext,
  people: PassPeople,
  c: TicketComputation,
  point: EscalationPoint,
  now: Date,
): Promise<PointResult | null> {
  const ticket = c.ticket;
  const outcome = point.outcome === 'apply' ? 'applied' : point.outcome;
  return ctx.db.transaction(async (trx) => {
    const escalationId = await claimEscalation(
      trx,
      {
        ticketId: ticket.id,
        target: point.target,
        level: point.level.name,
        cycle: point.cycle,
        dueAt: point.at,
        deadlineAt: point.deadline,
        outcome,
        actions: {},
      },
      now,
    );
    if (escalationId === null) return null;
    if (outcome !== 'applied') return { escalationId, outcome, actions: {} };
    const actions = await act(trx, ctx, people, c, point, escalationId, now);
    await recordActions(trx, escalationId, actions);
    await trx('bl_support_ticket').where({ id: ticket.id }).update({ escalation_level: point.level.name });
    return { escalationId, outcome, actions };
  });
}

async function act(
  trx: Knex.Transaction,
  ctx: AgentContext,
  people: PassPeople,
  c: TicketComputation,
  point: EscalationPoint,
  escalationId: number,
  now: Date,
): Promise<Record<string, unknown>> {
  const { ticket } = c;
  const { level } = point;
  const native = (await trx('b_ticket')
    .where({ ID: ticket.id })
    .forUpdate()
    .first('RESPONSIBLE_USER_ID', 'CRITICALITY_ID', 'SITE_ID')) as
    { RESPONSIBLE_USER_ID: number | null; CRITICALITY_ID: number | null; SITE_ID: string } | undefined;
  if (!native) return { skipped: 'the ticket is gone from b_ticket' };
  const language = await ticketLanguage(trx, native.SITE_ID);
  const current = Number(native.RESPONSIBLE_USER_ID ?? 0) || null;
  const raiseTo = level.raisePriority
    ? nextCriticality(
        await siteCriticalities(trx, native.SITE_ID),
        Number(native.CRITICALITY_ID ?? 0) || null,
      )
    : null;
  const reassignTo = level.reassign
    ? await chooseAssignee(trx, ctx.escalation, {
        mode: level.reassign,
        groupId: ticket.group_id,
        category: ticket.category,
        current,
        supervisors: people.supervisors,
        nowLocal: instantToNative(now, ctx.zone),
      })
    : null;
  const applied = await applyTicketChange(trx, {
    ticketId: ticket.id,
    responsibleUserId: reassignTo ?? undefined,
    criticalityId: raiseTo?.id,
    reason: reasonText(language, point.target, level.on, level.name),
    at: now,
    zone: ctx.zone,
  });
  if (applied.criticalityId) {
    const priority = ctx.priorityOf(applied.criticalityId, native.SITE_ID);
    // Our own change is history too (the recomputed deadlines follow it), dated now and marked as ours.
    await appendTicketEvents(
      trx,
      [{ ticketId: ticket.id, at: now, kind: 'priority', value: priority }],
      now,
      'bxsup',
    );
    await trx('bl_support_ticket').where({ id: ticket.id }).update({ priority });
  }
  if (applied.responsibleUserId) {
    // The mirror follows at once so the next reassignment of this pass counts this ticket's load.
    await trx('bl_support_ticket')
      .where({ id: ticket.id })
      .update({ assigned_to: applied.responsibleUserId });
  }
  const assignee = applied.responsibleUserId ?? current;
  const recipients = resolveRecipients(level.notify, assignee, people);
  const reason = reasonText(language, point.target, level.on, level.name);
  if (recipients.length > 0) {
    await queueNotice(
      trx,
      {
        eventKey: `sla:${ticket.id}:${point.target}:${level.name}:${point.cycle}`,
        eventType: level.on === 'breach' ? 'SUPPORT_SLA_BREACH' : 'SUPPORT_SLA_WARNING',
        ticketId: ticket.id,
        payload: {
          recipients,
          target: point.target,
          level: level.name,
          on: level.on,
          dueAt: (point.deadline ?? point.at).toISOString(),
          reachedAt: point.at.toISOString(),
          reason,
          cycle: point.cycle,
          number: ticket.number,
          raisedTo: applied.criticalityId ?? null,
          reassignedTo: applied.responsibleUserId ?? null,
        },
      },
      now,
    );
  }
  const webhooks = await queueWebhooks(
    trx,
    ctx.escalation.webhooks,
    {
      escalationId,
      levelName: level.name,
      recipients,
      text: noticeText({
        language,
        ticketNumber: ticket.number,
        ticketId: ticket.id,
        subject: ticket.subject,
        target: point.target,
        on: level.on,
        level: level.name,
        deadline: point.deadline,
        zone: ctx.zone,
        changes: plainText(language, applied.items),
      }),
    },
    now,
  );
  return {
    raisedTo: applied.criticalityId ?? null,
    reassignedTo: applied.responsibleUserId ?? null,
    logMessageId: applied.logMessageId,
    notified: recipients,
    webhooks,
    ...(level.raisePriority && !raiseTo ? { note: 'already at the highest criticality' } : {}),
  };
}
