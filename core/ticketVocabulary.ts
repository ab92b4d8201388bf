/**
 * The words a ticket is described by, defined once: our priorities and statuses, as the sync maps them
 * from the site's dictionaries (sync/mapping/priority.ts, status.ts), the config file names them
 * (`sla.byPriority.high`, `sla.pauseStatuses`), the queue filters and shows them and the report labels
 * them.
 */

/** 1 low, 2 normal, 3 high, 4 critical (mapped from the site's b_ticket_dictionary criticalities). */
export type Priority = 1 | 2 | 3 | 4;
export const PRIORITIES: readonly Priority[] = [1, 2, 3, 4];

/** A priority's name, as the config file, `--priority` and the queue write it. */
export const PRIORITY_NAMES = ['low', 'normal', 'high', 'critical'] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];

export function priorityName(priority: Priority): PriorityName {
  return PRIORITY_NAMES[priority - 1];
}

/** The priority a name stands for (any case); null for a word that is no priority's name. */
export function priorityNamed(name: string): Priority | null {
  const index = (PRIORITY_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return index < 0 ? null : ((index + 1) as Priority);
}

/** Our ticket statuses (bl_support_ticket.status). Bitrix has no "closed" status: DATE_CLOSE set is. */
export const TICKET_STATUSES = ['open', 'in_progress', 'awaiting_reply', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
