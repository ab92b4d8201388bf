import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';

/**
 * `bxsup mail retry-dead`: dead mails, and those that waited for an address, go back to 'pending',
 * due now, with a fresh attempt count; last_error keeps the old reason until the next outcome replaces
 * it (a recipient still without an address is back in 'no_address' after the next pass). Optionally
 * only some rows.
 */
export async function requeueDead(db: Db, now: Date, ids?: number[]): Promise<number> {
  const query = db(OUTBOX_TABLE).whereIn('state', ['dead', 'no_address']);
  if (ids && ids.length) query.whereIn('id', ids);
  const changed = await query.update({
    state: 'pending',
    attempts: 0,
    available_at: instantToUtc(now),
    claimed_by: null,
    claimed_at: null,
  });
  return Number(changed);
}
