import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';

/**
 * Frees claims held longer than `timeoutMs`: their sender died (kill -9, lost host) between claim and
 * send, or hangs. The row goes back to 'pending', due at once. The timeout is far longer than any send
 * may take (the SMTP transport's socket timeouts are a fraction of it), so a live sender keeps its claim.
 */
export async function reapStaleClaims(db: Db, now: Date, timeoutMs: number): Promise<number> {
  const cutoff = instantToUtc(new Date(now.getTime() - timeoutMs));
  const changed = await db(OUTBOX_TABLE)
    .where('state', 'sending')
    .andWhere('claimed_at', '<', cutoff)
    .update({
      state: 'pending',
      available_at: instantToUtc(now),
      claimed_by: null,
      claimed_at: null,
      last_error: 'claim expired: its sender stopped before finishing',
    });
  return Number(changed);
}
