import { instantToUtc } from '../core/time';
import { SqlRunner } from './sqlRunner';

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

export async function recordHistoryBaseline(runner: SqlRunner, now: Date): Promise<void> {
  const stamp = instantToUtc(now);
  await runner.run(
    `INSERT IGNORE INTO bl_support_cursor (name, value, updated_at) SELECT ?, COALESCE(MAX(ID), 0), ? FROM b_ticket`,
    [BASELINE_CURSORS.ticket, stamp],
  );
  await runner.run(
    `INSERT IGNORE INTO bl_support_cursor (name, value, updated_at) SELECT ?, COALESCE(MAX(ID), 0), ? FROM b_ticket_message`,
    [BASELINE_CURSORS.message, stamp],
  );
  await runner.run(`INSERT IGNORE INTO bl_support_cursor (name, value, updated_at) VALUES (?, ?, ?)`, [
    BASELINE_CURSORS.installedAt,
    now.getTime(),
    stamp,
  ]);
}
