import { Knex } from 'knex';
import { nextCriticality } from '../../bridge/criticalities';
import { highestCriticalityNote, plainText } from '../../bridge/nativeLogText';
import { applyTicketChange, LockedTicket } from '../../bridge/ticketWrites';
import { forgetIntent, NativeIntent, readIntent, recordIntent } from '../../store/nativeIntents';
import { TicketSlaRow } from '../history/readHistory';
import { Priority } from '../../core/ticketVocabulary';
import { chooseAssignee } from './assignee';
import { AgentContext } from './context';
import { noticeText, reasonText } from './noticeText';
import { OutboxNotice, queueNotice, queueWebhooks } from './notices';
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
    // The plan of the native change is recorded (committed) before it is made: a retry after a failure
    // makes the same change, not the next one (see store/nativeIntents.ts).
    const effectKey = escalationEventKey(ticket.id, point);
    const earlier = cache.intents.has(effectKey) ? await readIntent(ctx.db, effectKey) : null;
    const intent =
      earlier ??
      (await planNativeChange(
        trx,
        ctx,
        cache,
        ticket,
        native,
        point,
        current,
        raisedAlready,
        effectKey,
        now,
      ));
    // On the stock Low/Middle/High a breach of a High ticket cannot raise it: its other actions still
    // happen, and the log line says why the criticality stayed.
    const atTop = level.raisePriority && !raisedAlready && !intent.criticality;
    const topName = atTop ? await criticalityName(cache, native) : null;
    const applied = await applyTicketChange(
      trx,
      native,
      {
        responsibleUserId: intent.responsible?.to ?? null,
        criticality: intent.criticality?.to ?? null,
        reason,
        notes: atTop ? [highestCriticalityNote(language, topName)] : [],
        at: now,
        zone: ctx.zone,
        retryOf: earlier
          ? {
              responsibleFrom: earlier.responsible?.from ?? null,
              criticalityFrom: earlier.criticality?.from ?? null,
            }
          : undefined,
      },
      language,
    );
    const raiseTo = intent.criticality?.to ?? null;
    if (earlier || intent.createdAt) await forgetIntent(trx, effectKey);
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
    await queueNotice(trx, slaNotice(ticket, point, out.recipients, out.actions, reason), now);
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

async function criticalityName(cache: PassCache, native: LockedTicket): Promise<string | null> {
  const id = Number(native.CRITICALITY_ID ?? 0);
  return (await cache.criticalities(native.SITE_ID)).find((c) => c.id === id)?.name ?? null;
}

/** One key per escalation (ticket, target, level, cycle): its outbox notice and its native intent. */
export function escalationEventKey(ticketId: number, point: EscalationPoint): string {
  return `sla:${ticketId}:${point.target}:${point.level.name}:${point.cycle}`;
}

/**
 * The outbox notice of one escalation, the same for the one-ticket path and the batch (batchPlan.ts):
 * the mail templates read this payload, so there is one definition of it.
 */
export function slaNotice(
  ticket: { id: number; number: string | null },
  point: EscalationPoint,
  recipients: number[],
  actions: Record<string, unknown>,
  reason: string,
): OutboxNotice {
  const { level } = point;
  return {
    eventKey: escalationEventKey(ticket.id, point),
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
      raisedTo: actions.raisedTo ?? null,
      reassignedTo: actions.reassignedTo ?? null,
    },
  };
}

/** What the level will change in b_ticket, decided from the ticket as it is now, and recorded. */
async function planNativeChange(
  trx: Knex.Transaction,
  ctx: AgentContext,
  cache: PassCache,
  ticket: TicketSlaRow,
  native: LockedTicket,
  point: EscalationPoint,
  current: number | null,
  raisedAlready: boolean,
  effectKey: string,
  now: Date,
): Promise<NativeIntent> {
  const { level } = point;
  const criticalityNow = Number(native.CRITICALITY_ID ?? 0) || null;
  const raiseTo =
    level.raisePriority && !raisedAlready
      ? nextCriticality(await cache.criticalities(native.SITE_ID), criticalityNow)
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
  const intent = {
    criticality: raiseTo && raiseTo.id !== criticalityNow ? { from: criticalityNow, to: raiseTo } : null,
    responsible: reassignTo && reassignTo !== current ? { from: current, to: reassignTo } : null,
  };
  // Nothing to change in b_ticket: nothing to record (createdAt '' says so).
  if (!intent.criticality && !intent.responsible) return { ...intent, createdAt: '' };
  return recordIntent(ctx.db, effectKey, ticket.id, intent, now);
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
