import { MailConfig } from '../mailConfig';
import { SiteFacts } from '../facts/sites';
import { validEmail } from '../facts/users';
import { MailAddress } from '../transports/transport';
import { oneLine } from './headers';

/**
 * The From of a site's mails: mail.from ("Name <address>" or an address), else the site's b_lang.EMAIL
 * (or main's email_from) with the site's name, else noreply@<Message-ID domain>.
 */
export function senderAddress(
  config: Pick<MailConfig, 'from'>,
  site: SiteFacts | null,
  domain: string,
): MailAddress {
  const siteName = oneLine(site?.name ?? '');
  if (config.from) {
    const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(config.from);
    const address = validEmail(m ? m[2] : config.from);
    if (address) return { name: oneLine(m?.[1]?.replace(/^"|"$/g, '') || siteName), address };
  }
  const siteEmail = validEmail(site?.email);
  if (siteEmail) return { name: siteName, address: siteEmail };
  return { name: siteName, address: `noreply@${domain}` };
}
