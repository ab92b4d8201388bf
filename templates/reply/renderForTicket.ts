import { Config } from '../../config/config';
import { Db } from '../../core/db';
import { BxsupError } from '../../core/errors';
import { createFactsReader } from '../../mail/facts/factsReader';
import { fillPlaceholders } from './placeholders';
import { placeholderValues } from './placeholderValues';
import { getTemplate } from './templateRepo';

export interface RenderedTemplate {
  code: string;
  language: string;
  title: string;
  text: string;
}

/**
 * `bxsup templates render <code> --ticket <id>`: the template filled with the ticket's values, as the
 * customer would read it. The language defaults to the ticket's site's; the operator to the ticket's
 * responsible.
 */
export async function renderTemplateForTicket(
  db: Db,
  config: Pick<Config, 'site' | 'mail'>,
  input: { code: string; ticketId: number; language?: string; operatorUserId?: number },
): Promise<RenderedTemplate> {
  const reader = createFactsReader(db);
  const ticket = await reader.ticket(input.ticketId);
  if (!ticket) throw new BxsupError('NOT_FOUND', `no ticket ${input.ticketId} in b_ticket: check the ID`);
  const site = await reader.site(ticket.siteId);
  const language = input.language ?? site?.languageId ?? 'en';
  const template = await getTemplate(db, input.code, language);
  if (!template)
    throw new BxsupError('NOT_FOUND', `no template ${input.code} (${language}): see bxsup templates list`);
  const values = await placeholderValues(ticket, {
    reader,
    config,
    operatorUserId: input.operatorUserId ?? ticket.responsibleUserId,
  });
  const fallbacks = { fallback: config.mail.placeholderFallback, perName: config.mail.placeholderFallbacks };
  return {
    code: template.code,
    language,
    title: template.title,
    text: fillPlaceholders(template.body, values, fallbacks),
  };
}
