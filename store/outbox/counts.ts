import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';
import { rawRows } from '../../core/rawRows';

/**
 * What the outbox holds, for `bxsup status` (status/outboxSection.ts) and the metrics
 * (daemon/metrics/dbGauges.ts). Read-only; each a single statement.
 */
type Reader = Knex | Knex.Transaction;

/** The mail rows of `eventTypes` by state, and the times status judges them by. */
export async function mailOutboxSummary(
  db: Reader,
  options: { now: Date; staleBefore: Date; eventTypes: readonly string[] },
): Promise<Record<string, string | number | null>> {
  const stamp = instantToUtc(options.now);
  const { eventTypes } = options;
  const rows = await rawRows<Record<string, string | number | null>>(
    db,
    `SELECT
       SUM(state = 'pending') AS pending,
       SUM(state = 'pending' AND available_at <= ?) AS due,
       MIN(CASE WHEN state = 'pending' AND available_at <= ? THEN available_at END) AS oldest_due,
       SUM(state = 'pending' AND attempts > 0) AS retrying,
       SUM(state = 'sending') AS sending,
       SUM(state = 'sending' AND claimed_at < ?) AS stale,
       SUM(state = 'sent') AS sent,
       SUM(state = 'dead') AS dead,
       SUM(state = 'no_address') AS no_address,
       SUM(state = 'skipped') AS skipped
     FROM ${OUTBOX_TABLE} WHERE event_type IN (${eventTypes.map(() => '?').join(', ')})`,
    [stamp, stamp, instantToUtc(options.staleBefore), ...eventTypes],
  );
  return rows[0];
}

/** The latest dead mail of `eventTypes` and why it died. */
export async function lastDeadMail(
  db: Reader,
  eventTypes: readonly string[],
): Promise<{ id: number; event_key: string; last_error: string | null } | undefined> {
  return (await db(OUTBOX_TABLE)
    .where('state', 'dead')
    .whereIn('event_type', eventTypes)
    .orderBy('id', 'desc')
    .first('id', 'event_key', 'last_error')) as
    { id: number; event_key: string; last_error: string | null } | undefined;
}

/** Rows per state (every event type), for the gauges. */
export async function outboxStateCounts(db: Reader, timeoutMs: number): Promise<Map<string, number>> {
  const rows = await db(OUTBOX_TABLE)
    .groupBy('state')
    .select<Array<{ state: string; n: number }>>('state', db.raw('COUNT(*) AS n'))
    .timeout(timeoutMs);
  return new Map(rows.map((r) => [r.state, Number(r.n)]));
}

/** available_at of the oldest pending row due at `now` (UTC text), null when none is due. */
export async function oldestDueAt(db: Reader, now: Date, timeoutMs: number): Promise<string | null> {
  const [oldest] = await db(OUTBOX_TABLE)
    .where('state', 'pending')
    .andWhere('available_at', '<=', instantToUtc(now))
    .min<Array<{ at: string | null }>>({ at: 'available_at' })
    .timeout(timeoutMs);
  return oldest.at;
}
