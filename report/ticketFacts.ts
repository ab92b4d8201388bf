import { Db } from '../core/db';
import { instantToUtc } from '../core/time';
import { SchemaProbe } from '../queue/schemaProbe';
import { ReportWindow } from './reportTypes';

/** What the report needs of one ticket; instants as epoch ms (null = not happened / not set). */
export interface TicketFact {
  id: number;
  siteId: string;
  category: string | null;
  priority: number;
  assignedTo: number | null;
  isOpen: boolean;
  reopenCount: number;
  orderLinked: boolean;
  createdMs: number;
  firstReplyMs: number | null;
  resolvedMs: number | null;
  firstReplyDeadlineMs: number | null;
  slaDeadlineMs: number | null;
  /** The escalation agent's own breach flags (migration 003), when the columns exist. */
  firstReplyBreached: boolean | null;
  resolutionBreached: boolean | null;
}

interface RawFact {
  id: number;
  site_id: string;
  category: string | null;
  priority: number;
  assigned_to: number | null;
  is_open: number;
  reopen_count: number;
  linked: number;
  c: number;
  fr: number | null;
  rs: number | null;
  frd: number | null;
  rsd: number | null;
  frb: number | null;
  rsb: number | null;
}

/**
 * Streams the tickets created in the window, one fact at a time, so a report over a million tickets
 * holds numbers, not rows. Times come as UNIX_TIMESTAMP(): the session runs at +00:00 (core/db.ts), so
 * our UTC DATETIMEs convert exactly, and integers cost far less than parsing date strings.
 */
export async function forEachTicketFact(
  db: Db,
  schema: SchemaProbe,
  window: ReportWindow,
  siteIds: string[] | undefined,
  visit: (fact: TicketFact) => void,
): Promise<number> {
  const flag = (column: string): string =>
    schema.hasColumn('bl_support_ticket', column) ? `t.${column}` : 'NULL';
  const query = db({ t: 'bl_support_ticket' })
    .select(
      't.id',
      't.site_id',
      't.category',
      't.priority',
      't.assigned_to',
      't.is_open',
      't.reopen_count',
      db.raw('t.order_id IS NOT NULL AS linked'),
      db.raw('UNIX_TIMESTAMP(t.created_at) AS c'),
      db.raw('UNIX_TIMESTAMP(t.first_reply_at) AS fr'),
      db.raw('UNIX_TIMESTAMP(t.resolved_at) AS rs'),
      db.raw('UNIX_TIMESTAMP(t.first_reply_deadline) AS frd'),
      db.raw('UNIX_TIMESTAMP(t.sla_deadline) AS rsd'),
      db.raw(`${flag('first_reply_breached')} AS frb`),
      db.raw(`${flag('resolution_breached')} AS rsb`),
    )
    .where('t.created_at', '>=', instantToUtc(window.from))
    .andWhere('t.created_at', '<', instantToUtc(window.to));
  if (schema.hasColumn('bl_support_ticket', 'deleted_at')) query.whereNull('t.deleted_at');
  if (siteIds?.length) query.whereIn('t.site_id', siteIds);
  let count = 0;
  for await (const raw of query.stream() as AsyncIterable<RawFact>) {
    visit(toFact(raw));
    count++;
  }
  return count;
}

const ms = (seconds: number | string | null): number | null =>
  seconds === null ? null : Number(seconds) * 1000;

function toFact(r: RawFact): TicketFact {
  return {
    id: Number(r.id),
    siteId: r.site_id,
    category: r.category,
    priority: Number(r.priority),
    assignedTo: r.assigned_to === null ? null : Number(r.assigned_to),
    isOpen: Number(r.is_open) === 1,
    reopenCount: Number(r.reopen_count),
    orderLinked: Number(r.linked) === 1,
    createdMs: Number(r.c) * 1000,
    firstReplyMs: ms(r.fr),
    resolvedMs: ms(r.rs),
    firstReplyDeadlineMs: ms(r.frd),
    slaDeadlineMs: ms(r.rsd),
    firstReplyBreached: r.frb === null ? null : Number(r.frb) === 1,
    resolutionBreached: r.rsb === null ? null : Number(r.rsb) === 1,
  };
}
