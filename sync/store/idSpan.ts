import { idList } from '../../core/sqlIdList';

/**
 * The rows of a batch read after a cursor, under its lock: IDs in (after, upTo]. When the table written
 * held none of them before the batch, the span names exactly the rows the batch wrote, and a statement
 * can select them by range instead of by an ID list: MariaDB turns an IN list of 1,000 values or more
 * into a temporary table first (in_predicate_conversion_threshold), ~8 ms for a sync batch.
 */
export interface IdSpan {
  after: number;
  upTo: number;
}

/** `column` within the span, or among the IDs. */
export function idsSql(column: string, rows: readonly number[] | IdSpan): string {
  if (Array.isArray(rows)) return `${column} IN (${idList(rows)})`;
  const { after, upTo } = rows as IdSpan;
  return `${column} > ${idList([after])} AND ${column} <= ${idList([upTo])}`;
}
