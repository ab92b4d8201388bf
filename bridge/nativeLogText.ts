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

export interface NamedUser {
  ID: number;
  LOGIN: string;
  NAME: string | null;
  LAST_NAME: string | null;
  SECOND_NAME?: string | null;
  EMAIL?: string | null;
}

/** The site's name format (b_lang.FORMAT_NAME) when it has none: Bitrix's default. */
export const DEFAULT_NAME_FORMAT = '#NAME# #LAST_NAME#';

/**
 * A user's name as Bitrix's CUser::FormatName writes it for a name format: the #…# fields filled
 * (_SHORT: the initial and a dot), spaces tidied; the login when nothing is left.
 */
export function formatUserName(format: string | null | undefined, user: NamedUser): string {
  const initial = (text: string | null | undefined) => (text ? `${Array.from(text.trim())[0] ?? ''}.` : '');
  const fields: Record<string, string> = {
    NAME: user.NAME ?? '',
    LAST_NAME: user.LAST_NAME ?? '',
    SECOND_NAME: user.SECOND_NAME ?? '',
    NAME_SHORT: initial(user.NAME),
    LAST_NAME_SHORT: initial(user.LAST_NAME),
    SECOND_NAME_SHORT: initial(user.SECOND_NAME),
    LOGIN: user.LOGIN,
    EMAIL: user.EMAIL ?? '',
    ID: String(user.ID),
  };
  const name = (format || DEFAULT_NAME_FORMAT)
    .replace(/#([A-Z_]+)#/g, (_whole, key: string) => fields[key] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return name || user.LOGIN;
}

const STAFF_MARK: Record<LogLanguage, string> = { ru: '[техподдержка]', en: '[helpdesk staff]' };

/**
 * How the module names a responsible person in log lines (checked on the real module): "[ID] Name
 * Surname", with "[helpdesk staff]" (ru: "[техподдержка]") when the user is support staff.
 */
export function responsibleText(
  language: LogLanguage,
  user: NamedUser,
  options: { format?: string | null; staff: boolean },
): string {
  const name = `[${user.ID}] ${formatUserName(options.format, user)}`;
  return options.staff ? `${name} ${STAFF_MARK[language]}` : name;
}

/** The same items as plain text, for chat notices: "priority: High; responsible person: [3] …". */
export function plainText(language: LogLanguage, items: readonly LogItem[]): string[] {
  return items.map((item) => LABELS[language][item.kind] + item.value);
}
