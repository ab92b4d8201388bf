import { messageIdDomain } from '../facts/links';
import { SiteFacts } from '../facts/sites';
import { MailAddress } from '../transports/transport';
import { Config } from '../../config/config';
import { senderAddress } from './sender';

/** What every mail of a site has the same: the right side of its Message-IDs and its From. */
export interface SiteSender {
  domain: string;
  from: MailAddress;
}

/**
 * A site's Message-ID domain and From, worked out once per pass (the reader keeps the site's facts as
 * long): parsing the base URL and checking the configured address for each mail showed in the sender's
 * profile. Each mail gets its own copy of the From.
 */
export function siteSender(
  site: SiteFacts,
  config: Pick<Config, 'site' | 'mail'>,
  senders: Map<string, SiteSender>,
): SiteSender {
  let known = senders.get(site.id);
  if (!known) {
    const domain = messageIdDomain(site, config);
    known = { domain, from: senderAddress(config.mail, site, domain) };
    senders.set(site.id, known);
  }
  return { domain: known.domain, from: { ...known.from } };
}
