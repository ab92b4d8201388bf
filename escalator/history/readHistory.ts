import { Knex } from 'knex';
import { rawRows } from '../../core/rawRows';
import { idList } from '../../core/sqlIdList';
import { utcToInstant } from '../../core/time';
import { Priority } from '../../core/ticketVocabulary';
import { readTicketEvents } from '../../store/ticketEvents';
import { SlaEvent } from '../../sla/slaTypes';

/**
 * Reads tickets' SLA history from our tables: the mirror row, the ticket events, and the visible
 * messages of bl_support_message (internal notes never count; the opening message is the ticket itself,
 * not a reply, even when staff typed it in). A ticket mirrored before its history was kept gets a
 * history made from its current facts: created now-as-then, closed when it is closed.
 * Three queries per batch, each through an index on ticket_id.
 */
type Reader = Knex | Knex.Transaction;

export interface TicketSlaRow {
  id: number;
  number: string;
  site_id: string;
  subject: string;
  priority: number;
  category: string | null;
  status: string;
  assigned_to: number | null;
  group_id: number | null;
  is_open: number;
  created_at: string;
  resolved_at: string | null;
  updated_at: string;
  first_message_id: number | null;
  sla_version: number;
  uf_state: string | null;
  next_due_at: string | null;
  escalation_level: string | null;
}

export interface TicketHistoryRecord {
  ticket: TicketSlaRow;
  events: SlaEvent[];
  /** The last time the agent itself raised the priority (a 'bxsup' priority event), if ever. */
  lastOwnRaiseAt: Date | null;
}

/** The mirror columns an SLA computation reads (TicketSlaRow). */
export const TICKET_COLUMNS = [
  'id',
  'number',
  'site_id',
  'subject',
  'priority',
  'category',
  'status',
  'assigned_to',
  'group_id',
  'is_open',
  'created_at',
  'resolved_at',
  'updated_at',
  'first_message_id',
  'sla_version',
  'uf_state',
  'next_due_at',
  'escalation_level',
];

export async function readTicketRows(db: Reader, ids: readonly number[]): Promise<TicketSlaRow[]> {
  return (await db('bl_support_ticket').whereIn('id', ids).select(TICKET_COLUMNS)) as TicketSlaRow[];
}

/**
 * The histories of tickets whose mirror rows the caller read already (the escalation pass reads them
 * with its due query). The rows must be read first: history written after that read makes the stored
 * result stale anyway (their sla_version), while history read before it could be missed.
 */
export async function readHistoriesOf(
  db: Reader,
  tickets: readonly TicketSlaRow[],
): Promise<Map<number, TicketHistoryRecord>> {
  const out = new Map<number, TicketHistoryRecord>();
  if (tickets.length === 0) return out;
  const found = tickets.map((t) => t.id);
  const [events, messages] = await Promise.all([
    readTicketEvents(db, found),
    rawRows<{ id: number; ticket_id: number; is_staff: number; created_at: string }>(
      db,
      `SELECT id, ticket_id, is_staff, created_at FROM bl_support_message
        WHERE ticket_id IN (${idList(found)}) AND is_internal = 0 ORDER BY ticket_id, created_at, id`,
    ),
  ]);
  for (const ticket of tickets) out.set(ticket.id, { ticket, events: [], lastOwnRaiseAt: null });
  for (const e of events) {
    const event = toSlaEvent(e.kind, e.value, utcToInstant(e.at));
    const record = out.get(e.ticket_id);
    if (!event || !record) continue;
    record.events.push(event);
    if (e.source === 'bxsup' && e.kind === 'priority') record.lastOwnRaiseAt = event.at;
  }
  for (const record of out.values()) {
    if (!record.events.some((e) => e.kind === 'created'))
      record.events.unshift(...syntheticHistory(record.ticket));
  }
  for (const m of messages) {
    const record = out.get(m.ticket_id);
    const at = utcToInstant(m.created_at);
    if (!record || !at || m.id === record.ticket.first_message_id) continue;
    record.events.push({ at, kind: Number(m.is_staff) === 1 ? 'staff_reply' : 'customer_message' });
  }
  return out;
}

function toSlaEvent(kind: string, value: string | null, at: Date | null): SlaEvent | null {
  if (!at) return null;
  switch (kind) {
    case 'created':
      return { at, kind, priority: toPriority(value) };
    case 'priority':
      return { at, kind, priority: toPriority(value) };
    case 'category':
      return { at, kind, category: value };
    case 'status':
      return { at, kind, status: value ?? '' };
    case 'closed':
    case 'reopened':
      return { at, kind };
    default:
      return null;
  }
}

export function toPriority(value: string | number | null): Priority {
  const n = Number(value);
  return (n >= 1 && n <= 4 ? Math.round(n) : 2) as Priority;
}

function syntheticHistory(t: TicketSlaRow): SlaEvent[] {
  const created = utcToInstant(t.created_at) ?? new Date(0);
  const events: SlaEvent[] = [
    { at: created, kind: 'created', priority: toPriority(t.priority), category: t.category },
    { at: created, kind: 'status', status: t.status },
  ];
  if (Number(t.is_open) !== 1) {
    events.push({ at: utcToInstant(t.resolved_at) ?? utcToInstant(t.updated_at) ?? created, kind: 'closed' });
  }
  return events;
}
