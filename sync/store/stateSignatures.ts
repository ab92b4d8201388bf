import { Knex } from 'knex';
import { nativeStateSql, UfColumns } from '../../bridge/nativeTickets';
import { NativeCapabilities } from '../../bridge/nativeCapabilities';
import { computedFieldSignatureSql } from '../../schema/ticketUserFields';
import { rawRows } from '../../core/rawRows';

/**
 * Change detection inside the server: b_ticket's state signature (and the computed fields') rendered
 * in SQL and compared with the mirror's, so only the tickets that differ are sent back. The SQL only
 * picks candidates: Node reads them and compares again with nativeState / computedFieldSignature,
 * so a value the server renders otherwise costs a read, never a wrong remap.
 */
export interface StateSignatures {
  /** nativeStateSql(…) over b_ticket `t` and b_uts_support `u`. */
  nativeState: string;
  /** computedFieldSignatureSql(…), or null when no computed field is read. */
  computedFields: string | null;
  /** Whether `u` is joined (the order field or a computed field is read). */
  joinUf: boolean;
}

type Reader = Knex | Knex.Transaction;

export function stateSignaturesFor(caps: NativeCapabilities, uf: UfColumns): StateSignatures {
  return {
    nativeState: nativeStateSql(caps.ufOrderId),
    computedFields: uf.computed.length ? computedFieldSignatureSql('u', uf.computed) : null,
    joinUf: uf.orderId || uf.computed.length > 0,
  };
}

/**
 * True where the mirror's `m` signatures differ from b_ticket `t`'s (byte for byte): the state, or the
 * computed fields once the daemon has written them (uf_state not null, as fieldsOverwritten decides).
 */
export function stateDiffersSql(sql: StateSignatures): string {
  const binary = (a: string, b: string) => `NOT (CAST(${a} AS BINARY) <=> CAST(${b} AS BINARY))`;
  return [
    binary('m.native_state', sql.nativeState),
    ...(sql.computedFields
      ? [`(m.uf_state IS NOT NULL AND ${binary('m.uf_state', sql.computedFields)})`]
      : []),
  ].join(' OR ');
}

export interface DifferingIds {
  /** Rows the statement went through, and the highest `id` among them (0: none). */
  rows: number;
  lastId: number;
  differing: number[];
  /** Rows for which the query's `counted` condition holds (only when it has one). */
  counted?: number;
}

/**
 * One aggregate row for `FROM <from> WHERE <where>`: how many rows, the last ID, and the IDs of those
 * where `differs` holds, so an idle comparison sends back a handful of bytes, not the rows.
 */
export async function differingIds(
  db: Reader,
  q: {
    from: string;
    where: string;
    binds: readonly number[];
    id: string;
    differs: string;
    counted?: string;
  },
): Promise<DifferingIds> {
  const rows = await rawRows<{
    n: number;
    last: number;
    d: number | string;
    ids: string | null;
    c?: number | string;
  }>(
    db,
    `SELECT COUNT(*) AS n, COALESCE(MAX(${q.id}), 0) AS last, COALESCE(SUM(${q.differs}), 0) AS d,
            GROUP_CONCAT(IF(${q.differs}, ${q.id}, NULL)) AS ids
            ${q.counted ? `, COALESCE(SUM(${q.counted}), 0) AS c` : ''}
       FROM ${q.from} WHERE ${q.where}`,
    [...q.binds],
  );
  let differing = rows[0].ids ? rows[0].ids.split(',').map(Number) : [];
  if (differing.length !== Number(rows[0].d)) {
    // GROUP_CONCAT cut at group_concat_max_len (1,024 bytes by default on MySQL): ask for the rows.
    const all = await rawRows<{ id: number }>(
      db,
      `SELECT ${q.id} AS id FROM ${q.from} WHERE (${q.where}) AND (${q.differs})`,
      [...q.binds],
    );
    differing = all.map((r) => Number(r.id));
  }
  const found = { rows: Number(rows[0].n), lastId: Number(rows[0].last), differing };
  return q.counted ? { ...found, counted: Number(rows[0].c) } : found;
}
