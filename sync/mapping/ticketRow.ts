import { NativeTicket, nativeState } from '../../bridge/nativeTickets';
import { localDayKey } from '../../core/time';
import { NativeTimeReader } from '../nativeTime';
import { Priority, PriorityResolver, TicketStatus } from '../../core/ticketVocabulary';
import { computeSlaDeadlines } from '../slaDeadlines';
import { CategoryResolver } from './category';
import { resolveStatus, StatusResolver } from './status';

/**
 * One b_ticket row → the bl_support_ticket columns the ticket itself decides (not the number, the order
 * link or the first-reply fields, which have their own writers). Pure: everything it needs is passed in.
 */
export interface MirrorTicket {
  id: number;
  siteId: string;
  userId: number | null;
  guestEmail: string | null;
  subject: string;
  category: string | null;
  priority: Priority;
  status: TicketStatus;
  assignedTo: number | null;
  groupId: number | null;
  firstReplyDeadline: Date;
  slaDeadline: Date;
  resolvedAt: Date | null;
  reopenCount: number;
  isOpen: boolean;
  nativeTimestampX: string | null;
  nativeState: string;
  createdAt: Date;
  updatedAt: Date;
  /** The site-local creation day, YYYYMMDD: the day part of the ticket number. */
  day: string;
}

export interface TicketMappers {
  zone: string;
  toInstant: NativeTimeReader;
  priorityOf: PriorityResolver;
  statusOf: StatusResolver;
  categoryOf: CategoryResolver;
  /** Responsible user → their support group. */
  groupOf: Map<number, number>;
}

/** What the mirror held before, when the ticket is already mirrored. */
export interface PreviousTicket {
  reopenCount: number;
  isOpen: boolean;
  deleted: boolean;
}

/**
 * Whether a DATE_CLOSE value means closed. Bitrix tests it with `is not null` (and strlen() > 0), so
 * a zero date ('0000-00-00 00:00:00', old rows under an empty sql_mode) is closed too.
 */
export function isClosedValue(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && value !== '';
}

/** 0 and NULL both mean "none" in Bitrix ID columns. */
export function someId(value: number | null | undefined): number | null {
  return value ? Number(value) : null;
}

function cut(text: string | null, max: number): string | null {
  // UTF-16 length ≥ code points: a text this short fits without counting.
  if (text === null || text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join('') : text;
}

export function mapTicket(
  row: NativeTicket,
  mappers: TicketMappers,
  previous: PreviousTicket | null,
  now: Date,
): MirrorTicket {
  const { toInstant } = mappers;
  // A zero or missing DATE_CREATE (old rows): the ticket began with its first message.
  const createdText = toInstant(row.DATE_CREATE) ? row.DATE_CREATE : (row.FIRST_MESSAGE_DATE ?? null);
  const created = toInstant(createdText);
  const createdAt = created ?? toInstant(row.TIMESTAMP_X) ?? now;
  const updatedAt = toInstant(row.TIMESTAMP_X) ?? createdAt;
  // Closed as Bitrix sees it (a zero DATE_CLOSE is closed), at its time or, for a zero date, the last change.
  const closed = isClosedValue(row.DATE_CLOSE);
  const closedAt = closed ? (toInstant(row.DATE_CLOSE) ?? updatedAt) : null;
  const userId = someId(row.OWNER_USER_ID);
  const assignedTo = someId(row.RESPONSIBLE_USER_ID);
  const priority = mappers.priorityOf(someId(row.CRITICALITY_ID), row.SITE_ID);
  const category = mappers.categoryOf(someId(row.CATEGORY_ID));
  const status = resolveStatus({
    mapped: mappers.statusOf(someId(row.STATUS_ID)),
    closed,
    staffSpokeLast: row.LAST_MESSAGE_BY_SUPPORT_TEAM === 'Y',
  });
  const deadlines = computeSlaDeadlines({ createdAt, priority, category });
  // Reopens we saw happen, and at least one when Bitrix flags the ticket as reopened (REOPEN='Y'):
  // a close and reopen between two polls, or before the install, still counts.
  const reopenedNow = previous !== null && !previous.isOpen && !previous.deleted && !closed;
  const seen = (previous?.reopenCount ?? 0) + (reopenedNow ? 1 : 0);
  return {
    id: Number(row.ID),
    siteId: row.SITE_ID,
    userId,
    guestEmail: userId === null ? cut(row.OWNER_SID?.trim() || null, 255) : null,
    subject: cut(row.TITLE ?? '', 500) ?? '',
    category,
    priority,
    status,
    assignedTo,
    groupId: assignedTo === null ? null : (mappers.groupOf.get(assignedTo) ?? null),
    firstReplyDeadline: deadlines.firstReplyDeadline,
    slaDeadline: deadlines.resolutionDeadline,
    resolvedAt: closedAt,
    reopenCount: Math.max(seen, row.REOPEN === 'Y' ? 1 : 0),
    isOpen: !closed,
    nativeTimestampX: row.TIMESTAMP_X,
    nativeState: nativeState(row),
    createdAt,
    updatedAt,
    // DATE_CREATE is already site-local: its date is the day (luxon only for a fallback instant).
    day: created ? createdText!.slice(0, 10).replace(/-/g, '') : localDayKey(createdAt, mappers.zone),
  };
}
