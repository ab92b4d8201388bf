import { DateTime } from 'luxon';
import { EscalationTarget } from '../escalationConfig';

/**
 * The words of the agent's log lines and webhook messages, in the site's language. Pure.
 */
export type Language = 'ru' | 'en';

const TARGET: Record<Language, Record<EscalationTarget, string>> = {
  ru: { first_reply: 'первого ответа', resolution: 'решения' },
  en: { first_reply: 'first reply', resolution: 'resolution' },
};

/** The "why" of a log line: `SLA: resolution deadline missed (level "breach")`. */
export function reasonText(
  language: Language,
  target: EscalationTarget,
  on: 'warning' | 'breach',
  level: string,
): string {
  if (language === 'ru') {
    const what =
      on === 'breach' ? `просрочен срок ${TARGET.ru[target]}` : `подходит срок ${TARGET.ru[target]}`;
    return `SLA: ${what} (уровень «${level}»)`;
  }
  const what =
    on === 'breach' ? `${TARGET.en[target]} deadline missed` : `${TARGET.en[target]} deadline approaching`;
  return `SLA: ${what} (level "${level}")`;
}

export interface NoticeFacts {
  language: Language;
  ticketNumber: string;
  ticketId: number;
  subject: string;
  target: EscalationTarget;
  on: 'warning' | 'breach';
  level: string;
  deadline: Date | null;
  zone: string;
  changes: string[];
}

/** One line for chat (Bitrix24 notification, Slack-style webhook). */
export function noticeText(f: NoticeFacts): string {
  const when = f.deadline
    ? DateTime.fromJSDate(f.deadline, { zone: f.zone }).toFormat('yyyy-MM-dd HH:mm')
    : '';
  const ticket = `#${f.ticketNumber} (ID ${f.ticketId}) «${f.subject}»`;
  const head =
    f.language === 'ru'
      ? `${f.on === 'breach' ? 'Просрочен' : 'Подходит'} срок ${TARGET.ru[f.target]}${when ? ` (${when})` : ''}: ${ticket}`
      : `${f.on === 'breach' ? 'Missed' : 'Approaching'} ${TARGET.en[f.target]} deadline${when ? ` (${when})` : ''}: ${ticket}`;
  return [head, ...f.changes].join('. ');
}
