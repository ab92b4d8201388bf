/**
 * The text of a log line (b_ticket_message.IS_LOG='Y') the way the support module writes them: one
 * `<li>` item per change, in the language of the ticket's site, each item HTML-escaped (the module
 * applies htmlspecialchars). Labels are the module's own wording (lang/{ru,en}/…/messages.php), plus
 * a "reason" item of ours so operators see why the bridge changed the ticket.
 */
export type LogLanguage = 'ru' | 'en';

export type LogItem =
  | { kind: 'responsible'; value: string }
  | { kind: 'criticality'; value: string }
  | { kind: 'reason'; value: string }
  /** Ours: a remark in the site's language, e.g. that the criticality is already the highest. */
  | { kind: 'note'; value: string };

const LABELS: Record<LogLanguage, Record<LogItem['kind'], string>> = {
  ru: { responsible: 'ответственный: ', criticality: 'критичность: ', reason: 'причина: ', note: '' },
  en: { responsible: 'responsible person: ', criticality: 'priority: ', reason: 'reason: ', note: '' },
};

/** The note of a breach that would raise the criticality of a ticket already at the highest one. */
export function highestCriticalityNote(language: LogLanguage, name: string | null): string {
  const which = name ? ` (${name})` : '';
  return language === 'ru' ? `критичность уже наивысшая${which}` : `priority is already the highest${which}`;
}

export function logLanguage(languageId: string | null | undefined): LogLanguage {
  return languageId === 'ru' ? 'ru' : 'en';
}

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function logText(language: LogLanguage, items: readonly LogItem[]): string {
  return items.map((item) => `<li>${htmlEscape(LABELS[language][item.kind] + item.value)}`).join('');
}

/** How the module names a user in log lines: `[ID] (LOGIN) NAME LAST_NAME`. */
export function userText(user: {
  ID: number;
  LOGIN: string;
  NAME: string | null;
  LAST_NAME: string | null;
}): string {
  return `[${user.ID}] (${user.LOGIN}) ${user.NAME ?? ''} ${user.LAST_NAME ?? ''}`.trim();
}

/** The same items as plain text, for chat notices: "priority: High; responsible person: [3] …". */
export function plainText(language: LogLanguage, items: readonly LogItem[]): string[] {
  return items.map((item) => LABELS[language][item.kind] + item.value);
}
