import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { PreparedMail } from './transport';

/**
 * What nodemailer's sendMail does to a message before its transport streams it: the same MailComposer
 * (the Mailer adds X-Mailer, priority and List-* headers only when asked, and we ask for none), and the
 * envelope it would derive (From's address, every To), so sending `{ envelope, raw }` puts the same
 * bytes on the wire. Only the MIME boundaries differ, as they do between any two builds.
 */
export async function buildMime(message: SendMailOptions): Promise<PreparedMail> {
  const node = new MailComposer(message).compile();
  const { from, to } = node.getEnvelope();
  const raw = await node.build();
  return { envelope: { from: from || '', to }, raw };
}
