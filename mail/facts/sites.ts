import { Db } from '../../core/db';

/** A Bitrix site (`b_lang` row) and the main-module fallbacks for its host and sender address. */
export interface SiteFacts {
  id: string;
  name: string;
  languageId: string;
  serverName: string | null;
  email: string | null;
}

export async function loadSite(db: Db, siteId: string): Promise<SiteFacts | null> {
  const row = (await db('b_lang')
    .where('LID', siteId)
    .first('LID', 'NAME', 'SITE_NAME', 'LANGUAGE_ID', 'SERVER_NAME', 'EMAIL')) as
    Record<string, string | null> | undefined;
  if (!row) return null;
  // Sites left with empty SERVER_NAME / EMAIL use main's options, as Bitrix itself does.
  const needsOptions = !row.SERVER_NAME || !row.EMAIL;
  const options = needsOptions ? await mainOptions(db) : {};
  return {
    id: String(row.LID),
    name: String(row.SITE_NAME || row.NAME || row.LID),
    languageId: String(row.LANGUAGE_ID || 'en').toLowerCase(),
    serverName: row.SERVER_NAME || options.server_name || null,
    email: row.EMAIL || options.email_from || null,
  };
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
