import { DateTime, Info, Zone } from 'luxon';

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

/**
 * The wall time is what luxon's DateTime computes (the instant moved by the zone's offset at it, read
 * as UTC), without building a DateTime and parsing the format string for every value: an escalation
 * batch writes a native datetime per ticket, and that was most of its time in luxon. The zone is
 * resolved once per name; anything unusual (an invalid zone, a year outside 1000…9999) still goes
 * through luxon.
 */
export function instantToNative(instant: Date, zone: string): string {
  const ms = instant.getTime();
  const offset = zoneOffset(resolvedZone(zone), ms);
  if (offset !== undefined && Number.isFinite(offset)) {
    const wall = new Date(ms + offset * 60_000);
    const year = wall.getUTCFullYear();
    if (year >= 1000 && year <= 9999) return instantToUtc(wall);
  }
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

interface ResolvedZone {
  zone: Zone;
  /** Offsets (minutes) by UTC hour, for hours the zone's offset does not change in. */
  hours: Map<number, number>;
}

const ZONES = new Map<string, ResolvedZone | null>();
const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 100_000;

function resolvedZone(name: string): ResolvedZone | null {
  let zone = ZONES.get(name);
  if (zone === undefined) {
    const found = Info.normalizeZone(name);
    zone = found.isValid ? { zone: found, hours: new Map() } : null;
    ZONES.set(name, zone);
  }
  return zone;
}

/**
 * The zone's offset at `ms`. Asking the zone costs an Intl formatting (~10 µs, the most of a ticket's
 * native datetime), so the offset of a whole UTC hour is remembered when the hour starts and ends with
 * the same offset: no zone changes its offset twice within an hour, so it holds for all of that hour.
 * An hour with a switch in it is asked every time.
 */
function zoneOffset(resolved: ResolvedZone | null, ms: number): number | undefined {
  if (!resolved || !Number.isFinite(ms)) return resolved?.zone.offset(ms);
  const hour = Math.floor(ms / HOUR_MS);
  const known = resolved.hours.get(hour);
  if (known !== undefined) return known;
  const start = resolved.zone.offset(hour * HOUR_MS);
  if (start !== resolved.zone.offset(hour * HOUR_MS + HOUR_MS - 1)) return resolved.zone.offset(ms);
  if (resolved.hours.size >= MAX_CACHED_HOURS) resolved.hours.clear();
  resolved.hours.set(hour, start);
  return start;
}

/**
 * Our own DATETIME columns hold UTC; mysql2 returns them as strings because of `dateStrings`.
 * UTC needs no zone rules, and these two run for every date of every row the SLA store and the
 * escalation agent write (hundreds of thousands in a first pass after install): the usual shapes are
 * converted directly, with what luxon gives for them; anything else still goes through luxon.
 */
const UTC_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

export function utcToInstant(value: string | null | undefined): Date | null {
  const m = value ? UTC_DATETIME.exec(value) : null;
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
    const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
    // Date.UTC rolls 2024-02-30 over into March; luxon calls it invalid: so does this (null below).
    if (
      year >= 1 &&
      at.getUTCFullYear() === year &&
      at.getUTCMonth() === month - 1 &&
      at.getUTCDate() === day &&
      at.getUTCHours() === hour &&
      at.getUTCMinutes() === minute &&
      at.getUTCSeconds() === second
    )
      return at;
  }
  return nativeToInstant(value, 'UTC');
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Built from the fields (toISOString and a replace cost more: an escalation batch writes thousands). */
export function instantToUtc(instant: Date): string {
  const year = instant.getUTCFullYear();
  if (year < 1000 || year > 9999) return instantToNative(instant, 'UTC');
  if (Number.isNaN(year)) throw new RangeError('Invalid time value'); // as toISOString throws
  return (
    `${year}-${TWO_DIGITS[instant.getUTCMonth() + 1]}-${TWO_DIGITS[instant.getUTCDate()]} ` +
    `${TWO_DIGITS[instant.getUTCHours()]}:${TWO_DIGITS[instant.getUTCMinutes()]}:${TWO_DIGITS[instant.getUTCSeconds()]}`
  );
}

/** The site-local calendar day of an instant, as YYYYMMDD (ticket numbers are per local day). */
export function localDayKey(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyyMMdd');
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
