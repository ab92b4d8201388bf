import { DictionaryEntry } from '../../bridge/dictionaries';
import { TicketStatus } from '../../core/ticketVocabulary';

/**
 * Our status from a ticket's STATUS_ID, DATE_CLOSE and who spoke last. Bitrix has no "closed" status:
 * DATE_CLOSE set means closed, whatever STATUS_ID says. A status entry is mapped by configuration, else
 * by its SID or NAME (ru/en, the default install's names included). A ticket without a (known) status
 * is awaiting_reply when staff spoke last (LAST_MESSAGE_BY_SUPPORT_TEAM='Y'), otherwise open.
 */

// Order matters: "В стадии решения" and "Problem solving in progress" contain resolved-like stems.
const BY_WORD: Array<[RegExp, TicketStatus]> = [
  [/await|waiting|pending|ожида|ждём|ждем/, 'awaiting_reply'],
  [/in[ _-]?progress|in[ _-]?work|processing|solving|в работе|в стадии|решается|обрабатыва/, 'in_progress'],
  [/resolved|solved|\bdone\b|решен|решить|выполнен/, 'resolved'],
  [/closed|закрыт/, 'closed'],
  [/\bnew\b|\bopen|accepted|принят|нов|открыт/, 'open'],
];

export function statusFromWord(text: string): TicketStatus | null {
  const word = text.trim().toLowerCase();
  if (!word) return null;
  for (const [pattern, status] of BY_WORD) if (pattern.test(word)) return status;
  return null;
}

export type StatusResolver = (statusId: number | null) => TicketStatus | null;

export function buildStatusResolver(
  entries: DictionaryEntry[],
  configured: Record<string, TicketStatus>,
): StatusResolver {
  const byId = new Map(entries.filter((e) => e.type === 'S').map((e) => [e.id, e]));
  return (statusId) => {
    if (!statusId) return null;
    const fromConfig = configured[String(statusId)];
    if (fromConfig) return fromConfig;
    const entry = byId.get(statusId);
    if (!entry) return null;
    return statusFromWord(entry.sid) ?? statusFromWord(entry.name);
  };
}

/**
 * An open ticket whose status says solved but whose customer spoke last is not resolved: the customer
 * is waiting. The module keeps the status a ticket had when the customer reopens it by writing again
 * (checked on the real module), so "Successfully solved" stays on a ticket that needs an answer.
 */
export function resolveStatus(input: {
  mapped: TicketStatus | null;
  closed: boolean;
  staffSpokeLast: boolean;
}): TicketStatus {
  if (input.closed) return 'closed';
  if (input.mapped === 'resolved' && !input.staffSpokeLast) return 'open';
  if (input.mapped) return input.mapped;
  return input.staffSpokeLast ? 'awaiting_reply' : 'open';
}
