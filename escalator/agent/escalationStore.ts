import { Knex } from 'knex';
import { instantToUtc, utcToInstant } from '../../core/time';
import { FiredEscalation } from './plan';

/**
 * bl_support_escalation: one row per ticket + target + level + cycle (the unique key). Inserting the row
 * is how an action claims its right to happen: a second insert of the same key fails, in whichever
 * process or pass, so the row and the action's effects are written in one transaction.
 */
type Db = Knex | Knex.Transaction;

export const ESCALATION_TABLE = 'bl_support_escalation';

export interface EscalationRow {
  ticketId: number;
  target: string;
  level: string;
  cycle: number;
  dueAt: Date;
  deadlineAt: Date | null;
  outcome: 'applied' | 'baseline' | 'superseded' | 'skipped';
  actions: Record<string, unknown>;
}

export async function readFired(
  db: Db,
  ticketIds: readonly number[],
): Promise<Map<number, FiredEscalation[]>> {
  const out = new Map<number, FiredEscalation[]>();
  if (ticketIds.length === 0) return out;
  const rows = await db(ESCALATION_TABLE)
    .whereIn('ticket_id', ticketIds)
    .select<Array<{ ticket_id: number; target: string; level: string; cycle: number; due_at: string }>>(
      'ticket_id',
      'target',
      'level',
      'cycle',
      'due_at',
    );
  for (const r of rows) {
    const list = out.get(r.ticket_id) ?? [];
    list.push({
      target: r.target,
      level: r.level,
      cycle: Number(r.cycle),
      dueAt: utcToInstant(r.due_at) ?? new Date(0),
    });
    out.set(r.ticket_id, list);
  }
  return out;
}

/**
 * Returns the new row's id, or null when the key is already taken (the action happened before). A plain
 * INSERT, not INSERT IGNORE (which would also swallow truncation): only the duplicate key is expected.
 */
export async function claimEscalation(trx: Db, row: EscalationRow, now: Date): Promise<number | null> {
  try {
    const [id] = await trx(ESCALATION_TABLE).insert(escalationValues(row, now));
    return Number(id);
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return null;
    throw err;
  }
}

/**
 * Many rows claimed in one INSERT (an escalation batch): all of them or, on any taken key, none (the
 * statement fails with ER_DUP_ENTRY and the caller's transaction rolls back).
 */
export async function claimEscalations(
  trx: Knex.Transaction,
  rows: readonly EscalationRow[],
  now: Date,
): Promise<void> {
  if (rows.length > 0) await trx(ESCALATION_TABLE).insert(rows.map((r) => escalationValues(r, now)));
}

/** The IDs of rows (claimed earlier), in the order given, found by their unique key. */
export async function escalationIds(
  db: Db,
  rows: ReadonlyArray<Pick<EscalationRow, 'ticketId' | 'target' | 'level' | 'cycle'>>,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const stored = (await db(ESCALATION_TABLE)
    .whereIn('ticket_id', [...new Set(rows.map((r) => r.ticketId))])
    .select('id', 'ticket_id', 'target', 'level', 'cycle')) as Array<{
    id: number;
    ticket_id: number;
    target: string;
    level: string;
    cycle: number;
  }>;
  const ids = new Map(stored.map((s) => [keyOf(s.ticket_id, s.target, s.level, s.cycle), Number(s.id)]));
  return rows.map((r) => {
    const id = ids.get(keyOf(r.ticketId, r.target, r.level, r.cycle));
    if (id === undefined)
      throw new Error(`escalation ${keyOf(r.ticketId, r.target, r.level, r.cycle)} is missing`);
    return id;
  });
}

/** The actions of rows claimed earlier in the same transaction, once they are known (the log lines' IDs). */
export async function setEscalationActions(
  trx: Knex.Transaction,
  rows: readonly EscalationRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const first =
    'SELECT CAST(? AS SIGNED) AS ticket_id, CAST(? AS CHAR) AS target, CAST(? AS CHAR) AS level, CAST(? AS SIGNED) AS cycle, CAST(? AS CHAR) AS actions';
  const derived = [first, ...rows.slice(1).map(() => 'SELECT ?, ?, ?, ?, ?')].join(' UNION ALL ');
  await trx.raw(
    `UPDATE ${ESCALATION_TABLE} e JOIN (${derived}) v
        ON e.ticket_id = v.ticket_id AND e.target = v.target AND e.level = v.level AND e.cycle = v.cycle
        SET e.actions = v.actions`,
    rows.flatMap((r) => [r.ticketId, r.target, r.level, r.cycle, JSON.stringify(r.actions)]),
  );
}

function escalationValues(row: EscalationRow, now: Date): Record<string, unknown> {
  return {
    ticket_id: row.ticketId,
    target: row.target,
    level: row.level,
    cycle: row.cycle,
    due_at: instantToUtc(row.dueAt),
    deadline_at: row.deadlineAt ? instantToUtc(row.deadlineAt) : null,
    fired_at: instantToUtc(now),
    outcome: row.outcome,
    actions: JSON.stringify(row.actions),
  };
}

function keyOf(ticketId: number, target: string, level: string, cycle: number): string {
  return `${ticketId}/${target}/${level}/${Number(cycle)}`;
}

/** Another process recorded this action first: the transaction that tried again must roll back. */
export class AlreadyEscalated extends Error {
  constructor(readonly row: Pick<EscalationRow, 'ticketId' | 'target' | 'level' | 'cycle'>) {
    super(
      `escalation ${row.ticketId}/${row.target}/${row.level}/${row.cycle} was recorded by another process`,
    );
  }
}

/** claimEscalation that throws AlreadyEscalated instead of returning null. */
export async function recordEscalation(trx: Db, row: EscalationRow, now: Date): Promise<number> {
  const id = await claimEscalation(trx, row, now);
  if (id === null) throw new AlreadyEscalated(row);
  return id;
}
