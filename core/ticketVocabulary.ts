/**
 * The words a ticket is described by, defined once: our priorities and statuses, as the sync maps them
 * from the site's dictionaries (priorities below, statuses in sync/mapping/status.ts), the config file
 * names them (`sla.byPriority.high`, `sla.pauseStatuses`), the queue filters and shows them and the
 * report labels them.
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

/**
 * Our priority (1 low … 4 critical) from a ticket's CRITICALITY_ID: the configured mapping first; else
 * the entry's SID or NAME in Russian or English; else its place among its site's criticalities by
 * C_SORT (a site with three unnamed levels gets 1, 2, 3, like the default Low/Middle/High); else 2.
 */
const BY_WORD: Array<[RegExp, Priority]> = [
  [/^(низк|low|minor)/, 1],
  [/^(средн|обычн|middle|medium|normal)/, 2],
  [/^(высок|high|major)/, 3],
  [/^(критич|срочн|critical|urgent|blocker)/, 4],
];

export const DEFAULT_PRIORITY: Priority = 2;

export function priorityFromWord(text: string): Priority | null {
  const word = text.trim().toLowerCase();
  if (!word) return null;
  for (const [pattern, priority] of BY_WORD) if (pattern.test(word)) return priority;
  return null;
}

/** Position p (0-based) of n levels → 1..4: one step per level up to four, spread evenly beyond. */
export function priorityFromPosition(position: number, count: number): Priority {
  const raw = count <= 4 ? position + 1 : 1 + Math.floor((position * 4) / count);
  return Math.min(4, Math.max(1, raw)) as Priority;
}

export type PriorityResolver = (criticalityId: number | null, siteId: string) => Priority;

/**
 * A row of the site's b_ticket_dictionary as bridge/dictionaries.ts reads it (its DictionaryEntry),
 * written here by shape because core/ imports nothing of ours. Criticalities have type 'K'.
 */
export interface DictionaryWord {
  id: number;
  type: string;
  sid: string;
  name: string;
  sort: number;
  siteIds: string[];
}

export function buildPriorityResolver(
  entries: DictionaryWord[],
  configured: Record<string, Priority>,
): PriorityResolver {
  const criticalities = entries.filter((e) => e.type === 'K');
  const byId = new Map(criticalities.map((e) => [e.id, e]));
  const positionCache = new Map<string, Priority>();
  const fromPosition = (entry: DictionaryWord, siteId: string): Priority => {
    const site = entry.siteIds.includes(siteId) ? siteId : (entry.siteIds[0] ?? siteId);
    const key = `${entry.id}:${site}`;
    const cached = positionCache.get(key);
    if (cached) return cached;
    const levels = criticalities
      .filter((e) => e.siteIds.includes(site))
      .sort((a, b) => a.sort - b.sort || a.id - b.id);
    const position = levels.findIndex((e) => e.id === entry.id);
    const priority = position < 0 ? DEFAULT_PRIORITY : priorityFromPosition(position, levels.length);
    positionCache.set(key, priority);
    return priority;
  };
  return (criticalityId, siteId) => {
    if (!criticalityId) return DEFAULT_PRIORITY;
    const fromConfig = configured[String(criticalityId)];
    if (fromConfig) return fromConfig;
    const entry = byId.get(criticalityId);
    if (!entry) return DEFAULT_PRIORITY;
    return priorityFromWord(entry.sid) ?? priorityFromWord(entry.name) ?? fromPosition(entry, siteId);
  };
}
