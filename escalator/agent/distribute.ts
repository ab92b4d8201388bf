import { Knex } from 'knex';
import { activeGroupMembers, leastLoaded } from '../../bridge/supportPeople';
import { applyTicketChange, LockedTicket, lockTicket, siteLanguage } from '../../bridge/ticketWrites';
import { instantToNative } from '../../core/time';
import { groupOf } from './assignee';
import { AgentContext } from './context';
import { assignmentRecorded, claimEscalation } from '../../store/escalations';

/**
 * Assignee distribution (escalation.distribution.enabled, off by default): a new ticket (created after
 * the install) with no responsible goes to the least-loaded active member of its category's support
 * group. Decided once per ticket: an 'assignment' escalation row records it (also when
 * nobody could be chosen), so a ticket an operator later leaves unassigned is not taken again.
 */
export async function distributeNewTickets(ctx: AgentContext, now: Date): Promise<number> {
  if (!ctx.escalation.distribution.enabled) return 0;
  const { db } = ctx;
  const rows = (await db('bl_support_ticket as t')
    .whereNull('t.assigned_to')
    .andWhere('t.is_open', 1)
    .andWhere('t.id', '>', ctx.baselineTicketId)
    .whereNotExists(assignmentRecorded(db))
    .orderBy('t.id')
    .limit(ctx.escalation.batchSize)
    .select('t.id', 't.category')) as Array<{ id: number; category: string | null }>;
  let assigned = 0;
  const nowLocal = instantToNative(now, ctx.zone);
  for (const row of rows) {
    const done = await db.transaction(async (trx) => {
      const native = await lockTicket(trx, row.id);
      const group = await groupOf(trx, ctx.escalation, {
        groupId: null,
        category: row.category,
        current: null,
      });
      const member =
        group === null ? null : await leastLoaded(trx, await activeGroupMembers(trx, group, nowLocal));
      // An operator may have taken the ticket since the mirror last looked: theirs wins.
      const take = native !== null && !Number(native.RESPONSIBLE_USER_ID ?? 0) && member !== null;
      const id = await claimEscalation(
        trx,
        {
          ticketId: row.id,
          target: 'assignment',
          level: 'distribute',
          cycle: 0,
          dueAt: now,
          deadlineAt: null,
          outcome: take ? 'applied' : 'skipped',
          actions: take ? { group, assignedTo: member } : { group, why: whyNot(native, group, member) },
        },
        now,
      );
      if (id === null || !take || !native) return false;
      const language = await siteLanguage(trx, native.SITE_ID);
      const name = await groupName(trx, group!);
      await applyTicketChange(
        trx,
        native,
        {
          responsibleUserId: member,
          reason:
            language === 'ru'
              ? `автоматическое распределение (группа «${name}»)`
              : `automatic distribution (support group "${name}")`,
          at: now,
          zone: ctx.zone,
        },
        language,
      );
      await trx('bl_support_ticket').where({ id: row.id }).update({ assigned_to: member, group_id: group });
      return true;
    });
    if (done) assigned++;
  }
  return assigned;
}

async function groupName(trx: Knex.Transaction, groupId: number): Promise<string> {
  const row = (await trx('b_ticket_ugroups').where({ ID: groupId }).first('NAME')) as
    { NAME: string } | undefined;
  return row?.NAME || String(groupId);
}

function whyNot(native: LockedTicket | null, group: number | null, member: number | null): string {
  if (!native) return 'the ticket is gone from b_ticket';
  if (Number(native.RESPONSIBLE_USER_ID ?? 0)) return 'already assigned in Bitrix';
  if (group === null) return 'no support group for its category';
  return member === null ? 'no active member in the support group' : '';
}
