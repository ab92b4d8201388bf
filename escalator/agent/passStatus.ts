import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';

/**
 * The last escalation pass, kept in bl_support_cursor (name → BIGINT) for `bxsup status`: when it
 * started, how long it took and how many actions it applied. Written by whichever daemon ran it.
 */
export const PASS_CURSORS = {
  startedAt: 'escalate_last_pass_ms',
  durationMs: 'escalate_last_pass_duration_ms',
  applied: 'escalate_last_pass_applied',
} as const;

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
  await db('bl_support_cursor').insert(rows).onConflict('name').merge(['value', 'updated_at']);
}

export async function readLastPass(db: Knex): Promise<LastPass | null> {
  const rows = await db('bl_support_cursor')
    .whereIn('name', Object.values(PASS_CURSORS))
    .select<Array<{ name: string; value: number }>>('name', 'value');
  const byName = new Map(rows.map((r) => [r.name, Number(r.value)]));
  const started = byName.get(PASS_CURSORS.startedAt);
  if (started === undefined) return null;
  return {
    startedAt: new Date(started),
    durationMs: byName.get(PASS_CURSORS.durationMs) ?? 0,
    applied: byName.get(PASS_CURSORS.applied) ?? 0,
  };
}
