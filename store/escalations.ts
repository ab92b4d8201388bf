import { Knex } from 'knex';
import { instantToUtc, utcToInstant } from '../core/time';
import { rawRows, rawWrite, RawWriteResult } from '../core/rawRows';
import { idList } from '../core/sqlIdList';
import { sqlJson, sqlNumber, sqlText, sqlTime } from '../core/sqlValues';

/**
 * bl_support_escalation: one row per ticket + target + level + cycle (the unique key). Inserting the row
 * is how an action claims its right to happen: a second insert of the same key fails, in whichever
 * process or pass, so the row and the action's effects are written in one transaction.
 */
type Db = Knex | Knex.Transaction;

export const ESCALATION_TABLE = 'bl_support_escalation';

/** What was recorded already: the plan (escalator/agent/plan.ts) fires nothing twice. */
export interface FiredEscalation {
  target: string;
  level: string;
  cycle: number;
  dueAt: Date;
}

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
  const rows = await rawRows<{
    ticket_id: number;
    target: string;
    level: string;
    cycle: number;
    due_at: string;
  }>(
    db,
    `SELECT ticket_id, target, level, cycle, due_at FROM ${ESCALATION_TABLE} WHERE ticket_id IN (${idList(ticketIds)})`,
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
    return (await insertEscalations(trx, [row], now)).insertId;
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
  if (rows.length > 0) await insertEscalations(trx, rows, now);
}

/**
 * The rows in one INSERT, their values written as literals (not a knex insert of row objects: a batch
 * claims hundreds of rows of nine values, and knex's handling of each binding cost more than the rows).
 */
async function insertEscalations(
  trx: Db,
  rows: readonly EscalationRow[],
  now: Date,
): Promise<RawWriteResult> {
  const firedAt = sqlTime(now);
  const values = rows.map(
    (r) =>
      `(${sqlNumber(r.ticketId)}, ${sqlText(r.target)}, ${sqlText(r.level)}, ${sqlNumber(r.cycle)}, ` +
      `${sqlTime(r.dueAt)}, ${sqlTime(r.deadlineAt)}, ${firedAt}, ${sqlText(r.outcome)}, ` +
      `${sqlJson(r.actions)})`,
  );
  return rawWrite(
    trx,
    `INSERT INTO ${ESCALATION_TABLE}
       (ticket_id, target, level, cycle, due_at, deadline_at, fired_at, outcome, actions)
     VALUES ${values.join(', ')}`,
  );
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

/**
 * The log lines' IDs into the rows that wrote them, claimed earlier in the same transaction with
 * actions.logMessageId null: `rows` carry the IDs (withLogLine) and their actions are written over the
 * claimed ones. For rows that had to be claimed before their lines were written (a MyISAM
 * b_ticket_message keeps lines a failed batch rolls back: see escalator/agent/escalateBatch.ts). One
 * single-table UPDATE whose CASE holds each row's new actions as a literal; not one joined to
 * b_ticket_message (as before): a joined UPDATE that writes the TEXT column buffers the new values in an
 * on-disk temporary table (Created_tmp_disk_tables; 5-20 ms a batch of 100, against about 2 ms for this
 * UPDATE). The actions are written whole, as JSON.stringify writes them (no JSON functions: MySQL 5.7
 * and MariaDB differ in how they write JSON). A row not found fails the caller's transaction.
 */
export async function setLogLineIds(trx: Knex.Transaction, rows: readonly EscalationRow[]): Promise<void> {
  if (rows.length === 0) return;
  const cases: string[] = [];
  const keys: string[] = [];
  for (const row of rows) {
    const [t, target, level, cycle] = [
      sqlNumber(row.ticketId),
      sqlText(row.target),
      sqlText(row.level),
      sqlNumber(row.cycle),
    ];
    const actions = sqlJson(row.actions);
    cases.push(
      `WHEN ticket_id = ${t} AND target = ${target} AND level = ${level} AND cycle = ${cycle} THEN ${actions}`,
    );
    keys.push(`(${t}, ${target}, ${level}, ${cycle})`);
  }
  const result = await rawWrite(
    trx,
    `UPDATE ${ESCALATION_TABLE}
        SET actions = CASE ${cases.join(' ')} ELSE actions END
      WHERE (ticket_id, target, level, cycle) IN (${keys.join(', ')})`,
  );
  if (result.affectedRows !== rows.length)
    throw new Error(`${rows.length - result.affectedRows} escalation row(s) of the batch were not found`);
}

/** The row with its log line's ID in actions.logMessageId (a key that exists keeps its place). */
export function withLogLine(row: EscalationRow, lineId: number): EscalationRow {
  return { ...row, actions: { ...row.actions, logMessageId: lineId } };
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

/**
 * The subquery "an assignment decision is recorded for ticket t" of the distribution's due query
 * (escalator/agent/distribute.ts): the outer query names the mirror row `t`.
 */
export function assignmentRecorded(db: Knex): Knex.QueryBuilder {
  return db(`${ESCALATION_TABLE} as e`)
    .whereRaw('e.ticket_id = t.id')
    .andWhere('e.target', 'assignment')
    .select(db.raw('1'));
}

/** A point recorded as 'baseline' (already past when bxsup was installed), with its ticket's number. */
export interface BaselineEscalation {
  ticket_id: number;
  number: string;
  target: string;
  level: string;
  due_at: string;
}

/** What the install digest says: how many tickets, the earliest point, and the first tickets listed. */
export interface BaselineDigest {
  tickets: number;
  /** The earliest recorded point (by due time, then ticket). */
  first: BaselineEscalation | null;
  /** The first `limit` tickets by ID, each with its latest recorded point (the breach, when it had one). */
  listed: BaselineEscalation[];
}

/**
 * The install digest's facts, in bounded memory: a site installed with 100,000 overdue tickets has
 * hundreds of thousands of 'baseline' rows, and the digest lists only the first `limit` tickets. The
 * server counts and picks; Node receives the listed tickets' rows only.
 */
export async function baselineDigest(db: Knex, limit: number): Promise<BaselineDigest> {
  const baseline = () =>
    db(`${ESCALATION_TABLE} as e`)
      .join('bl_support_ticket as t', 't.id', 'e.ticket_id')
      .where('e.outcome', 'baseline');
  const columns = ['e.ticket_id', 't.number', 'e.target', 'e.level', 'e.due_at'];
  const [counted] = (await baseline().select(db.raw('COUNT(DISTINCT e.ticket_id) AS n'))) as Array<{
    n: number;
  }>;
  const tickets = Number(counted?.n ?? 0);
  if (tickets === 0) return { tickets, first: null, listed: [] };
  const [first] = (await baseline()
    .orderBy([{ column: 'e.due_at' }, { column: 'e.ticket_id' }, { column: 'e.id' }])
    .limit(1)
    .select(columns)) as BaselineEscalation[];
  const ids = (
    (await baseline().distinct('e.ticket_id').orderBy('e.ticket_id').limit(limit)) as Array<{
      ticket_id: number;
    }>
  ).map((r) => r.ticket_id);
  const rows = (await baseline()
    .whereIn('e.ticket_id', ids)
    .orderBy([{ column: 'e.ticket_id' }, { column: 'e.due_at' }, { column: 'e.id' }])
    .select(columns)) as BaselineEscalation[];
  // Ordered by ticket and due time: the last row of a ticket is its latest point.
  const latest = new Map(rows.map((r) => [r.ticket_id, r]));
  return { tickets, first: first ?? null, listed: [...latest.values()] };
}

/** Applied escalations fired in [from, to), counted per level and target (fired_at is indexed). */
export async function appliedEscalationCounts(
  db: Knex,
  from: Date,
  to: Date,
): Promise<Array<{ level: string; target: string; n: number }>> {
  return db(ESCALATION_TABLE)
    .where('fired_at', '>=', instantToUtc(from))
    .andWhere('fired_at', '<', instantToUtc(to))
    .andWhere('outcome', 'applied')
    .groupBy('level', 'target')
    .select<Array<{ level: string; target: string; n: number }>>('level', 'target', db.raw('COUNT(*) AS n'));
}
