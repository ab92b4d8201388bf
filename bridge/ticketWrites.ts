import { Knex } from 'knex';
import { instantToNative } from '../core/time';
import { LogItem, LogLanguage, logLanguage, logText, userText } from './nativeLogText';

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
  at: Date;
  zone: string;
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
  if (change.responsibleUserId && change.responsibleUserId !== Number(ticket.RESPONSIBLE_USER_ID ?? 0)) {
    update.RESPONSIBLE_USER_ID = applied.responsibleUserId = change.responsibleUserId;
    const user = await trx('b_user')
      .where({ ID: change.responsibleUserId })
      .first('ID', 'LOGIN', 'NAME', 'LAST_NAME');
    applied.items.push({
      kind: 'responsible',
      value: user ? userText(user) : `[${change.responsibleUserId}]`,
    });
  }
  if (change.criticality && change.criticality.id !== Number(ticket.CRITICALITY_ID ?? 0)) {
    update.CRITICALITY_ID = applied.criticalityId = change.criticality.id;
    applied.items.push({ kind: 'criticality', value: change.criticality.name });
  }
  if (Object.keys(update).length === 0) return applied;
  const local = instantToNative(change.at, change.zone);
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
  const text = logText(language, [...applied.items, { kind: 'reason', value: change.reason }]);
  const max = (await trx('b_ticket_message')
    .where({ TICKET_ID: ticket.ID })
    .max({ n: 'C_NUMBER' })
    .first()) as { n: number | null } | undefined;
  const [id] = await trx('b_ticket_message').insert({
    TIMESTAMP_X: local,
    DATE_CREATE: local,
    DAY_CREATE: local.slice(0, 10),
    C_NUMBER: Number(max?.n ?? 0) + 1,
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
    OWNER_USER_ID: null,
    OWNER_SID: null,
    SOURCE_ID: ticket.SOURCE_ID ?? 0,
    CREATED_USER_ID: null,
    CREATED_MODULE_NAME: BRIDGE_MODULE_NAME,
    MESSAGE_BY_SUPPORT_TEAM: 'Y',
  });
  applied.logMessageId = Number(id);
  return applied;
}

/** The language log lines and notices of a site are written in (b_lang.LANGUAGE_ID; 'en' unless 'ru'). */
export async function siteLanguage(db: Knex | Knex.Transaction, siteId: string): Promise<LogLanguage> {
  const site = (await db('b_lang').where({ LID: siteId }).first('LANGUAGE_ID')) as
    { LANGUAGE_ID: string } | undefined;
  return logLanguage(site?.LANGUAGE_ID);
}
