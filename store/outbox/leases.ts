import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';

/**
 * The SQL of claims a sender holds. A claim is a lease: claimed_at says when its holder last proved it
 * still holds the row, and the reaper frees only leases nobody renewed for mail.claimTimeoutMs. Every
 * statement names the claim tokens (the fence), so a sender can only touch rows it still holds.
 */
type Conn = Knex | Knex.Transaction;

export interface HeldRow {
  id: number;
  /** The claim's token, as written into claimed_by. */
  claimedBy: string;
}

/** Renews every lease of these tokens at once; returns how many rows were still held. */
export async function renewClaims(db: Conn, tokens: string[], now: Date): Promise<number> {
  if (tokens.length === 0) return 0;
  const changed = await db(OUTBOX_TABLE)
    .whereIn('claimed_by', tokens)
    .andWhere('state', 'sending')
    .update({ claimed_at: instantToUtc(now) });
  return Number(changed);
}

/**
 * The re-check before sending: which of these rows are still held by their token (renewing those).
 * One UPDATE when all are (the usual answer: the server counts matched rows, CLIENT_FOUND_ROWS), a
 * SELECT more only when some were lost.
 */
export async function confirmClaims(db: Conn, rows: HeldRow[], now: Date): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const ids = rows.map((r) => r.id);
  const tokens = [...new Set(rows.map((r) => r.claimedBy))];
  const changed = await db(OUTBOX_TABLE)
    .whereIn('id', ids)
    .whereIn('claimed_by', tokens)
    .andWhere('state', 'sending')
    .update({ claimed_at: instantToUtc(now) });
  if (Number(changed) === rows.length) return new Set(ids);
  const held = (await db(OUTBOX_TABLE)
    .whereIn('id', ids)
    .andWhere('state', 'sending')
    .select('id', 'claimed_by')) as Array<{ id: number | string; claimed_by: string | null }>;
  const byId = new Map(rows.map((r) => [r.id, r.claimedBy]));
  return new Set(held.filter((h) => byId.get(Number(h.id)) === h.claimed_by).map((h) => Number(h.id)));
}

/**
 * Gives rows back unsent (the sender stops early: shutdown, failing marks). They are due again at
 * once, and the claim's attempt is returned: nothing was tried.
 */
export async function releaseClaims(db: Conn, rows: HeldRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const changed = await db(OUTBOX_TABLE)
    .whereIn(
      'id',
      rows.map((r) => r.id),
    )
    .whereIn('claimed_by', [...new Set(rows.map((r) => r.claimedBy))])
    .andWhere('state', 'sending')
    .update({
      state: 'pending',
      claimed_by: null,
      claimed_at: null,
      attempts: db.raw('GREATEST(attempts - 1, 0)'),
    });
  return Number(changed);
}
