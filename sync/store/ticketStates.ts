import { Knex } from 'knex';
import { idList } from '../../core/sqlIdList';
import { differingIds, StateSignatures, stateDiffersSql } from './stateSignatures';

/**
 * The mirror's side of change detection: the state signatures last mirrored, for primary-key ranges
 * (the slow reconciliation; the open set's are read joined with b_ticket's, openStates.ts).
 */
type Reader = Knex | Knex.Transaction;

/** How many tickets up to `upToId` the mirror holds open (the (is_open, id) index, no table rows). */
export async function countOpen(db: Reader, upToId: number): Promise<number> {
  const rows = await db('bl_support_ticket')
    .where('is_open', 1)
    .andWhere('id', '<=', upToId)
    .count<Array<{ n: number }>>({ n: '*' });
  return Number(rows[0].n);
}

export interface MirrorState {
  id: number;
  nativeState: string | null;
  /** The computed fields' signature as the daemon last wrote them (null: never written). */
  ufState: string | null;
}

export type StoredState = MirrorState & { deleted: boolean };

export async function readStateRange(db: Reader, fromId: number, toId: number): Promise<StoredState[]> {
  return readStates(db('bl_support_ticket').whereBetween('id', [fromId, toId]));
}

export async function readStatesByIds(db: Reader, ids: readonly number[]): Promise<StoredState[]> {
  if (ids.length === 0) return [];
  return readStates(db('bl_support_ticket').whereRaw(`id IN (${idList(ids)})`));
}

/** The stored signatures of the rows `query` picks (one shape for the range and the ID list). */
async function readStates(query: Knex.QueryBuilder): Promise<StoredState[]> {
  const rows = await query.select<
    Array<{ id: number; native_state: string | null; uf_state: string | null; deleted_at: string | null }>
  >('id', 'native_state', 'uf_state', 'deleted_at');
  return rows.map((r) => ({
    id: Number(r.id),
    nativeState: r.native_state,
    ufState: r.uf_state,
    deleted: r.deleted_at !== null,
  }));
}

/** What the server found different in a range of tickets (differencesInRange). */
export interface RangeDifferences {
  /**
   * Native tickets whose state or computed fields differ from what the mirror holds, that the mirror
   * marked deleted, or (up to the ticket cursor) that it lacks: candidates, compared again in Node.
   */
  differing: number[];
  /** Mirrored tickets of the range that Bitrix no longer has. */
  gone: Array<{ id: number; deleted: boolean }>;
  /** Rows the two statements went through. */
  examined: number;
}

export interface RangeSignatures extends StateSignatures {
  ticketCursor: number;
}

/**
 * The reconciliation's comparison of a range of tickets, done by the server: b_ticket (with its UF row)
 * against bl_support_ticket by primary key, each side's signature computed in SQL, and only the IDs that
 * differ sent back. Then the mirror's side alone (our table, no native row): its live tickets counted and
 * the IDs it marked deleted. Only when the mirror has more live tickets in the range than the native
 * side matched does the server look for the ones Bitrix lacks (a probe of b_ticket per mirror row):
 * a ticket deleted since the last cycle. Otherwise the mirror's tickets missing natively are exactly
 * those it marked deleted that the native side did not find.
 */
export async function differencesInRange(
  db: Reader,
  fromId: number,
  toId: number,
  sql: RangeSignatures,
): Promise<RangeDifferences> {
  const changed = `m.deleted_at IS NOT NULL OR ${stateDiffersSql(sql)}`;
  const native = await differingIds(db, {
    from: `b_ticket t ${sql.joinUf ? 'LEFT JOIN b_uts_support u ON u.VALUE_ID = t.ID' : ''}
      LEFT JOIN bl_support_ticket m ON m.id = t.ID`,
    where: 't.ID BETWEEN ? AND ?',
    binds: [fromId, toId],
    id: 't.ID',
    differs: `IF(m.id IS NULL, t.ID <= ${idList([sql.ticketCursor])}, ${changed})`,
    counted: 'm.id IS NOT NULL AND m.deleted_at IS NULL',
  });
  const mirror = await differingIds(db, {
    from: 'bl_support_ticket m',
    where: 'm.id BETWEEN ? AND ?',
    binds: [fromId, toId],
    id: 'm.id',
    differs: 'm.deleted_at IS NOT NULL',
  });
  const mirrorLive = mirror.rows - mirror.differing.length;
  const tickets = native.rows;
  // Per native ticket its row, its UF row and its mirror row; then each mirror row.
  const compared = tickets * (sql.joinUf ? 3 : 2) + mirror.rows;
  if (mirrorLive === native.counted) {
    const foundNatively = new Set(native.differing);
    return {
      differing: native.differing,
      gone: mirror.differing.filter((id) => !foundNatively.has(id)).map((id) => ({ id, deleted: true })),
      examined: compared,
    };
  }
  const gone = await db('bl_support_ticket as m')
    .leftJoin('b_ticket as t', 't.ID', 'm.id')
    .whereBetween('m.id', [fromId, toId])
    .whereNull('t.ID')
    .select<Array<{ id: number; deleted_at: string | null }>>('m.id', 'm.deleted_at');
  return {
    differing: native.differing,
    gone: gone.map((g) => ({ id: Number(g.id), deleted: g.deleted_at !== null })),
    // And the probe: each mirror row and its look-up in b_ticket.
    examined: compared + 2 * mirror.rows,
  };
}
