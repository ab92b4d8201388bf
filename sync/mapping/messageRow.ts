import { NativeMessage } from '../../bridge/nativeMessages';
import { MAIN_ADMIN_USER_ID } from '../../bridge/staff';
import { NativeTimeReader } from '../nativeTime';
import { someId } from './ticketRow';

/** One non-log b_ticket_message row → bl_support_message. Pure. */
export interface MirrorMessage {
  id: number;
  ticketId: number;
  authorId: number | null;
  body: string;
  isInternal: boolean;
  isStaff: boolean;
  createdAt: Date;
}

/** MEDIUMTEXT holds 16 MiB; Bitrix's LONGTEXT could hold more. A longer body is cut, not refused. */
const MAX_BODY_BYTES = 16 * 1024 * 1024 - 1;

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

function capBytes(text: string): string {
  if (text.length * 3 <= MAX_BODY_BYTES) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_BODY_BYTES) return text;
  // Cut on a character boundary: drop the partial sequence the byte cut may leave at the end.
  return bytes
    .subarray(0, MAX_BODY_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

export function mapMessage(
  row: NativeMessage,
  isStaff: boolean,
  toInstant: NativeTimeReader,
  now: Date,
): MirrorMessage {
  return {
    id: Number(row.ID),
    ticketId: Number(row.TICKET_ID),
    authorId: someId(row.OWNER_USER_ID),
    body: capBytes(row.MESSAGE ?? ''),
    isInternal: isHidden(row),
    isStaff,
    createdAt: toInstant(row.DATE_CREATE) ?? toInstant(row.TIMESTAMP_X) ?? now,
  };
}
