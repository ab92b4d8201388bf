import { Knex } from 'knex';
import { OUTBOX_TABLE } from './outboxRow';

/** Whole outbox rows as stored, for `npm run demo` (demo/runDemo.ts, demo/show.ts) to narrate. */
export interface OutboxRecord {
  id: number;
  event_key: string;
  event_type: string;
  state: string;
  last_error: string | null;
}

type Reader = Knex | Knex.Transaction;

export async function countOutboxRows(db: Reader): Promise<number> {
  return Number((await db(OUTBOX_TABLE).count<{ n: number }[]>({ n: '*' }))[0].n);
}

export async function outboxRecord(db: Reader, id: number): Promise<OutboxRecord | undefined> {
  return (await db(OUTBOX_TABLE).where('id', id).first()) as OutboxRecord | undefined;
}

/** The rows in the order they were queued, skipping the first `offset` (those seen before). */
export async function outboxRecordsFrom(db: Reader, offset: number): Promise<OutboxRecord[]> {
  return (await db(OUTBOX_TABLE).where('id', '>', 0).orderBy('id').offset(offset)) as OutboxRecord[];
}
