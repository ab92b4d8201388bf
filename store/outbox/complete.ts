import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';
import { OUTBOX_TABLE } from './outboxRow';
import { HeldRow } from './leases';
import { rawWrite } from '../../core/rawRows';

/**
 * The ends of a claim, each fenced by the claim's token: only the sender still holding a row moves it
 * on, so a sender whose claim was freed and taken again cannot overwrite what the new holder does.
 *
 * One exception, on purpose: a 'sent' mark. It records a fact — the mail server accepted the mail — so
 * when the fenced mark finds the claim lost (the sender was too slow to mark, its lease lapsed), the
 * fact is still recorded on a row that is not finished yet. That is what keeps the row from being sent
 * a second time: a sender that took it over re-checks its claim right before sending and finds it gone.
 */
type Conn = Knex | Knex.Transaction;

const SENT = (now: Date): Record<string, unknown> => ({
  state: 'sent',
  sent_at: instantToUtc(now),
  claimed_by: null,
  claimed_at: null,
  last_error: null,
});

export interface SentMarks {
  /** Rows marked under their own claim. */
  held: number;
  /** Rows whose claim was lost but which were not finished: recorded as sent all the same. */
  late: number;
}

/**
 * Marks rows sent, in one statement when every claim still holds (the usual case). That statement runs
 * for every few mails, so it is written as SQL rather than built by knex each time: the builder cost
 * more client CPU than the round trip (bench/mailBench.ts).
 */
export async function markSent(db: Conn, rows: HeldRow[], now: Date): Promise<SentMarks> {
  if (rows.length === 0) return { held: 0, late: 0 };
  const ids = rows.map((r) => r.id);
  const tokens = [...new Set(rows.map((r) => r.claimedBy))];
  const { affectedRows } = await rawWrite(
    db,
    `UPDATE ${OUTBOX_TABLE}
        SET state = 'sent', sent_at = ?, claimed_by = NULL, claimed_at = NULL, last_error = NULL
      WHERE id IN (${placeholders(ids.length)}) AND claimed_by IN (${placeholders(tokens.length)})
        AND state = 'sending'`,
    [instantToUtc(now), ...ids, ...tokens],
  );
  const held = Number(affectedRows);
  if (held === rows.length) return { held, late: 0 };
  const late = Number(
    await db(OUTBOX_TABLE).whereIn('id', ids).whereIn('state', ['pending', 'sending']).update(SENT(now)),
  );
  return { held, late };
}

/**
 * For a database transport, inside the transaction that writes the mail: the mark first, and only
 * under our own claim; the transport writes only when this returns 'held' (so the mail and the mark
 * commit together, exactly once). 'finished': someone else already finished the row; 'lost': another
 * sender holds it now, or it went back to the queue.
 */
export async function markSentInTransaction(
  trx: Knex.Transaction,
  row: HeldRow,
  now: Date,
): Promise<'held' | 'finished' | 'lost'> {
  const changed = await trx(OUTBOX_TABLE)
    .where({ id: row.id, claimed_by: row.claimedBy, state: 'sending' })
    .update(SENT(now));
  if (Number(changed) === 1) return 'held';
  const current = (await trx(OUTBOX_TABLE).where('id', row.id).first('state')) as
    { state: string } | undefined;
  return current && current.state !== 'pending' && current.state !== 'sending' ? 'finished' : 'lost';
}

export async function markRetry(db: Conn, row: HeldRow, availableAt: Date, error: string): Promise<boolean> {
  return release(db, row, {
    state: 'pending',
    available_at: instantToUtc(availableAt),
    last_error: error,
  });
}

export async function markDead(db: Conn, row: HeldRow, reason: string): Promise<boolean> {
  return release(db, row, { state: 'dead', last_error: reason });
}

/**
 * The recipient has no e-mail address: not a failure of the mail system, and not final either —
 * `bxsup mail retry-dead` requeues it once the address exists.
 */
export async function markNoAddress(db: Conn, row: HeldRow, reason: string): Promise<boolean> {
  return release(db, row, { state: 'no_address', last_error: reason });
}

/** Done without a mail (an internal note, the customer's own message); the reason stays in last_error. */
export async function markSkipped(db: Conn, row: HeldRow, reason: string, now: Date): Promise<boolean> {
  return release(db, row, { state: 'skipped', sent_at: instantToUtc(now), last_error: reason });
}

async function release(db: Conn, row: HeldRow, values: Record<string, unknown>): Promise<boolean> {
  const changed = await db(OUTBOX_TABLE)
    .where({ id: row.id, state: 'sending', claimed_by: row.claimedBy })
    .update({ ...values, claimed_by: null, claimed_at: null });
  return Number(changed) === 1;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
