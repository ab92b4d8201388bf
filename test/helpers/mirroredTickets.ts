import { Db } from '../../core/db';

/** A bl_support_ticket row; times are UTC 'YYYY-MM-DD HH:MM:SS' (or Dates). Unset columns get defaults. */
export interface TicketSpec {
  id: number;
  created_at: string | Date;
  [column: string]: unknown;
}

const utc = (v: unknown): unknown => (v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : v);

export async function insertTickets(db: Db, specs: TicketSpec[]): Promise<void> {
  const rows = specs.map((spec) => {
    const row: Record<string, unknown> = {
      number: `SUP-T-${String(spec.id).padStart(4, '0')}`,
      site_id: 's1',
      subject: `Ticket ${spec.id}`,
      priority: 2,
      status: 'open',
      is_open: 1,
      reopen_count: 0,
      updated_at: spec.created_at,
    };
    for (const [k, v] of Object.entries(spec)) row[k] = v;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, utc(v)]));
  });
  await db('bl_support_ticket').insert(rows);
}
