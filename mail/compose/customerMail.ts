import { NoAddressError, PermanentMailError, SkipMail } from '../mailErrors';
import { MAIL_EVENTS, MailEventType } from '../eventTypes';
import { expandMessageInPlace } from '../expandInPlace';
import { emailInText, guestName } from '../facts/users';
import { shipmentTrackingLink, ticketLink } from '../facts/links';
import { OutboxRow } from '../../store/outbox/outboxRow';
import { MailAddress, OutgoingMail } from '../transports/transport';
import { containsKnownPlaceholder } from '../../templates/reply/placeholders';
import { placeholderValues } from '../../templates/reply/placeholderValues';
import { ComposeDeps } from './composeDeps';
import { oneLine, threadHeaders } from './headers';
import { siteSender } from './siteSender';

/**
 * Mails to the customer: ticket created, an operator's reply, ticket closed (with a request to rate the
 * answer). The address is the owner's b_user.EMAIL, or a guest's e-mail in OWNER_SID; without one the
 * mail is dead at once ("no address"), never retried. Internal notes, log lines and the customer's own
 * messages are never mailed to them.
 */
export async function composeCustomerMail(
  row: OutboxRow,
  type: Extract<MailEventType, 'SUPPORT_TICKET_CREATED' | 'SUPPORT_TICKET_REPLY' | 'SUPPORT_TICKET_CLOSED'>,
  deps: ComposeDeps,
): Promise<OutgoingMail> {
  const { reader, config } = deps;
  const ticket = await reader.ticket(row.ticketId);
  if (!ticket) throw new PermanentMailError(`ticket ${row.ticketId} no longer exists`);
  const site = await reader.site(ticket.siteId);
  if (!site) throw new PermanentMailError(`site ${ticket.siteId} of ticket ${ticket.id} is not in b_lang`);

  let reply: { text: string; operatorName: string | null } | null = null;
  if (type === 'SUPPORT_TICKET_REPLY') reply = await replyText(row, deps);

  const owner = ticket.owner ?? undefined;
  const to = customerAddress(ticket.ownerUserId, owner, ticket.ownerSid);
  if (!to) {
    throw new NoAddressError(
      ticket.ownerUserId
        ? `no address: user ${ticket.ownerUserId} has no e-mail`
        : `no address: the guest's OWNER_SID holds no e-mail`,
    );
  }
  const language = deps.templates.pickLanguage([site.languageId, owner?.languageId]);
  const link = ticketLink(site, ticket.id, config.site);
  const data = {
    lang: language,
    siteName: site.name,
    // A guest who wrote by mail: the gateway's OWNER_SID `"Name" <addr>` names them.
    customerName: oneLine((owner ? owner.firstName || owner.fullName : guestName(ticket.ownerSid)) ?? ''),
    ticket: {
      id: ticket.id,
      number: ticket.number,
      title: ticket.title,
      link,
      orderNumber: ticket.order?.accountNumber ?? null,
      trackingNumber: ticket.shipment?.trackingNumber ?? null,
      trackingLink: shipmentTrackingLink(ticket.shipment, config.mail),
    },
    reply,
  };
  const rendered = deps.templates.render(language, MAIL_EVENTS[type], data);
  const { domain, from } = siteSender(site, config, deps.senders);
  const subject = oneLine(rendered.subject);
  const thread = threadHeaders(row.eventKey, row.eventType, ticket.id, domain);
  return {
    eventKey: row.eventKey,
    eventType: row.eventType,
    ticketId: ticket.id,
    siteId: site.id,
    languageId: language,
    from,
    to: [to],
    subject,
    text: rendered.text,
    html: rendered.html,
    ...thread,
    fields: {
      EMAIL_TO: to.address,
      SUBJECT: subject,
      TICKET_ID: String(ticket.id),
      TICKET_NUMBER: ticket.number,
      TICKET_TITLE: ticket.title,
      TICKET_URL: link ?? '',
      CUSTOMER_NAME: data.customerName,
      ORDER_NUMBER: data.ticket.orderNumber ?? '',
      ...(reply ? { MESSAGE_TEXT: reply.text, OPERATOR_NAME: reply.operatorName ?? '' } : {}),
      IN_REPLY_TO: thread.inReplyTo ?? '',
    },
  };
}

function customerAddress(
  ownerUserId: number | null,
  owner: { fullName: string; email: string | null } | undefined,
  ownerSid: string | null,
): MailAddress | null {
  if (ownerUserId) return owner?.email ? { name: oneLine(owner.fullName), address: owner.email } : null;
  const address = emailInText(ownerSid);
  return address ? { name: oneLine(guestName(ownerSid) ?? ''), address } : null;
}

/** The operator's visible reply, with placeholders filled in the native message first. */
async function replyText(
  row: OutboxRow,
  deps: ComposeDeps,
): Promise<{ text: string; operatorName: string | null }> {
  if (!row.messageId) throw new PermanentMailError(`reply event ${row.eventKey} names no message`);
  const message = await deps.reader.message(row.messageId);
  if (!message || message.ticketId !== row.ticketId)
    throw new PermanentMailError(`message ${row.messageId} of ticket ${row.ticketId} no longer exists`);
  if (message.hidden) throw new SkipMail('internal note: never mailed to the customer');
  if (message.log) throw new SkipMail('log line: not a reply');
  if (message.byClient) throw new SkipMail("the customer's own message: not mailed back to them");
  let text = message.text;
  const operator = message.authorUserId
    ? (await deps.reader.users([message.authorUserId])).get(message.authorUserId)
    : undefined;
  if (deps.config.mail.expandPlaceholders && containsKnownPlaceholder(text)) {
    const ticket = await deps.reader.ticket(row.ticketId);
    if (ticket) {
      const values = await placeholderValues(ticket, {
        reader: deps.reader,
        config: deps.config,
        operatorUserId: message.authorUserId,
      });
      text = await expandMessageInPlace(deps.db, message.id, values, {
        fallback: deps.config.mail.placeholderFallback,
        perName: deps.config.mail.placeholderFallbacks,
      });
    }
  }
  return { text, operatorName: operator?.fullName ?? null };
}
