import { Knex } from 'knex';
import { joinTicketStates, NativeTicketState, UfColumns, withComputed } from '../../bridge/nativeTickets';
import { idList } from '../../core/sqlIdList';
import { MirrorState } from './ticketStates';
import { DifferingIds, differingIds, StateSignatures, stateDiffersSql } from './stateSignatures';

/**
 * The change phase's reads: open tickets of the mirror with the state it last mirrored, each joined
 * by primary key with its b_ticket (and b_uts_support) row, in one statement: our (is_open, id) index,
 * then an eq_ref per table. `native` is null for a ticket gone from b_ticket.
 */
export interface OpenState extends MirrorState {
  native: NativeTicketState | null;
}

type Reader = Knex | Knex.Transaction;

/**
 * The next `limit` open tickets after `afterId`, up to `upToId`, by ID, sent whole: what a comparison
 * in Node has to read (the idle benchmark's floor; the change phase compares in the server instead).
 */
export async function readOpenWindow(
  db: Reader,
  window: { afterId: number; upToId: number; limit: number },
  uf: UfColumns,
): Promise<OpenState[]> {
  // Forced: for a range that covers most of the table (a window from the start of the set) the
  // optimizer took the (is_open, next_due_at) index and a filesort of every open ticket.
  const query = db
    .from(db.raw('`bl_support_ticket` AS `m` FORCE INDEX (`ix_bl_support_ticket_open`)'))
    .where('m.is_open', 1)
    .andWhere('m.id', '>', window.afterId)
    .andWhere('m.id', '<=', window.upToId)
    .orderBy('m.id')
    .limit(window.limit);
  return split(await select(db, query, uf), uf);
}

/**
 * The change phase's comparison of the next `limit` open tickets after `afterId` (up to `upToId`),
 * done by the server: the same window and joins as readOpenWindow, each side's signature in SQL, and
 * one row back with the window's size, its last ID and the tickets that differ or vanished from
 * b_ticket (candidates: read with readOpenStatesOf and compared in Node).
 */
export async function openWindowDifferences(
  db: Reader,
  window: { afterId: number; upToId: number; limit: number },
  sql: StateSignatures,
): Promise<DifferingIds> {
  return differingIds(db, {
    from: `(SELECT m.id, (t.ID IS NULL OR ${stateDiffersSql(sql)}) AS d
              FROM bl_support_ticket m FORCE INDEX (ix_bl_support_ticket_open)
              LEFT JOIN b_ticket t ON t.ID = m.id
              ${sql.joinUf ? 'LEFT JOIN b_uts_support u ON u.VALUE_ID = t.ID' : ''}
             WHERE m.is_open = 1 AND m.id > ? AND m.id <= ?
             ORDER BY m.id LIMIT ?) w`,
    where: 'TRUE',
    binds: [window.afterId, window.upToId, window.limit],
    id: 'w.id',
    differs: 'w.d',
  });
}

/** The open ones among these tickets (the tickets a pass's new message rows belong to). */
export async function readOpenStatesOf(db: Reader, ids: number[], uf: UfColumns): Promise<OpenState[]> {
  if (ids.length === 0) return [];
  const query = db('bl_support_ticket as m')
    .where('m.is_open', 1)
    .whereRaw(`m.id IN (${idList(ids)})`)
    .orderBy('m.id');
  return split(await select(db, query, uf), uf);
}

type Row = NativeTicketState & { mirror_id: number; native_state: string | null; uf_state: string | null };

function select(db: Reader, query: Knex.QueryBuilder, uf: UfColumns): Promise<Row[]> {
  query.select('m.id as mirror_id', 'm.native_state', 'm.uf_state');
  return joinTicketStates(db, query, 'm.id', uf) as unknown as Promise<Row[]>;
}

function split(rows: Row[], uf: UfColumns): OpenState[] {
  withComputed(rows, uf);
  return rows.map((row) => {
    const { mirror_id, native_state, uf_state, ...native } = row;
    return {
      id: Number(mirror_id),
      nativeState: native_state,
      ufState: uf_state,
      native: native.ID === null ? null : native,
    };
  });
}
