/**
 * An ID list written into SQL (IN (…)) rather than bound: sync batches carry thousands of IDs, and the
 * placeholder handling of knex and the driver costs more than the query. Only safe integers get through.
 */
export function idList(ids: Iterable<number>): string {
  const list: string[] = [];
  for (const id of ids) {
    if (!Number.isSafeInteger(id)) throw new Error(`not an ID: ${String(id)}`);
    list.push(String(id));
  }
  return list.length ? list.join(', ') : 'NULL';
}
