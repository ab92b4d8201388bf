import path from 'node:path';

/** The document root from --bitrix-root or db.bitrixRoot ("…/bitrix" accepted too), absolute; or null. */
export function siteRoot(given: string | undefined | null): string | null {
  if (!given) return null;
  const absolute = path.resolve(given);
  return path.basename(absolute) === 'bitrix' ? path.dirname(absolute) : absolute;
}
