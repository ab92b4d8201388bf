import { Db } from '../core/db';
import { appliedEscalationCounts } from '../store/escalations';
import { EscalationCount, ReportWindow } from './reportTypes';

/**
 * Escalations applied in the window, by level and target. By fired_at (indexed) rather than by the
 * tickets' creation: "what did escalation do this month" is the question, and a level firing on an
 * old ticket is still work done this month.
 */
export async function escalationCounts(db: Db, window: ReportWindow): Promise<EscalationCount[]> {
  const rows = await appliedEscalationCounts(db, window.from, window.to);
  const byLevel = new Map<string, EscalationCount>();
  for (const row of rows) {
    const count = byLevel.get(row.level) ?? { level: row.level, firstReply: 0, resolution: 0, total: 0 };
    const n = Number(row.n);
    if (row.target === 'first_reply') count.firstReply += n;
    else if (row.target === 'resolution') count.resolution += n;
    count.total += n;
    byLevel.set(row.level, count);
  }
  return [...byLevel.values()].sort((a, b) => b.total - a.total || a.level.localeCompare(b.level));
}
