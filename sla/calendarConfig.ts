import { IANAZone } from 'luxon';
import { BxsupError } from '../core/errors';
import { DayNumber, MINUTES_PER_DAY, parseIsoDate } from './wallClock';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A working range in local wall-clock time: ['09:00', '13:00']; the end is exclusive and may be '24:00'. */
export type TimeRange = [string, string];

/**
 * A business calendar as written in configuration.
 * - `week` absent: open 24/7 (the default calendar). Present: a weekday that is missing or [] is closed.
 * - `holidays`: local dates closed all day.
 * - `specialDays`: local dates with their own hours instead of the weekly ones (a short day before a
 *   holiday, a Saturday worked in place of a bridge day); [] closes the day. Bitrix's partial holidays
 *   and moved working days (b_ticket_holidays) land here.
 */
export interface CalendarConfig {
  timeZone: string;
  week?: Partial<Record<Weekday, TimeRange[]>>;
  holidays?: string[];
  specialDays?: Record<string, TimeRange[]>;
}

/** Minutes since local midnight, [start, end), end ≤ 1440. */
export type MinuteRange = readonly [number, number];

export interface CompiledCalendar {
  timeZone: string;
  zone: IANAZone;
  /** Index 0 = Monday; null = 24/7. */
  week: MinuteRange[][] | null;
  holidays: ReadonlySet<DayNumber>;
  specialDays: ReadonlyMap<DayNumber, MinuteRange[]>;
}

const HH_MM = /^(\d{2}):(\d{2})$/;

function invalid(key: string, problem: string): BxsupError {
  return new BxsupError('CONFIG_INVALID', `invalid configuration: ${key} ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTime(text: unknown, key: string, isEnd: boolean): number {
  const m = typeof text === 'string' ? HH_MM.exec(text) : null;
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  const max = isEnd ? MINUTES_PER_DAY : MINUTES_PER_DAY - 1;
  if (!m || Number(m[2]) > 59 || !(minutes <= max)) {
    const allowed = isEnd ? "'00:01'…'24:00'" : "'00:00'…'23:59'";
    throw invalid(key, `is ${JSON.stringify(text)}: write a 24-hour time 'HH:mm' in ${allowed}`);
  }
  return minutes;
}

/** Ranges of one day, sorted; touching ranges merged; overlaps and midnight crossings rejected. */
function parseRanges(value: unknown, key: string): MinuteRange[] {
  if (!Array.isArray(value)) throw invalid(key, "must be a list of ['HH:mm', 'HH:mm'] ranges ([] = closed)");
  const ranges = value.map((range: unknown, i): MinuteRange => {
    const at = `${key}[${i}]`;
    if (!Array.isArray(range) || range.length !== 2) throw invalid(at, "must be a pair ['HH:mm', 'HH:mm']");
    const start = parseTime(range[0], `${at}[0]`, false);
    const end = parseTime(range[1], `${at}[1]`, true);
    if (end <= start) {
      throw invalid(
        at,
        `is ${JSON.stringify(range)}: the end must be after the start. A range crossing midnight is not ` +
          `supported: split it into ['${range[0]}', '24:00'] on this day and ['00:00', '${range[1]}'] on the next`,
      );
    }
    return [start, end];
  });
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: MinuteRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] < last[1]) throw invalid(key, 'has overlapping ranges: merge them or fix the times');
    if (last && r[0] === last[1]) merged[merged.length - 1] = [last[0], r[1]];
    else merged.push(r);
  }
  return merged;
}

function parseDate(text: unknown, key: string): DayNumber {
  const day = typeof text === 'string' ? parseIsoDate(text) : null;
  if (day === null) throw invalid(key, `is ${JSON.stringify(text)}: write a real local date as 'YYYY-MM-DD'`);
  return day;
}

export function compileCalendar(config: CalendarConfig, path = 'calendar'): CompiledCalendar {
  const raw: unknown = config;
  if (!isRecord(raw)) throw invalid(path, "must be an object such as { timeZone: 'Europe/Moscow' }");
  const known = new Set(['timeZone', 'week', 'holidays', 'specialDays']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw invalid(`${path}.${key}`, `is unknown: use one of ${[...known].join(', ')}`);
  }
  if (typeof raw.timeZone !== 'string' || !IANAZone.isValidZone(raw.timeZone)) {
    throw invalid(
      `${path}.timeZone`,
      `is ${JSON.stringify(raw.timeZone)}: use an IANA time zone name such as 'Europe/Moscow' or 'UTC'`,
    );
  }
  return {
    timeZone: raw.timeZone,
    zone: IANAZone.create(raw.timeZone),
    week: raw.week === undefined ? null : compileWeek(raw.week, `${path}.week`),
    ...compileExceptions(raw.holidays, raw.specialDays, path),
  };
}

function compileWeek(value: unknown, key: string): MinuteRange[][] {
  if (!isRecord(value)) throw invalid(key, "must be an object such as { mon: [['09:00', '18:00']] }");
  for (const day of Object.keys(value)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      throw invalid(`${key}.${day}`, `is not a weekday: use ${WEEKDAYS.join(', ')}`);
    }
  }
  const week = WEEKDAYS.map((day) =>
    value[day] === undefined ? [] : parseRanges(value[day], `${key}.${day}`),
  );
  if (week.every((ranges) => ranges.length === 0)) {
    throw invalid(
      key,
      'has no working hours on any day: add ranges, or leave "week" out for a 24/7 calendar',
    );
  }
  return week;
}

function compileExceptions(
  holidaysValue: unknown,
  specialValue: unknown,
  path: string,
): Pick<CompiledCalendar, 'holidays' | 'specialDays'> {
  if (holidaysValue !== undefined && !Array.isArray(holidaysValue)) {
    throw invalid(`${path}.holidays`, "must be a list of 'YYYY-MM-DD' dates");
  }
  const holidays = new Set(
    (holidaysValue ?? []).map((d: unknown, i) => parseDate(d, `${path}.holidays[${i}]`)),
  );
  const specialDays = new Map<DayNumber, MinuteRange[]>();
  if (specialValue !== undefined && !isRecord(specialValue)) {
    throw invalid(`${path}.specialDays`, "must be an object such as { '2024-12-24': [['09:00', '13:00']] }");
  }
  for (const [date, ranges] of Object.entries(specialValue ?? {})) {
    const key = `${path}.specialDays.${date}`;
    const day = parseDate(date, key);
    if (holidays.has(day)) throw invalid(key, 'is also a holiday: keep it in one of the two lists');
    specialDays.set(day, parseRanges(ranges, key));
  }
  return { holidays, specialDays };
}
