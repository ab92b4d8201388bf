import { Knex } from 'knex';
import { nextCriticality } from '../../bridge/criticalities';
import { plainText } from '../../bridge/nativeLogText';
import { applyTicketChange, LockedTicket } from '../../bridge/ticketWrites';
import { TicketSlaRow } from '../history/readHistory';
import { Priority } from '../slaTypes';
import { chooseAssignee } from './assignee';
import { AgentContext } from './context';
import { noticeText, reasonText } from './noticeText';
import { queueNotice, queueWebhooks } from './notices';
import { PassCache } from './passCache';
import { EscalationPoint } from './plan';
import { resolveRecipients } from './recipients';

/**
 * What one level does, inside the ticket's escalation transaction: raise the criticality, reassign,
 * write the log line, queue the outbox notice. The webhooks are queued by the caller once the
 * escalation row (their parent) exists.
 *
 * A breach does not raise the criticality again when the agent itself raised it at or after the
 * instant this breach was reached: the agent had already answered that moment with a raise, and the
 * breach may exist only because the raise moved the deadline back (targets apply retroactively).
 * This is what keeps a raise from cascading, within a pass (two targets breached at once) and across
 * passes.
 */
export interface PointActions {
  actions: Record<string, unknown>;
  /** Our priority after a raise, for the history and the mirror. */
  priority?: Priority;
  assignedTo?: number;
  recipients: number[];
  /** The chat text of the notice, for the webhooks. */
  text: string;
}

export async function actOnPoint(
  trx: Knex.Transaction,
  ctx: AgentContext,
  cache: PassCache,
  ticket: TicketSlaRow,
  native: LockedTicket | null,
  point: EscalationPoint,
  lastOwnRaise: Date | null,
  now: Date,
): Promise<PointActions> {
  const { level } = point;
  const language = await cache.language(native?.SITE_ID ?? ticket.site_id);
  const reason = reasonText(language, point.target, level.on, level.name);
  const out: PointActions = { actions: {}, recipients: [], text: '' };
  let items: ReturnType<typeof plainText> = [];
  if (native) {
    const current = Number(native.RESPONSIBLE_USER_ID ?? 0) || null;
    const raisedAlready = lastOwnRaise !== null && lastOwnRaise.getTime() >= point.at.getTime();
    const raiseTo =
      level.raisePriority && !raisedAlready
        ? nextCriticality(
            await cache.criticalities(native.SITE_ID),
            Number(native.CRITICALITY_ID ?? 0) || null,
          )
        : null;
    const reassignTo = level.reassign
      ? await chooseAssignee(trx, ctx.escalation, {
          mode: level.reassign,
          groupId: ticket.group_id,
          category: ticket.category,
          current,
          supervisors: cache.people.supervisors,
          nowLocal: cache.nowLocal,
        })
      : null;
    const applied = await applyTicketChange(
      trx,
      native,
      { responsibleUserId: reassignTo, criticality: raiseTo, reason, at: now, zone: ctx.zone },
      language,
    );
    if (applied.criticalityId) out.priority = ctx.priorityOf(applied.criticalityId, native.SITE_ID);
    if (applied.responsibleUserId) out.assignedTo = applied.responsibleUserId;
    items = plainText(language, applied.items);
    out.actions = {
      raisedTo: applied.criticalityId ?? null,
      reassignedTo: applied.responsibleUserId ?? null,
      logMessageId: applied.logMessageId,
      ...(level.raisePriority && raisedAlready ? { note: 'raised by this escalation already' } : {}),
      ...(level.raisePriority && !raisedAlready && !raiseTo
        ? { note: 'already at the highest criticality' }
        : {}),
    };
  } else {
    out.actions = { note: 'the ticket is gone from b_ticket: notices only' };
  }
  const assignee = out.assignedTo ?? (Number(native?.RESPONSIBLE_USER_ID ?? 0) || null);
  out.recipients = resolveRecipients(level.notify, assignee, cache.people);
  out.actions.notified = out.recipients;
  if (out.recipients.length > 0) {
    await queueNotice(
      trx,
      {
        eventKey: `sla:${ticket.id}:${point.target}:${level.name}:${point.cycle}`,
        eventType: level.on === 'breach' ? 'SUPPORT_SLA_BREACH' : 'SUPPORT_SLA_WARNING',
        ticketId: ticket.id,
        payload: {
          recipients: out.recipients,
          target: point.target,
          level: level.name,
          on: level.on,
          dueAt: (point.deadline ?? point.at).toISOString(),
          reachedAt: point.at.toISOString(),
          reason,
          cycle: point.cycle,
          number: ticket.number,
          raisedTo: out.actions.raisedTo ?? null,
          reassignedTo: out.actions.reassignedTo ?? null,
        },
      },
      now,
    );
  }
  out.text = noticeText({
    language,
    ticketNumber: ticket.number,
    ticketId: ticket.id,
    subject: ticket.subject,
    target: point.target,
    on: level.on,
    level: level.name,
    deadline: point.deadline,
    zone: ctx.zone,
    changes: items,
  });
  return out;
}

/** Queues the point's webhook deliveries under its escalation row. */
export async function queuePointWebhooks(
  trx: Knex.Transaction,
  ctx: AgentContext,
  escalationId: number,
  point: EscalationPoint,
  acted: PointActions,
  now: Date,
): Promise<string[]> {
  return queueWebhooks(
    trx,
    ctx.escalation.webhooks,
    { escalationId, levelName: point.level.name, recipients: acted.recipients, text: acted.text },
    now,
  );
}
