import nodemailer from 'nodemailer';
import { BxsupError } from '../../core/errors';
import { createMimeBuilder } from './mimeBuilder';
import { MailTransport, OutgoingMail, PreparedMail } from './transport';
import { toNodemailerMessage } from './nodemailerMessage';

export interface SmtpTransportOptions {
  /** smtp://user:password@host:587 or smtps://…:465 (mail.smtpUrl / BXSUP_SMTP_URL). */
  url: string | undefined;
  /** Pool connections: mails in flight at once. */
  maxConnections: number;
  /** Each socket timeout must stay well below mail.claimTimeoutMs, or a slow send loses its claim. */
  timeoutMs?: number;
}

/**
 * Sends through a nodemailer pool (reused connections). nodemailer's own logger stays off: it would
 * print the AUTH exchange; our errors carry the server's reply only.
 *
 * prepare() builds the message on another thread (mimeBuilder.ts) with nodemailer's own composer, and
 * send() hands the pool the finished bytes and envelope, so the pool only streams them: the same bytes
 * as sendMail would write, in one piece instead of a socket write per part.
 */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  if (!options.url) {
    throw new BxsupError(
      'CONFIG_INVALID',
      'mail.transport is smtp but no SMTP server is set: set BXSUP_SMTP_URL=smtp://user:password@host:587 (or mail.smtpUrl), or choose mail.transport "files" or "bitrix"',
    );
  }
  const timeout = options.timeoutMs ?? 60000;
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: 500,
    connectionTimeout: Math.min(timeout, 30000),
    greetingTimeout: Math.min(timeout, 30000),
    socketTimeout: timeout,
    logger: false,
    debug: false,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const builder = createMimeBuilder();
  const prepare = (mail: OutgoingMail, now: Date): Promise<PreparedMail> =>
    builder.build(toNodemailerMessage(mail, now));
  return {
    name: 'smtp',
    transactional: false,
    prepare,
    async send(mail, { now, prepared }) {
      const { envelope, raw } = prepared ?? (await prepare(mail, now));
      // The Message-ID is in the bytes already; given here too, the pool does not make one of its own
      // for its report (two random draws and a header built per mail, for nothing).
      await transporter.sendMail({ envelope, raw: raw as Buffer, messageId: mail.messageId });
    },
    async close() {
      transporter.close();
      await builder.close();
    },
  };
}
