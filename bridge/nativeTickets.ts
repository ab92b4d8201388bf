import { Knex } from 'knex';
import { idList } from '../core/sqlIdList';

/**
 * Reads of b_ticket for the sync, always by primary key (a range after a cursor, or an ID list): the
 * table has no index on TIMESTAMP_X, so "what changed since" is never asked of it directly.
 * DATETIMEs stay the zone-less strings Bitrix wrote; the caller converts them with the site zone.
 */
type Reader = Knex | Knex.Transaction;

/** The columns change detection compares (see nativeState). */
export interface NativeTicketState {
  ID: number;
  TIMESTAMP_X: string | null;
  DATE_CLOSE: string | null;
  STATUS_ID: number | null;
  CRITICALITY_ID: number | null;
  CATEGORY_ID: number | null;
  RESPONSIBLE_USER_ID: number | null;
  OWNER_USER_ID: number | null;
  LAST_MESSAGE_BY_SUPPORT_TEAM: string | null;
  REOPEN: string | null;
  /**
   * b_uts_support.UF_ORDER_ID as stored: a number for the integer field, text for a string field made
   * before bxsup; null when the table, the column or the row is missing.
   */
  UF_ORDER_ID: number | string | null;
  /** The computed fields asked for (UfColumns.computed), as b_uts_support holds them. */
  computed?: Record<string, string | null>;
}

export interface NativeTicket extends NativeTicketState {
  SITE_ID: string;
  DATE_CREATE: string | null;
  /** Only for a zero or missing DATE_CREATE (withFirstMessageDates): the first message's DATE_CREATE. */
  FIRST_MESSAGE_DATE?: string | null;
  AUTO_CLOSED: string | null;
  TITLE: string;
  OWNER_SID: string | null;
  MODIFIED_MODULE_NAME: string | null;
}

const STATE_COLUMNS = [
  't.ID',
  't.TIMESTAMP_X',
  't.DATE_CLOSE',
  't.STATUS_ID',
  't.CRITICALITY_ID',
  't.CATEGORY_ID',
  't.RESPONSIBLE_USER_ID',
  't.OWNER_USER_ID',
  't.LAST_MESSAGE_BY_SUPPORT_TEAM',
  't.REOPEN',
];
const FULL_COLUMNS = [
  ...STATE_COLUMNS,
  't.SITE_ID',
  't.DATE_CREATE',
  't.AUTO_CLOSED',
  't.TITLE',
  't.OWNER_SID',
  't.MODIFIED_MODULE_NAME',
];

/** The b_ticket columns the sync reads: install and status check that they are there. */
export const TICKET_COLUMNS_READ: readonly string[] = FULL_COLUMNS.map((c) => c.replace(/^t\./, ''));

/** Which b_uts_support columns to read with the tickets (see NativeCapabilities). */
export interface UfColumns {
  orderId: boolean;
  /** Computed fields' columns, e.g. UF_SLA_DEADLINE: read so a form's overwrite is seen and undone. */
  computed: readonly string[];
}

function select(db: Reader, columns: string[], uf: UfColumns): Knex.QueryBuilder {
  const query = db('b_ticket as t');
  if (!uf.orderId && uf.computed.length === 0)
    return query.select([...columns, db.raw('NULL AS UF_ORDER_ID')]);
  // eq_ref on b_uts_support's primary key: one extra lookup per ticket, no extra round trip.
  return query
    .leftJoin('b_uts_support as u', 'u.VALUE_ID', 't.ID')
    .select([
      ...columns,
      uf.orderId ? 'u.UF_ORDER_ID' : db.raw('NULL AS UF_ORDER_ID'),
      ...uf.computed.map((c) => `u.${c}`),
    ]);
}

/**
 * Adds b_ticket's state columns (and b_uts_support's, by `uf`) to a query over another table, joined by
 * primary key on `idColumn`: the change phase reads the mirror's open set and b_ticket's rows in one
 * statement. A ticket gone from b_ticket comes back with a null ID. Rows go through withComputed.
 */
export function joinTicketStates(
  db: Reader,
  query: Knex.QueryBuilder,
  idColumn: string,
  uf: UfColumns,
): Knex.QueryBuilder {
  query.leftJoin('b_ticket as t', 't.ID', idColumn).select(STATE_COLUMNS);
  if (!uf.orderId && uf.computed.length === 0) return query.select(db.raw('NULL AS UF_ORDER_ID'));
  return query
    .leftJoin('b_uts_support as u', 'u.VALUE_ID', 't.ID')
    .select([
      uf.orderId ? 'u.UF_ORDER_ID' : db.raw('NULL AS UF_ORDER_ID'),
      ...uf.computed.map((c) => `u.${c}`),
    ]);
}

/** Moves the computed fields' columns of rows read with `uf` into `computed`. */
export function withComputed<T extends NativeTicketState>(rows: T[], uf: UfColumns): T[] {
  if (uf.computed.length === 0) return rows;
  for (const row of rows) {
    const raw = row as unknown as Record<string, string | null>;
    row.computed = Object.fromEntries(uf.computed.map((c) => [c, raw[c] ?? null]));
    for (const c of uf.computed) delete raw[c];
  }
  return rows;
}

export async function readTicketsAfter(
  db: Reader,
  afterId: number,
  limit: number,
  uf: UfColumns,
): Promise<NativeTicket[]> {
  return withFirstMessageDates(
    db,
    withComputed(
      await select(db, FULL_COLUMNS, uf).where('t.ID', '>', afterId).orderBy('t.ID').limit(limit),
      uf,
    ),
  );
}

export async function readTicketsByIds(db: Reader, ids: number[], uf: UfColumns): Promise<NativeTicket[]> {
  if (ids.length === 0) return [];
  return withFirstMessageDates(
    db,
    withComputed(
      await select(db, FULL_COLUMNS, uf)
        .whereRaw(`t.ID IN (${idList(ids)})`)
        .orderBy('t.ID'),
      uf,
    ),
  );
}

/**
 * MariaDB turns an IN list of in_predicate_conversion_threshold (1,000) values or more into a
 * materialised subquery (and an ORDER BY then into a filesort): lists of IDs the sync reads stay below it.
 */
export const IN_LIST_MAX = 999;

export async function readTicketStates(
  db: Reader,
  ids: number[],
  uf: UfColumns,
): Promise<NativeTicketState[]> {
  if (ids.length === 0) return [];
  return withComputed(
    await select(db, STATE_COLUMNS, uf)
      .whereRaw(`t.ID IN (${idList(ids)})`)
      .orderBy('t.ID'),
    uf,
  );
}

/** A slice of the table by primary key, for the slow reconciliation. */
export async function readTicketStateRange(
  db: Reader,
  afterId: number,
  limit: number,
  uf: UfColumns,
): Promise<NativeTicketState[]> {
  return withComputed(
    await select(db, STATE_COLUMNS, uf).where('t.ID', '>', afterId).orderBy('t.ID').limit(limit),
    uf,
  );
}

/** What the backfill's server-side copy needs of a ticket in Node (see readTicketHeads). */
export interface NativeTicketHead {
  ID: number;
  TITLE: string;
  OWNER_USER_ID: number | null;
  UF_ORDER_ID: number | string | null;
  /** DATE_CREATE's day, YYYYMMDD. */
  day: string | null;
  /** 1 when `accepted` held for the row. */
  ok: number;
}

/**
 * The next tickets after a cursor, only what order linking and numbering need, and whether each passes
 * `accepted` (SQL over `t`). A locking read: the rows it saw cannot change before the batch's
 * INSERT … SELECT (a locking read too) copies them, so both see the same values.
 */
export async function readTicketHeads(
  db: Reader,
  afterId: number,
  limit: number,
  uf: UfColumns,
  accepted: string,
): Promise<NativeTicketHead[]> {
  const [rows] = (await db.raw(
    `SELECT t.ID, t.TITLE, t.OWNER_USER_ID, ${uf.orderId ? 'u.UF_ORDER_ID' : 'NULL AS UF_ORDER_ID'},
            DATE_FORMAT(t.DATE_CREATE, '%Y%m%d') AS day, COALESCE(${accepted}, 0) AS ok
       FROM b_ticket t ${uf.orderId ? 'LEFT JOIN b_uts_support u ON u.VALUE_ID = t.ID' : ''}
      WHERE t.ID > ? ORDER BY t.ID LIMIT ? LOCK IN SHARE MODE`,
    [afterId, limit],
  )) as [NativeTicketHead[]];
  return rows;
}

/** A real DATE_CREATE, not NULL nor the zero date old rows hold under an empty sql_mode. */
function hasDate(value: string | null): boolean {
  return value !== null && value !== '' && !value.startsWith('0000-00-00');
}

/**
 * Tickets without a usable DATE_CREATE get the DATE_CREATE of their first message (FIRST_MESSAGE_DATE):
 * when the ticket began, for its number and its SLA. Rare, so one query only when there are any.
 */
export async function withFirstMessageDates<T extends NativeTicket>(db: Reader, rows: T[]): Promise<T[]> {
  const undated = rows.filter((r) => !hasDate(r.DATE_CREATE)).map((r) => Number(r.ID));
  if (undated.length === 0) return rows;
  const firsts = (await db('b_ticket_message')
    .whereRaw(`TICKET_ID IN (${idList(undated)})`)
    .andWhere('DATE_CREATE', '>', '1000-01-01 00:00:00')
    .groupBy('TICKET_ID')
    .select('TICKET_ID', db.raw('MIN(DATE_CREATE) AS first'))) as Array<{ TICKET_ID: number; first: string }>;
  const byTicket = new Map(firsts.map((f) => [Number(f.TICKET_ID), f.first]));
  for (const row of rows)
    if (!hasDate(row.DATE_CREATE)) row.FIRST_MESSAGE_DATE = byTicket.get(Number(row.ID)) ?? null;
  return rows;
}

/** Optimised away by the server (read from the end of the primary key): the idle poll's probe. */
export async function maxTicketId(db: Reader): Promise<number> {
  const rows = await db('b_ticket').max<{ m: number | null }[]>({ m: 'ID' });
  return Number(rows[0].m ?? 0);
}

export async function existingTicketIds(db: Reader, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db('b_ticket')
    .whereRaw(`ID IN (${idList(ids)})`)
    .select<{ ID: number }[]>('ID');
  return new Set(rows.map((r) => Number(r.ID)));
}

/**
 * The signature change detection compares with what was last mirrored. Every column the mirror derives
 * a value from, apart from text that only changes together with TIMESTAMP_X (title, guest address).
 * IDs of 0 and NULL both mean "none" in Bitrix, so they sign alike.
 */
export function nativeState(row: NativeTicketState): string {
  // Plain concatenation: this runs for every open ticket on every poll.
  return (
    sign(row.TIMESTAMP_X) +
    '|' +
    sign(row.DATE_CLOSE) +
    '|' +
    sign(row.STATUS_ID) +
    '|' +
    sign(row.CRITICALITY_ID) +
    '|' +
    sign(row.CATEGORY_ID) +
    '|' +
    sign(row.RESPONSIBLE_USER_ID) +
    '|' +
    sign(row.OWNER_USER_ID) +
    '|' +
    sign(row.LAST_MESSAGE_BY_SUPPORT_TEAM) +
    '|' +
    sign(row.REOPEN) +
    '|' +
    sign(row.UF_ORDER_ID)
  );
}

/**
 * nativeState as SQL over b_ticket `t` and b_uts_support `u` (as utf8mb4 text): the reconciliation
 * compares it with the mirror's signature inside the server. Kept in step with nativeState; a value it
 * renders otherwise only makes a ticket a candidate that Node then compares with nativeState itself.
 * `ufOrderId`: the column's kind (NativeCapabilities.ufOrderId), null when it is not read.
 */
export function nativeStateSql(ufOrderId: 'int' | 'text' | null): string {
  const text = (c: string) => `COALESCE(CAST(${c} AS CHAR), '')`;
  const id = (c: string) => `IF(COALESCE(${c}, 0) = 0, '', CAST(${c} AS CHAR))`;
  const uf = ufOrderId === 'int' ? id('u.UF_ORDER_ID') : ufOrderId === 'text' ? text('u.UF_ORDER_ID') : "''";
  const fields = [
    text('t.TIMESTAMP_X'),
    text('t.DATE_CLOSE'),
    id('t.STATUS_ID'),
    id('t.CRITICALITY_ID'),
    id('t.CATEGORY_ID'),
    id('t.RESPONSIBLE_USER_ID'),
    id('t.OWNER_USER_ID'),
    text('t.LAST_MESSAGE_BY_SUPPORT_TEAM'),
    text('t.REOPEN'),
    uf,
  ];
  return `CONVERT(CONCAT_WS('|', ${fields.join(', ')}) USING utf8mb4)`;
}

/** One field of nativeState's signature (0 and NULL sign alike: "none"). */
export function sign(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === 0 ? '' : String(value);
}

/**
 * A signature as it reads once we have written `orderId` into an empty UF_ORDER_ID (the last field),
 * so our own write-back is not taken for an operator's change on the next poll.
 */
export function stateWithUfOrder(state: string | null, orderId: number): string | null {
  if (state === null) return null;
  const fields = state.split('|');
  if (fields[fields.length - 1] !== '') return state;
  fields[fields.length - 1] = String(orderId);
  return fields.join('|');
}
