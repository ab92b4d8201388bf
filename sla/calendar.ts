import { CalendarConfig, CompiledCalendar, compileCalendar } from './calendarConfig';
import {
  DayNumber,
  MINUTE_MS,
  MINUTES_PER_DAY,
  localDayOf,
  steadyOffset,
  wallClockInstant,
  weekdayIndex,
} from './wallClock';

export type { CalendarConfig, TimeRange } from './calendarConfig';
export { calendarFromNativeSchedule } from './nativeSchedule';
export type { NativeHolidayRow, NativeScheduleRow } from '../bridge/nativeSla';

/** One local day as real instants: its working intervals [start, end) in epoch ms, sorted and disjoint. */
interface Day {
  start: number;
  end: number;
  intervals: Array<[number, number]>;
  totalMs: number;
}

const FULL_DAY = [[0, MINUTES_PER_DAY] as const];
/** Days computed once per calendar; a daemon only ever looks at a few months around now. */
const DAY_CACHE_LIMIT = 20_000;
/** A safety net against a runaway walk; a valid calendar has working time every week. */
const MAX_WALK_DAYS = 200 * 366;

/**
 * Working time of a business calendar, counted in real elapsed time.
 *
 * Why real time: a ticket waits in real time, and a night shift 00:00–06:00 really lasts 5 hours on a
 * spring-forward night and 7 on a fall-back night, exactly as a 24/7 calendar counts 23 and 25 hours on
 * those days. Daytime ranges (09:00–18:00) never contain a switch, so they stay 9 hours. Ranges are
 * placed on the wall clock of the calendar's zone (see wallClockInstant for skipped and repeated times).
 *
 * Long spans walk whole days using each day's cached total, never minute by minute.
 */
export class BusinessCalendar {
  private readonly days = new Map<DayNumber, Day>();
  private readonly always: boolean;

  private constructor(private readonly c: CompiledCalendar) {
    this.always = c.week === null && c.holidays.size === 0 && c.specialDays.size === 0;
  }

  /** Validates the config; throws a CONFIG_INVALID BxsupError naming `path.key` and the fix. */
  static from(config: CalendarConfig, path = 'calendar'): BusinessCalendar {
    return new BusinessCalendar(compileCalendar(config, path));
  }

  get timeZone(): string {
    return this.c.timeZone;
  }

  isWorkingTime(at: Date): boolean {
    const t = instant(at, 'at');
    if (this.always) return true;
    // The previous day too: after a fall-back at midnight the clock shows yesterday's date again.
    const today = localDayOf(this.c.zone, t);
    return [today - 1, today].some((d) => this.day(d).intervals.some(([s, e]) => s <= t && t < e));
  }

  /**
   * The earliest instant at which `minutes` working minutes have passed since `start`. A deadline that
   * is used up exactly at close of business falls at the close (Friday 18:00), not at the next opening.
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`addWorkingMinutes: minutes must be a finite number ≥ 0, got ${minutes}`);
    }
    return new Date(this.addWorkingMs(instant(start, 'start'), Math.round(minutes * MINUTE_MS)));
  }

  /** Working minutes in [a, b); negative when b is before a. May be fractional (instants carry seconds). */
  workingMinutesBetween(a: Date, b: Date): number {
    return this.workingMsBetween(instant(a, 'a'), instant(b, 'b')) / MINUTE_MS;
  }

  /** The exact (integer milliseconds) form of addWorkingMinutes, for callers that sum many spans. */
  addWorkingMs(start: number, ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`addWorkingMs: ms must be ≥ 0, got ${ms}`);
    if (this.always || ms === 0) return start + ms;
    let remaining = ms;
    let t = start;
    const first = localDayOf(this.c.zone, t) - 1;
    for (let d = first; d < first + MAX_WALK_DAYS; d++) {
      const day = this.day(d);
      if (day.end <= t) continue;
      if (day.start >= t && day.totalMs < remaining) {
        remaining -= day.totalMs;
        continue;
      }
      for (const [s, e] of day.intervals) {
        if (e <= t) continue;
        const from = Math.max(s, t);
        if (e - from >= remaining) return from + remaining;
        remaining -= e - from;
        t = e;
      }
    }
    throw new RangeError(`addWorkingMs: no working time found within ${MAX_WALK_DAYS} days`);
  }

  /** The exact (integer milliseconds) form of workingMinutesBetween. */
  workingMsBetween(a: number, b: number): number {
    if (b < a) return -this.workingMsBetween(b, a);
    if (this.always) return b - a;
    let total = 0;
    for (let d = localDayOf(this.c.zone, a) - 1; ; d++) {
      const day = this.day(d);
      if (day.start >= b) return total;
      if (day.start >= a && day.end <= b) {
        total += day.totalMs;
        continue;
      }
      for (const [s, e] of day.intervals) total += Math.max(0, Math.min(e, b) - Math.max(s, a));
    }
  }

  private day(d: DayNumber): Day {
    const cached = this.days.get(d);
    if (cached) return cached;
    if (this.days.size >= DAY_CACHE_LIMIT) this.days.clear();
    const zone = this.c.zone;
    const steady = steadyOffset(zone, d);
    const at = (minute: number) =>
      steady === null
        ? wallClockInstant(zone, d, minute)
        : (d * MINUTES_PER_DAY + minute - steady) * MINUTE_MS;
    const intervals: Array<[number, number]> = [];
    for (const [from, to] of this.rangesOf(d)) {
      const [s, e] = [at(from), at(to)];
      if (e > s) intervals.push([s, e]); // a range inside a skipped hour has no real time at all
    }
    const day: Day = {
      start: at(0),
      end: at(MINUTES_PER_DAY),
      intervals,
      totalMs: intervals.reduce((sum, [s, e]) => sum + e - s, 0),
    };
    this.days.set(d, day);
    return day;
  }

  private rangesOf(d: DayNumber): ReadonlyArray<readonly [number, number]> {
    if (this.c.holidays.has(d)) return [];
    const special = this.c.specialDays.get(d);
    if (special) return special;
    return this.c.week === null ? FULL_DAY : this.c.week[weekdayIndex(d)];
  }
}

function instant(value: Date, name: string): number {
  const t = value instanceof Date ? value.getTime() : NaN;
  if (Number.isNaN(t)) throw new TypeError(`BusinessCalendar: ${name} must be a valid Date`);
  return t;
}
