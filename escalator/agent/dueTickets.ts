import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';
import { TICKET_COLUMNS, TicketSlaRow } from '../history/readHistory';

/**
 * The tickets whose next point has passed, earliest first, through ix_bl_support_ticket_due
 * (is_open, next_due_at): a range read of the due rows only, whatever the size of the table.
 * `skip`: tickets this pass already handled (one that failed keeps its past next_due_at until the next
 * pass, and must not be picked again and again).
 * The rows come with the columns the SLA computation reads (TICKET_COLUMNS): the pass computes them
 * from these, with no second read of the same rows (they are read before their history, as
 * readHistoriesOf needs).
 */
export function dueTicketsQuery(
  db: Knex,
  now: Date,
  limit: number,
  skip: readonly number[] = [],
): Knex.QueryBuilder {
  const query = db('bl_support_ticket')
    .where('is_open', 1)
    .andWhere('next_due_at', '<=', instantToUtc(now))
    .orderBy('next_due_at')
    .limit(limit)
    .select(TICKET_COLUMNS);
  if (skip.length > 0) query.whereNotIn('id', skip as number[]);
  return query;
}

/** The due tickets' mirror rows, in ticket ID order (the order a batch locks and writes them in). */
export async function dueTickets(
  db: Knex,
  now: Date,
  limit: number,
  skip: readonly number[] = [],
): Promise<TicketSlaRow[]> {
  const rows = (await dueTicketsQuery(db, now, limit, skip)) as TicketSlaRow[];
  return rows.sort((a, b) => a.id - b.id);
}

export async function dueTicketIds(
  db: Knex,
  now: Date,
  limit: number,
  skip: readonly number[] = [],
): Promise<number[]> {
  return (await dueTickets(db, now, limit, skip)).map((r) => r.id);
}
