import { Knex } from 'knex';
import { instantToUtc } from '../core/time';
import { idList } from '../core/sqlIdList';

/**
 * bl_support_set_aside: tickets the sync could not process. One bad ticket (data the site's PHP wrote
 * under an empty sql_mode, a field of an unexpected type) used to fail its whole batch on every pass,
 * and nothing was mirrored any more; now it is set aside here with its reason, logged, shown by
 * `bxsup status`, skipped by the fast phases, and retried by each reconciliation cycle.
 */
type Db = Knex | Knex.Transaction;

/** For an existence check (`bxsup status` before install). */
export const SET_ASIDE_TABLE = 'bl_support_set_aside';
const TABLE = SET_ASIDE_TABLE;

export type SetAsidePhase = 'tickets' | 'messages' | 'changes' | 'sla';

export interface SetAsideTicket {
  ticketId: number;
  phase: SetAsidePhase;
  messageId: number | null;
  reason: string;
  attempts: number;
  firstAt: string;
  lastAt: string;
}

export interface SetAsideEntry {
  ticketId: number;
  phase: SetAsidePhase;
  messageId?: number | null;
  reason: string;
}

export async function setAside(db: Db, entry: SetAsideEntry, now: Date): Promise<void> {
  const stamp = instantToUtc(now);
  const reason = Array.from(entry.reason).slice(0, 255).join('');
  await db.raw(
    `INSERT INTO ${TABLE} (ticket_id, phase, message_id, reason, attempts, first_at, last_at) VALUES (?, ?, ?, ?, 1, ?, ?)
     ON DUPLICATE KEY UPDATE phase = VALUES(phase), message_id = VALUES(message_id), reason = VALUES(reason),
       attempts = attempts + 1, last_at = VALUES(last_at)`,
    [entry.ticketId, entry.phase, entry.messageId ?? null, reason, stamp, stamp],
  );
}

/** Which of `ticketIds` are set aside (all of them when `ticketIds` is null). */
export async function setAsideIds(db: Db, ticketIds: readonly number[] | null): Promise<Set<number>> {
  if (ticketIds !== null && ticketIds.length === 0) return new Set();
  const query = db(TABLE);
  if (ticketIds !== null) query.whereRaw(`ticket_id IN (${idList(ticketIds)})`);
  const rows = await query.pluck<number[]>('ticket_id');
  return new Set(rows.map(Number));
}

export async function setAsideInRange(db: Db, fromId: number, toId: number): Promise<number[]> {
  const rows = await db(TABLE).whereBetween('ticket_id', [fromId, toId]).pluck<number[]>('ticket_id');
  return rows.map(Number);
}

/** Set-aside tickets a retry went through leave the list. */
export async function clearSetAside(db: Db, ticketIds: readonly number[]): Promise<number> {
  if (ticketIds.length === 0) return 0;
  return db(TABLE)
    .whereRaw(`ticket_id IN (${idList(ticketIds)})`)
    .delete();
}

export async function listSetAside(
  db: Db,
  limit: number,
): Promise<{ total: number; rows: SetAsideTicket[] }> {
  const [{ n }] = await db(TABLE).count<{ n: number }[]>({ n: '*' });
  const rows = (await db(TABLE).orderBy('ticket_id').limit(limit).select()) as Array<Record<string, unknown>>;
  return {
    total: Number(n),
    rows: rows.map((r) => ({
      ticketId: Number(r.ticket_id),
      phase: r.phase as SetAsidePhase,
      messageId: r.message_id === null ? null : Number(r.message_id),
      reason: String(r.reason),
      attempts: Number(r.attempts),
      firstAt: String(r.first_at),
      lastAt: String(r.last_at),
    })),
  };
}
