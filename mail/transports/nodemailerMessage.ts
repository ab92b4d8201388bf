import type { SendMailOptions } from 'nodemailer';
import { OutgoingMail } from './transport';

/** The nodemailer form of a mail, shared by the SMTP and files transports so both write the same bytes. */
export function toNodemailerMessage(mail: OutgoingMail, now: Date): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    date: now,
    headers: {
      // RFC 3834: an automatic mail; well-behaved auto-responders do not answer it (no mail loops).
      'Auto-Submitted': 'auto-generated',
      'X-Bxsup-Event': mail.eventType,
    },
  };
}
