import { Knex } from 'knex';
import { appendTicketEvents, diffTicketEvents, TicketEvent, TicketFacts } from './ticketEvents';

/**
 * The sync's side of the SLA history, three calls in its batch transactions: tickets mirrored for the
 * first time start their history; a remap diffs the mirror before and after; new messages only mark
 * the ticket stale (they are history already, in bl_support_message). Each call also marks the SLA
 * stale, so the refresh at the end of the pass (or the next escalation pass) recomputes it.
 */
export interface MirroredTicket {
  id: number;
  priority: number;
  category: string | null;
  status: string;
  isOpen: boolean;
  createdAt: Date;
  /** b_ticket.TIMESTAMP_X: when Bitrix made the change. */
  updatedAt: Date;
  /** b_ticket.DATE_CLOSE. */
  resolvedAt: Date | null;
}

export async function recordNewTickets(
  trx: Knex.Transaction,
  tickets: readonly MirroredTicket[],
  now: Date,
): Promise<void> {
  await appendTicketEvents(
    trx,
    tickets.flatMap((t) => diffTicketEvents(t.id, null, facts(t), times(t))),
    now,
  );
}

/** The mirror's facts before a remap (read in the remap's transaction, before its upsert). */
export async function readTicketFacts(
  trx: Knex.Transaction,
  ids: readonly number[],
): Promise<Map<number, TicketFacts>> {
  if (ids.length === 0) return new Map();
  const rows = (await trx('bl_support_ticket')
    .whereIn('id', ids)
    .select('id', 'priority', 'category', 'status', 'is_open')) as Array<{
    id: number;
    priority: number;
    category: string | null;
    status: string;
    is_open: number;
  }>;
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        priority: Number(r.priority),
        category: r.category,
        status: r.status,
        isOpen: Number(r.is_open) === 1,
      },
    ]),
  );
}

export async function recordTicketChanges(
  trx: Knex.Transaction,
  before: ReadonlyMap<number, TicketFacts>,
  tickets: readonly MirroredTicket[],
  now: Date,
): Promise<void> {
  const events: TicketEvent[] = [];
  for (const t of tickets) {
    const prev = before.get(t.id);
    // A ticket with no mirror before has no "before": its history starts here.
    events.push(...diffTicketEvents(t.id, prev ?? null, facts(t), times(t)));
  }
  await appendTicketEvents(trx, events, now);
}

function facts(t: MirroredTicket): TicketFacts {
  return { priority: t.priority, category: t.category, status: t.status, isOpen: t.isOpen };
}

function times(t: MirroredTicket) {
  return { createdAt: t.createdAt, changedAt: t.updatedAt, closedAt: t.resolvedAt };
}
