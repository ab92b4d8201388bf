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

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const MAX_CACHED = 200_000;

export function createNativeTimeReader(zone: string): NativeTimeReader {
  const offsets = new Map<string, number>();
  return (value) => {
    if (value === null || value === undefined || value === '' || value.startsWith('0000-00-00')) return null;
    const m = DATETIME.exec(value);
    if (!m) return nativeToInstant(value, zone);
    const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    const quarter = `${value.slice(0, 13)}:${Math.floor(+m[5] / 15)}`;
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
