import { Knex } from 'knex';

export interface MailAddress {
  name: string;
  address: string;
}

/** One rendered mail, ready for any transport. */
export interface OutgoingMail {
  eventKey: string;
  eventType: string;
  ticketId: number;
  siteId: string;
  languageId: string;
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /**
   * The facts as string fields, for the bitrix transport's C_FIELDS (#FIELD# macros in b_event_message).
   * Insertion order is the serialized order.
   */
  fields: Record<string, string>;
}

export interface SendContext {
  /** The transaction the outbox row is marked 'sent' in, for transports that write to the database. */
  trx?: Knex.Transaction;
  now: Date;
}

/**
 * Where mails go. `transactional` transports write to the site's database: mailOnce then runs the send
 * and the 'sent' mark in one transaction, so such a mail is delivered exactly once.
 */
export interface MailTransport {
  readonly name: 'smtp' | 'bitrix' | 'files' | string;
  readonly transactional: boolean;
  /** Resolves once the mail is accepted; throws (PermanentMailError or other) when it is not. */
  send(mail: OutgoingMail, ctx: SendContext): Promise<void>;
  close(): Promise<void>;
}
