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
  /** What the transport's prepare() made of this mail, if the sender called it. */
  prepared?: PreparedMail;
}

/** A mail made ready to send by a transport's prepare(): for SMTP, the envelope and the message bytes. */
export interface PreparedMail {
  envelope: { from: string; to: string[] };
  raw: Uint8Array;
}

/**
 * Where mails go. `transactional` transports write to the site's database: mailOnce then runs the send
 * and the 'sent' mark in one transaction, so such a mail is delivered exactly once.
 */
export interface MailTransport {
  readonly name: 'smtp' | 'bitrix' | 'files' | string;
  readonly transactional: boolean;
  /**
   * The part of a send that needs no connection and no I/O, done before the sender re-checks the claim,
   * so that between the check and the send there is only the send. Optional: send() works without it.
   */
  prepare?(mail: OutgoingMail, now: Date): Promise<PreparedMail>;
  /** Resolves once the mail is accepted; throws (PermanentMailError or other) when it is not. */
  send(mail: OutgoingMail, ctx: SendContext): Promise<void>;
  close(): Promise<void>;
}
