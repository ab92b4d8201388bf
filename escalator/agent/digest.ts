import { Knex } from 'knex';
import { utcToInstant } from '../../core/time';
import { baselineDigest } from '../../store/escalations';
import { outboxEventQueued } from '../../store/outbox/insert';
import { queueNotice } from './notices';

/**
 * Tickets already overdue when bxsup was installed are recorded (outcome 'baseline'), not escalated one
 * by one: the supervisors get one SUPPORT_SLA_DIGEST listing them instead. Its event_key is fixed, so
 * there is at most one such digest, ever. It is built from the recorded rows, not from what one pass
 * saw, so a pass killed half-way and its rerun still send the whole list. Until it is queued, each
 * pass looks (the outbox key, then the 'baseline' rows counted and the first MAX_LISTED tickets' read).
 */
export const INSTALL_DIGEST_KEY = 'sla:digest:install';
const MAX_LISTED = 500;

export async function queueInstallDigest(
  db: Knex,
  supervisors: readonly number[],
  now: Date,
): Promise<boolean> {
  if (supervisors.length === 0) return false;
  if (await outboxEventQueued(db, INSTALL_DIGEST_KEY)) return false;
  const { tickets, first, listed } = await baselineDigest(db, MAX_LISTED);
  if (!first) return false;
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
        dueAt: utcToInstant(first.due_at)?.toISOString(),
        reason: 'tickets already past an SLA point when bxsup was installed',
        count: tickets,
        tickets: listed.map((t) => ({
          ticketId: t.ticket_id,
          number: t.number,
          target: t.target,
          level: t.level,
          dueAt: utcToInstant(t.due_at)?.toISOString(),
        })),
      },
    },
    now,
  );
  return true;
}
