import { MailTemplateName } from '../templates/mailTemplates';

/**
 * The outbox event types the mailer sends, and the template each one uses. The outbox may carry other
 * types (webhooks): the mailer claims only these. The names double as Bitrix mail event types
 * (b_event_type.EVENT_NAME) for the bitrix transport.
 */
export const MAIL_EVENTS = {
  SUPPORT_TICKET_CREATED: 'ticket_created',
  SUPPORT_TICKET_REPLY: 'ticket_reply',
  SUPPORT_TICKET_CLOSED: 'ticket_closed',
  SUPPORT_SLA_WARNING: 'sla_warning',
  SUPPORT_SLA_BREACH: 'sla_breach',
  SUPPORT_SLA_DIGEST: 'sla_digest',
} as const satisfies Record<string, MailTemplateName>;

export type MailEventType = keyof typeof MAIL_EVENTS;

export const MAIL_EVENT_TYPES = Object.keys(MAIL_EVENTS) as MailEventType[];

export function isMailEventType(type: string): type is MailEventType {
  return Object.prototype.hasOwnProperty.call(MAIL_EVENTS, type);
}
