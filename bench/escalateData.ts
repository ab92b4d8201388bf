import { Db } from '../core/db';
import { instantToUtc } from '../core/time';
import { rawRows } from '../core/rawRows';

/**
 * Our tables filled for an escalation pass at `now`, server-side (INSERT … SELECT from a sequence:
 * MariaDB's seq_1_to_N, else a cross join of digits on MySQL), so a million rows take seconds:
 * - `tickets` rows in bl_support_ticket (IDs from 100,001), SLA state computed and stored (not stale);
 * - every `openEvery`-th open, with a b_ticket row, a `created` history event and an opening message;
 * - every 10th closed one escalated once before, every 10th one's creation mailed (realistic table sizes);
 * - every `dueEvery`-th open one due: created 10 h before `now` (normal priority: the first-reply
 *   warning and deadline, 6.4 h and 8 h in, have passed), the others created 1 h before (not due).
 */
export interface EscalationData {
  tickets: number;
  openEvery: number;
  dueEvery: number;
  now: Date;
}

const FIRST_ID = 100_000;

export async function fillEscalationTables(
  db: Db,
  data: EscalationData,
): Promise<{ open: number; due: number; method: string }> {
  const seq = await sequence(db, data.tickets);
  const utc = (minutesBefore: number) => instantToUtc(new Date(data.now.getTime() - minutesBefore * 60_000));
  const [dueCreated, fresh, old] = [utc(600), utc(60), utc(60 * 24 * 30)];
  const [dueNext, freshNext] = [utc(600 - 384), utc(60 - 384)];
  const open = `(n % ${data.openEvery} = 0)`;
  const due = `(n % ${data.openEvery * data.dueEvery} = 0)`;
  await db.raw(
    `INSERT INTO bl_support_ticket (id, number, site_id, user_id, subject, category, priority, status, assigned_to,
       group_id, is_open, created_at, updated_at, resolved_at, next_due_at, sla_stale, sla_version, first_message_id)
     SELECT ${FIRST_ID} + n, CONCAT('B-', n), 's1', 6, CONCAT('Ticket ', n), NULL, 2, IF(${open}, 'open', 'closed'), 2,
       1, ${open}, IF(${due}, ?, IF(${open}, ?, ?)), IF(${open}, ?, ?), IF(${open}, NULL, ?),
       IF(${due}, ?, IF(${open}, ?, NULL)), 0, 0, IF(${open}, ${FIRST_ID} + n, NULL)
     FROM ${seq.table}`,
    [dueCreated, fresh, old, fresh, old, old, dueNext, freshNext],
  );
  await db.raw(
    `INSERT INTO bl_support_ticket_event (ticket_id, at, kind, value, source, created_at)
     SELECT id, created_at, 'created', '2', 'sync', created_at FROM bl_support_ticket WHERE is_open = 1`,
  );
  await db.raw(
    `INSERT INTO bl_support_message (id, ticket_id, author_id, body, is_internal, is_staff, created_at)
     SELECT first_message_id, id, 6, 'Help', 0, 0, created_at FROM bl_support_ticket WHERE is_open = 1`,
  );
  // Past activity, so the optimizer sees these tables at a realistic size: every 10th closed ticket was
  // escalated once, every 10th ticket had its creation mailed.
  await db.raw(
    `INSERT INTO bl_support_escalation (ticket_id, target, level, cycle, due_at, fired_at, outcome, actions)
     SELECT id, 'first_reply', 'breach', 0, created_at, created_at, 'applied', '{}'
     FROM bl_support_ticket WHERE is_open = 0 AND id % 10 = 0`,
  );
  await db.raw(
    `INSERT INTO bl_support_outbox (event_key, event_type, ticket_id, payload, state, attempts, available_at, created_at)
     SELECT CONCAT('created:', id), 'SUPPORT_TICKET_CREATED', id, '{}', 'sent', 1, created_at, created_at
     FROM bl_support_ticket WHERE id % 10 = 0`,
  );
  // Native rows for the open tickets only: the agent writes to those; closed ones are never read.
  await db.raw(
    `INSERT INTO b_ticket (ID, SITE_ID, DATE_CREATE, TIMESTAMP_X, TITLE, CRITICALITY_ID, STATUS_ID, CATEGORY_ID,
       OWNER_USER_ID, RESPONSIBLE_USER_ID, SLA_ID, MODIFIED_MODULE_NAME)
     SELECT id, 's1', created_at, created_at, subject, 8, 13, 1, 6, 2, 1, 'support'
     FROM bl_support_ticket WHERE is_open = 1`,
  );
  await db.raw(
    'ANALYZE TABLE bl_support_ticket, bl_support_ticket_event, bl_support_message, bl_support_escalation, bl_support_outbox, b_ticket',
  );
  await seq.drop();
  const count = async (where: string) =>
    Number(
      (await rawRows<{ n: number }>(db, `SELECT COUNT(*) AS n FROM bl_support_ticket WHERE ${where}`))[0].n,
    );
  return {
    open: await count('is_open = 1'),
    due: await count(`is_open = 1 AND next_due_at <= '${instantToUtc(data.now)}'`),
    method: seq.method,
  };
}

/** A table `n` = 1…count: MariaDB's sequence engine, else digits cross-joined into a scratch table. */
async function sequence(
  db: Db,
  count: number,
): Promise<{ table: string; method: string; drop: () => Promise<void> }> {
  try {
    await db.raw('SELECT 1 FROM seq_1_to_1');
    return {
      table: `(SELECT seq AS n FROM seq_1_to_${count}) s`,
      method: `seq_1_to_${count}`,
      drop: async () => undefined,
    };
  } catch {
    await db.raw('CREATE TABLE bench_digit (d INT NOT NULL PRIMARY KEY)');
    await db.raw('INSERT INTO bench_digit VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)');
    const digits = Math.ceil(Math.log10(count));
    const joins = Array.from({ length: digits }, (_, i) => `bench_digit d${i}`).join(', ');
    const n = Array.from({ length: digits }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
    return {
      table: `(SELECT ${n} + 1 AS n FROM ${joins} HAVING n <= ${count}) s`,
      method: 'digits cross join',
      drop: async () => void (await db.raw('DROP TABLE bench_digit')),
    };
  }
}
