import { Db } from '../core/db';
import { instantToUtc } from '../core/time';
import type { SqlRunner } from '../core/sqlRunner';
import { orNothingIfMissing } from './missingTable';

/**
 * bl_support_native_change, the installer's journal of every change it makes to native Bitrix tables, written *before* the change
 * (an intent), so that a crash right after the change still leaves a record uninstall can reverse.
 */
export type NativeChangeKind =
  | 'uts_table'
  | 'utm_table'
  | 'user_field'
  | 'dictionary'
  | 'event_type'
  | 'event_message'
  | 'native_template_off'
  // A file bxsup placed in the site (target: its path under the document root; detail: root, sha256,
  // mode) and a folder it created for one (removed only when empty).
  | 'site_file'
  | 'site_dir';

export interface NativeChange {
  id: number;
  kind: NativeChangeKind;
  target: string;
  detail: Record<string, unknown>;
}

/** Named here only: uninstall keeps or drops it with the other tables of ours. */
export const NATIVE_CHANGE_TABLE = 'bl_support_native_change';
const TABLE = NATIVE_CHANGE_TABLE;

export async function recordNativeChange(
  runner: SqlRunner,
  kind: NativeChangeKind,
  target: string,
  detail: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await runner.run(`INSERT IGNORE INTO ${TABLE} (kind, target, detail, created_at) VALUES (?, ?, ?, ?)`, [
    kind,
    target,
    JSON.stringify(detail),
    instantToUtc(now),
  ]);
}

export async function listNativeChanges(db: Db): Promise<NativeChange[]> {
  const rows = await orNothingIfMissing(
    db(TABLE).select('id', 'kind', 'target', 'detail').orderBy('id', 'desc'),
  );
  return (rows ?? []).map(toChange);
}

interface ChangeRow {
  id: number;
  kind: NativeChangeKind;
  target: string;
  detail: string | null;
}

function toChange(r: ChangeRow): NativeChange {
  return {
    id: Number(r.id),
    kind: r.kind,
    target: r.target,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {},
  };
}

export async function hasNativeChange(db: Db, kind: NativeChangeKind, target: string): Promise<boolean> {
  const row: unknown = await orNothingIfMissing(db(TABLE).where({ kind, target }).first());
  return row !== undefined && row !== null;
}

export async function findNativeChange(
  db: Db,
  kind: NativeChangeKind,
  target: string,
): Promise<NativeChange | null> {
  const row = (await orNothingIfMissing(
    db(TABLE).where({ kind, target }).first('id', 'kind', 'target', 'detail'),
  )) as ChangeRow | undefined | null;
  return row ? toChange(row) : null;
}

/** Replaces the detail of a journal entry (uninstall notes what it has done so far; a site file rewritten). */
export async function updateNativeChange(
  runner: SqlRunner,
  change: Pick<NativeChange, 'kind' | 'target'>,
  detail: Record<string, unknown>,
): Promise<void> {
  await runner.run(`UPDATE ${TABLE} SET detail = ? WHERE kind = ? AND target = ?`, [
    JSON.stringify(detail),
    change.kind,
    change.target,
  ]);
}

export async function forgetNativeChange(
  runner: SqlRunner,
  change: Pick<NativeChange, 'kind' | 'target'>,
): Promise<void> {
  await runner.run(`DELETE FROM ${TABLE} WHERE kind = ? AND target = ?`, [change.kind, change.target]);
}
