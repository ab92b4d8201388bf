import { Knex } from 'knex';

/**
 * Who is support staff, for messages whose MESSAGE_BY_SUPPORT_TEAM is NULL, and the support group of a
 * responsible. Module rights: b_module_group (MODULE_ID 'support', G_ACCESS T staff, W admin, V demo)
 * through b_user_group memberships active now; user 1, the main admin, always counts.
 * GROUP_DEFAULT_RIGHT (the right of groups without a row) is not read: it is 'D' on real sites.
 */
type Reader = Knex | Knex.Transaction;

export const STAFF_RIGHTS = ['T', 'W', 'V'] as const;
export const MAIN_ADMIN_USER_ID = 1;

/**
 * The members of `userIds` who are staff at `nowNative` (a site-local 'YYYY-MM-DD HH:MM:SS').
 * Membership dates are compared as strings in JS: they are the same local format, and old rows hold
 * zero dates ('0000-00-00 …') that strict SQL modes refuse to compare. Bitrix compares them in SQL
 * (`DATE_ACTIVE_FROM <= NOW()`, `DATE_ACTIVE_TO >= NOW()`), where a zero date is the earliest of all:
 * a zero "from" is no limit, a zero "to" an ended membership (membershipActive).
 */
export async function staffAmong(db: Reader, userIds: number[], nowNative: string): Promise<Set<number>> {
  const staff = new Set<number>(userIds.filter((id) => id === MAIN_ADMIN_USER_ID));
  const others = userIds.filter((id) => id !== MAIN_ADMIN_USER_ID);
  if (others.length === 0) return staff;
  const rows = await db('b_user_group as ug')
    .join('b_module_group as mg', 'mg.GROUP_ID', 'ug.GROUP_ID')
    .whereIn('ug.USER_ID', others)
    .andWhere('mg.MODULE_ID', 'support')
    .whereIn('mg.G_ACCESS', [...STAFF_RIGHTS])
    .select<Array<{ USER_ID: number; DATE_ACTIVE_FROM: string | null; DATE_ACTIVE_TO: string | null }>>(
      'ug.USER_ID',
      'ug.DATE_ACTIVE_FROM',
      'ug.DATE_ACTIVE_TO',
    );
  for (const row of rows) {
    if (membershipActive(row.DATE_ACTIVE_FROM, row.DATE_ACTIVE_TO, nowNative)) staff.add(Number(row.USER_ID));
  }
  return staff;
}

/** A b_user_group membership at `nowNative`, as Bitrix's SQL decides it (NULL: no limit; zero: the past). */
export function membershipActive(from: string | null, to: string | null, nowNative: string): boolean {
  const fromOk = from === null || from === '' || from <= nowNative; // '0000-…' sorts before any date
  const toOk = to === null || to === '' || (!to.startsWith('0000') && to >= nowNative);
  return fromOk && toOk;
}

/** Each user's support group (b_ticket_user_ugroup), the lowest group ID when there are several. */
export async function supportGroupsOf(db: Reader, userIds: number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db('b_ticket_user_ugroup')
    .whereIn('USER_ID', userIds)
    .groupBy('USER_ID')
    .select<Array<{ USER_ID: number; g: number }>>('USER_ID', db.raw('MIN(GROUP_ID) AS g'));
  return new Map(rows.map((r) => [Number(r.USER_ID), Number(r.g)]));
}
