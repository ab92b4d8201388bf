import { minutesText, percentText } from '../reportFormat';
import { GroupStats, OperatorStats, Report } from '../reportTypes';
import { escapeHtml } from './escapeHtml';

/** A table whose cells are already HTML; `headers` and plain text are escaped by the callers below. */
function table(headers: string[], rows: string[][]): string {
  const head = `<tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

export function durationTable(report: Report): string {
  const t = report.totals;
  const row = (name: string, s: GroupStats['firstReply']['wall']): string[] => [
    escapeHtml(name),
    minutesText(s.median),
    minutesText(s.p90),
    minutesText(s.mean),
    String(s.count),
  ];
  return table(
    ['', 'median', 'p90', 'mean', 'tickets'],
    [
      row('first reply, wall clock', t.firstReply.wall),
      row('first reply, business time', t.firstReply.business),
      row('resolution, wall clock', t.resolution.wall),
      row('resolution, business time', t.resolution.business),
    ],
  );
}

export function operatorTable(operators: OperatorStats[]): string {
  return table(
    ['operator (current assignee)', 'tickets', 'first replies', 'median first reply', 'breaches'],
    operators.map((o) => [
      escapeHtml(o.name),
      String(o.ticketsHandled),
      String(o.firstReplies),
      minutesText(o.medianFirstReplyMinutes),
      String(o.breaches),
    ]),
  );
}

export function groupTable(dimension: string, groups: GroupStats[]): string {
  return table(
    [
      dimension,
      'tickets',
      '1st reply median',
      '1st reply p90',
      'resolution median',
      '1st reply SLA',
      'resolution SLA',
      'breached',
      'reopen rate',
    ],
    groups.map((g) => [
      escapeHtml(g.label),
      String(g.tickets),
      minutesText(g.firstReply.wall.median),
      minutesText(g.firstReply.wall.p90),
      minutesText(g.resolution.wall.median),
      percentText(g.firstReplyCompliance.percent),
      percentText(g.resolutionCompliance.percent),
      String(g.breaches.tickets),
      percentText(g.reopen.percent),
    ]),
  );
}

export function escalationTable(report: Report): string {
  if (report.escalations === null) return '<p>The escalation agent is not installed in this database.</p>';
  if (report.escalations.byLevel.length === 0) return '<p>No escalation was applied in this period.</p>';
  return table(
    ['level', 'first reply', 'resolution', 'total'],
    report.escalations.byLevel.map((l) => [
      escapeHtml(l.level),
      String(l.firstReply),
      String(l.resolution),
      String(l.total),
    ]),
  );
}
