import { DateTime } from 'luxon';

/**
 * Native Bitrix DATETIMEs are the web server's wall-clock time with no zone; our tables hold UTC.
 * These two functions are the only crossing between the two: read native values with the site's
 * IANA zone, write native values back in it. Zero dates (`0000-00-00 …`) and NULL both mean "none".
 */
export function nativeToInstant(value: string | null | undefined, zone: string): Date | null {
  if (value === null || value === undefined || value === '' || value.startsWith('0000-00-00')) return null;
  const dt = DateTime.fromSQL(value, { zone });
  if (!dt.isValid) return null;
  return dt.toJSDate();
}

export function instantToNative(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** Our own DATETIME columns hold UTC; mysql2 returns them as strings because of `dateStrings`. */
export function utcToInstant(value: string | null | undefined): Date | null {
  return nativeToInstant(value, 'UTC');
}

export function instantToUtc(instant: Date): string {
  return instantToNative(instant, 'UTC');
}

/** The site-local calendar day of an instant, as YYYYMMDD (ticket numbers are per local day). */
export function localDayKey(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyyMMdd');
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
