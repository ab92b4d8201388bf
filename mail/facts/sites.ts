import { Db } from '../../core/db';

/** A Bitrix site (`b_lang` row) and the main-module fallbacks for its host and sender address. */
export interface SiteFacts {
  id: string;
  name: string;
  languageId: string;
  serverName: string | null;
  email: string | null;
  /**
   * The ticket page the support module's own mails link to (#PUBLIC_EDIT_URL#?ID=#ID#), from its
   * SUPPORT_DIR and SUPPORT_EDIT options: `<id>` stands for the ticket ID.
   */
  moduleTicketPath: string;
}

export async function loadSite(db: Db, siteId: string): Promise<SiteFacts | null> {
  const row = (await db('b_lang')
    .where('LID', siteId)
    .first('LID', 'NAME', 'SITE_NAME', 'LANGUAGE_ID', 'SERVER_NAME', 'EMAIL', 'DIR')) as
    Record<string, string | null> | undefined;
  if (!row) return null;
  // Sites left with empty SERVER_NAME / EMAIL use main's options, as Bitrix itself does.
  const needsOptions = !row.SERVER_NAME || !row.EMAIL;
  const options = needsOptions ? await mainOptions(db) : {};
  const support = await supportOptions(db, String(row.LID));
  return {
    id: String(row.LID),
    name: String(row.SITE_NAME || row.NAME || row.LID),
    languageId: String(row.LANGUAGE_ID || 'en').toLowerCase(),
    serverName: row.SERVER_NAME || options.server_name || null,
    email: row.EMAIL || options.email_from || null,
    moduleTicketPath: moduleTicketPath(row.DIR ?? '/', support.SUPPORT_DIR, support.SUPPORT_EDIT),
  };
}

/**
 * As the module builds #PUBLIC_EDIT_URL#: SUPPORT_DIR (default "#SITE_DIR#support/") with #SITE_DIR# and
 * #LANG_DIR# the site's folder, slashes tidied, then SUPPORT_EDIT (default empty); its templates add
 * "?ID=#ID#".
 */
export function moduleTicketPath(siteDir: string, supportDir?: string, supportEdit?: string): string {
  const dir = (supportDir ?? '#SITE_DIR#support/')
    .replace(/#LANG_DIR#|#SITE_DIR#/g, siteDir)
    .replace(/\\/g, '/')
    .replace(/\/+/g, '/')
    .replace(/^\/+|\/+$/g, '');
  return `/${dir}${dir ? '/' : ''}${supportEdit ?? ''}?ID=<id>`;
}

/** The support module's options for a site (a per-site row wins over the common one). */
async function supportOptions(db: Db, siteId: string): Promise<Record<string, string>> {
  const rows = (await db('b_option')
    .where('MODULE_ID', 'support')
    .whereIn('NAME', ['SUPPORT_DIR', 'SUPPORT_EDIT'])
    .where((q) => q.whereNull('SITE_ID').orWhere('SITE_ID', '').orWhere('SITE_ID', siteId))
    .select('NAME', 'VALUE', 'SITE_ID')
    .catch(() => [])) as Array<{ NAME: string; VALUE: string | null; SITE_ID: string | null }>;
  const out: Record<string, string> = {};
  for (const r of rows.sort((a, b) => (a.SITE_ID === siteId ? 1 : 0) - (b.SITE_ID === siteId ? 1 : 0)))
    if (r.VALUE !== null) out[r.NAME] = r.VALUE;
  return out;
}

async function mainOptions(db: Db): Promise<Record<string, string>> {
  const rows = (await db('b_option')
    .where('MODULE_ID', 'main')
    .whereIn('NAME', ['server_name', 'email_from'])
    .where((q) => q.whereNull('SITE_ID').orWhere('SITE_ID', ''))
    .select('NAME', 'VALUE')
    .catch(() => [])) as Array<{ NAME: string; VALUE: string | null }>;
  return Object.fromEntries(rows.filter((r) => r.VALUE).map((r) => [r.NAME, String(r.VALUE)]));
}
