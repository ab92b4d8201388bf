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

const DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/;

/** Two or four digits at `at` as a number (the format was checked by DATETIME). */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}
const MAX_CACHED = 200_000;

export function createNativeTimeReader(zone: string): NativeTimeReader {
  const offsets = new Map<string, number>();
  return (value) => {
    if (value === null || value === undefined || value === '' || value.startsWith('0000-00-00')) return null;
    if (!DATETIME.test(value)) return nativeToInstant(value, zone);
    const minute = digits(value, 14, 2);
    const wall = Date.UTC(
      digits(value, 0, 4),
      digits(value, 5, 2) - 1,
      digits(value, 8, 2),
      digits(value, 11, 2),
      minute,
      digits(value, 17, 2),
    );
    const quarter = value.slice(0, 13) + String.fromCharCode(97 + Math.floor(minute / 15));
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

/** Our UTC DATETIME text, as core/time.ts instantToUtc writes it, without luxon's per-call cost. */
export function utcText(instant: Date): string {
  return instant.toISOString().slice(0, 19).replace('T', ' ');
}

export function utcTextOrNull(instant: Date | null): string | null {
  return instant === null ? null : utcText(instant);
}
