import { Knex } from 'knex';
import { sqlJson, sqlNumber, sqlText, sqlTime } from '../../core/sqlValues';
import { OUTBOX_TABLE } from './outboxRow';

/**
 * Queuing events for the mailer: the sync's ticket events (sync/store/outbox.ts) and the escalator's
 * SLA notices (escalator/agent/notices.ts), each written in its writer's transaction. event_key is
 * unique and names the event, so writing the same event twice — a retried batch, a second daemon, a
 * rerun pass — is a no-op and each event is queued exactly once.
 */
export interface OutboxEntry {
  eventKey: string;
  eventType: string;
  ticketId: number;
  messageId: number | null;
  payload: Record<string, unknown>;
}

type Writer = Knex | Knex.Transaction;

/**
 * One INSERT for all the entries, due at once. ON DUPLICATE KEY (not INSERT IGNORE, which would also
 * swallow truncation and other errors): an event_key queued before, or by a concurrent writer, is a
 * no-op.
 */
export async function insertOutboxEntries(
  trx: Writer,
  entries: readonly OutboxEntry[],
  now: Date,
): Promise<void> {
  if (entries.length === 0) return;
  // Literals, not bound values: a batch queues hundreds of entries (see core/sqlValues.ts).
  const stamp = sqlTime(now);
  const tail = `'pending', 0, ${stamp}, ${stamp})`;
  const values = entries.map(
    (e) =>
      `(${sqlText(e.eventKey)}, ${sqlText(e.eventType)}, ${sqlNumber(e.ticketId)}, ${sqlNumber(e.messageId)}, ` +
      `${sqlJson(e.payload)}, ${tail}`,
  );
  await trx.raw(
    `INSERT INTO ${OUTBOX_TABLE} (event_key, event_type, ticket_id, message_id, payload, state, attempts, available_at, created_at)
     VALUES ${values.join(', ')}
     ON DUPLICATE KEY UPDATE event_key = event_key`,
  );
}

/**
 * Queues the entries not queued before and returns them (the sync reports which events were new).
 * Entries repeated within `entries` are queued once.
 */
export async function insertNewOutboxEntries<E extends OutboxEntry>(
  trx: Writer,
  entries: readonly E[],
  now: Date,
): Promise<E[]> {
  if (entries.length === 0) return [];
  const keys = entries.map((e) => e.eventKey);
  const known = new Set(
    (await trx(OUTBOX_TABLE).whereIn('event_key', keys).select<{ event_key: string }[]>('event_key')).map(
      (r) => r.event_key,
    ),
  );
  const fresh = entries.filter((e, i) => !known.has(e.eventKey) && keys.indexOf(e.eventKey) === i);
  await insertOutboxEntries(trx, fresh, now);
  return fresh;
}

/** Whether an event with this key was ever queued (whatever became of it). */
export async function outboxEventQueued(db: Writer, eventKey: string): Promise<boolean> {
  return Boolean(await db(OUTBOX_TABLE).where({ event_key: eventKey }).first('id'));
}
