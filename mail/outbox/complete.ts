import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';

/**
 * The ends of a claim. `markSent` is written right after the transport accepted the mail and applies
 * even if a reaper has meanwhile handed the row out again, so that the other sender, if it has not sent
 * yet, finds nothing to do. The other outcomes apply only while the claim is still ours: a sender that
 * lost its claim must not move a row another sender is working on.
 */
type Conn = Knex | Knex.Transaction;

export async function markSent(db: Conn, id: number, now: Date): Promise<boolean> {
  const changed = await db(OUTBOX_TABLE)
    .where('id', id)
    .whereIn('state', ['pending', 'sending'])
    .update({
      state: 'sent',
      sent_at: instantToUtc(now),
      claimed_by: null,
      claimed_at: null,
      last_error: null,
    });
  return Number(changed) === 1;
}

export async function markRetry(
  db: Conn,
  id: number,
  claimer: string,
  availableAt: Date,
  error: string,
): Promise<boolean> {
  return release(db, id, claimer, {
    state: 'pending',
    available_at: instantToUtc(availableAt),
    last_error: error,
  });
}

export async function markDead(db: Conn, id: number, claimer: string, reason: string): Promise<boolean> {
  return release(db, id, claimer, { state: 'dead', last_error: reason });
}

/** Done without a mail (an internal note, the customer's own message); the reason stays in last_error. */
export async function markSkipped(
  db: Conn,
  id: number,
  claimer: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  return release(db, id, claimer, { state: 'skipped', sent_at: instantToUtc(now), last_error: reason });
}

async function release(
  db: Conn,
  id: number,
  claimer: string,
  values: Record<string, unknown>,
): Promise<boolean> {
  const changed = await db(OUTBOX_TABLE)
    .where({ id, state: 'sending', claimed_by: claimer })
    .update({ ...values, claimed_by: null, claimed_at: null });
  return Number(changed) === 1;
}
