import { nextCriticality } from '../../bridge/criticalities';
import { highestCriticalityNote, LogItem, logText, plainText } from '../../bridge/nativeLogText';
import { LockedForBatch, TicketUpdate } from '../../bridge/ticketBatchWrites';
import { LockedTicket, LogLine } from '../../bridge/ticketWrites';
import { TicketEvent } from '../../store/ticketEvents';
import { computeSla } from '../../sla/slaEngine';
import { SlaEvent } from '../../sla/slaTypes';
import { deadlinesInForce } from '../state/deadlinesInForce';
import { TicketComputation } from '../state/computeState';
import { pendingDueAt, StoreExtra } from '../state/storeState';
import { escalationEventKey, slaNotice } from './actOnPoint';
import { AgentContext } from './context';
import { AppliedLevel, TicketEscalation } from './passResult';
import { EscalationRow, FiredEscalation } from '../../store/escalations';
import { NativeIntent } from '../../store/nativeIntents';
import { noticeText, reasonText } from './noticeText';
import { OutboxNotice } from './notices';
import { PassCache } from './passCache';
import { planEscalations } from './plan';
import { resolveRecipients } from './recipients';

/**
 * What escalateTicket would write for one ticket, decided in memory so that a batch of tickets can be
 * written in a few statements (escalateBatch.ts). The same decisions as escalateTicket and actOnPoint
 * make, point by point and round by round, from the ticket's b_ticket row as locked by the batch; the
 * test that a batch leaves what one-ticket transactions leave holds the two together
 * (test/escalator/batchEscalation.test.ts).
 *
 * Not for every ticket: a reassignment reads the support groups' load as the pass changes it, and a
 * retry of a recorded native intent decides from what the failed attempt left; both stay with
 * escalateTicket (see batchable).
 */
export interface PlannedEscalation {
  row: EscalationRow;
  /** Index in `logLines` of the line this point wrote (its ID goes into actions.logMessageId). */
  logLine: number | null;
  /** What its webhook deliveries carry; null for a point only recorded, or with no webhooks configured. */
  webhook: { levelName: string; recipients: number[]; text: string } | null;
}

export interface PlannedTicket {
  /** The computation after the escalation (for the store), with its next_due_at and own columns. */
  after: TicketComputation;
  nextDueAt: Date | null;
  extra: StoreExtra;
  escalations: PlannedEscalation[];
  logLines: LogLine[];
  update: TicketUpdate | null;
  events: TicketEvent[];
  notices: OutboxNotice[];
  /** Recorded before the batch writes b_ticket: a MyISAM b_ticket keeps a write the batch rolls back. */
  intents: Array<{ effectKey: string; ticketId: number; intent: Omit<NativeIntent, 'createdAt'> }>;
  done: TicketEscalation;
}

/** A ticket escalateTicket must handle itself (see the module comment). */
export function batchable(
  ctx: AgentContext,
  c: TicketComputation,
  intentTickets: ReadonlySet<number>,
): boolean {
  if (intentTickets.has(c.ticket.id)) return false;
  if (c.plan.due.every((p) => p.outcome !== 'apply')) return true;
  return ctx.levels.every((l) => !l.reassign);
}

/** escalateTicket's rounds: an own raise can make new points due (ROUNDS there). */
const ROUNDS = 3;

export async function planTicket(
  ctx: AgentContext,
  cache: PassCache,
  c: TicketComputation,
  native: LockedForBatch | null,
  /** `now`, site-local. */
  local: string,
  now: Date,
): Promise<PlannedTicket> {
  const out: PlannedTicket = {
    after: c,
    nextDueAt: null,
    extra: {},
    escalations: [],
    logLines: [],
    update: null,
    events: [],
    notices: [],
    intents: [],
    done: { applied: 0, recorded: 0, fired: [] },
  };
  // The row as the batch will leave it: later points of this ticket see the earlier ones' changes.
  const ticketNow: LockedTicket | null = native ? { ...native } : null;
  const columns: Record<string, string | number | null> = {};
  let events: SlaEvent[] = c.events;
  let fired: FiredEscalation[] = c.fired;
  let lastOwnRaise = c.lastOwnRaiseAt;
  let bump = 0;
  let logNumber = native?.lastLogNumber ?? 0;
  let { state, plan } = c;
  let roundEvents = events;
  for (let round = 0; round < ROUNDS && plan.due.length > 0; round++) {
    for (const point of plan.due) {
      const { level } = point;
      const row = {
        ticketId: c.ticket.id,
        target: point.target,
        level: level.name,
        cycle: point.cycle,
        dueAt: point.at,
        deadlineAt: point.deadline,
      };
      fired = [...fired, { target: point.target, level: level.name, cycle: point.cycle, dueAt: point.at }];
      if (point.outcome !== 'apply') {
        out.escalations.push({
          row: { ...row, outcome: point.outcome, actions: {} },
          logLine: null,
          webhook: null,
        });
        out.done.recorded++;
        continue;
      }
      if (level.reassign) throw new Error(`level "${level.name}" reassigns: not for a batch`);
      const language = await cache.language(ticketNow?.SITE_ID ?? c.ticket.site_id);
      const reason = reasonText(language, point.target, level.on, level.name);
      let actions: Record<string, unknown>;
      let items: LogItem[] = [];
      let logLine: number | null = null;
      if (ticketNow) {
        const raisedAlready = lastOwnRaise !== null && lastOwnRaise.getTime() >= point.at.getTime();
        const criticalityNow = Number(ticketNow.CRITICALITY_ID ?? 0) || null;
        const levels = await cache.criticalities(ticketNow.SITE_ID);
        const raiseTo =
          level.raisePriority && !raisedAlready ? nextCriticality(levels, criticalityNow) : null;
        const criticality = raiseTo && raiseTo.id !== criticalityNow ? raiseTo : null;
        const atTop = level.raisePriority && !raisedAlready && !criticality;
        const notes: LogItem[] = atTop
          ? [
              {
                kind: 'note',
                value: highestCriticalityNote(
                  language,
                  levels.find((l) => l.id === Number(ticketNow.CRITICALITY_ID ?? 0))?.name ?? null,
                ),
              },
            ]
          : [];
        if (criticality) {
          items = [{ kind: 'criticality', value: criticality.name }];
          out.intents.push({
            effectKey: escalationEventKey(c.ticket.id, point),
            ticketId: c.ticket.id,
            intent: { criticality: { from: criticalityNow, to: criticality }, responsible: null },
          });
          ticketNow.CRITICALITY_ID = criticality.id;
          out.update = { ...(out.update ?? { ID: ticketNow.ID }), criticalityId: criticality.id };
        } else if (notes.length > 0) {
          // No change to record, but a line: recorded all the same, so that a retry after a failed
          // batch on a MyISAM b_ticket_message finds the line the batch left instead of writing it twice.
          out.intents.push({
            effectKey: escalationEventKey(c.ticket.id, point),
            ticketId: c.ticket.id,
            intent: { criticality: null, responsible: null },
          });
        }
        if (items.length > 0 || notes.length > 0) {
          logNumber++;
          logLine = out.logLines.length;
          out.logLines.push({
            ticket: { ...ticketNow },
            text: logText(language, [...items, ...notes, { kind: 'reason', value: reason }]),
            local,
            number: logNumber,
          });
        }
        actions = {
          raisedTo: criticality?.id ?? null,
          reassignedTo: null,
          logMessageId: null,
          ...(level.raisePriority && raisedAlready ? { note: 'raised by this escalation already' } : {}),
          ...(level.raisePriority && !raisedAlready && !criticality
            ? { note: 'already at the highest criticality' }
            : {}),
        };
        const priority = criticality ? ctx.priorityOf(criticality.id, ticketNow.SITE_ID) : undefined;
        if (priority) {
          out.events.push({ ticketId: c.ticket.id, at: now, kind: 'priority', value: priority });
          events = [...events, { at: now, kind: 'priority', priority }];
          columns.priority = priority;
          lastOwnRaise = now;
          bump++;
        }
      } else {
        actions = { note: 'the ticket is gone from b_ticket: notices only' };
      }
      const assignee = Number(ticketNow?.RESPONSIBLE_USER_ID ?? 0) || null;
      const recipients = resolveRecipients(level.notify, assignee, cache.people);
      actions.notified = recipients;
      if (recipients.length > 0) {
        out.notices.push(slaNotice(c.ticket, point, recipients, actions, reason));
      }
      columns.escalation_level = level.name;
      out.escalations.push({
        row: { ...row, outcome: 'applied', actions },
        logLine,
        // The chat text is for the webhooks alone: not written (its zone formatting is a good part of
        // a ticket's planning) where none are configured.
        webhook:
          ctx.escalation.webhooks.length > 0
            ? {
                levelName: level.name,
                recipients,
                text: noticeText({
                  language,
                  ticketNumber: c.ticket.number,
                  ticketId: c.ticket.id,
                  subject: c.ticket.subject,
                  target: point.target,
                  on: level.on,
                  level: level.name,
                  deadline: point.deadline,
                  zone: ctx.zone,
                  changes: plainText(language, items),
                }),
              }
            : null,
      });
      out.done.applied++;
      out.done.fired.push({ level: level.name, target: point.target } satisfies AppliedLevel);
    }
    // The state moves only with an event this round added (a raise); points merely recorded add none
    // (the first pass after install records thousands): their state stands, only the plan moves on.
    if (events !== roundEvents) state = computeSla(events, ctx.policy);
    roundEvents = events;
    plan = planEscalations(state, ctx.levels, fired, now, ctx.installedAt);
  }
  out.after = {
    ...c,
    events,
    state,
    plan,
    fired,
    lastOwnRaiseAt: lastOwnRaise,
    stored: events === c.events ? c.stored : deadlinesInForce(events, ctx.policy, state),
  };
  out.nextDueAt = pendingDueAt(out.after);
  out.extra = { columns, versionBump: bump };
  return out;
}
