import { DateTime } from 'luxon';
import { BxsupError } from '../core/errors';
import { ReportWindow } from './reportTypes';

export const DEFAULT_REPORT_DAYS = 30;

/**
 * --from / --to → the window [from, to). A date (YYYY-MM-DD) is a local day in `zone`: --from starts
 * at its midnight, --to includes the whole day (the window ends at the next midnight). A full ISO
 * date-time with an offset (2024-03-12T10:30:00+03:00) is taken as that instant. Defaults: --to now,
 * --from 30 local days before --to, at midnight.
 */
export function parseReportWindow(
  input: { from?: string; to?: string },
  zone: string,
  now: Date,
): ReportWindow {
  const to = input.to ? parseBound(input.to, zone, 'to') : now;
  const from = input.from
    ? parseBound(input.from, zone, 'from')
    : DateTime.fromJSDate(to, { zone }).minus({ days: DEFAULT_REPORT_DAYS }).startOf('day').toJSDate();
  if (from.getTime() >= to.getTime()) {
    throw new BxsupError(
      'USAGE',
      `--from ${input.from ?? from.toISOString()} is not before --to ${input.to ?? 'now'}: swap them or widen the window`,
    );
  }
  return { from, to, zone };
}

function parseBound(text: string, zone: string, which: 'from' | 'to'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = DateTime.fromISO(text, { zone });
    if (day.isValid) return (which === 'to' ? day.plus({ days: 1 }) : day).startOf('day').toJSDate();
  } else {
    const at = DateTime.fromISO(text, { zone, setZone: true });
    if (at.isValid) return at.toJSDate();
  }
  throw new BxsupError(
    'USAGE',
    `--${which} ${text}: write a date as YYYY-MM-DD (a local day in ${zone}) or an ISO date-time such as 2024-03-12T10:30:00+03:00`,
  );
}
