import { Knex } from 'knex';
import { utcText } from '../nativeTime';

/**
 * bl_support_cursor rows of the sync. The row of a phase is also its lock: a batch starts with
 * SELECT … FOR UPDATE on it, so two syncs (two daemons, a daemon and `bxsup sync --once`) take turns
 * batch by batch instead of mirroring the same rows twice. Locks are always taken one at a time.
 */
type Reader = Knex | Knex.Transaction;

export const SYNC_CURSORS = {
  /** Highest b_ticket.ID mirrored as a new ticket. */
  ticket: 'ticket',
  /** Highest b_ticket_message.ID looked at. */
  message: 'message',
  /** Lock row for changes to mirrored tickets (open-set comparison, reconciliation). */
  changes: 'changes',
  /** Where the running reconciliation cycle stands (a b_ticket.ID; 0 between cycles). */
  reconcilePosition: 'reconcile_position',
  /** When the last reconciliation cycle finished, ms since epoch. */
  reconcileDoneAt: 'reconcile_done_ms',
} as const;

/** Creates missing cursor rows at 0; a row that exists keeps its value (safe to run every pass). */
export async function ensureCursors(db: Reader, names: string[], now: Date): Promise<void> {
  const values = names.map(() => '(?, 0, ?)').join(', ');
  await db.raw(
    `INSERT IGNORE INTO bl_support_cursor (name, value, updated_at) VALUES ${values}`,
    names.flatMap((n) => [n, utcText(now)]),
  );
}

export async function readCursors(db: Reader, names: string[]): Promise<Map<string, number>> {
  const rows = await db('bl_support_cursor')
    .whereIn('name', names)
    .select<Array<{ name: string; value: number }>>('name', 'value');
  return new Map(rows.map((r) => [r.name, Number(r.value)]));
}

/** Locks the cursor row until the transaction ends and returns its committed value. */
export async function lockCursor(trx: Knex.Transaction, name: string): Promise<number> {
  const row = await trx('bl_support_cursor')
    .where('name', name)
    .forUpdate()
    .first<{ value: number }>('value');
  if (!row) throw new Error(`cursor ${name} is missing: ensureCursors was not run`);
  return Number(row.value);
}

export async function setCursor(db: Reader, name: string, value: number, now: Date): Promise<void> {
  await db('bl_support_cursor')
    .where('name', name)
    .update({ value, updated_at: utcText(now) });
}
