/**
 * Closes and reopens as the support module's log lines tell them. The module resets REOPEN to 'N' in
 * the very call that reopens (checked on the real module), so b_ticket keeps no trace of a reopen: a
 * close and a reopen between two polls leave a ticket open as before. Its log lines say what happened:
 * "<li>ticket closed" and "<li>ticket opened" (ru: "обращение закрыто", "обращение открыто"), possibly
 * among other items of the same line.
 */
export type TransitionKind = 'closed' | 'opened';

export interface LogTransition {
  kind: TransitionKind;
  at: Date;
  messageId: number;
}

const ITEMS: Record<TransitionKind, string[]> = {
  closed: ['ticket closed', 'обращение закрыто'],
  opened: ['ticket opened', 'обращение открыто'],
};

/** The transitions a log line's text names, in the order a line lists them (closed before opened). */
export function transitionsOf(text: string | null): TransitionKind[] {
  if (!text || !text.includes('<li>')) return [];
  const items = text.split('<li>').map((item) => item.trim().toLowerCase());
  const found: TransitionKind[] = [];
  for (const kind of ['closed', 'opened'] as const)
    if (items.some((i) => ITEMS[kind].includes(i))) found.push(kind);
  return found;
}

/**
 * How a remap counts a ticket's reopens from what the mirror held (`wasOpen`), what b_ticket holds now
 * (`isOpen`) and the transitions logged since: each logged reopen counts once, and a closed→open change
 * the mirror saw counts once when no line logged it. Also the close/reopen pairs the change between the
 * two states does not show (both fell between polls), for the SLA history.
 */
export function reopensFrom(
  wasOpen: boolean,
  isOpen: boolean,
  transitions: readonly LogTransition[],
): { count: number; unseenPairs: Array<{ closedAt: Date; reopenedAt: Date }> } {
  const opened = transitions.filter((t) => t.kind === 'opened');
  const seenReopen = !wasOpen && isOpen;
  const unseenPairs: Array<{ closedAt: Date; reopenedAt: Date }> = [];
  let lastClose: Date | null = null;
  let firstOpenMatched = !seenReopen;
  for (const t of transitions) {
    if (t.kind === 'closed') lastClose = t.at;
    else if (!firstOpenMatched) {
      // The reopen the state change shows: the remap's history already has it.
      firstOpenMatched = true;
      lastClose = null;
    } else if (lastClose) {
      unseenPairs.push({ closedAt: lastClose, reopenedAt: t.at });
      lastClose = null;
    }
  }
  return { count: Math.max(opened.length, seenReopen ? 1 : 0), unseenPairs };
}
