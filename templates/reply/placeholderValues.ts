import { Config } from '../../config/config';
import { guestName } from '../../mail/facts/users';
import { FactsReader } from '../../mail/facts/factsReader';
import { shipmentTrackingLink, ticketLink } from '../../mail/facts/links';
import { TicketFacts } from '../../mail/facts/ticketFacts';
import { PlaceholderValues } from './placeholders';

export interface PlaceholderContext {
  reader: FactsReader;
  config: Pick<Config, 'site' | 'mail'>;
  /** Who signs: the author of the reply being expanded, or (for `templates render`) the responsible. */
  operatorUserId: number | null;
}

/**
 * The values of a ticket's placeholders. #CUSTOMER_NAME# is the first name (what a greeting uses),
 * else the full name; for a guest the name part of OWNER_SID when it holds one. #OPERATOR_NAME# is the
 * full name, as a signature. #TRACKING_LINK# needs mail.trackingUrl(s). Missing values stay null: the
 * renderer puts the configured fallback there.
 */
export async function placeholderValues(
  ticket: TicketFacts,
  ctx: PlaceholderContext,
): Promise<PlaceholderValues> {
  const owner = ticket.owner;
  const operator =
    ctx.operatorUserId !== null
      ? (await ctx.reader.users([ctx.operatorUserId])).get(ctx.operatorUserId)
      : undefined;
  const site = await ctx.reader.site(ticket.siteId);
  return {
    CUSTOMER_NAME: owner ? owner.firstName || owner.fullName : guestName(ticket.ownerSid),
    ORDER_NUMBER: ticket.order?.accountNumber ?? null,
    TRACKING_NUMBER: ticket.shipment?.trackingNumber ?? null,
    TRACKING_LINK: shipmentTrackingLink(ticket.shipment, ctx.config.mail),
    TICKET_NUMBER: ticket.number,
    TICKET_LINK: site ? ticketLink(site, ticket.id, ctx.config.site) : null,
    OPERATOR_NAME: operator?.fullName ?? null,
  };
}
