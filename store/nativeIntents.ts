import { Knex } from 'knex';
import { instantToUtc } from '../core/time';

/**
 * bl_support_native_intent: what an escalation is about to change in b_ticket, recorded (and committed,
 * on its own connection) before the change is made. Our escalation row, notice and SLA state commit in
 * one transaction with the native write; on InnoDB a failure rolls the native write back too, but a
 * MyISAM b_ticket (old installs) keeps it. Without the intent, the next pass would plan the effect again
 * from the changed ticket and raise the criticality a second step. With it, the retry makes the same
 * change, and only where the ticket still holds the value it had (bridge/ticketWrites.ts expected).
 * The intent is removed in the transaction that records the escalation, so it outlives every failure.
 */
type Db = Knex | Knex.Transaction;

const TABLE = 'bl_support_native_intent';

export interface NativeIntent {
  criticality: { from: number | null; to: { id: number; name: string } } | null;
  responsible: { from: number | null; to: number } | null;
  createdAt: string;
}

export async function readIntent(db: Db, effectKey: string): Promise<NativeIntent | null> {
  const row = (await db(TABLE).where({ effect_key: effectKey }).first('detail')) as
    { detail: string } | undefined;
  return row ? (JSON.parse(row.detail) as NativeIntent) : null;
}

/** Committed at once (`db` is the pool, not the escalation's transaction). */
export async function recordIntent(
  db: Knex,
  effectKey: string,
  ticketId: number,
  intent: Omit<NativeIntent, 'createdAt'>,
  now: Date,
): Promise<NativeIntent> {
  const full: NativeIntent = { ...intent, createdAt: instantToUtc(now) };
  await db.raw(
    `INSERT INTO ${TABLE} (effect_key, ticket_id, detail, created_at) VALUES (?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE detail = VALUES(detail), created_at = VALUES(created_at)`,
    [effectKey, ticketId, JSON.stringify(full), instantToUtc(now)],
  );
  return full;
}

/** Many intents in one statement (an escalation batch), committed at once like recordIntent's. */
export async function recordIntents(
  db: Knex,
  intents: ReadonlyArray<{ effectKey: string; ticketId: number; intent: Omit<NativeIntent, 'createdAt'> }>,
  now: Date,
): Promise<void> {
  if (intents.length === 0) return;
  const stamp = instantToUtc(now);
  await db.raw(
    `INSERT INTO ${TABLE} (effect_key, ticket_id, detail, created_at) VALUES ${intents.map(() => '(?, ?, ?, ?)').join(', ')}
     ON DUPLICATE KEY UPDATE detail = VALUES(detail), created_at = VALUES(created_at)`,
    intents.flatMap((i) => [
      i.effectKey,
      i.ticketId,
      JSON.stringify({ ...i.intent, createdAt: stamp }),
      stamp,
    ]),
  );
}

export async function forgetIntents(trx: Db, effectKeys: readonly string[]): Promise<void> {
  if (effectKeys.length > 0)
    await trx(TABLE)
      .whereIn('effect_key', effectKeys as string[])
      .delete();
}

export async function forgetIntent(trx: Db, effectKey: string): Promise<void> {
  await trx(TABLE).where({ effect_key: effectKey }).delete();
}

/** The keys of every recorded intent: read once a pass, so the usual case costs no query per ticket. */
export async function intentKeys(db: Db): Promise<string[]> {
  return db(TABLE).pluck<string[]>('effect_key');
}
