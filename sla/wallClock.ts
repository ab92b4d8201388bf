import { IANAZone } from 'luxon';

/**
 * The one place where local wall-clock time meets real instants. Calendars are written in wall-clock
 * time ("Mon 09:00–18:00 in Europe/Berlin") but SLA arithmetic counts real elapsed time, so every
 * boundary of a working range is turned into an instant here, DST included.
 *
 * A local date is a DayNumber (days since 1970-01-01, no zone) so that "the next day" is `day + 1`,
 * never "+24 h", which is wrong twice a year.
 */
export type DayNumber = number;

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → DayNumber, or null when the text is not a real calendar date (2024-02-30). */
export function parseIsoDate(text: string): DayNumber | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    return null;
  return ms / DAY_MS;
}

export function isoDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday, the numbering of Bitrix's WEEKDAY_NUMBER. 1970-01-01 was a Thursday. */
export function weekdayIndex(day: DayNumber): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The local date the zone's clock shows at `ms`. */
export function localDayOf(zone: IANAZone, ms: number): DayNumber {
  return Math.floor((ms + zone.offset(ms) * MINUTE_MS) / DAY_MS);
}

/**
 * The zone's offset in minutes when it stays the same from the day before `day` to the day after, else
 * null. Most days are like that, and then a wall-clock time is simply `wall − offset`: this spares
 * the (slow, Intl-based) offset look-ups of wallClockInstant. Transitions are months apart in every
 * zone, so three probes over three days catch any switch near `day`.
 */
export function steadyOffset(zone: IANAZone, day: DayNumber): number | null {
  const offset = zone.offset((day - 1) * DAY_MS);
  const same =
    zone.offset(day * DAY_MS + DAY_MS / 2) === offset && zone.offset((day + 2) * DAY_MS) === offset;
  return same ? offset : null;
}

/**
 * The first instant at which the zone's clock shows `minuteOfDay` (0…1440) or later on `day`.
 *
 * Why "first ... or later": luxon resolves a skipped wall time (02:30 on a spring-forward night) by
 * shifting it an hour forward and an ambiguous one (02:30 on a fall-back night) to its second
 * occurrence. Neither is what a working range means: a range starting at 02:30 on a spring-forward
 * night opens at the switch (the clock jumps from 02:00 to 03:00, so 03:00 is the first time the clock
 * shows ≥ 02:30), and a range ending at 02:30 on a fall-back night closes the first time the clock
 * shows 02:30. Defined this way, boundaries are monotonic in wall time, so a day's ranges stay ordered
 * and disjoint as instants. 1440 means the next day's midnight.
 */
export function wallClockInstant(zone: IANAZone, day: DayNumber, minuteOfDay: number): number {
  const wall = day * DAY_MS + minuteOfDay * MINUTE_MS;
  // The offsets in force around that day: a transition is never closer than a day to another one.
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall), zone.offset(wall + DAY_MS)]);
  let best: number | null = null;
  for (const offset of offsets) {
    const candidate = wall - offset * MINUTE_MS;
    if (zone.offset(candidate) === offset && (best === null || candidate < best)) best = candidate;
  }
  if (best !== null) return best;
  // Skipped wall time: the answer is the transition instant. Search between an instant whose clock
  // shows less than `wall` and one whose clock shows more.
  let lo = wall - Math.max(...offsets) * MINUTE_MS;
  let hi = wall - Math.min(...offsets) * MINUTE_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zone.offset(mid) * MINUTE_MS >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
