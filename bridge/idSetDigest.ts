/**
 * A digest of a set of row IDs, computed by the server in one aggregate: how many, their sum, and the XOR
 * of their CRC32s. The reconciliation compares the digest of a range on the native side with the same
 * range on the mirror's side and reads the IDs themselves only where the two differ. Two different sets
 * of unique IDs agree on all three only by accident (the count and the sum would have to match, and 32
 * bits of XOR besides); a range that slips through is read again next cycle, since nothing is marked.
 *
 * `examined` is every row the aggregate went through, members or not (log lines, rows past a cursor):
 * what the server read for it, which the sweep charges to its row budget.
 */
export interface IdSetDigest {
  count: number;
  /** Decimal text: a sum of IDs can pass 2^53 on a big range. */
  idSum: string;
  idHash: string;
  examined: number;
}

/**
 * The select list of the digest of the rows for which `member` (an SQL condition) holds. A NULL
 * condition counts as false, as in the WHERE clause the detail read uses.
 */
export function idSetDigestColumns(idColumn: string, member: string): string {
  return [
    `COUNT(*) AS examined`,
    `COALESCE(SUM(IF(${member}, 1, 0)), 0) AS n`,
    `CAST(COALESCE(SUM(IF(${member}, ${idColumn}, 0)), 0) AS CHAR) AS id_sum`,
    `CAST(BIT_XOR(IF(${member}, CRC32(${idColumn}), 0)) AS CHAR) AS id_hash`,
  ].join(', ');
}

export function digestFromRow(row: {
  examined: number | string;
  n: number | string;
  id_sum: number | string;
  id_hash: number | string;
}): IdSetDigest {
  return {
    count: Number(row.n),
    idSum: String(row.id_sum),
    idHash: String(row.id_hash),
    examined: Number(row.examined),
  };
}

export function sameIdSet(a: IdSetDigest, b: IdSetDigest): boolean {
  return a.count === b.count && a.idSum === b.idSum && a.idHash === b.idHash;
}
