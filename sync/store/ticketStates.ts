import { Knex } from 'knex';

/**
 * The mirror's side of change detection: the state signatures last mirrored, for the open set (the
 * cheap check of every poll) and for primary-key ranges (the slow reconciliation).
 */
type Reader = Knex | Knex.Transaction;

/** The next chunk of the known-open set, by the (is_open, id) index. */
export async function readOpenChunk(
  db: Reader,
  afterId: number,
  upToId: number,
  limit: number,
): Promise<MirrorState[]> {
  const rows = await db('bl_support_ticket')
    .where('is_open', 1)
    .andWhere('id', '>', afterId)
    .andWhere('id', '<=', upToId)
    .orderBy('id')
    .limit(limit)
    .select<Array<{ id: number; native_state: string | null; uf_state: string | null }>>(
      'id',
      'native_state',
      'uf_state',
    );
  return rows.map((r) => ({ id: Number(r.id), nativeState: r.native_state, ufState: r.uf_state }));
}

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

export async function readStateRange(
  db: Reader,
  fromId: number,
  toId: number,
): Promise<Array<MirrorState & { deleted: boolean }>> {
  const rows = await db('bl_support_ticket')
    .whereBetween('id', [fromId, toId])
    .select<
      Array<{ id: number; native_state: string | null; uf_state: string | null; deleted_at: string | null }>
    >('id', 'native_state', 'uf_state', 'deleted_at');
  return rows.map((r) => ({
    id: Number(r.id),
    nativeState: r.native_state,
    ufState: r.uf_state,
    deleted: r.deleted_at !== null,
  }));
}
