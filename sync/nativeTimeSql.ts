import { Info } from 'luxon';
import { instantToUtc, nativeToInstant } from '../core/time';

/**
 * Native DATETIMEs converted to UTC inside the server, giving exactly what the reader of nativeTime.ts
 * gives in Node, for the backfill's INSERT … SELECT (sync/mapping/ticketSql.ts). The site zone's offset
 * is a step function of wall-clock time; this finds its steps over a window of years (from luxon's
 * offsets, checked around every change against nativeToInstant itself, which the reader calls) and
 * writes it as a tree of IFs. A value outside the window, or a zone whose offsets change off a
 * quarter-hour (where the reader's per-quarter-hour cache is not what nativeToInstant gives), is not
 * converted here: the caller leaves such rows to Node.
 */
export interface WallOffsets {
  /** The window, as wall-clock DATETIME text: from ≤ value < to. */
  from: string;
  to: string;
  /** Offsets in seconds (local minus UTC), each from its wall-clock start (the first: from `from`). */
  steps: Array<{ start: number; offsetSeconds: number }>;
}

const DAY = 86_400_000;
const QUARTER = 900_000;

/** The zone's steps over [fromYear, toYear) in wall-clock time, or null when SQL cannot match Node. */
export function wallOffsets(zone: string, fromYear: number, toYear: number): WallOffsets | null {
  const tz = Info.normalizeZone(zone);
  if (!tz.isValid) return null;
  const from = Date.UTC(fromYear, 0, 1);
  const to = Date.UTC(toYear, 0, 1);
  const offsetAt = (instant: number) => Math.round(tz.offset(instant) * 60_000);
  // Instants where the offset changes: probed a day apart (no zone changes twice within a day), then
  // narrowed to the millisecond.
  const changes: Array<{ at: number; before: number; after: number }> = [];
  let prev = offsetAt(from - 2 * DAY);
  for (let t = from - DAY; t <= to + 2 * DAY; t += DAY) {
    const here = offsetAt(t);
    if (here === prev) continue;
    let low = t - DAY;
    let high = t;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (offsetAt(mid) === prev) low = mid;
      else high = mid;
    }
    changes.push({ at: high, before: prev, after: here });
    prev = here;
  }
  const steps: Array<{ start: number; offset: number }> = [{ start: from, offset: offsetAt(from - 2 * DAY) }];
  const exact = (wall: number): number | null => {
    const instant = nativeToInstant(instantToUtc(new Date(wall)), zone);
    return instant === null ? null : wall - instant.getTime();
  };
  for (const change of changes) {
    // Wall times in [low, high) are skipped or repeated by this change: what nativeToInstant makes of
    // them is asked quarter-hour by quarter-hour, at both ends of each.
    const low = change.at + Math.min(change.before, change.after);
    const high = change.at + Math.max(change.before, change.after);
    if (low % QUARTER !== 0 || high % QUARTER !== 0) return null;
    for (let q = low; q < high; q += QUARTER) {
      const first = exact(q);
      if (first === null || exact(q + QUARTER - 1000) !== first) return null;
      steps.push({ start: q, offset: first });
    }
    if (exact(low - 1000) !== change.before || exact(high) !== change.after) return null;
    steps.push({ start: high, offset: change.after });
  }
  const merged: WallOffsets['steps'] = [];
  for (const step of steps) {
    if (step.offset % 1000 !== 0) return null;
    const start = Math.max(step.start, from);
    const last = merged[merged.length - 1];
    // A step before the window only sets the offset it starts with.
    if (last && last.start === start) merged.pop();
    if (merged.length && merged[merged.length - 1].offsetSeconds === step.offset / 1000) continue;
    merged.push({ start, offsetSeconds: step.offset / 1000 });
  }
  if (exact(from) !== merged[0].offsetSeconds * 1000) return null;
  return { from: instantToUtc(new Date(from)), to: instantToUtc(new Date(to)), steps: merged };
}

/** A DATETIME literal of a wall-clock time held as if it were UTC. */
function wallLiteral(wall: number): string {
  return `'${instantToUtc(new Date(wall))}'`;
}

/** The offset in seconds at `column`'s wall-clock value (within the window), as a tree of IFs. */
export function offsetSecondsSql(column: string, offsets: WallOffsets): string {
  const tree = (steps: WallOffsets['steps']): string => {
    if (steps.length === 1) return String(steps[0].offsetSeconds);
    const middle = Math.floor(steps.length / 2);
    return `IF(${column} < ${wallLiteral(steps[middle].start)}, ${tree(steps.slice(0, middle))}, ${tree(steps.slice(middle))})`;
  };
  return tree(offsets.steps);
}

/** `column` (a native DATETIME within the window) as a UTC DATETIME. */
export function utcSql(column: string, offsets: WallOffsets): string {
  return `DATE_SUB(${column}, INTERVAL ${offsetSecondsSql(column, offsets)} SECOND)`;
}

/**
 * Whether `column` holds a real date within the window: not NULL, not zero, no zero month or day, no
 * 30 February (which luxon calls invalid and a lax sql_mode may have stored).
 */
export function inWindowSql(column: string, offsets: WallOffsets): string {
  return (
    `(${column} >= '${offsets.from}' AND ${column} < '${offsets.to}' AND MONTH(${column}) > 0 ` +
    `AND DAYOFMONTH(${column}) > 0 AND DAYOFMONTH(${column}) <= DAYOFMONTH(LAST_DAY(${column})))`
  );
}
