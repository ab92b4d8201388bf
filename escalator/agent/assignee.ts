import { Knex } from 'knex';
import { activeGroupMembers, leastLoaded, supportGroupsOfUser } from '../../bridge/supportPeople';
import { EscalationConfig } from '../escalationConfig';

/**
 * Who gets a ticket: the supervisor, or the least-loaded active member of the ticket's support group.
 * The group is the mirrored one (the responsible's), else the category's configured group, else the
 * current responsible's first group, else distribution.defaultGroup. The current responsible is never
 * chosen again; with nobody else in the group the ticket goes to the supervisor, so a breach always
 * lands on someone who can act.
 */
export interface AssigneeQuery {
  mode: 'supervisor' | 'least_loaded';
  groupId: number | null;
  category: string | null;
  current: number | null;
  supervisors: readonly number[];
  /** Site-local now, for membership validity. */
  nowLocal: string;
}

export async function chooseAssignee(
  db: Knex | Knex.Transaction,
  config: EscalationConfig,
  q: AssigneeQuery,
): Promise<number | null> {
  const supervisor = q.supervisors.find((id) => id !== q.current) ?? null;
  if (q.mode === 'supervisor') return supervisor;
  const group = await groupOf(db, config, q);
  if (group === null) return supervisor;
  const members = (await activeGroupMembers(db, group, q.nowLocal)).filter((id) => id !== q.current);
  return (await leastLoaded(db, members)) ?? supervisor;
}

/** The support group a ticket belongs to, or null (see chooseAssignee). */
export async function groupOf(
  db: Knex | Knex.Transaction,
  config: EscalationConfig,
  q: Pick<AssigneeQuery, 'groupId' | 'category' | 'current'>,
): Promise<number | null> {
  if (q.groupId) return q.groupId;
  const byCategory = q.category === null ? undefined : config.distribution.categoryGroups[q.category];
  if (byCategory) return byCategory;
  if (q.current) {
    const [first] = await supportGroupsOfUser(db, q.current);
    if (first) return first;
  }
  return config.distribution.defaultGroup ?? null;
}
