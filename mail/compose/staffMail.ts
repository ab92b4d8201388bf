import { DateTime } from 'luxon';
import { NoAddressError, PermanentMailError } from '../mailErrors';
import { MAIL_EVENTS, MailEventType } from '../eventTypes';
import { adminTicketLink, messageIdDomain } from '../facts/links';
import { SiteFacts } from '../facts/sites';
import { OutboxRow } from '../../store/outbox/outboxRow';
import { MailAddress, OutgoingMail } from '../transports/transport';
import { ComposeDeps } from './composeDeps';
import { oneLine, threadHeaders } from './headers';
import { readSlaNotice, SlaDigestEntry } from './slaPayload';
import { senderAddress } from './sender';

/**
 * SLA notices to staff (warning, breach, digest): one mail to every recipient in the payload who is an
 * active user with an e-mail, linking to the ticket in the Bitrix admin area. The language is the first
 * recipient's LANGUAGE_ID, else the ticket's site's. No usable recipient → dead ("no address").
 */
export async function composeStaffMail(
  row: OutboxRow,
  type: Extract<MailEventType, 'SUPPORT_SLA_WARNING' | 'SUPPORT_SLA_BREACH' | 'SUPPORT_SLA_DIGEST'>,
  deps: ComposeDeps,
): Promise<OutgoingMail> {
  const { reader, config } = deps;
  const notice = readSlaNotice(row.payload);
  const users = await reader.users(notice.recipients);
  const staff = notice.recipients.map((id) => users.get(id)).filter((u) => u && u.active && u.email);
  if (staff.length === 0) {
    throw new NoAddressError(
      `no address: none of the recipients [${notice.recipients.join(', ')}] is an active user with an e-mail`,
    );
  }
  const to: MailAddress[] = staff.map((u) => ({ name: oneLine(u!.fullName), address: u!.email! }));
  const ticket = row.ticketId > 0 ? await reader.ticket(row.ticketId) : null;
  if (!ticket && type !== 'SUPPORT_SLA_DIGEST')
    throw new PermanentMailError(`ticket ${row.ticketId} no longer exists`);
  const site: SiteFacts | null = ticket
    ? await reader.site(ticket.siteId)
    : await defaultSite(deps, notice.tickets);
  const language = deps.templates.pickLanguage([staff[0]!.languageId, site?.languageId]);
  const when = (d: Date | null): string | null => (d ? formatDue(d, deps.zone, language) : null);
  const adminLink = (id: number): string | null =>
    site ? adminTicketLink(site, id, language, config.site) : null;
  const digest = await digestLines(notice.tickets, deps, language, when);
  // The install digest's reason is ours to word, in the mail's language (not the payload's English).
  const reason =
    notice.level === 'install' ? INSTALL_DIGEST_REASON[language === 'ru' ? 'ru' : 'en'] : notice.reason;
  const data = {
    lang: language,
    siteName: site?.name ?? '',
    ticket: ticket
      ? { id: ticket.id, number: ticket.number, title: ticket.title, adminLink: adminLink(ticket.id) }
      : null,
    sla: { target: notice.target, level: notice.level, dueAt: when(notice.dueAt), reason },
    tickets: digest,
    zone: deps.zone,
  };
  const rendered = deps.templates.render(language, MAIL_EVENTS[type], data);
  const domain = messageIdDomain(site, config);
  const subject = oneLine(rendered.subject);
  const thread = threadHeaders(row.eventKey, row.eventType, ticket?.id ?? 0, domain);
  return {
    eventKey: row.eventKey,
    eventType: row.eventType,
    ticketId: ticket?.id ?? 0,
    siteId: site?.id ?? ticket?.siteId ?? '',
    languageId: language,
    from: senderAddress(config.mail, site, domain),
    to,
    subject,
    text: rendered.text,
    html: rendered.html,
    ...thread,
    fields: {
      EMAIL_TO: to.map((a) => a.address).join(', '),
      SUBJECT: subject,
      TICKET_ID: ticket ? String(ticket.id) : '',
      TICKET_NUMBER: ticket?.number ?? '',
      TICKET_TITLE: ticket?.title ?? '',
      ADMIN_URL: data.ticket?.adminLink ?? '',
      SLA_TARGET: notice.target ?? '',
      SLA_LEVEL: notice.level ?? '',
      SLA_DUE: data.sla.dueAt ?? '',
      SLA_REASON: reason ?? '',
      TICKETS: digest.map((t) => `${t.number} ${t.title} ${t.adminLink ?? ''}`.trim()).join('\n'),
    },
  };
}

const INSTALL_DIGEST_REASON = {
  ru: 'Эти обращения уже прошли срок SLA, когда bxsup был установлен.',
  en: 'These tickets were already past an SLA point when bxsup was installed.',
};

interface DigestLine {
  id: number;
  number: string;
  title: string;
  adminLink: string | null;
  target: string | null;
  level: string | null;
  dueAt: string | null;
  reason: string | null;
}

async function digestLines(
  entries: SlaDigestEntry[],
  deps: ComposeDeps,
  language: string,
  when: (d: Date | null) => string | null,
): Promise<DigestLine[]> {
  const lines: DigestLine[] = [];
  for (const entry of entries) {
    const t = await deps.reader.ticket(entry.id);
    const site = t ? await deps.reader.site(t.siteId) : null;
    lines.push({
      id: entry.id,
      number: t?.number ?? String(entry.id),
      title: t?.title ?? '',
      adminLink: site ? adminTicketLink(site, entry.id, language, deps.config.site) : null,
      target: entry.target,
      level: entry.level,
      dueAt: when(entry.dueAt),
      reason: entry.reason,
    });
  }
  return lines;
}

/** A digest names no ticket of its own: its links use the first listed ticket's site. */
async function defaultSite(deps: ComposeDeps, entries: SlaDigestEntry[]): Promise<SiteFacts | null> {
  for (const entry of entries) {
    const t = await deps.reader.ticket(entry.id);
    if (t) return deps.reader.site(t.siteId);
  }
  return null;
}

/** Due times in the site's zone, written the way each language writes dates. */
export function formatDue(at: Date, zone: string, language: string): string {
  const dt = DateTime.fromJSDate(at, { zone });
  return language === 'ru' ? dt.toFormat('dd.MM.yyyy HH:mm') : dt.toFormat('yyyy-MM-dd HH:mm');
}
