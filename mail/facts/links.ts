import { Config } from '../../config/config';
import { MailConfig } from '../mailConfig';
import { SiteFacts } from './sites';

/**
 * Links in mails. The public base URL of a site: site.baseUrls[siteId], else site.baseUrl (also
 * BXSUP_SITE_URL), else https://<b_lang.SERVER_NAME>. The ticket page follows site.ticketPaths[siteId]
 * or site.ticketPath, where `<id>` is the native ticket ID; with neither set, the page the support
 * module's own mails link to (its SUPPORT_DIR / SUPPORT_EDIT options, see facts/sites.ts).
 */
export type SiteConfig = Config['site'];

export function siteBaseUrl(site: SiteFacts, config: SiteConfig): string | null {
  const configured = config.baseUrls[site.id] ?? config.baseUrl;
  if (configured) return configured.replace(/\/+$/, '');
  return site.serverName
    ? `https://${site.serverName.replace(/^https?:\/\//i, '').replace(/\/+$/, '')}`
    : null;
}

export function ticketLink(site: SiteFacts, ticketId: number, config: SiteConfig): string | null {
  const base = siteBaseUrl(site, config);
  if (!base) return null;
  const pattern = config.ticketPaths[site.id] ?? config.ticketPath ?? site.moduleTicketPath;
  return joinUrl(base, pattern.replace(/<id>/g, String(ticketId)));
}

/** The ticket in the Bitrix admin area, for staff; `lang` is the admin interface language. */
export function adminTicketLink(
  site: SiteFacts,
  ticketId: number,
  lang: string,
  config: SiteConfig,
): string | null {
  const base = siteBaseUrl(site, config);
  if (!base) return null;
  return `${base}/bitrix/admin/ticket_edit.php?ID=${ticketId}&lang=${encodeURIComponent(lang)}`;
}

/** The carrier's tracking page for #TRACKING_LINK#: mail.trackingUrls[deliveryId] or mail.trackingUrl. */
export function shipmentTrackingLink(
  shipment: { trackingNumber: string; deliveryId: number | null } | null,
  config: Pick<MailConfig, 'trackingUrl' | 'trackingUrls'>,
): string | null {
  if (!shipment) return null;
  const pattern =
    (shipment.deliveryId !== null ? config.trackingUrls[String(shipment.deliveryId)] : undefined) ??
    config.trackingUrl;
  if (!pattern) return null;
  return pattern.replace(/<number>/g, encodeURIComponent(shipment.trackingNumber));
}

/** The right side of our Message-IDs: mail.messageIdDomain, else the host of the site's base URL. */
export function messageIdDomain(
  site: SiteFacts | null,
  config: { site: SiteConfig; mail: Pick<MailConfig, 'messageIdDomain'> },
): string {
  if (config.mail.messageIdDomain) return config.mail.messageIdDomain;
  const base = site ? siteBaseUrl(site, config.site) : (config.site.baseUrl ?? null);
  if (base) {
    try {
      return new URL(base).hostname || 'bxsup.invalid';
    } catch {
      // fall through
    }
  }
  return 'bxsup.invalid';
}

function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base}${path.startsWith('/') ? '' : '/'}${path}`;
}
