import { escape } from 'mysql2';
import { DictionaryEntry } from '../../bridge/dictionaries';
import { PRIORITIES } from '../../core/ticketVocabulary';
import { inWindowSql, utcSql, WallOffsets } from '../nativeTimeSql';
import { spanOf } from '../slaDeadlines';
import { instantToUtc } from '../../core/time';
import { PriorityResolver } from '../../core/ticketVocabulary';
import { CategoryResolver } from './category';
import { resolveStatus, StatusResolver } from './status';

/**
 * mapTicket (ticketRow.ts) as SQL over b_ticket `t`, for the backfill's INSERT … SELECT: the server
 * computes the mirror row instead of Node reading the ticket and sending it back as literals. It gives
 * the very values mapTicket gives for an "ordinary" row (the `ordinary` predicate): dates within the
 * zone table's window, a guest address with nothing to trim, a history ticket that queues no event.
 * The dictionary lookups are not re-implemented: the resolvers Node uses are asked for every ID they
 * know (dictionary entries, configured IDs) and their answers written as CASEs, so a rule changed in
 * Node changes the SQL with it. Rows that are not ordinary are mapped in Node (the caller's choice).
 */
export interface TicketSqlInput {
  mappers: { priorityOf: PriorityResolver; statusOf: StatusResolver; categoryOf: CategoryResolver };
  entries: readonly DictionaryEntry[];
  /** The configured IDs (config mapping.criticality / mapping.status keys). */
  configured: { criticality: readonly string[]; status: readonly string[] };
  offsets: WallOffsets;
  supportGroups: boolean;
  /** Only tickets up to the history baseline, closed (if at all) before the install's second. */
  baselineTicketId: number;
  installSecond: Date;
}

/** SQL per mirror field over the derived table `x` (see fromSql), and the predicate over `t`. */
export interface TicketSql {
  ordinary: string;
  /** The derived table's select list over `t` (and `ug`): base columns and computed ones. */
  inner: string;
  /** The LEFT JOIN of the responsibles' support groups, or ''. */
  joins: string;
  day: string;
  priority: string;
  category: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string;
  firstReplyDeadline: string;
  slaDeadline: string;
  userId: string;
  guestEmail: string;
  subject: string;
  assignedTo: string;
  groupId: string;
  reopenCount: string;
  isOpen: string;
  nativeTimestampX: string;
  /** native_state (nativeState in bridge/nativeTickets.ts) given the SQL of its last field, UF_ORDER_ID. */
  nativeState(ufField: string): string;
}

/** The characters String.prototype.trim() removes, as UTF-8 hex. */
const TRIMMED = [
  '09',
  '0A',
  '0B',
  '0C',
  '0D',
  '20',
  'C2A0',
  'E19A80',
  'E28080',
  'E28081',
  'E28082',
  'E28083',
  'E28084',
  'E28085',
  'E28086',
  'E28087',
  'E28088',
  'E28089',
  'E2808A',
  'E280A8',
  'E280A9',
  'E280AF',
  'E2819F',
  'E38080',
  'EFBBBF',
]
  .map((h) => `'${h}'`)
  .join(', ');

/** Integer IDs a configuration names as String(id) does (other keys never match a ticket's ID). */
function configuredIds(keys: readonly string[]): number[] {
  return keys.map(Number).filter((n, i) => Number.isSafeInteger(n) && n !== 0 && String(n) === keys[i]);
}

function caseOf(column: string, branches: Array<[number, string]>, otherwise: string): string {
  if (branches.length === 0) return otherwise;
  return `CASE ${column} ${branches.map(([id, v]) => `WHEN ${id} THEN ${v}`).join(' ')} ELSE ${otherwise} END`;
}

const text = (value: string | null) => (value === null ? 'NULL' : escape(value));

export function buildTicketSql(input: TicketSqlInput): TicketSql | null {
  const { mappers, entries, offsets } = input;
  const idsOf = (type: string, configured: readonly string[] = []) => [
    ...new Set([...entries.filter((e) => e.type === type).map((e) => e.id), ...configuredIds(configured)]),
  ];
  const criticalities = idsOf('K', input.configured.criticality);
  const statuses = idsOf('S', input.configured.status);
  const categories = idsOf('C');
  // Sites a criticality's place is counted in; any other site reads as the sentinel does.
  const sites = [...new Set(entries.flatMap((e) => e.siteIds))];
  const otherSite = '\u0000';

  // The site is compared as Node compares it: exact, case and all.
  const site = `CONVERT(t.SITE_ID USING utf8mb4) COLLATE utf8mb4_bin`;
  const priorityBranches: Array<[number, string]> = criticalities.map((id) => {
    const other = mappers.priorityOf(id, otherSite);
    const bySite = sites.filter((s) => mappers.priorityOf(id, s) !== other);
    const value = bySite.length
      ? `CASE ${bySite.map((s) => `WHEN ${site} = ${text(s)} THEN ${mappers.priorityOf(id, s)}`).join(' ')} ELSE ${other} END`
      : String(other);
    return [id, value];
  });
  const priorityNone = mappers.priorityOf(null, otherSite);
  const priorityInner = caseOf('t.CRITICALITY_ID', priorityBranches, String(priorityNone));

  const label = (id: number | null) => mappers.categoryOf(id);
  const category = caseOf(
    'x.CATEGORY_ID',
    categories.map((id) => [id, text(label(id))]),
    text(label(null)),
  );

  // The deadlines: a fixed span per priority and category, or no SQL at all.
  const spanSql = (pick: 'firstReply' | 'resolution'): string | null => {
    const byPriority: Array<[number, string]> = [];
    for (const priority of PRIORITIES) {
      const none = spanOf(priority, label(null));
      if (none === null) return null;
      const branches: Array<[number, string]> = [];
      for (const id of categories) {
        const span = spanOf(priority, label(id));
        if (span === null) return null;
        if (span[pick] !== none[pick]) branches.push([id, seconds(span[pick])]);
      }
      byPriority.push([priority, caseOf('x.CATEGORY_ID', branches, seconds(none[pick]))]);
    }
    return caseOf('x.p', byPriority, 'NULL');
  };
  const firstReply = spanSql('firstReply');
  const resolution = spanSql('resolution');
  if (firstReply === null || resolution === null) return null;
  if (firstReply.includes('NaN') || resolution.includes('NaN')) return null;

  const status = (staff: boolean) =>
    caseOf(
      'x.STATUS_ID',
      statuses.map((id) => [
        id,
        text(resolveStatus({ mapped: mappers.statusOf(id), closed: false, staffSpokeLast: staff })),
      ]),
      text(resolveStatus({ mapped: mappers.statusOf(null), closed: false, staffSpokeLast: staff })),
    );
  const closed = text(resolveStatus({ mapped: null, closed: true, staffSpokeLast: false }));

  const created = utcSql('t.DATE_CREATE', offsets);
  const changed = utcSql('t.TIMESTAMP_X', offsets);
  const closedAt = utcSql('t.DATE_CLOSE', offsets);
  const plainEnds = (c: string) =>
    `HEX(CONVERT(LEFT(${c}, 1) USING utf8mb4)) NOT IN (${TRIMMED}) AND HEX(CONVERT(RIGHT(${c}, 1) USING utf8mb4)) NOT IN (${TRIMMED})`;
  const ordinary = [
    `t.ID <= ${Math.trunc(input.baselineTicketId)}`,
    inWindowSql('t.DATE_CREATE', offsets),
    `(t.TIMESTAMP_X IS NULL OR ${inWindowSql('t.TIMESTAMP_X', offsets)})`,
    `(t.DATE_CLOSE IS NULL OR (${inWindowSql('t.DATE_CLOSE', offsets)} AND ${closedAt} < '${instantToUtc(input.installSecond)}'))`,
    `(COALESCE(t.OWNER_USER_ID, 0) <> 0 OR t.OWNER_SID IS NULL OR (CHAR_LENGTH(t.OWNER_SID) <= 255 AND ${plainEnds('t.OWNER_SID')}))`,
    `COALESCE(CHAR_LENGTH(t.TITLE), 0) <= 500`,
  ].join(' AND ');

  const dayOf = `DATE_FORMAT(t.DATE_CREATE, '%Y%m%d')`;
  const inner = [
    't.ID, t.SITE_ID, t.OWNER_SID, t.TITLE, t.CATEGORY_ID, t.STATUS_ID, t.CRITICALITY_ID',
    't.RESPONSIBLE_USER_ID, t.OWNER_USER_ID, t.LAST_MESSAGE_BY_SUPPORT_TEAM, t.REOPEN, t.DATE_CLOSE, t.TIMESTAMP_X',
    `${priorityInner} AS p`,
    `${created} AS ca`,
    `IF(t.TIMESTAMP_X IS NULL, ${created}, ${changed}) AS ua`,
    `IF(t.DATE_CLOSE IS NULL, NULL, ${closedAt}) AS cl`,
    `${input.supportGroups ? 'ug.g' : 'NULL'} AS g`,
    `${dayOf} AS d`,
    // Numbers follow ID order within a day (ticketNumber.ts assignNumbers).
    `ROW_NUMBER() OVER (PARTITION BY ${dayOf} ORDER BY t.ID) AS rn`,
  ].join(', ');
  const joins = input.supportGroups
    ? 'LEFT JOIN (SELECT USER_ID, MIN(GROUP_ID) AS g FROM b_ticket_user_ugroup GROUP BY USER_ID) ug ON ug.USER_ID = t.RESPONSIBLE_USER_ID'
    : '';
  const id = (c: string) => `IF(COALESCE(${c}, 0) = 0, '', CAST(${c} AS CHAR))`;
  const chars = (c: string) => `COALESCE(CAST(${c} AS CHAR), '')`;
  const staff = `CAST(x.LAST_MESSAGE_BY_SUPPORT_TEAM AS BINARY) = 'Y'`;
  return {
    ordinary,
    inner,
    joins,
    day: 'x.d',
    priority: 'x.p',
    category,
    status: `CASE WHEN x.DATE_CLOSE IS NOT NULL THEN ${closed} WHEN ${staff} THEN ${status(true)} ELSE ${status(false)} END`,
    createdAt: 'x.ca',
    updatedAt: 'x.ua',
    resolvedAt: 'x.cl',
    firstReplyDeadline: `DATE_ADD(x.ca, INTERVAL ${firstReply} SECOND)`,
    slaDeadline: `DATE_ADD(x.ca, INTERVAL ${resolution} SECOND)`,
    userId: 'NULLIF(x.OWNER_USER_ID, 0)',
    guestEmail: `IF(COALESCE(x.OWNER_USER_ID, 0) = 0, NULLIF(x.OWNER_SID, ''), NULL)`,
    subject: `COALESCE(x.TITLE, '')`,
    assignedTo: 'NULLIF(x.RESPONSIBLE_USER_ID, 0)',
    groupId: 'IF(COALESCE(x.RESPONSIBLE_USER_ID, 0) = 0, NULL, x.g)',
    reopenCount: `IF(CAST(x.REOPEN AS BINARY) = 'Y', 1, 0)`,
    isOpen: 'x.DATE_CLOSE IS NULL',
    nativeTimestampX: 'CAST(x.TIMESTAMP_X AS CHAR)',
    nativeState: (ufField) =>
      `CONVERT(CONCAT_WS('|', ${[
        chars('x.TIMESTAMP_X'),
        chars('x.DATE_CLOSE'),
        id('x.STATUS_ID'),
        id('x.CRITICALITY_ID'),
        id('x.CATEGORY_ID'),
        id('x.RESPONSIBLE_USER_ID'),
        id('x.OWNER_USER_ID'),
        chars('x.LAST_MESSAGE_BY_SUPPORT_TEAM'),
        chars('x.REOPEN'),
        ufField,
      ].join(', ')}) USING utf8mb4)`,
  };
}

/** A span in ms as whole seconds, or NaN (which makes the caller give up) when it is not whole. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : 'NaN';
}
