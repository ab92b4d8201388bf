import { DateTime } from 'luxon';
import { Db } from '../core/db';
import { isValidZone } from '../core/time';
import { rawRows } from '../core/rawRows';

export interface SiteZone {
  /** An IANA zone (DST-safe) or a fixed offset such as "UTC+3" when nothing better is known. */
  zone: string;
  source: 'config' | 'server' | 'server offset';
  warning?: string;
}

/**
 * The zone native DATETIMEs are written in. Bitrix sets no session time zone, so it is the zone of the
 * PHP/database server: the configured `site.timeZone`, else the database server's named zone, else its
 * current UTC offset (matched to this host's zone when they agree, since they usually share a machine).
 */
export async function resolveSiteZone(db: Db, configured: string | undefined): Promise<SiteZone> {
  if (configured) return { zone: configured, source: 'config' };
  const rows = await rawRows<{ tz: string; systz: string; offset_min: number | null }>(
    db,
    `SELECT @@global.time_zone AS tz, @@system_time_zone AS systz,
            TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', @@global.time_zone)) AS offset_min`,
  );
  const { tz, systz, offset_min } = rows[0];
  for (const candidate of [tz, systz]) {
    if (
      candidate &&
      candidate !== 'SYSTEM' &&
      !/^[+-]/.test(candidate) &&
      candidate.includes('/') &&
      isValidZone(candidate)
    ) {
      return { zone: candidate, source: 'server' };
    }
  }
  const offset = Number(offset_min ?? 0);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (local && DateTime.now().setZone(local).offset === offset)
    return { zone: local, source: 'server offset' };
  if (offset === 0 && (systz === 'UTC' || tz === '+00:00')) return { zone: 'UTC', source: 'server' };
  const abs = Math.abs(offset);
  const minutes = abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : '';
  const fixed = offset === 0 ? 'UTC' : `UTC${offset > 0 ? '+' : '-'}${Math.floor(abs / 60)}${minutes}`;
  return {
    zone: fixed,
    source: 'server offset',
    warning: `the database server reports only an offset (${systz || tz}); set site.timeZone to the site's IANA zone (e.g. Europe/Moscow) so DST is handled`,
  };
}
