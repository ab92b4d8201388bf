import { CalendarConfig, MinuteRange, TimeRange, WEEKDAYS, Weekday } from './calendarConfig';
import { DayNumber, MINUTES_PER_DAY, isoDate, parseIsoDate, weekdayIndex } from './wallClock';
import type { NativeHolidayRow, NativeScheduleRow } from '../bridge/nativeSla';

type Ranges = MinuteRange[];

/**
 * Builds our CalendarConfig from the native support module's schedule, following what the module's
 * CSupportTimetableCache does (support 20.x–23.x), so our deadlines agree with the module's own:
 * - a weekday's first '24H' or 'CLOSED' row (rows ordered by MINUTE_FROM) decides that day and its
 *   CUSTOM rows are ignored; CUSTOM rows are [min, max] of the two minutes, overlapping ones merged;
 *   a weekday with no row at all is closed; no rows at all is 24/7 (the module then inserts '24H' rows).
 *   The module counts '24H' as 00:00–23:59:59; we count the whole day.
 * - holiday rows cover every local date from DATE_FROM's date to DATE_TILL's date inclusive:
 *   HOLIDAY closes the date; HOLIDAY_H closes the part of each date inside [DATE_FROM, DATE_TILL];
 *   WORKDAY_H opens that part instead of the weekly hours; WORKDAY_N gives the date the hours of weekday
 *   N (closed when N is CLOSED). A closed date wins, then WORKDAY hours replace the weekly ones, then
 *   HOLIDAY_H hours are cut out. Rows with empty, zero or reversed dates are ignored, as the module does.
 */
export function calendarFromNativeSchedule(
  rows: readonly NativeScheduleRow[],
  holidays: readonly NativeHolidayRow[],
  timeZone: string,
): CalendarConfig {
  const week = nativeWeek(rows);
  const weekly = (day: DayNumber): Ranges =>
    week === null ? [[0, MINUTES_PER_DAY]] : week[weekdayIndex(day)];
  const closed = new Set<DayNumber>();
  const opened = new Map<DayNumber, Ranges>();
  const cut = new Map<DayNumber, Ranges>();
  const push = (map: Map<DayNumber, Ranges>, day: DayNumber, ranges: Ranges) =>
    map.set(day, [...(map.get(day) ?? []), ...ranges]);

  for (const row of holidays) {
    const from = parseNativeDateTime(row.DATE_FROM);
    const till = parseNativeDateTime(row.DATE_TILL);
    if (!from || !till || till.day < from.day || (till.day === from.day && till.seconds < from.seconds))
      continue;
    const kind = row.OPEN_TIME.trim().toUpperCase();
    // Whole minutes: the module's day end is 23:59:59, which is our 24:00.
    const [startMinute, endMinute] = [Math.floor(from.seconds / 60), Math.ceil(till.seconds / 60)];
    for (let day = from.day; day <= till.day; day++) {
      const part: Ranges = [
        [day === from.day ? startMinute : 0, day === till.day ? endMinute : MINUTES_PER_DAY],
      ];
      if (kind === 'HOLIDAY') closed.add(day);
      else if (kind === 'HOLIDAY_H') push(cut, day, part);
      else if (kind === 'WORKDAY_H') push(opened, day, part);
      else if (/^WORKDAY_[0-6]$/.test(kind) && week?.[Number(kind.slice(-1))].length === 0) closed.add(day);
      else if (/^WORKDAY_[0-6]$/.test(kind))
        push(opened, day, week === null ? [[0, MINUTES_PER_DAY]] : week[Number(kind.slice(-1))]);
    }
  }

  const config: CalendarConfig = { timeZone };
  if (week !== null) {
    config.week = Object.fromEntries(WEEKDAYS.map((d, i) => [d, week[i].map(toTimeRange)])) as Record<
      Weekday,
      TimeRange[]
    >;
  }
  const holidayDates: string[] = [];
  const specialDays: Record<string, TimeRange[]> = {};
  const dates = [...new Set([...closed, ...opened.keys(), ...cut.keys()])].sort((a, b) => a - b);
  for (const day of dates) {
    const hours = closed.has(day)
      ? []
      : subtract(merge(opened.get(day) ?? weekly(day)), merge(cut.get(day) ?? []));
    if (hours.length === 0) holidayDates.push(isoDate(day));
    else if (!sameRanges(hours, weekly(day))) specialDays[isoDate(day)] = hours.map(toTimeRange);
  }
  if (holidayDates.length > 0) config.holidays = holidayDates;
  if (Object.keys(specialDays).length > 0) config.specialDays = specialDays;
  return config;
}

/** Index 0 = Monday; null when the schedule is 24/7. */
function nativeWeek(rows: readonly NativeScheduleRow[]): Ranges[] | null {
  if (rows.length === 0) return null;
  const minute = (v: number | string | null) => Math.min(Math.max(Number(v ?? 0) || 0, 0), MINUTES_PER_DAY);
  const week = WEEKDAYS.map((_, weekday) => {
    const dayRows = rows
      .filter((r) => Number(r.WEEKDAY_NUMBER) === weekday)
      .map((r) => ({ ...r, kind: r.OPEN_TIME.trim().toUpperCase() }))
      .sort(
        (a, b) =>
          (a.MINUTE_FROM === null ? -1 : minute(a.MINUTE_FROM)) -
          (b.MINUTE_FROM === null ? -1 : minute(b.MINUTE_FROM)),
      );
    const decisive = dayRows.find((r) => r.kind === '24H' || r.kind === 'CLOSED');
    if (decisive) return decisive.kind === '24H' ? [[0, MINUTES_PER_DAY] as const] : [];
    const custom = dayRows.filter((r) => r.kind === 'CUSTOM');
    return merge(
      custom.map((r) => {
        const [a, b] = [minute(r.MINUTE_FROM), minute(r.MINUTE_TILL)];
        return [Math.min(a, b), Math.max(a, b)] as const;
      }),
    );
  });
  return week.every((r) => sameRanges(r, [[0, MINUTES_PER_DAY]])) ? null : week;
}

function parseNativeDateTime(value: string | null): { day: DayNumber; seconds: number } | null {
  const m = value ? /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value) : null;
  const day = m ? parseIsoDate(m[1]) : null;
  if (!m || day === null) return null; // NULL, '' and 0000-00-00 all mean "none"
  return { day, seconds: Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0) };
}

/** Sorted union of ranges; touching ranges join. Empty ranges vanish. */
function merge(ranges: Ranges): Ranges {
  const out: Array<[number, number]> = [];
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (e <= s) continue;
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function subtract(hours: Ranges, cuts: Ranges): Ranges {
  let out = hours;
  for (const [cs, ce] of cuts) {
    out = out
      .flatMap(([s, e]): Ranges => [
        [s, Math.min(e, cs)],
        [Math.max(s, ce), e],
      ])
      .filter(([s, e]) => e > s);
  }
  return out;
}

function sameRanges(a: Ranges, b: Ranges): boolean {
  return a.length === b.length && a.every(([s, e], i) => s === b[i][0] && e === b[i][1]);
}

function toTimeRange([s, e]: MinuteRange): TimeRange {
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return [hhmm(s), hhmm(e)];
}
