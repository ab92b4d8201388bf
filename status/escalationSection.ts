import { Db } from '../core/db';
import { instantToUtc, utcToInstant } from '../core/time';
import { nextRun } from '../daemon/nextRun';
import { readLastPass } from '../store/cursors';
import { tableExists } from '../schema/migrator';
import { ESCALATION_TABLE } from '../store/escalations';
import { StatusCollector } from './section';

/**
 * The escalation agent in `bxsup status`: its last pass (any daemon's), when the schedule fires next,
 * and how much is waiting. Due points left much longer than the cron period mean no daemon escalates.
 */
const LATE_AFTER_MS = 60 * 60_000;

export const escalationSection: StatusCollector = async ({ db, config, now }) => {
  const cfg = config.escalation;
  if (!(await tableExists(db, ESCALATION_TABLE))) {
    return {
      key: 'escalation',
      data: { installed: false },
      lines: [['escalation', 'not installed']],
      problems: [],
    };
  }
  const last = await readLastPass(db);
  const next = cfg.enabled ? nextRun(cfg.cron) : null;
  const { due, oldest, stale } = await backlog(db, now);
  const problems: string[] = [];
  if (cfg.enabled && oldest && now.getTime() - oldest.getTime() > LATE_AFTER_MS) {
    problems.push(
      `escalation is behind: a ticket has been due since ${oldest.toISOString()}; check that bxsup run is running`,
    );
  }
  const lastText = last
    ? `${last.startedAt.toISOString()} (${last.applied} action(s), ${last.durationMs} ms)`
    : 'never';
  return {
    key: 'escalation',
    data: {
      installed: true,
      enabled: cfg.enabled,
      cron: cfg.cron,
      lastPass: last ? { ...last, startedAt: last.startedAt.toISOString() } : null,
      nextPass: next?.toISOString() ?? null,
      due,
      staleSla: stale,
    },
    lines: [
      ['escalation', cfg.enabled ? `on (${cfg.cron})` : 'off (escalation.enabled is false)'],
      ['last escalation pass', lastText],
      ['next escalation pass', next ? next.toISOString() : '—'],
      ['due now', `${due} ticket(s)${stale ? `, ${stale} SLA state(s) to recompute` : ''}`],
    ],
    problems,
  };
};

async function backlog(db: Db, now: Date): Promise<{ due: number; oldest: Date | null; stale: number }> {
  const [dueRow] = await db('bl_support_ticket')
    .where('is_open', 1)
    .andWhere('next_due_at', '<=', instantToUtc(now))
    .select(db.raw('COUNT(*) AS n'), db.raw('MIN(next_due_at) AS oldest'));
  const [staleRow] = await db('bl_support_ticket').where({ sla_stale: 1, is_open: 1 }).count({ n: '*' });
  const oldest = (dueRow as { oldest: string | null }).oldest;
  return {
    due: Number((dueRow as { n: number }).n),
    oldest: utcToInstant(oldest),
    stale: Number((staleRow as { n: number }).n),
  };
}
