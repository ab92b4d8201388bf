import { Knex } from 'knex';
import { instantToUtc } from '../core/time';
import type { SqlRunner } from '../core/sqlRunner';
import { rawRows } from '../core/rawRows';

/**
 * bl_support_cursor: named BIGINTs shared by the daemons (name → value). This is the only code that
 * names the table or spells a cursor's name (lint/tableOwners.mjs OWNED_LITERALS).
 *
 * The row of a sync phase is also its lock: a batch starts with SELECT … FOR UPDATE on it, so two
 * syncs (two daemons, a daemon and `bxsup sync --once`) take turns batch by batch instead of mirroring
 * the same rows twice. Locks are always taken one at a time.
 */
type Reader = Knex | Knex.Transaction;

/** For an existence check (`bxsup status`, the installer's state checks, the metrics' schema probe). */
export const CURSOR_TABLE = 'bl_support_cursor';

export const SYNC_CURSORS = {
  /** Highest b_ticket.ID mirrored as a new ticket. */
  ticket: 'ticket',
  /** Highest b_ticket_message.ID looked at. */
  message: 'message',
  /** Lock row for changes to mirrored tickets (open-set comparison, reconciliation). */
  changes: 'changes',
  /** Where the running reconciliation cycle stands (a b_ticket.ID; 0 between cycles). */
  reconcilePosition: 'reconcile_position',
  /** When the last reconciliation cycle finished, ms since epoch. */
  reconcileDoneAt: 'reconcile_done_ms',
} as const;

/**
 * What the reconciliation keeps about its running cycle beside its position (sync/phases/reconcilePhase.ts):
 * read only by the passes that sweep, not by every poll; a row is created when first written.
 */
export const RECONCILE_CURSORS = {
  /** When the running cycle started, ms since epoch (0 between cycles). */
  startedAt: 'reconcile_started_ms',
  /** Rows the server examined for the running cycle so far, and for the last whole one. */
  cycleRows: 'reconcile_cycle_rows',
  lastCycleRows: 'reconcile_last_cycle_rows',
  /**
   * The daemon's paced sweep (sync/reconcilePace.ts): rows it may still examine (negative: a range cost
   * more than its estimate) as counted at reconcile_credit_ms, by the clock.
   */
  credit: 'reconcile_credit_rows',
  creditAt: 'reconcile_credit_ms',
} as const;

/**
 * History is never mailed: the installer records, once, the newest native ticket and message IDs and
 * the install time (ms since epoch). The sync mirrors everything up to these silently; only what comes
 * after them produces outbox events.
 */
export const BASELINE_CURSORS = {
  ticket: 'baseline_ticket',
  message: 'baseline_message',
  installedAt: 'installed_at_ms',
} as const;

/**
 * The last escalation pass, for `bxsup status`: when it started, how long it took and how many actions
 * it applied. Written by whichever daemon ran it.
 */
export const PASS_CURSORS = {
  startedAt: 'escalate_last_pass_ms',
  durationMs: 'escalate_last_pass_duration_ms',
  applied: 'escalate_last_pass_applied',
} as const;

/**
 * UF_SLA_STATE's list and the check of the tickets against it (escalator/state/slaStateList.ts):
 * `checked` is a fingerprint of the list (its values' XML_IDs and IDs) every ticket was last checked
 * against, so that a pass notices the list was made again under new IDs; while a check runs, paced over
 * several passes, `sweeping` is the fingerprint it checks against and `position` the b_uts_support
 * VALUE_ID it reached.
 */
export const SLA_STATE_LIST_CURSORS = {
  checked: 'sla_state_list',
  sweeping: 'sla_state_list_sweep',
  position: 'sla_state_list_at',
} as const;

/** Set to 1 once the installer has added the seed reply templates (removed ones do not come back). */
export const TEMPLATES_SEEDED_CURSOR = 'reply_templates_seeded';

/** Creates missing cursor rows at 0; a row that exists keeps its value (safe to run every pass). */
export async function ensureCursors(db: Reader, names: string[], now: Date): Promise<void> {
  const values = names.map(() => '(?, 0, ?)').join(', ');
  await db.raw(
    `INSERT IGNORE INTO ${CURSOR_TABLE} (name, value, updated_at) VALUES ${values}`,
    names.flatMap((n) => [n, instantToUtc(now)]),
  );
}

export async function readCursors(
  db: Reader,
  names: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<Map<string, number>> {
  const query = db(CURSOR_TABLE)
    .whereIn('name', names as string[])
    .select<Array<{ name: string; value: number }>>('name', 'value');
  const rows = await (options.timeoutMs === undefined ? query : query.timeout(options.timeoutMs));
  return new Map(rows.map((r) => [r.name, Number(r.value)]));
}

/** One cursor's value; null when its row does not exist. */
export async function readCursor(db: Reader, name: string): Promise<number | null> {
  const row = (await db(CURSOR_TABLE).where({ name }).first('value')) as { value: number } | undefined;
  return row ? Number(row.value) : null;
}

/** Locks the cursor row until the transaction ends and returns its committed value. */
export async function lockCursor(trx: Knex.Transaction, name: string): Promise<number> {
  const row = await trx(CURSOR_TABLE).where('name', name).forUpdate().first<{ value: number }>('value');
  if (!row) throw new Error(`cursor ${name} is missing: ensureCursors was not run`);
  return Number(row.value);
}

export async function setCursor(db: Reader, name: string, value: number, now: Date): Promise<void> {
  await db(CURSOR_TABLE)
    .where('name', name)
    .update({ value, updated_at: instantToUtc(now) });
}

/** Several cursors in one statement (rows that do not exist yet are created). */
export async function setCursors(db: Reader, values: ReadonlyMap<string, number>, now: Date): Promise<void> {
  if (values.size === 0) return;
  const stamp = instantToUtc(now);
  const rows = [...values].map(([name, value]) => ({ name, value, updated_at: stamp }));
  await db(CURSOR_TABLE).insert(rows).onConflict('name').merge(['value', 'updated_at']);
}

/**
 * The cursors and our schema's version in one statement (an idle sync poll runs this every 2 s). The
 * version row comes back with name NULL. Fails with ER_NO_SUCH_TABLE before install.
 */
export async function readCursorsAndVersion(
  db: Reader,
  names: readonly string[],
  versionTable: string,
): Promise<{ installed: number; cursors: Map<string, number> }> {
  const rows = await rawRows<{ name: string | null; value: number | null }>(
    db,
    `SELECT name, value FROM ${CURSOR_TABLE} WHERE name IN (${names.map(() => '?').join(', ')})
       UNION ALL SELECT NULL, MAX(version) FROM \`${versionTable}\``,
    names as string[],
  );
  const version = rows.find((r) => r.name === null);
  const cursors = new Map(rows.filter((r) => r.name !== null).map((r) => [r.name!, Number(r.value)]));
  return { installed: Number(version?.value ?? 0), cursors };
}

/** The installer's statements (through its runner, so `--dry-run` prints them): a row written once. */
export async function recordCursorOnce(
  runner: SqlRunner,
  name: string,
  value: number,
  now: Date,
): Promise<void> {
  await runner.run(`INSERT IGNORE INTO ${CURSOR_TABLE} (name, value, updated_at) VALUES (?, ?, ?)`, [
    name,
    value,
    instantToUtc(now),
  ]);
}

export async function recordHistoryBaseline(runner: SqlRunner, now: Date): Promise<void> {
  const stamp = instantToUtc(now);
  await runner.run(
    `INSERT IGNORE INTO ${CURSOR_TABLE} (name, value, updated_at) SELECT ?, COALESCE(MAX(ID), 0), ? FROM b_ticket`,
    [BASELINE_CURSORS.ticket, stamp],
  );
  await runner.run(
    `INSERT IGNORE INTO ${CURSOR_TABLE} (name, value, updated_at) SELECT ?, COALESCE(MAX(ID), 0), ? FROM b_ticket_message`,
    [BASELINE_CURSORS.message, stamp],
  );
  await recordCursorOnce(runner, BASELINE_CURSORS.installedAt, now.getTime(), now);
}

export interface LastPass {
  startedAt: Date;
  durationMs: number;
  applied: number;
}

export async function recordPass(db: Knex, pass: LastPass, now: Date): Promise<void> {
  const stamp = instantToUtc(now);
  const rows = [
    { name: PASS_CURSORS.startedAt, value: pass.startedAt.getTime(), updated_at: stamp },
    { name: PASS_CURSORS.durationMs, value: Math.round(pass.durationMs), updated_at: stamp },
    { name: PASS_CURSORS.applied, value: pass.applied, updated_at: stamp },
  ];
  await db(CURSOR_TABLE).insert(rows).onConflict('name').merge(['value', 'updated_at']);
}

export async function readLastPass(db: Knex): Promise<LastPass | null> {
  const byName = await readCursors(db, Object.values(PASS_CURSORS));
  const started = byName.get(PASS_CURSORS.startedAt);
  if (started === undefined) return null;
  return {
    startedAt: new Date(started),
    durationMs: byName.get(PASS_CURSORS.durationMs) ?? 0,
    applied: byName.get(PASS_CURSORS.applied) ?? 0,
  };
}
