import { Knex } from 'knex';
import { membershipActive } from './staff';

/**
 * The people escalation needs: support admins (module right 'W'), and the active staff members of a
 * support group (b_ticket_ugroups / b_ticket_user_ugroup) with their open-ticket load. Rights come from
 * b_module_group through memberships valid at `nowLocal` (site-local 'YYYY-MM-DD HH:MM:SS'); dates are
 * compared in JS as Bitrix's SQL compares them (bridge/staff.ts membershipActive).
 */
type Reader = Knex | Knex.Transaction;

const MAIN_ADMIN = 1;

async function usersWithRight(
  db: Reader,
  rights: string[],
  nowLocal: string,
  among?: number[],
): Promise<Set<number>> {
  const query = db('b_user_group as ug')
    .join('b_module_group as mg', 'mg.GROUP_ID', 'ug.GROUP_ID')
    .join('b_user as u', 'u.ID', 'ug.USER_ID')
    .where('mg.MODULE_ID', 'support')
    .whereIn('mg.G_ACCESS', rights)
    .andWhere('u.ACTIVE', 'Y');
  if (among) query.whereIn('ug.USER_ID', among);
  const rows = await query.select<
    Array<{ USER_ID: number; DATE_ACTIVE_FROM: string | null; DATE_ACTIVE_TO: string | null }>
  >('ug.USER_ID', 'ug.DATE_ACTIVE_FROM', 'ug.DATE_ACTIVE_TO');
  return new Set(
    rows
      .filter((r) => membershipActive(r.DATE_ACTIVE_FROM, r.DATE_ACTIVE_TO, nowLocal))
      .map((r) => Number(r.USER_ID)),
  );
}

/** Users holding the support admin right 'W', lowest ID first; the main admin when there are none. */
export async function supportAdmins(db: Reader, nowLocal: string): Promise<number[]> {
  const ids = [...(await usersWithRight(db, ['W'], nowLocal))].sort((a, b) => a - b);
  return ids.length > 0 ? ids : [MAIN_ADMIN];
}

/** Active members of a support group who are staff now (right T, W or V; the main admin always is). */
export async function activeGroupMembers(db: Reader, groupId: number, nowLocal: string): Promise<number[]> {
  const members = await db('b_ticket_user_ugroup').where({ GROUP_ID: groupId }).pluck<number[]>('USER_ID');
  if (members.length === 0) return [];
  const ids = members.map(Number);
  const staff = await usersWithRight(db, ['T', 'W', 'V'], nowLocal, ids);
  if (ids.includes(MAIN_ADMIN)) {
    const admin = await db('b_user').where({ ID: MAIN_ADMIN, ACTIVE: 'Y' }).first('ID');
    if (admin) staff.add(MAIN_ADMIN);
  }
  return ids.filter((id) => staff.has(id)).sort((a, b) => a - b);
}

/** The support groups a user belongs to, lowest ID first. */
export async function supportGroupsOfUser(db: Reader, userId: number): Promise<number[]> {
  const ids = await db('b_ticket_user_ugroup')
    .where({ USER_ID: userId })
    .orderBy('GROUP_ID')
    .pluck<number[]>('GROUP_ID');
  return ids.map(Number);
}

/**
 * The candidate with the fewest open tickets (our mirror's (assigned_to, is_open) index), lowest ID on a
 * tie; null when there is no candidate.
 */
export async function leastLoaded(db: Reader, candidates: readonly number[]): Promise<number | null> {
  if (candidates.length === 0) return null;
  const rows = await db('bl_support_ticket')
    .whereIn('assigned_to', candidates as number[])
    .andWhere('is_open', 1)
    .groupBy('assigned_to')
    .select<Array<{ assigned_to: number; n: number }>>('assigned_to', db.raw('COUNT(*) AS n'));
  const load = new Map(rows.map((r) => [Number(r.assigned_to), Number(r.n)]));
  return [...candidates].sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || a - b)[0];
}
