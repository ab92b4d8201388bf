import { round2 } from './reportFormat';
import { GroupStats, Report } from './reportTypes';

/**
 * The report's table as CSV (RFC 4180, CRLF): the totals row, then one row per --by group. Text cells
 * that a spreadsheet would run as a formula (= + - @ at the start, or a tab/CR) get a leading quote:
 * category and operator names come from the site's database.
 */
const HEADER = [
  'group',
  'label',
  'tickets',
  ...['first_reply', 'resolution'].flatMap((what) =>
    ['wall', 'business'].flatMap((clock) =>
      ['median', 'p90', 'mean'].map((stat) => `${what}_${stat}_${clock}_min`),
    ),
  ),
  'first_reply_sla_pct',
  'first_reply_met',
  'first_reply_breached',
  'resolution_sla_pct',
  'resolution_met',
  'resolution_breached',
  'tickets_breached',
  'reopened',
  'reopen_rate_pct',
  'order_linked',
  'not_order_linked',
];

export function reportCsv(report: Report): string {
  const groups = [report.totals, ...(report.by?.groups ?? [])];
  const rows = groups.map((g, i) => row(i === 0 ? 'all' : (report.by?.dimension ?? ''), g));
  return [HEADER, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function row(dimension: string, g: GroupStats): Array<string | number | null> {
  const stats = [g.firstReply.wall, g.firstReply.business, g.resolution.wall, g.resolution.business];
  return [
    dimension,
    g.label,
    g.tickets,
    ...stats.flatMap((s) => [round2(s.median), round2(s.p90), round2(s.mean)]),
    round2(g.firstReplyCompliance.percent),
    g.firstReplyCompliance.met,
    g.firstReplyCompliance.breached,
    round2(g.resolutionCompliance.percent),
    g.resolutionCompliance.met,
    g.resolutionCompliance.breached,
    g.breaches.tickets,
    g.reopen.reopened,
    round2(g.reopen.percent),
    g.orderLinked,
    g.notOrderLinked,
  ];
}

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
