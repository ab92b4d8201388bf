import { Knex } from 'knex';
import { instantToUtc } from '../core/time';

/**
 * bl_support_webhook_delivery: one row per webhook call an escalation owes (per channel, and per
 * recipient for Bitrix24). Queued in the escalation's transaction (escalator/agent/notices.ts), sent
 * after the commit by escalator/webhooks/deliver.ts, which keeps the retry policy; this module keeps
 * the statements.
 */
type Conn = Knex | Knex.Transaction;

const DELIVERY_TABLE = 'bl_support_webhook_delivery';

export interface NewDelivery {
  escalationId: number;
  /** The webhook's name, `<name>:<user>` for a Bitrix24 recipient. */
  channel: string;
  /** Sent as JSON. */
  body: unknown;
}

/** Pending, due at once; one INSERT for all of them. */
export async function insertDeliveries(
  trx: Conn,
  deliveries: readonly NewDelivery[],
  now: Date,
): Promise<void> {
  if (deliveries.length === 0) return;
  const stamp = instantToUtc(now);
  await trx(DELIVERY_TABLE).insert(
    deliveries.map((d) => ({
      escalation_id: d.escalationId,
      channel: d.channel,
      body: JSON.stringify(d.body),
      state: 'pending',
      attempts: 0,
      next_attempt_at: stamp,
      created_at: stamp,
    })),
  );
}

export interface DeliveryRow {
  id: number;
  channel: string;
  /** JSON text. */
  body: string;
  attempts: number;
}

/** Up to `limit` pending deliveries due at `now`, the longest-waiting first. */
export async function dueDeliveries(db: Conn, now: Date, limit: number): Promise<DeliveryRow[]> {
  return (await db(DELIVERY_TABLE)
    .where('state', 'pending')
    .andWhere('next_attempt_at', '<=', instantToUtc(now))
    .orderBy('next_attempt_at')
    .limit(limit)
    .select('id', 'channel', 'body', 'attempts')) as DeliveryRow[];
}

export async function markDeliverySent(db: Conn, id: number, attempts: number, sentAt: Date): Promise<void> {
  await db(DELIVERY_TABLE)
    .where({ id })
    .update({ state: 'sent', attempts, sent_at: instantToUtc(sentAt), last_error: null });
}

/** Given up for good: the channel is gone, or maxAttempts are used up. */
export async function markDeliveryFailed(db: Conn, id: number, lastError: string): Promise<void> {
  await db(DELIVERY_TABLE).where({ id }).update({ state: 'failed', last_error: lastError });
}

/** After a pass's tries: 'failed' for good, or 'pending' again from `nextAttemptAt`. */
export async function markDeliveryTried(
  db: Conn,
  id: number,
  outcome: { failed: boolean; attempts: number; lastError: string; nextAttemptAt: Date },
): Promise<void> {
  await db(DELIVERY_TABLE)
    .where({ id })
    .update({
      state: outcome.failed ? 'failed' : 'pending',
      attempts: outcome.attempts,
      last_error: outcome.lastError,
      next_attempt_at: instantToUtc(outcome.nextAttemptAt),
    });
}
