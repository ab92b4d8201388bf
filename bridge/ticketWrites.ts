import { Knex } from 'knex';
import { instantToNative } from '../core/time';
import { LogItem, LogLanguage, logLanguage, logText, NamedUser, responsibleText } from './nativeLogText';
import { staffAmong } from './staff';

/**
 * The bridge's own changes to a ticket, written the way the module's CTicket::Set would, so operators
 * see them in the standard UI: b_ticket's RESPONSIBLE_USER_ID / CRITICALITY_ID, TIMESTAMP_X (site-local)
 * and MODIFIED_MODULE_NAME='bxsup', then a log line (IS_LOG='Y', next C_NUMBER) listing what changed and
 * why. NOT_CHANGE_STATUS='Y' keeps the line out of the module's last-message and SLA bookkeeping, and the
 * sync skips log lines: none of this counts as customer or operator activity.
 * Runs inside the caller's transaction (with the escalation row that claims the action), on a row the
 * caller locked with lockTicket.
 */
export const BRIDGE_MODULE_NAME = 'bxsup';

export interface LockedTicket {
  ID: number;
  SITE_ID: string;
  SOURCE_ID: number | null;
  RESPONSIBLE_USER_ID: number | null;
  CRITICALITY_ID: number | null;
}

/** The row lock also serialises our C_NUMBER = MAX + 1 against another bxsup writer of this ticket. */
export async function lockTicket(trx: Knex.Transaction, ticketId: number): Promise<LockedTicket | null> {
  const row = (await trx('b_ticket')
    .where({ ID: ticketId })
    .forUpdate()
    .first('ID', 'SITE_ID', 'SOURCE_ID', 'RESPONSIBLE_USER_ID', 'CRITICALITY_ID')) as
    LockedTicket | undefined;
  return row ?? null;
}

export interface TicketChange {
  responsibleUserId?: number | null;
  criticality?: { id: number; name: string } | null;
  /** Why, in the site's language. */
  reason: string;
  /** Remarks for the log line (LogItem 'note'): with one, a log line is written even if nothing changes. */
  notes?: string[];
  at: Date;
  zone: string;
  /**
   * A retry of a change recorded before (store/nativeIntents.ts): each value is changed only
   * while the ticket still holds `from`; a ticket already holding the new value counts as changed (a
   * write MyISAM kept from a failed attempt), and its log line is not written twice.
   */
  retryOf?: { responsibleFrom: number | null; criticalityFrom: number | null };
}

export interface AppliedChange {
  /** What really changed (a value equal to the current one is not a change). */
  responsibleUserId?: number;
  criticalityId?: number;
  /** What the log line lists (without the reason), for notices that repeat it. */
  items: LogItem[];
  logMessageId: number | null;
}

/** Changes `ticket` (updating the object too, for a later change in the same transaction). */
export async function applyTicketChange(
  trx: Knex.Transaction,
  ticket: LockedTicket,
  change: TicketChange,
  language: LogLanguage,
): Promise<AppliedChange> {
  const applied: AppliedChange = { items: [], logMessageId: null };
  const update: Record<string, number> = {};
  const retry = change.retryOf;
  /** 'set' to write, 'done' when a failed attempt already wrote it, null to leave the ticket alone. */
  const decide = (
    wanted: number,
    current: number | null,
    from: number | null | undefined,
  ): 'set' | 'done' | null => {
    if (wanted === (current ?? 0)) return retry ? 'done' : null;
    if (retry && (from ?? 0) !== (current ?? 0)) return null; // someone changed it since: theirs wins
    return 'set';
  };
  const responsible = change.responsibleUserId
    ? decide(change.responsibleUserId, Number(ticket.RESPONSIBLE_USER_ID ?? 0), retry?.responsibleFrom)
    : null;
  if (responsible && change.responsibleUserId) {
    applied.responsibleUserId = change.responsibleUserId;
    if (responsible === 'set') update.RESPONSIBLE_USER_ID = change.responsibleUserId;
    applied.items.push({
      kind: 'responsible',
      value: await responsibleItem(trx, ticket.SITE_ID, change.responsibleUserId, language, change),
    });
  }
  const criticality = change.criticality
    ? decide(change.criticality.id, Number(ticket.CRITICALITY_ID ?? 0), retry?.criticalityFrom)
    : null;
  if (criticality && change.criticality) {
    applied.criticalityId = change.criticality.id;
    if (criticality === 'set') update.CRITICALITY_ID = change.criticality.id;
    applied.items.push({ kind: 'criticality', value: change.criticality.name });
  }
  const notes = (change.notes ?? []).map((value): LogItem => ({ kind: 'note', value }));
  if (applied.items.length === 0 && notes.length === 0) return applied;
  const local = instantToNative(change.at, change.zone);
  if (Object.keys(update).length > 0) {
    await trx('b_ticket')
      .where({ ID: ticket.ID })
      .update({
        ...update,
        TIMESTAMP_X: local,
        MODIFIED_USER_ID: null,
        MODIFIED_GUEST_ID: null,
        MODIFIED_MODULE_NAME: BRIDGE_MODULE_NAME,
      });
    Object.assign(ticket, update);
  }
  const text = logText(language, [...applied.items, ...notes, { kind: 'reason', value: change.reason }]);
  if (retry) {
    const written = (await trx('b_ticket_message')
      .where({ TICKET_ID: ticket.ID, IS_LOG: 'Y', CREATED_MODULE_NAME: BRIDGE_MODULE_NAME, MESSAGE: text })
      .first('ID')) as { ID: number } | undefined;
    if (written) {
      applied.logMessageId = Number(written.ID);
      return applied;
    }
  }
  const max = (await trx('b_ticket_message')
    .where({ TICKET_ID: ticket.ID })
    .max({ n: 'C_NUMBER' })
    .first()) as { n: number | null } | undefined;
  const [id] = await trx('b_ticket_message').insert(
    logLineRow({ ticket, text, local, number: Number(max?.n ?? 0) + 1 }),
  );
  applied.logMessageId = Number(id);
  return applied;
}

/** A log line as the module writes one (see applyTicketChange); `local` is the site-local instant. */
export interface LogLine {
  ticket: Pick<LockedTicket, 'ID' | 'SOURCE_ID' | 'RESPONSIBLE_USER_ID'>;
  text: string;
  local: string;
  /** C_NUMBER: the ticket's last one + 1. */
  number: number;
}

export function logLineRow({ ticket, text, local, number }: LogLine): Record<string, string | number | null> {
  return {
    TIMESTAMP_X: local,
    DATE_CREATE: local,
    DAY_CREATE: local.slice(0, 10),
    C_NUMBER: number,
    TICKET_ID: ticket.ID,
    IS_HIDDEN: 'N',
    IS_LOG: 'Y',
    IS_OVERDUE: 'N',
    NOT_CHANGE_STATUS: 'Y',
    CURRENT_RESPONSIBLE_USER_ID: ticket.RESPONSIBLE_USER_ID,
    NOTIFY_AGENT_DONE: 'N',
    EXPIRE_AGENT_DONE: 'N',
    MESSAGE: text,
    MESSAGE_SEARCH: text.toUpperCase(),
    // As the module writes its log lines: no author, an empty SID, no side; the actor would be
    // CREATED_USER_ID, and bxsup is no user (CREATED_MODULE_NAME says who).
    OWNER_USER_ID: null,
    OWNER_SID: '',
    SOURCE_ID: ticket.SOURCE_ID ?? 0,
    CREATED_USER_ID: null,
    CREATED_MODULE_NAME: BRIDGE_MODULE_NAME,
    MESSAGE_BY_SUPPORT_TEAM: null,
  };
}

/** "[4] Ольга Смирнова [техподдержка]": the site's name format, the staff mark when they are staff. */
async function responsibleItem(
  trx: Knex.Transaction,
  siteId: string,
  userId: number,
  language: LogLanguage,
  change: Pick<TicketChange, 'at' | 'zone'>,
): Promise<string> {
  const user = (await trx('b_user')
    .where({ ID: userId })
    .first('ID', 'LOGIN', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'EMAIL')) as NamedUser | undefined;
  if (!user) return `[${userId}]`;
  const site = (await trx('b_lang').where({ LID: siteId }).first('FORMAT_NAME')) as
    { FORMAT_NAME: string | null } | undefined;
  const staff = await staffAmong(trx, [userId], instantToNative(change.at, change.zone));
  return responsibleText(language, user, { format: site?.FORMAT_NAME, staff: staff.has(userId) });
}

/** The language log lines and notices of a site are written in (b_lang.LANGUAGE_ID; 'en' unless 'ru'). */
export async function siteLanguage(db: Knex | Knex.Transaction, siteId: string): Promise<LogLanguage> {
  const site = (await db('b_lang').where({ LID: siteId }).first('LANGUAGE_ID')) as
    { LANGUAGE_ID: string } | undefined;
  return logLanguage(site?.LANGUAGE_ID);
}
