import { Knex } from 'knex';
import { queueNotice } from './notices';

/**
 * Tickets already overdue when bxsup was installed are recorded (outcome 'baseline'), not escalated one
 * by one: the supervisors get one SUPPORT_SLA_DIGEST listing them instead. Its event_key is fixed, so
 * there is at most one such digest, ever, however many passes find baseline points.
 */
export const INSTALL_DIGEST_KEY = 'sla:digest:install';
const MAX_LISTED = 500;

export interface BaselineItem {
  ticketId: number;
  number: string;
  target: string;
  level: string;
  dueAt: Date;
}

export async function queueInstallDigest(
  db: Knex,
  supervisors: readonly number[],
  items: readonly BaselineItem[],
  now: Date,
): Promise<boolean> {
  if (items.length === 0 || supervisors.length === 0) return false;
  const exists = await db('bl_support_outbox').where({ event_key: INSTALL_DIGEST_KEY }).first('id');
  if (exists) return false;
  const tickets = [...new Map(items.map((i) => [i.ticketId, i])).values()].sort(
    (a, b) => a.ticketId - b.ticketId,
  );
  const first = [...items].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
  await queueNotice(
    db,
    {
      eventKey: INSTALL_DIGEST_KEY,
      eventType: 'SUPPORT_SLA_DIGEST',
      ticketId: 0,
      payload: {
        recipients: [...supervisors],
        // The shape of the other SLA notices; each listed ticket says its own target and level.
        target: first.target,
        level: 'install',
        dueAt: first.dueAt.toISOString(),
        reason: 'tickets already past an SLA point when bxsup was installed',
        count: tickets.length,
        tickets: tickets.slice(0, MAX_LISTED).map((t) => ({
          ticketId: t.ticketId,
          number: t.number,
          target: t.target,
          level: t.level,
          dueAt: t.dueAt.toISOString(),
        })),
      },
    },
    now,
  );
  return true;
}
