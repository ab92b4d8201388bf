import { NativeMessage } from '../../bridge/nativeMessages';
import { MAIN_ADMIN_USER_ID } from '../../bridge/staff';
import { NativeTimeReader, wallClockMs } from '../nativeTime';
import { someId } from './ticketRow';

/**
 * One non-log b_ticket_message row → the bl_support_message columns decided here. The body is not one
 * of them: it is copied by the server (store/messages.ts), never read into Node.
 */
export interface MirrorMessage {
  id: number;
  ticketId: number;
  authorId: number | null;
  isInternal: boolean;
  isStaff: boolean;
  /** MESSAGE_BY_SUPPORT_TEAM says 'Y': the database can tell this message is staff's by itself. */
  staffRecorded: boolean;
  createdAt: Date;
  /** createdAt came from DATE_CREATE (else from TIMESTAMP_X or "now": a zero or missing date). */
  fromDateCreate: boolean;
  /** DATE_CREATE's wall-clock time minus createdAt, in seconds: the site zone's offset then. */
  offsetSeconds: number | null;
}

export function isLogLine(row: NativeMessage): boolean {
  return row.IS_LOG === 'Y';
}

/** Not shown to the client: an internal note. */
export function isHidden(row: NativeMessage): boolean {
  return row.IS_HIDDEN === 'Y';
}

/**
 * The side the module recorded at write time wins; only when it recorded none (NULL) is the author's
 * current module right asked (`staffNow`: authors with support right T/W/V; user 1 always).
 */
export function isStaffMessage(row: NativeMessage, staffNow: Set<number>): boolean {
  if (row.MESSAGE_BY_SUPPORT_TEAM === 'Y') return true;
  if (row.MESSAGE_BY_SUPPORT_TEAM === 'N') return false;
  const author = someId(row.OWNER_USER_ID);
  return author !== null && (author === MAIN_ADMIN_USER_ID || staffNow.has(author));
}

/** Authors whose side must be looked up (MESSAGE_BY_SUPPORT_TEAM is NULL). */
export function authorsToClassify(rows: NativeMessage[]): number[] {
  const ids = rows
    .filter((r) => r.MESSAGE_BY_SUPPORT_TEAM !== 'Y' && r.MESSAGE_BY_SUPPORT_TEAM !== 'N')
    .map((r) => someId(r.OWNER_USER_ID))
    .filter((id): id is number => id !== null);
  return [...new Set(ids)];
}

export function mapMessage(
  row: NativeMessage,
  isStaff: boolean,
  toInstant: NativeTimeReader,
  now: Date,
): MirrorMessage {
  const created = toInstant(row.DATE_CREATE);
  const wall = created ? wallClockMs(row.DATE_CREATE!) : NaN;
  return {
    id: Number(row.ID),
    ticketId: Number(row.TICKET_ID),
    authorId: someId(row.OWNER_USER_ID),
    isInternal: isHidden(row),
    isStaff,
    staffRecorded: row.MESSAGE_BY_SUPPORT_TEAM === 'Y',
    createdAt: created ?? toInstant(row.TIMESTAMP_X) ?? now,
    fromDateCreate: created !== null && !Number.isNaN(wall),
    offsetSeconds: created && !Number.isNaN(wall) ? (wall - created.getTime()) / 1000 : null,
  };
}
