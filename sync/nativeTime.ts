import { nativeToInstant } from '../core/time';

/**
 * A fast reader of native DATETIMEs for bulk work. It gives exactly what core/time.ts nativeToInstant
 * gives (which it calls for the first value of each site-local quarter-hour), but a luxon conversion costs
 * ~30 µs and a backfill converts millions of values, so the zone's offset is remembered per local
 * quarter-hour: offsets change only at quarter-hour wall-clock times (on the hour in most zones, 02:00
 * with a 30-minute step on Lord Howe, 02:45 on the Chathams), so every value of a quarter-hour shares its
 * first value's offset — a DST gap or overlap included.
 */
export type NativeTimeReader = (value: string | null | undefined) => Date | null;

/** 'YYYY-MM-DD HH:MM:SS' (or with 'T'): checked by character codes, which a regex costs more than. */
function isDateTime(value: string): boolean {
  if (value.length !== 19) return false;
  for (let i = 0; i < 19; i++) {
    const c = value.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 45 /* - */) return false;
    } else if (i === 10) {
      if (c !== 32 /* space */ && c !== 84 /* T */) return false;
    } else if (i === 13 || i === 16) {
      if (c !== 58 /* : */) return false;
    } else if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Two or four digits at `at` as a number (the format was checked by isDateTime). */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}
const MAX_CACHED = 200_000;

export function createNativeTimeReader(zone: string): NativeTimeReader {
  const offsets = new Map<number | string, number>();
  return (value) => {
    if (value === null || value === undefined || value === '' || value.startsWith('0000-00-00')) return null;
    if (!isDateTime(value)) return nativeToInstant(value, zone);
    const year = digits(value, 0, 4);
    const month = digits(value, 5, 2);
    const day = digits(value, 8, 2);
    const hour = digits(value, 11, 2);
    const minute = digits(value, 14, 2);
    const wall = Date.UTC(year, month - 1, day, hour, minute, digits(value, 17, 2));
    // The quarter-hour as written, not as Date.UTC normalises it (2023-02-30 keeps a key of its own):
    // a small integer for the usual fields, the text for odd ones such as 24:00.
    const quarter =
      month <= 12 && day <= 31 && hour <= 23 && minute <= 59
        ? (((year * 16 + month) * 32 + day) * 32 + hour) * 4 + Math.floor(minute / 15)
        : value.slice(0, 13) + String.fromCharCode(97 + Math.floor(minute / 15));
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const exact = nativeToInstant(value, zone);
      if (exact === null) return null;
      offset = wall - exact.getTime();
      if (offsets.size >= MAX_CACHED) offsets.clear();
      offsets.set(quarter, offset);
    }
    return new Date(wall - offset);
  };
}

/** A native DATETIME's wall-clock time read as if it were UTC, in ms (NaN when it is no such time). */
export function wallClockMs(value: string): number {
  if (isDateTime(value)) {
    const year = digits(value, 0, 4);
    const month = digits(value, 5, 2);
    const day = digits(value, 8, 2);
    const hour = digits(value, 11, 2);
    const minute = digits(value, 14, 2);
    const second = digits(value, 17, 2);
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    // Date.UTC rolls an impossible time over (and reads years 0-99 as 1900-1999); such values take the
    // slow path, as all of them did.
    const usual = year >= 1000 && month >= 1 && month <= 12 && hour < 24 && minute < 60 && second < 60;
    if (usual && new Date(ms).getUTCDate() === day) return ms;
  }
  return Date.parse(`${value.slice(0, 19).replace(' ', 'T')}Z`);
}
